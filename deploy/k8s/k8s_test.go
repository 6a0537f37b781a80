package k8s_test

import (
	"bufio"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/types"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/libres/storefront/internal/config"
)

const (
	repository = "ghcr.io/fundacion-libres/libres"
	secretName = "libres-secrets"
	// workersStop is how long serve gives its workers after the last request
	// (cmd/libres serve: stopWorkers' 15 s timeout).
	workersStop = 15
	uid         = 65532
)

// The kustomizations operators apply: the base alone (a staging cluster) and production.
var dirs = []string{"base", "overlays/production"}

func TestManifests(t *testing.T) {
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			stream := render(t, dir)
			m, err := decode(stream)
			if err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
			t.Run("kubectl", func(t *testing.T) { compareWithKubectl(t, dir, stream) })

			web, worker, job := m.deployments["libres-web"], m.deployments["libres-worker"], m.jobs["libres-migrate"]
			if web == nil || worker == nil || job == nil {
				t.Fatalf("%s renders Deployments %v and Jobs %v; want libres-web, libres-worker and libres-migrate", dir, keys(m.deployments), keys(m.jobs))
			}
			pods := map[string]*corev1.PodTemplateSpec{"Deployment libres-web": &web.Spec.Template,
				"Deployment libres-worker": &worker.Spec.Template, "Job libres-migrate": &job.Spec.Template}
			envs := map[string]map[string]envSource{}
			for what, pod := range pods {
				if len(pod.Spec.Containers) != 1 || len(pod.Spec.InitContainers) != 0 {
					t.Fatalf("%s: want one container, the store", what)
				}
				envs[what] = containerEnv(t, m, what, pod.Spec.Containers[0])
			}
			checkEnvKnown(t, m, envs)
			cfgs := checkConfigLoads(t, envs)
			checkRoles(t, envs)
			checkSecrets(t, envs)
			checkImages(t, dir, pods)
			checkSecurity(t, m, pods)
			webCfg := cfgs["Deployment libres-web"]
			for what, d := range map[string]*corev1.PodTemplateSpec{"libres-web": &web.Spec.Template, "libres-worker": &worker.Spec.Template} {
				checkProbes(t, what, d.Spec.Containers[0], cfgs["Deployment "+what].Port)
				checkShutdown(t, what, d.Spec, cfgs["Deployment "+what].ShutdownGrace)
				checkMetricsPort(t, what, d.Spec.Containers[0], envs["Deployment "+what])
			}
			checkRouting(t, m, webCfg)
			checkScaling(t, m)
			checkJob(t, job.Spec.Template.Spec.Containers[0], envs)
			checkRolloutSteps(t, stream)
			t.Logf("%s: %d objects rendered, decoded strictly and checked (%d Deployments, %d Services, %d Ingresses, %d HPAs, %d PDBs, %d Jobs, %d ConfigMaps, %d ServiceAccounts, %d NetworkPolicies)",
				dir, m.n, len(m.deployments), len(m.services), len(m.ingresses), len(m.hpas), len(m.pdbs), len(m.jobs), len(m.configMaps), len(m.accounts), len(m.policies))
		})
	}
}

// envSource is where a container's variable comes from: a value (literal or from the
// ConfigMap) or a key of the Secret.
type envSource struct {
	value          string
	secret, key    string
	optional       bool
	fromConfigMaps bool
}

// containerEnv resolves a container's environment as the kubelet does: envFrom first,
// then env, which wins.
func containerEnv(t *testing.T, m *manifests, what string, c corev1.Container) map[string]envSource {
	t.Helper()
	env := map[string]envSource{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Errorf("%s: envFrom %+v: only ConfigMaps come whole; secrets are named key by key", what, from)
			continue
		}
		cm := m.configMaps[from.ConfigMapRef.Name]
		if cm == nil {
			t.Errorf("%s: envFrom ConfigMap %q is not in the manifests", what, from.ConfigMapRef.Name)
			continue
		}
		for k, v := range cm.Data {
			env[from.Prefix+k] = envSource{value: v, fromConfigMaps: true}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = envSource{value: e.Value}
		case e.ValueFrom.SecretKeyRef != nil:
			r := e.ValueFrom.SecretKeyRef
			env[e.Name] = envSource{secret: r.Name, key: r.Key, optional: r.Optional != nil && *r.Optional}
		default:
			t.Errorf("%s: %s comes from %+v; want a value, the ConfigMap or a Secret key", what, e.Name, e.ValueFrom)
		}
	}
	return env
}

// checkEnvKnown: every variable the manifests set is one the store reads; a misspelt
// name would be ignored by the store without a word.
func checkEnvKnown(t *testing.T, m *manifests, envs map[string]map[string]envSource) {
	t.Helper()
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
	}
	for what, env := range envs {
		for _, name := range keys(env) {
			if !known[name] {
				t.Errorf("%s sets %s, which is not in config.Vars (internal/config): the store does not read it", what, name)
			}
		}
	}
	for name, cm := range m.configMaps {
		for k := range cm.Data {
			if !known[k] {
				t.Errorf("ConfigMap %s has %s, which is not in config.Vars", name, k)
			}
		}
	}
}

// checkConfigLoads: each process's environment, with the Secret's keys filled with
// well-formed stand-ins, is a configuration the store accepts (the ConfigMap's values
// pass the same validation as at start-up).
func checkConfigLoads(t *testing.T, envs map[string]map[string]envSource) map[string]config.Config {
	t.Helper()
	standIns := map[string]string{
		"DATABASE_URL":          "postgres://libres:secret@db.internal:5432/libres?sslmode=require",
		"LIBRES_S3_ACCESS_KEY":  "AKIAEXAMPLE",
		"LIBRES_S3_SECRET_KEY":  "example-secret",
		"LIBRES_ORDER_LINK_KEY": strings.Repeat("k", 32),
		"SMTP_URL":              "smtp://apikey:secret@smtp.example.co:587?starttls=required",
		"STRIPE_SECRET_KEY":     "sk_live_example",
		"STRIPE_WEBHOOK_SECRET": "whsec_example",
		"LIBRES_METRICS_TOKEN":  "example-token-of-32-characters!!",
	}
	cfgs := map[string]config.Config{}
	for what, env := range envs {
		cfg, err := config.Load(func(name string) string {
			e, ok := env[name]
			switch {
			case !ok:
				return ""
			case e.secret != "":
				if v, ok := standIns[e.key]; ok {
					return v
				}
				t.Errorf("%s: no stand-in for the Secret's key %s in this test", what, e.key)
				return ""
			}
			return e.value
		})
		if err != nil {
			t.Errorf("%s: the store refuses this configuration: %v", what, err)
		}
		if cfg.Seller.Sample {
			t.Logf("%s: no seller configured (the footer shows the sample seller)", what)
		}
		cfgs[what] = cfg
	}
	return cfgs
}

// checkRoles: web replicas run no workers, worker replicas serve no store, and every
// process gets the variables the store requires.
func checkRoles(t *testing.T, envs map[string]map[string]envSource) {
	t.Helper()
	web, worker := envs["Deployment libres-web"], envs["Deployment libres-worker"]
	if web["LIBRES_WORKERS"].value != "false" || web["LIBRES_WEB"].value == "false" {
		t.Errorf("libres-web: LIBRES_WORKERS=%q LIBRES_WEB=%q; want false and unset", web["LIBRES_WORKERS"].value, web["LIBRES_WEB"].value)
	}
	if worker["LIBRES_WEB"].value != "false" || worker["LIBRES_WORKERS"].value == "false" {
		t.Errorf("libres-worker: LIBRES_WEB=%q LIBRES_WORKERS=%q; want false and unset", worker["LIBRES_WEB"].value, worker["LIBRES_WORKERS"].value)
	}
	for _, v := range config.Vars {
		d := strings.TrimPrefix(v.Default, "(")
		if !strings.HasPrefix(d, "required") {
			continue
		}
		conditional := strings.HasPrefix(d, "required with")
		for what, env := range envs {
			e, ok := env[v.Name]
			switch {
			case !ok:
				t.Errorf("%s does not set %s, which the store requires (%s)", what, v.Name, v.Default)
			case e.optional && !conditional:
				t.Errorf("%s takes %s from an optional Secret key: the store requires it", what, v.Name)
			case e.secret == "" && e.value == "":
				t.Errorf("%s sets %s empty; the store requires it", what, v.Name)
			}
		}
	}
}

// checkSecrets: secrets come from the one Secret, whose keys are exactly those
// secret.example.env documents, and never sit in the ConfigMap or the manifests.
func checkSecrets(t *testing.T, envs map[string]map[string]envSource) {
	t.Helper()
	documented := exampleSecretKeys(t)
	for what, env := range envs {
		var used []string
		for name, e := range env {
			if e.secret == "" {
				if strings.Contains(name, "SECRET") || strings.Contains(name, "TOKEN") || strings.HasSuffix(name, "_KEY") ||
					name == "DATABASE_URL" || name == "SMTP_URL" {
					t.Errorf("%s: %s is a secret but is set in the clear (ConfigMap or value)", what, name)
				}
				continue
			}
			if e.secret != secretName || e.key != name {
				t.Errorf("%s: %s comes from Secret %s key %s; want %s key %s", what, name, e.secret, e.key, secretName, name)
			}
			used = append(used, e.key)
		}
		sort.Strings(used)
		if !slices.Equal(used, documented) {
			t.Errorf("%s reads the Secret's keys %v; secret.example.env documents %v", what, used, documented)
		}
	}
}

// exampleSecretKeys reads the names secret.example.env lists (KEY=placeholder lines).
func exampleSecretKeys(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("secret.example.env")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("secret.example.env: %q is not KEY=value", line)
		}
		names = append(names, name)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// checkImages: every process runs the one image, at the tag the kustomization sets.
func checkImages(t *testing.T, dir string, pods map[string]*corev1.PodTemplateSpec) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k types.Kustomization
	if err := sigsyaml.UnmarshalStrict(b, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	tag := ""
	for _, img := range k.Images {
		if img.Name == repository {
			tag = img.NewTag
		}
	}
	if tag == "" {
		t.Fatalf("%s/kustomization.yaml sets no tag for %s", dir, repository)
	}
	for what, pod := range pods {
		for _, c := range pod.Spec.Containers {
			if want := repository + ":" + tag; c.Image != want {
				t.Errorf("%s runs image %q; want %q", what, c.Image, want)
			}
		}
	}
}

// checkSecurity: no process runs as root, writes its image or gains privileges.
func checkSecurity(t *testing.T, m *manifests, pods map[string]*corev1.PodTemplateSpec) {
	t.Helper()
	for what, pod := range pods {
		ps := pod.Spec.SecurityContext
		if ps == nil {
			ps = &corev1.PodSecurityContext{}
		}
		if pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken {
			t.Errorf("%s mounts a service account token; the store never calls the API", what)
		}
		if sa := m.accounts[pod.Spec.ServiceAccountName]; sa == nil || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
			t.Errorf("%s runs as ServiceAccount %q: want one of the manifests with automountServiceAccountToken false", what, pod.Spec.ServiceAccountName)
		}
		for _, c := range pod.Spec.Containers {
			sc := c.SecurityContext
			if sc == nil {
				t.Errorf("%s container %s has no securityContext", what, c.Name)
				continue
			}
			seccomp := sc.SeccompProfile
			if seccomp == nil {
				seccomp = ps.SeccompProfile
			}
			switch {
			case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
				t.Errorf("%s: runAsNonRoot is not true", what)
			case sc.RunAsUser == nil || *sc.RunAsUser != uid:
				t.Errorf("%s: runAsUser is %v; want %d (the image's nonroot user)", what, sc.RunAsUser, uid)
			case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
				t.Errorf("%s: the root filesystem is writable", what)
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Errorf("%s: privilege escalation is allowed", what)
			case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0:
				t.Errorf("%s: capabilities %+v; want drop ALL, add none", what, sc.Capabilities)
			case seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault:
				t.Errorf("%s: seccomp profile %+v; want RuntimeDefault", what, seccomp)
			case sc.Privileged != nil && *sc.Privileged:
				t.Errorf("%s is privileged", what)
			}
			// Uploads are spooled to os.TempDir: /tmp must be writable.
			tmp := false
			for _, vm := range c.VolumeMounts {
				if vm.MountPath == "/tmp" && !vm.ReadOnly {
					for _, v := range pod.Spec.Volumes {
						tmp = tmp || (v.Name == vm.Name && v.EmptyDir != nil)
					}
				}
			}
			if !tmp {
				t.Errorf("%s: /tmp is not a writable emptyDir; uploads are spooled there", what)
			}
		}
	}
}

// checkProbes: the kubelet asks /healthz (alive) and /readyz (the database answers) on
// the port the store listens on.
func checkProbes(t *testing.T, what string, c corev1.Container, port int) {
	t.Helper()
	for _, p := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{{"startup", c.StartupProbe, "/healthz"}, {"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s: no %s probe over HTTP", what, p.name)
			continue
		}
		if p.probe.HTTPGet.Path != p.path {
			t.Errorf("%s: %s probe asks %s; want %s", what, p.name, p.probe.HTTPGet.Path, p.path)
		}
		if got := containerPort(c, p.probe.HTTPGet.Port.String()); got != port {
			t.Errorf("%s: %s probe on port %s (%d); the store listens on PORT=%d", what, p.name, p.probe.HTTPGet.Port.String(), got, port)
		}
	}
}

// containerPort resolves a port given by name or number to the container's port, or 0.
func containerPort(c corev1.Container, nameOrNumber string) int {
	for _, p := range c.Ports {
		if p.Name == nameOrNumber || strconv.Itoa(int(p.ContainerPort)) == nameOrNumber {
			return int(p.ContainerPort)
		}
	}
	return 0
}

// checkShutdown: the endpoint goes before SIGTERM (preStop sleep), and the kubelet
// waits for in-flight requests and the workers before it kills the process.
func checkShutdown(t *testing.T, what string, spec corev1.PodSpec, grace int) {
	t.Helper()
	c := spec.Containers[0]
	var sleep int64
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds < 1 {
		t.Errorf("%s: no preStop sleep: the endpoint may still get requests after SIGTERM", what)
	} else {
		sleep = c.Lifecycle.PreStop.Sleep.Seconds
	}
	need := sleep + int64(grace) + workersStop
	var got int64 = 30 // the kubelet's default
	if spec.TerminationGracePeriodSeconds != nil {
		got = *spec.TerminationGracePeriodSeconds
	}
	if got <= need {
		t.Errorf("%s: terminationGracePeriodSeconds %d; want more than preStop %d s + LIBRES_SHUTDOWN_GRACE %d s + workers %d s",
			what, got, sleep, grace, workersStop)
	}
}

// checkMetricsPort: /metrics on its own port, named metrics, where the store listens.
func checkMetricsPort(t *testing.T, what string, c corev1.Container, env map[string]envSource) {
	t.Helper()
	_, port, err := net.SplitHostPort(env["LIBRES_METRICS_ADDR"].value)
	if err != nil {
		t.Errorf("%s: LIBRES_METRICS_ADDR=%q: %v", what, env["LIBRES_METRICS_ADDR"].value, err)
		return
	}
	if got := containerPort(c, "metrics"); strconv.Itoa(got) != port {
		t.Errorf("%s: container port named metrics is %d; LIBRES_METRICS_ADDR listens on %s", what, got, port)
	}
}

// checkRouting: the Ingress serves the public host over TLS to the Service, and the
// Service reaches the web replicas' store port, never the workers nor /metrics.
func checkRouting(t *testing.T, m *manifests, cfg config.Config) {
	t.Helper()
	svc, ing := m.services["libres-web"], m.ingresses["libres-web"]
	web, worker := m.deployments["libres-web"].Spec.Template, m.deployments["libres-worker"].Spec.Template
	if svc == nil || ing == nil {
		t.Fatalf("want Service and Ingress libres-web; have %v and %v", keys(m.services), keys(m.ingresses))
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	if len(svc.Spec.Selector) == 0 || !sel.Matches(labels.Set(web.Labels)) || sel.Matches(labels.Set(worker.Labels)) {
		t.Errorf("Service selector %v: want the web pods %v and not the workers %v", svc.Spec.Selector, web.Labels, worker.Labels)
	}
	svcPorts := map[string]corev1.ServicePort{}
	for _, p := range svc.Spec.Ports {
		svcPorts[p.Name] = p
		svcPorts[strconv.Itoa(int(p.Port))] = p
	}
	if p, ok := svcPorts["http"]; !ok || p.Port != 80 || containerPort(web.Spec.Containers[0], p.TargetPort.String()) != cfg.Port {
		t.Errorf("Service port http %+v: want 80 to the store's PORT %d", p, cfg.Port)
	}
	u, _ := url.Parse(cfg.BaseURL)
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" {
		t.Errorf("Ingress class %v; want nginx", ing.Spec.IngressClassName)
	}
	if ing.Annotations["cert-manager.io/cluster-issuer"] == "" && ing.Annotations["cert-manager.io/issuer"] == "" {
		t.Errorf("Ingress has no cert-manager issuer annotation: %v", ing.Annotations)
	}
	// The largest body the store takes: a photo upload or a quote's files, 64 MB.
	if got := ing.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"]; got != "64m" {
		t.Errorf("Ingress proxy-body-size %q; want 64m (the store's largest upload)", got)
	}
	tlsHosts := map[string]bool{}
	for _, tls := range ing.Spec.TLS {
		if tls.SecretName == "" {
			t.Errorf("Ingress TLS for %v names no certificate Secret", tls.Hosts)
		}
		for _, h := range tls.Hosts {
			tlsHosts[h] = true
		}
	}
	if len(ing.Spec.Rules) == 0 {
		t.Fatal("Ingress has no rules")
	}
	for _, r := range ing.Spec.Rules {
		if r.Host != u.Hostname() || !tlsHosts[r.Host] {
			t.Errorf("Ingress rule for host %q (TLS hosts %v); the store's LIBRES_BASE_URL is %s", r.Host, keys(tlsHosts), cfg.BaseURL)
		}
		if r.HTTP == nil || len(r.HTTP.Paths) == 0 {
			t.Errorf("Ingress rule for %s has no paths", r.Host)
			continue
		}
		for _, p := range r.HTTP.Paths {
			b := p.Backend.Service
			if b == nil || b.Name != svc.Name {
				t.Errorf("Ingress path %s goes to %+v; want Service %s", p.Path, p.Backend, svc.Name)
				continue
			}
			port := b.Port.Name
			if port == "" {
				port = strconv.Itoa(int(b.Port.Number))
			}
			if sp, ok := svcPorts[port]; !ok || sp.Name != "http" {
				t.Errorf("Ingress path %s goes to Service port %q; want http (never metrics)", p.Path, port)
			}
		}
	}
	if u.Scheme != "https" && len(m.ingresses) > 0 {
		t.Errorf("LIBRES_BASE_URL %s behind a TLS Ingress: want https", cfg.BaseURL)
	}
}

// checkScaling: the autoscaler drives the web Deployment, disruptions take one web pod
// at a time, replicas spread over zones and nodes, and two workers give failover.
func checkScaling(t *testing.T, m *manifests) {
	t.Helper()
	web, worker := m.deployments["libres-web"], m.deployments["libres-worker"]
	hpa := m.hpas["libres-web"]
	if hpa == nil {
		t.Fatalf("no HorizontalPodAutoscaler libres-web; have %v", keys(m.hpas))
	}
	if r := hpa.Spec.ScaleTargetRef; r.APIVersion != "apps/v1" || r.Kind != "Deployment" || r.Name != web.Name {
		t.Errorf("HPA targets %+v; want apps/v1 Deployment %s", r, web.Name)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("HPA replicas %v..%d; want at least 2, max not below min", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
	cpu := false
	for _, mt := range hpa.Spec.Metrics {
		cpu = cpu || (mt.Resource != nil && mt.Resource.Name == corev1.ResourceCPU && mt.Resource.Target.AverageUtilization != nil)
	}
	if !cpu {
		t.Errorf("HPA does not follow CPU utilisation: %+v", hpa.Spec.Metrics)
	}
	if web.Spec.Replicas != nil {
		t.Errorf("libres-web sets replicas %d: every apply would reset what the HPA chose", *web.Spec.Replicas)
	}
	if c := web.Spec.Template.Spec.Containers[0]; c.Resources.Requests.Cpu().IsZero() {
		t.Errorf("libres-web requests no CPU: the HPA's utilisation has nothing to divide by")
	}
	if worker.Spec.Replicas == nil || *worker.Spec.Replicas < 2 {
		t.Errorf("libres-worker replicas %v; want at least 2 for failover", worker.Spec.Replicas)
	}
	pdb := m.pdbs["libres-web"]
	if pdb == nil {
		t.Fatalf("no PodDisruptionBudget libres-web; have %v", keys(m.pdbs))
	}
	if !selects(t, pdb.Spec.Selector, web.Spec.Template.Labels) || selects(t, pdb.Spec.Selector, worker.Spec.Template.Labels) {
		t.Errorf("PDB libres-web selector %v: want the web pods only", pdb.Spec.Selector)
	}
	if pdb.Spec.MinAvailable == nil && pdb.Spec.MaxUnavailable == nil {
		t.Error("PDB libres-web sets neither minAvailable nor maxUnavailable")
	}
	for _, d := range []string{"libres-web", "libres-worker"} {
		dep := m.deployments[d]
		if !selects(t, dep.Spec.Selector, dep.Spec.Template.Labels) {
			t.Errorf("%s: selector %v does not select its own pods %v", d, dep.Spec.Selector, dep.Spec.Template.Labels)
		}
		spread := map[string]bool{}
		for _, c := range dep.Spec.Template.Spec.TopologySpreadConstraints {
			if selects(t, c.LabelSelector, dep.Spec.Template.Labels) {
				spread[c.TopologyKey] = true
			}
		}
		if !spread["topology.kubernetes.io/zone"] || !spread["kubernetes.io/hostname"] {
			t.Errorf("%s spreads its own pods over %v; want zones and hostnames", d, keys(spread))
		}
	}
}

func selects(t *testing.T, ls *metav1.LabelSelector, l map[string]string) bool {
	t.Helper()
	sel, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		t.Errorf("selector %v: %v", ls, err)
		return false
	}
	return !sel.Empty() && sel.Matches(labels.Set(l))
}

// checkJob: the migration runs `libres migrate up` with the web replicas' configuration
// (the same database, the same image), once, without restarting in place.
func checkJob(t *testing.T, c corev1.Container, envs map[string]map[string]envSource) {
	t.Helper()
	if len(c.Command) != 0 || !slices.Equal(c.Args, []string{"migrate", "up"}) {
		t.Errorf("libres-migrate runs command %v args %v; want the image's entrypoint with migrate up", c.Command, c.Args)
	}
	job, web := envs["Job libres-migrate"], envs["Deployment libres-web"]
	for _, name := range keys(web) {
		if name != "LIBRES_WORKERS" && job[name] != web[name] {
			t.Errorf("libres-migrate: %s is %+v; the web replicas have %+v", name, job[name], web[name])
		}
	}
	for _, name := range keys(job) {
		if _, ok := web[name]; !ok {
			t.Errorf("libres-migrate sets %s, which the web replicas do not", name)
		}
	}
}

func keys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// The two steps of a rollout (README.md): the migration with what it needs, waited
// for; then everything but the migration.
const (
	migrateStep = "deploy.libres/phase=pre-rollout"
	rolloutStep = "app.kubernetes.io/component!=migrate"
)

// checkRolloutSteps: the README's label selectors pick what each step must apply: the
// migration step the Job, its ConfigMap and ServiceAccount and nothing that serves;
// the rollout step everything but the Job.
func checkRolloutSteps(t *testing.T, stream []byte) {
	t.Helper()
	script, err := os.ReadFile("rollout.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{"-l " + migrateStep, "-l '" + rolloutStep + "'"} {
		if !strings.Contains(string(script), sel) {
			t.Errorf("rollout.sh does not apply with %s", sel)
		}
	}
	docs, err := split(stream)
	if err != nil {
		t.Fatal(err)
	}
	steps := map[string][]string{}
	all := 0
	for _, d := range docs {
		var o metav1.PartialObjectMetadata
		if err := sigsyaml.Unmarshal(d, &o); err != nil {
			t.Fatal(err)
		}
		all++
		for _, sel := range []string{migrateStep, rolloutStep} {
			if mustSelector(t, sel).Matches(labels.Set(o.Labels)) {
				steps[sel] = append(steps[sel], o.Kind+"/"+o.Name)
			}
		}
	}
	sort.Strings(steps[migrateStep])
	if want := []string{"ConfigMap/libres-config", "Job/libres-migrate", "ServiceAccount/libres"}; !slices.Equal(steps[migrateStep], want) {
		t.Errorf("kubectl apply -l %s applies %v; want %v", migrateStep, steps[migrateStep], want)
	}
	if got := steps[rolloutStep]; len(got) != all-1 || slices.Contains(got, "Job/libres-migrate") {
		t.Errorf("kubectl apply -l '%s' applies %v; want every object but the Job (%d)", rolloutStep, got, all-1)
	}
}

func mustSelector(t *testing.T, s string) labels.Selector {
	t.Helper()
	sel, err := labels.Parse(s)
	if err != nil {
		t.Fatalf("selector %q: %v", s, err)
	}
	return sel
}

// TestComposeRunsTheSameImage: the local stack (deploy/compose.yaml) builds and runs the
// image these manifests deploy, under the same name.
func TestComposeRunsTheSameImage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "compose.yaml"))
	if os.IsNotExist(err) {
		t.Skip("no deploy/compose.yaml")
	}
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image string `json:"image"`
		} `json:"services"`
	}
	if err := sigsyaml.Unmarshal(b, &compose); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	owner := repository[:strings.LastIndex(repository, "/")+1]
	apps := 0
	for name, s := range compose.Services {
		if !strings.HasPrefix(s.Image, owner) {
			continue
		}
		apps++
		if !strings.HasPrefix(s.Image, repository+":") && !strings.HasPrefix(s.Image, repository+"@") {
			t.Errorf("compose service %s runs %s; the manifests deploy %s", name, s.Image, repository)
		}
	}
	if apps == 0 {
		t.Errorf("deploy/compose.yaml runs no %s image", repository)
	}
}

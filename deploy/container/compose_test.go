package container

import (
	"bufio"
	"bytes"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/libres/storefront/internal/config"
)

// composeDir holds compose.yaml; paths in it are relative to it.
const composeDir = root + "/deploy"

// composeFile is the part of the Compose specification deploy/compose.yaml uses;
// decoding is strict, so a field outside it (or a typo) fails the test.
type composeFile struct {
	Name     string                     `json:"name"`
	App      map[string]any             `json:"x-app"` // the anchor the app services merge
	Services map[string]service         `json:"services"`
	Networks map[string]network         `json:"networks"`
	Volumes  map[string]*map[string]any `json:"volumes"`
}

type service struct {
	Image       string               `json:"image"`
	Build       *build               `json:"build"`
	Command     []string             `json:"command"`
	Environment map[string]string    `json:"environment"`
	EnvFile     []string             `json:"env_file"`
	Ports       []string             `json:"ports"`
	Volumes     []string             `json:"volumes"`
	DependsOn   map[string]dependsOn `json:"depends_on"`
	Healthcheck *healthcheck         `json:"healthcheck"`
	Restart     string               `json:"restart"`
}

type build struct {
	Context    string `json:"context"`
	Dockerfile string `json:"dockerfile"`
}

type dependsOn struct {
	Condition string `json:"condition"`
}

type healthcheck struct {
	Test     []string `json:"test"`
	Interval string   `json:"interval"`
	Timeout  string   `json:"timeout"`
	Retries  int      `json:"retries"`
	Disable  bool     `json:"disable"`
}

type network struct {
	IPAM struct {
		Config []struct {
			Subnet string `json:"subnet"`
		} `json:"config"`
	} `json:"ipam"`
}

// stack is compose.yaml with each app service's whole environment resolved.
type stack struct {
	composeFile
	app map[string]map[string]string // app service -> env_file values + environment
}

func loadStack(t *testing.T) stack {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(composeDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsRune(raw, '$') {
		t.Fatal("compose.yaml uses $: Compose would interpolate it from the caller's environment; keep the stack self-contained")
	}
	var s stack
	if err := yaml.UnmarshalStrict(raw, &s.composeFile); err != nil {
		t.Fatalf("decode compose.yaml strictly: %v", err)
	}
	// App services are built from the repository's Dockerfile.
	s.app = map[string]map[string]string{}
	for name, svc := range s.Services {
		if svc.Build == nil {
			continue
		}
		env := map[string]string{}
		for _, f := range svc.EnvFile {
			for k, v := range readEnvFile(t, filepath.Join(composeDir, f)) {
				env[k] = v
			}
		}
		for k, v := range svc.Environment {
			env[k] = v
		}
		s.app[name] = env
	}
	if len(s.app) == 0 {
		t.Fatal("compose.yaml builds no service from the Dockerfile")
	}
	return s
}

// readEnvFile reads a Compose env_file of plain KEY=VALUE lines. Quotes, $ and
// inline comments are refused: Compose gives them meanings this reader does not.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.ContainsAny(v, `"'$`) || strings.Contains(v, " #") {
			t.Fatalf("%s:%d: want KEY=VALUE without quotes, $ or comments: %q", path, n, line)
		}
		if _, dup := env[k]; dup {
			t.Errorf("%s:%d: %s set twice", path, n, k)
		}
		env[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return env
}

// serves says whether an app service runs `libres serve` (the image's CMD).
func serves(svc service) bool {
	return len(svc.Command) == 0 || slices.Equal(svc.Command, []string{"serve"})
}

func (s stack) load(t *testing.T, name string) config.Config {
	t.Helper()
	env := s.app[name]
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err == nil {
		err = cfg.RequireDatabase()
	}
	if err != nil {
		t.Fatalf("service %s: its configuration does not load: %v", name, err)
	}
	return cfg
}

// roles returns the app services that serve shoppers and those that run the workers.
func (s stack) roles(t *testing.T) (web, workers []string) {
	t.Helper()
	for name, svc := range s.Services {
		if _, ok := s.app[name]; !ok || !serves(svc) {
			continue
		}
		cfg := s.load(t, name)
		if cfg.Web {
			web = append(web, name)
		}
		if cfg.Workers {
			workers = append(workers, name)
		}
	}
	slices.Sort(web)
	slices.Sort(workers)
	return web, workers
}

func TestCompose(t *testing.T) {
	s := loadStack(t)
	known := knownVars()

	t.Run("every variable given to the app is one it reads", func(t *testing.T) {
		for name, env := range s.app {
			for k := range env {
				if !known[k] {
					t.Errorf("service %s: %s is not a variable the app reads (config.Vars)", name, k)
				}
			}
		}
	})

	t.Run("required variables are set and the configuration loads", func(t *testing.T) {
		for name, env := range s.app {
			for _, v := range config.Vars {
				if (strings.HasPrefix(v.Default, "required") || strings.HasPrefix(v.Default, "(required")) && env[v.Name] == "" {
					t.Errorf("service %s: %s is required (%s)", name, v.Name, v.Default)
				}
			}
			s.load(t, name)
		}
	})

	t.Run("the app services are one image", func(t *testing.T) {
		var image string
		for name := range s.app {
			svc := s.Services[name]
			if image == "" {
				image = svc.Image
			}
			if svc.Image == "" || svc.Image != image {
				t.Errorf("service %s: image %q, want the same as every app service (%q)", name, svc.Image, image)
			}
			if filepath.Join(composeDir, svc.Build.Context, svc.Build.Dockerfile) != filepath.Join(root, "Dockerfile") {
				t.Errorf("service %s builds %s/%s, want the repository's Dockerfile", name, svc.Build.Context, svc.Build.Dockerfile)
			}
		}
		for name, svc := range s.Services {
			if _, ok := s.app[name]; !ok && svc.Image == image {
				t.Errorf("service %s uses the app image %s without building it", name, image)
			}
		}
		// make image tags what compose runs.
		mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(mk), "docker build -t $(or $(IMAGE),"+image+") .") {
			t.Errorf("make image does not build %s by default", image)
		}
	})

	t.Run("web replicas and a worker", func(t *testing.T) {
		web, workers := s.roles(t)
		if len(web) < 2 {
			t.Errorf("web replicas %v: want at least two behind the proxy", web)
		}
		if len(workers) == 0 {
			t.Error("no app service runs the workers: emails would wait forever")
		}
		// Order links emailed by one process open on every other.
		var key string
		for name := range s.app {
			k := s.app[name]["LIBRES_ORDER_LINK_KEY"]
			if len(k) < 32 || (key != "" && k != key) {
				t.Errorf("service %s: LIBRES_ORDER_LINK_KEY %q: want one key of 32 or more characters on every app service", name, k)
			}
			key = k
		}
	})

	t.Run("migrations run before the app", func(t *testing.T) {
		migrate := ""
		for name := range s.app {
			if slices.Equal(s.Services[name].Command, []string{"migrate", "up"}) {
				migrate = name
			}
		}
		if migrate == "" {
			t.Fatal("no app service runs migrate up")
		}
		pg := s.Services[migrate].DependsOn
		healthy := false
		for dep, d := range pg {
			healthy = healthy || (strings.HasPrefix(s.Services[dep].Image, "postgres:") && d.Condition == "service_healthy")
		}
		if !healthy || s.Services[migrate].Restart != "no" {
			t.Errorf("service %s: want it to wait for a healthy PostgreSQL and run once (restart: \"no\"); depends_on %v, restart %q",
				migrate, pg, s.Services[migrate].Restart)
		}
		for name := range s.app {
			if name == migrate {
				continue
			}
			if d, ok := s.Services[name].DependsOn[migrate]; !ok || d.Condition != "service_completed_successfully" {
				t.Errorf("service %s: want depends_on %s with condition service_completed_successfully, got %v", name, migrate, s.Services[name].DependsOn)
			}
		}
	})

	t.Run("the proxy routes to every web replica and only to them", func(t *testing.T) {
		web, _ := s.roles(t)
		proxy, routes := s.proxy(t)
		var upstreams []string
		for _, r := range routes {
			var app, other []string
			for _, u := range r.upstreams {
				host, _, err := net.SplitHostPort(u)
				if _, ok := s.Services[host]; err != nil || !ok {
					t.Errorf("Caddyfile: upstream %q is not HOST:PORT of a compose service", u)
				}
				if _, ok := s.app[host]; ok {
					app = append(app, u)
				} else {
					other = append(other, u)
				}
			}
			if len(app) > 0 && len(other) > 0 {
				t.Errorf("Caddyfile: one reverse_proxy mixes app replicas %v with %v", app, other)
			}
			if len(app) > 0 && r.options["health_uri"] != "/readyz" {
				t.Errorf("Caddyfile: reverse_proxy %v checks %q, want health_uri /readyz (a replica without its database gets no shopper)", app, r.options["health_uri"])
			}
			upstreams = append(upstreams, app...)
		}
		var want []string
		for _, name := range web {
			want = append(want, name+":"+strconv.Itoa(s.load(t, name).Port))
		}
		slices.Sort(upstreams)
		if !slices.Equal(upstreams, want) {
			t.Errorf("the proxy (%s) sends shoppers to %v, want every web replica: %v", proxy, upstreams, want)
		}
		for _, name := range web {
			if d, ok := s.Services[proxy].DependsOn[name]; !ok || d.Condition != "service_healthy" {
				t.Errorf("the proxy starts without waiting for %s to be healthy", name)
			}
		}
	})

	t.Run("only the proxy is published, on loopback, at LIBRES_BASE_URL", func(t *testing.T) {
		proxy, _ := s.proxy(t)
		for name, svc := range s.Services {
			for _, p := range svc.Ports {
				if _, ok := s.app[name]; ok {
					t.Errorf("service %s publishes %s: shoppers must come through the proxy", name, p)
				}
				if !strings.HasPrefix(p, "127.0.0.1:") {
					t.Errorf("service %s publishes %s beyond this machine: want 127.0.0.1:HOST:CONTAINER", name, p)
				}
			}
		}
		for name := range s.app {
			base, err := url.Parse(s.app[name]["LIBRES_BASE_URL"])
			if err != nil || base.Hostname() != "localhost" {
				t.Errorf("service %s: LIBRES_BASE_URL %q, want http://localhost:PORT", name, s.app[name]["LIBRES_BASE_URL"])
				continue
			}
			if want := "127.0.0.1:" + base.Port() + ":" + s.proxyPort(t); !slices.Contains(s.Services[proxy].Ports, want) {
				t.Errorf("service %s: LIBRES_BASE_URL %s, but the proxy publishes %v (want %s)", name, base, s.Services[proxy].Ports, want)
			}
		}
	})

	t.Run("the app trusts the compose network as its proxies", func(t *testing.T) {
		var subnets []string
		for _, c := range s.Networks["default"].IPAM.Config {
			subnets = append(subnets, c.Subnet)
		}
		for name := range s.app {
			if got := s.load(t, name).TrustedProxies; !slices.Equal(got, subnets) || len(got) == 0 {
				t.Errorf("service %s: LIBRES_TRUSTED_PROXIES %v, want the default network's subnets %v", name, got, subnets)
			}
		}
	})

	t.Run("service images are pinned as the test scripts pin them", func(t *testing.T) {
		// The stack runs the versions `make test` runs (deploy/*.sh build them).
		scripts := map[string][2]string{
			"versity/versitygw":  {"s3.sh", "VERSITYGW_VERSION"},
			"axllent/mailpit":    {"mailpit.sh", "MAILPIT_VERSION"},
			"stripe/stripe-mock": {"stripe-mock.sh", "STRIPE_MOCK_VERSION"},
		}
		version := regexp.MustCompile(`^v?[0-9]+\.[0-9]+`)
		for name, svc := range s.Services {
			if _, ok := s.app[name]; ok {
				continue // built here
			}
			repo, tag, ok := strings.Cut(svc.Image, ":")
			if !ok || !version.MatchString(tag) {
				t.Errorf("service %s: image %q, want NAME:VERSION (at least MAJOR.MINOR, not latest)", name, svc.Image)
			}
			sc, ok := scripts[repo]
			if !ok {
				continue
			}
			src, err := os.ReadFile(filepath.Join(composeDir, sc[0]))
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`(?m)^` + sc[1] + `=(\S+)$`).FindStringSubmatch(string(src))
			if m == nil || m[1] != tag {
				t.Errorf("service %s: %s, but deploy/%s pins %s=%v", name, svc.Image, sc[0], sc[1], m)
			}
		}
	})

	t.Run("docker compose config", func(t *testing.T) {
		if err := exec.Command("docker", "compose", "version").Run(); err != nil {
			t.Skipf("docker compose is not installed here (docker compose version: %v)", err)
		}
		cmd := exec.Command("docker", "compose", "-f", "compose.yaml", "config", "-q")
		cmd.Dir = composeDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("docker compose config -q: %v\n%s", err, out)
		}
	})
}

// caddyRoute is one reverse_proxy of the Caddyfile: its upstreams and its block's
// options (first value of each).
type caddyRoute struct {
	upstreams []string
	options   map[string]string
}

// proxy returns the service that mounts compose/Caddyfile and the Caddyfile's
// reverse_proxy directives.
func (s stack) proxy(t *testing.T) (string, []caddyRoute) {
	t.Helper()
	name := ""
	for n, svc := range s.Services {
		for _, v := range svc.Volumes {
			if strings.HasPrefix(v, "./compose/Caddyfile:") {
				name = n
			}
		}
	}
	if name == "" {
		t.Fatal("no service mounts ./compose/Caddyfile")
	}
	raw, err := os.ReadFile(filepath.Join(composeDir, "compose/Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	var routes []caddyRoute
	var cur *caddyRoute
	depth := 0
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if cur != nil && depth == 1 && f[0] != "}" {
			cur.options[f[0]] = strings.Join(f[1:2], "")
		}
		if f[0] == "reverse_proxy" {
			r := caddyRoute{options: map[string]string{}}
			for _, u := range f[1:] {
				if u != "{" {
					r.upstreams = append(r.upstreams, u)
				}
			}
			routes = append(routes, r)
			if f[len(f)-1] == "{" {
				cur, depth = &routes[len(routes)-1], 0
			}
		}
		if cur != nil {
			depth += strings.Count(line, "{") - strings.Count(line, "}")
			if depth == 0 && f[0] == "}" {
				cur = nil
			}
		}
	}
	if len(routes) == 0 {
		t.Fatal("the Caddyfile has no reverse_proxy")
	}
	return name, routes
}

// proxyPort is the port the Caddyfile's site listens on (":8080 {").
func (s stack) proxyPort(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(composeDir, "compose/Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^:([0-9]+) \{$`).FindStringSubmatch(string(raw))
	if m == nil {
		t.Fatal(`the Caddyfile has no site ":PORT {"`)
	}
	return m[1]
}

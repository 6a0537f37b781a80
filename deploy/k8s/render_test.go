package k8s_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"reflect"
	"sort"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// manifests are the objects one kustomization renders, by kind and name.
type manifests struct {
	n           int
	deployments map[string]*appsv1.Deployment
	jobs        map[string]*batchv1.Job
	services    map[string]*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	accounts    map[string]*corev1.ServiceAccount
	ingresses   map[string]*networkingv1.Ingress
	policies    map[string]*networkingv1.NetworkPolicy
	hpas        map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs        map[string]*policyv1.PodDisruptionBudget
}

// kinds are the only objects the manifests may hold; anything else (a typo in a kind,
// an apiVersion the cluster no longer serves, a Secret with real values) fails.
var kinds = map[string]func(m *manifests, doc []byte, name string) error{
	"apps/v1/Deployment":                     func(m *manifests, d []byte, n string) error { return add(m.deployments, d, n) },
	"batch/v1/Job":                           func(m *manifests, d []byte, n string) error { return add(m.jobs, d, n) },
	"v1/Service":                             func(m *manifests, d []byte, n string) error { return add(m.services, d, n) },
	"v1/ConfigMap":                           func(m *manifests, d []byte, n string) error { return add(m.configMaps, d, n) },
	"v1/ServiceAccount":                      func(m *manifests, d []byte, n string) error { return add(m.accounts, d, n) },
	"networking.k8s.io/v1/Ingress":           func(m *manifests, d []byte, n string) error { return add(m.ingresses, d, n) },
	"networking.k8s.io/v1/NetworkPolicy":     func(m *manifests, d []byte, n string) error { return add(m.policies, d, n) },
	"autoscaling/v2/HorizontalPodAutoscaler": func(m *manifests, d []byte, n string) error { return add(m.hpas, d, n) },
	"policy/v1/PodDisruptionBudget":          func(m *manifests, d []byte, n string) error { return add(m.pdbs, d, n) },
}

// add decodes doc strictly: a field the API type does not have is an error (a
// misspelt or misplaced field that the cluster would drop without a word).
func add[T any](into map[string]*T, doc []byte, name string) error {
	if _, dup := into[name]; dup {
		return fmt.Errorf("two objects named %q", name)
	}
	v := new(T)
	if err := sigsyaml.UnmarshalStrict(doc, v); err != nil {
		return err
	}
	into[name] = v
	return nil
}

// render builds the kustomization in dir with kustomize's library, as `kubectl
// kustomize` and `kustomize build` do, and returns the YAML stream.
func render(t *testing.T, dir string) []byte {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return out
}

// decode reads every object of a YAML stream into its API type.
func decode(stream []byte) (*manifests, error) {
	m := &manifests{deployments: map[string]*appsv1.Deployment{}, jobs: map[string]*batchv1.Job{},
		services: map[string]*corev1.Service{}, configMaps: map[string]*corev1.ConfigMap{},
		accounts: map[string]*corev1.ServiceAccount{}, ingresses: map[string]*networkingv1.Ingress{},
		policies: map[string]*networkingv1.NetworkPolicy{}, hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		pdbs: map[string]*policyv1.PodDisruptionBudget{}}
	docs, err := split(stream)
	if err != nil {
		return nil, err
	}
	for i, doc := range docs {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := sigsyaml.Unmarshal(doc, &head); err != nil {
			return nil, fmt.Errorf("object %d: %w", i+1, err)
		}
		gvk := head.APIVersion + "/" + head.Kind
		decodeInto, ok := kinds[gvk]
		if !ok {
			return nil, fmt.Errorf("object %d (%s %q): not a kind these manifests may hold", i+1, gvk, head.Metadata.Name)
		}
		if err := decodeInto(m, doc, head.Metadata.Name); err != nil {
			return nil, fmt.Errorf("%s %q: %w", gvk, head.Metadata.Name, err)
		}
		m.n++
	}
	return m, nil
}

// split cuts a YAML stream into its documents, each re-encoded on its own.
func split(stream []byte) ([][]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	var docs [][]byte
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := yaml.Marshal(&node)
		if err != nil {
			return nil, err
		}
		docs = append(docs, b)
	}
}

// generic decodes a stream into plain values sorted by kind and name, to compare two
// renderings whatever their order and formatting.
func generic(t *testing.T, stream []byte) []map[string]any {
	t.Helper()
	docs, err := split(stream)
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	for _, d := range docs {
		var o map[string]any
		if err := sigsyaml.Unmarshal(d, &o); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	key := func(o map[string]any) string {
		md, _ := o["metadata"].(map[string]any)
		return fmt.Sprint(o["kind"], "/", md["name"])
	}
	sort.Slice(objs, func(i, j int) bool { return key(objs[i]) < key(objs[j]) })
	return objs
}

// compareWithKubectl renders dir with `kubectl kustomize` (the kustomize an operator's
// kubectl has built in) and wants the same objects as the library rendered.
func compareWithKubectl(t *testing.T, dir string, want []byte) {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed: the manifests were rendered with kustomize's library only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, kubectl, "kustomize", dir)
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.Bytes())
	}
	g, w := generic(t, got), generic(t, want)
	if len(g) != len(w) {
		t.Fatalf("kubectl kustomize %s: %d objects, kustomize's library %d", dir, len(g), len(w))
	}
	for i := range g {
		if !reflect.DeepEqual(g[i], w[i]) {
			gy, _ := sigsyaml.Marshal(g[i])
			wy, _ := sigsyaml.Marshal(w[i])
			t.Errorf("kubectl kustomize %s renders another object:\n%s\nkustomize's library:\n%s", dir, gy, wy)
		}
	}
}

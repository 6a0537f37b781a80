package k8s_test

import (
	"strings"
	"testing"
)

// TestDecodeRefuses: the decoding TestManifests relies on fails on what a cluster would
// silently drop or refuse, so a manifest's mistake cannot pass as checked.
func TestDecodeRefuses(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: libres-web
spec:
  selector:
    matchLabels: {app: libres}
  template:
    metadata:
      labels: {app: libres}
    spec:
      containers:
        - name: libres
          image: ghcr.io/fundacion-libres/libres:v1
`
	for _, tc := range []struct {
		name, stream, want string
	}{
		{"a misspelt field", strings.Replace(deployment, "image:", "imagePullPolcy: Always\n          image:", 1), "imagePullPolcy"},
		{"a field in the wrong place", strings.Replace(deployment, "  selector:", "  readinessProbe: {}\n  selector:", 1), "readinessProbe"},
		{"a field twice", strings.Replace(deployment, "  selector:", "  replicas: 2\n  replicas: 3\n  selector:", 1), "replicas"},
		{"a wrong type", strings.Replace(deployment, "  selector:", "  replicas: two\n  selector:", 1), "replicas"},
		{"a committed Secret", "apiVersion: v1\nkind: Secret\nmetadata: {name: libres-secrets}\nstringData: {DATABASE_URL: postgres://x}\n", "v1/Secret"},
		{"an API version clusters no longer serve", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: libres-web}\n", "policy/v1beta1/PodDisruptionBudget"},
		{"a kind typo", "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: libres-web}\n", "Deploymnet"},
		{"two objects with one name", deployment + "---\n" + deployment, "two objects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode([]byte(tc.stream))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("decode: %v; want an error naming %q", err, tc.want)
			}
		})
	}
	if m, err := decode([]byte(deployment)); err != nil || m.n != 1 || m.deployments["libres-web"] == nil {
		t.Errorf("decode of a valid Deployment: %v, %+v", err, m)
	}
}

// Package k8s holds the store's Kubernetes manifests (a kustomize base and a production
// overlay) and, in its tests, their offline validation: rendered with kustomize's own
// library (and kubectl where installed), decoded strictly into the Kubernetes API types,
// and checked against the configuration the store reads (internal/config).
package k8s

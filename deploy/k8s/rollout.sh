#!/usr/bin/env bash
# deploy/k8s/rollout.sh — roll a release out: the migration first, then the replicas.
#
#   deploy/k8s/rollout.sh [OVERLAY] [NAMESPACE]
#     OVERLAY    a kustomization (default deploy/k8s/overlays/production, whose image
#                tag is the release: kustomize edit set image ghcr.io/fundacion-libres/libres:TAG)
#     NAMESPACE  where the store runs (default libres, the overlay's namespace)
#
# 1. render the overlay once (kubectl kustomize), so both steps apply the same objects;
# 2. delete the previous migration Job (a Job's pod template cannot change);
# 3. apply the objects labelled deploy.libres/phase=pre-rollout (the ConfigMap, the
#    ServiceAccount and the Job `libres migrate up`) and wait until the Job completes;
#    the replicas still running the previous image keep serving: migrations are
#    expand/contract (docs/), every one works with the previous release's code;
# 4. apply everything but the Job (app.kubernetes.io/component!=migrate) and wait for
#    both Deployments' rollouts.
# If the migration fails, nothing of the new release is rolled out: its logs are printed
# and the script exits 1. deploy/k8s/README.md explains each step; TestManifests checks
# that these two selectors pick the right objects.
set -euo pipefail

overlay=${1:-deploy/k8s/overlays/production}
ns=${2:-libres}
timeout=${LIBRES_MIGRATE_TIMEOUT:-900} # seconds; the Job's activeDeadlineSeconds

log() { printf 'rollout: %s\n' "$*" >&2; }

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$overlay" >"$rendered"

log "migration: libres migrate up"
kubectl -n "$ns" delete job libres-migrate --ignore-not-found --wait=true
kubectl -n "$ns" apply -f "$rendered" -l deploy.libres/phase=pre-rollout

# kubectl wait watches one condition; the Job ends with Complete or Failed.
deadline=$((SECONDS + timeout))
while :; do
	state=$(kubectl -n "$ns" get job libres-migrate -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
	case " $state " in
	*" Complete "*) break ;;
	*" Failed "*)
		kubectl -n "$ns" logs job/libres-migrate --all-containers --tail=100 >&2 || true
		log "the migration failed: nothing rolled out (the previous release still serves)"
		exit 1
		;;
	esac
	if ((SECONDS >= deadline)); then
		log "the migration did not finish in ${timeout}s: nothing rolled out"
		exit 1
	fi
	sleep 5
done
kubectl -n "$ns" logs job/libres-migrate --all-containers --tail=20 >&2 || true

log "rollout: web and worker replicas"
kubectl -n "$ns" apply -f "$rendered" -l 'app.kubernetes.io/component!=migrate'
kubectl -n "$ns" rollout status deployment/libres-web --timeout=10m
kubectl -n "$ns" rollout status deployment/libres-worker --timeout=10m
log "done"

#!/usr/bin/env bash
# deploy/reconcile.sh — what `make reconcile` runs: `libres reconcile` against the
# database of `make run`.
#
#   DATABASE_URL set: that database. Otherwise the private cluster of `make run`
#   ($LIBRES_PG_DIR, default .data/pg, possibly a link to /var/tmp), started for the
#   check when it is not running and stopped again afterwards.
#   RECONCILE_ARGS is passed on, e.g. make reconcile RECONCILE_ARGS='--from 2026-01-01'.
# Exit status: 0 when the ledger matches, 1 on a difference (the table says where).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
cd "$ROOT"

PG_OURS=0
PG_DIR=${LIBRES_PG_DIR:-$ROOT/.data/pg}
if [[ -z "${LIBRES_PG_DIR:-}" && -L "$ROOT/.data/pg" ]]; then
	PG_DIR=$(readlink "$ROOT/.data/pg")
fi

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	local status=$?
	if ((PG_OURS)); then
		deploy/pg.sh stop "$PG_DIR" || log "could not stop PostgreSQL in $PG_DIR"
	fi
	exit "$status"
}
trap cleanup EXIT

if [[ -z "${DATABASE_URL:-}" ]]; then
	[[ -f "$PG_DIR/data/PG_VERSION" ]] || die "no database in $PG_DIR: run \`make run\` first (or set DATABASE_URL)"
	if ! deploy/pg.sh status "$PG_DIR"; then
		PG_OURS=1
	fi
	DATABASE_URL=$(deploy/pg.sh start "$PG_DIR")
	export DATABASE_URL
fi

go build -o bin/libres ./cmd/libres
# shellcheck disable=SC2086 # RECONCILE_ARGS is split into flags on purpose
bin/libres reconcile ${RECONCILE_ARGS:-}

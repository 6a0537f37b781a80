#!/usr/bin/env bash
# deploy/run.sh — what `make run` runs: the store on this machine with demo data.
#
#   1. DATABASE_URL unset: start (or reuse) the private cluster in $LIBRES_PG_DIR
#      (default .data/pg) and use its "libres" database. Data survives between runs.
#   2. go build -o bin/libres ./cmd/libres
#   3. bin/libres migrate up; bin/libres seed demo --if-empty
bin/libres seed logins >&2
#   4. SMTP_URL unset: start Mailpit (deploy/mailpit.sh, messages kept in .data/mailpit)
#      and send the store's emails there; its web page, printed as "emails: URL",
#      shows every email sent.
#   5. bin/libres serve in the foreground (PORT, default 8080).
# Ctrl-C (SIGINT) or SIGTERM stops the server gracefully, then stops the cluster and
# Mailpit if this script started them (ones already running are left running).
# Photos go to LIBRES_MEDIA_DIR (default .data/media) unless S3 is configured.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
cd "$ROOT"

PG_DIR=${LIBRES_PG_DIR:-$ROOT/.data/pg}
if [[ -z "${LIBRES_PG_DIR:-}" ]] && ! postgres_reaches "$ROOT"; then
	# As root, PostgreSQL runs as "postgres", which cannot reach into this checkout
	# (e.g. a clone in a 700 temp directory). Keep the cluster in /var/tmp instead,
	# linked from .data/pg so that the next run finds and reuses it.
	if [[ ! -L "$ROOT/.data/pg" ]]; then
		[[ -e "$ROOT/.data/pg" ]] && die "$ROOT/.data/pg exists but the postgres user cannot reach it; set LIBRES_PG_DIR"
		mkdir -p "$ROOT/.data"
		ln -s "/var/tmp/libres-pg-$(printf %s "$ROOT" | sha256sum | cut -c1-12)" "$ROOT/.data/pg"
	fi
	PG_DIR=$(readlink "$ROOT/.data/pg")
	mkdir -p "$PG_DIR"
	log "the postgres user cannot reach $ROOT: cluster in $PG_DIR (linked from .data/pg)"
fi
PG_OURS=0 # 1 when this script started the cluster and so must stop it
MAILPIT_DIR=$ROOT/.data/mailpit
MAILPIT_OURS=0 # 1 when this script started Mailpit
SERVER_PID=""

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	local status=$?
	trap '' INT TERM
	if [[ -n "$SERVER_PID" ]]; then
		stop_pid "$SERVER_PID" libres
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if ((MAILPIT_OURS)); then
		deploy/mailpit.sh stop "$MAILPIT_DIR" || log "could not stop Mailpit"
	fi
	if ((PG_OURS)); then
		deploy/pg.sh stop "$PG_DIR" || log "could not stop PostgreSQL in $PG_DIR"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${DATABASE_URL:-}" ]]; then
	if ! deploy/pg.sh status "$PG_DIR"; then
		PG_OURS=1
	fi
	DATABASE_URL=$(deploy/pg.sh start "$PG_DIR")
	export DATABASE_URL
else
	log "using DATABASE_URL from the environment"
fi
export LIBRES_MEDIA_DIR=${LIBRES_MEDIA_DIR:-$ROOT/.data/media}
# Order links in emails are signed; keep one key across runs so old emails still open.
if [[ -z "${LIBRES_ORDER_LINK_KEY:-}" ]]; then
	mkdir -p "$ROOT/.data"
	[[ -s "$ROOT/.data/order-link-key" ]] || head -c 32 /dev/urandom | base64 | tr -d '\n' >"$ROOT/.data/order-link-key"
	LIBRES_ORDER_LINK_KEY=$(<"$ROOT/.data/order-link-key")
	export LIBRES_ORDER_LINK_KEY
fi
export PORT=${PORT:-8080}
mkdir -p "$LIBRES_MEDIA_DIR"

EMAILS_URL=""
if [[ -z "${SMTP_URL:-}" ]]; then
	if [[ -f "$MAILPIT_DIR/pid" ]] && alive "$(<"$MAILPIT_DIR/pid")"; then
		log "reusing the Mailpit already running for $MAILPIT_DIR"
		SMTP_URL=$(<"$MAILPIT_DIR/smtp_url")
		EMAILS_URL=$(<"$MAILPIT_DIR/web_url")
	else
		MAILPIT_OURS=1
		mailpit_urls=$(deploy/mailpit.sh start "$MAILPIT_DIR") # two lines: SMTP URL, web URL
		SMTP_URL=${mailpit_urls%%$'\n'*}
		EMAILS_URL=${mailpit_urls##*$'\n'}
	fi
	export SMTP_URL
else
	log "sending email through SMTP_URL from the environment"
fi

log "building bin/libres"
go build -o bin/libres ./cmd/libres
bin/libres migrate up
bin/libres seed demo --if-empty
bin/libres seed logins >&2

# The server runs as a background job so that this script can react to SIGTERM at
# once (bash defers traps while a foreground child runs). A background job starts
# with SIGINT ignored, so Ctrl-C reaches the server through the trap: the trap exits,
# and cleanup sends SIGTERM and waits for the graceful shutdown to finish.
log "serving on http://localhost:$PORT (Ctrl-C to stop)"
if [[ -n "$EMAILS_URL" ]]; then
	log "emails: $EMAILS_URL"
fi
bin/libres serve &
SERVER_PID=$!
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
exit "$status"

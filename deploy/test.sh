#!/usr/bin/env bash
# deploy/test.sh — what `make test` runs: the whole test suite against real services.
#
# Starts, in a fresh temporary directory, a private PostgreSQL cluster, a versitygw
# S3 server, a Mailpit SMTP server and stripe-mock (Stripe's API mock) on free loopback
# ports, then runs `go vet` and `go test -race -count=1` with these variables exported:
#   LIBRES_TEST_DATABASE_URL  superuser URL of the cluster's "postgres" database
#   LIBRES_TEST_S3_ENDPOINT   host:port of versitygw (plain HTTP)
#   LIBRES_TEST_S3_ACCESS_KEY, LIBRES_TEST_S3_SECRET_KEY
#   LIBRES_TEST_SMTP_URL      smtp://127.0.0.1:PORT of Mailpit (any credentials accepted)
#   LIBRES_TEST_MAILPIT_URL   http://127.0.0.1:PORT, Mailpit's API for reading what was sent
#                             (internal/notify/mailpittest)
#   LIBRES_TEST_STRIPE_URL    http://127.0.0.1:PORT of stripe-mock (internal/payment/stripetest)
#   LIBRES_TEST_REQUIRE=1     tests fail, rather than skip, when a service is missing
#   LIBRES_TEST_CHROME, LIBRES_TEST_NODE_MODULES, LIBRES_TEST_ARTIFACTS  for the browser
#                             checks (deploy/browser.sh installs Chromium and the npm tools;
#                             screenshots and reports go to build/e2e)
# DATABASE_URL, STRIPE_* and the app's other LIBRES_* variables are unset, so that tests
# cannot reach a developer's own database, bucket or Stripe account.
# Services are stopped and the directory removed on every exit path (success, test
# failure, Ctrl-C). The exit status is go test's, or go vet's when only vet failed.
# go test runs in the foreground so that Ctrl-C reaches the test binaries directly; a
# SIGTERM sent to this script alone (not its process group) is therefore handled only
# once go test returns, because bash defers traps while a foreground command runs.
#
# Knobs (environment or make variables):
#   GOTEST_ARGS  extra `go test` flags, e.g. GOTEST_ARGS='-run TestCart -v'
#   GOTEST_PKGS  packages to vet and test (default ./...)
#   KEEP_TMP=1   keep the temporary directory (logs) instead of removing it
#   FUZZ_TIME    fuzzing per target once the tests pass (deploy/fuzz.sh; default 1s, 0: none)
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
DEPLOY="$ROOT/deploy"
cd "$ROOT"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-test.XXXXXX")
# mktemp makes a 700 directory. As root, PostgreSQL runs as "postgres", which must be
# able to pass through it (not list it) to reach its own data directory inside.
scratch_pg_dir "$TMP" libres-test # sets PG_DIR (and PG_TMP when $TMP is out of reach)
PG_STARTED=0
S3_STARTED=0
MAILPIT_STARTED=0
STRIPE_MOCK_STARTED=0

cleanup() {
	local status=$?
	# Ignore further signals so a second Ctrl-C does not cut the cleanup short.
	trap '' INT TERM
	if ((STRIPE_MOCK_STARTED)); then
		"$DEPLOY/stripe-mock.sh" stop "$TMP/stripe-mock" || log "could not stop stripe-mock"
	fi
	if ((MAILPIT_STARTED)); then
		"$DEPLOY/mailpit.sh" stop "$TMP/mailpit" || log "could not stop Mailpit"
	fi
	if ((S3_STARTED)); then
		"$DEPLOY/s3.sh" stop "$TMP/s3" || log "could not stop versitygw"
	fi
	if ((PG_STARTED)); then
		"$DEPLOY/pg.sh" stop "$PG_DIR" || log "could not stop PostgreSQL"
	fi
	if [[ "${KEEP_TMP:-0}" == 1 ]]; then
		log "kept $TMP${PG_TMP:+ and $PG_TMP}"
	else
		rm -rf "$TMP" ${PG_TMP:+"$PG_TMP"}
	fi
	exit "$status"
}
trap cleanup EXIT
# Turn signals into ordinary exits so that the EXIT trap does the cleaning.
trap 'exit 130' INT
trap 'exit 143' TERM

# The suite must depend only on the services started here, never on a developer's
# own database, bucket or Stripe account: drop the app's configuration variables.
for var in $(compgen -e); do
	if [[ "$var" == DATABASE_URL || "$var" == STRIPE_* || ("$var" == LIBRES_* && "$var" != LIBRES_TEST_*) ]]; then
		unset "$var"
	fi
done

PG_STARTED=1 # set first: a start that fails half-way still gets a stop attempt
"$DEPLOY/pg.sh" start --ephemeral "$PG_DIR" >/dev/null
export LIBRES_TEST_DATABASE_URL
LIBRES_TEST_DATABASE_URL=$("$DEPLOY/pg.sh" url "$PG_DIR" postgres)

S3_STARTED=1
export LIBRES_TEST_S3_ACCESS_KEY=librestest
export LIBRES_TEST_S3_SECRET_KEY=librestest-secret-key
export LIBRES_TEST_S3_ENDPOINT
LIBRES_TEST_S3_ENDPOINT=$(VGW_TEST_ACCESS_KEY=$LIBRES_TEST_S3_ACCESS_KEY \
	VGW_TEST_SECRET_KEY=$LIBRES_TEST_S3_SECRET_KEY "$DEPLOY/s3.sh" start "$TMP/s3")

MAILPIT_STARTED=1
mailpit_urls=$("$DEPLOY/mailpit.sh" start "$TMP/mailpit") # two lines: SMTP URL, web URL
export LIBRES_TEST_SMTP_URL=${mailpit_urls%%$'\n'*}
export LIBRES_TEST_MAILPIT_URL=${mailpit_urls##*$'\n'}

STRIPE_MOCK_STARTED=1
export LIBRES_TEST_STRIPE_URL
LIBRES_TEST_STRIPE_URL=$("$DEPLOY/stripe-mock.sh" start "$TMP/stripe-mock")

# The browser checks (internal/e2e): Chromium, Java and the pinned npm tools.
export LIBRES_TEST_CHROME LIBRES_TEST_NODE_MODULES="$ROOT/node_modules" LIBRES_TEST_ARTIFACTS="$ROOT/build/e2e"
LIBRES_TEST_CHROME=$("$DEPLOY/browser.sh")

export LIBRES_TEST_REQUIRE=1

log "LIBRES_TEST_DATABASE_URL=$LIBRES_TEST_DATABASE_URL"
log "LIBRES_TEST_S3_ENDPOINT=$LIBRES_TEST_S3_ENDPOINT"
log "LIBRES_TEST_SMTP_URL=$LIBRES_TEST_SMTP_URL (emails: $LIBRES_TEST_MAILPIT_URL)"
log "LIBRES_TEST_STRIPE_URL=$LIBRES_TEST_STRIPE_URL"

# The knobs hold whitespace-separated lists of packages and flags.
read -r -a pkgs <<<"${GOTEST_PKGS:-./...}"
read -r -a args <<<"${GOTEST_ARGS:-}"

vet_status=0
log "go vet ${pkgs[*]}"
go vet "${pkgs[@]}" || vet_status=$?

test_status=0
log "go test -race -count=1 ${args[*]} ${pkgs[*]}"
go test -race -count=1 "${args[@]}" "${pkgs[@]}" || test_status=$?

if ((test_status != 0)); then
	log "FAIL: go test exited with $test_status"
	exit "$test_status"
fi
if ((vet_status != 0)); then
	log "FAIL: go vet exited with $vet_status"
	exit "$vet_status"
fi

# Then a second of fuzzing per target (FUZZ_TIME=0 skips it; the seed corpora already
# ran above as tests). Packages whose TestMain starts a whole site only run their seeds.
if [[ "${FUZZ_TIME:-1s}" != 0 ]]; then
	FUZZ_TIME=${FUZZ_TIME:-1s} FUZZ_PKGS="${pkgs[*]}" FUZZ_SKIP='/internal/web/(admin|corporate|docs|site|studio)$' \
		"$DEPLOY/fuzz.sh"
fi
log "ok"

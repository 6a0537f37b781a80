# Makefile — entry points for working on the Libres storefront.
#
#   make run     build and serve the store on http://localhost:8080 with demo data
#                (private PostgreSQL under .data/ unless DATABASE_URL is set)
#   make test    go vet + go test -race against real PostgreSQL and S3 (versitygw)
#                started on free loopback ports; GOTEST_ARGS / GOTEST_PKGS narrow it,
#                e.g. make test GOTEST_ARGS='-run TestCart -v' GOTEST_PKGS=./internal/catalog/...
#   make bench   wrk against the store's routes (pages, cart, checkout, studio; demo and a
#                10,000-product synthetic catalog) as ratios to a plaintext ceiling and a
#                write baseline, with peak RSS and issue 10's targets marked met / not met
#                (BENCH_DURATION=3s BENCH_ROUNDS=1 for a quick look; see deploy/bench/run.sh)
#   make audit   Lighthouse (all four categories) on home, a listing and a product:
#                prints the scores, reports in build/audit/
#   make reconcile  check the ledger of the `make run` database against its orders,
#                refunds and payouts (RECONCILE_ARGS='--from 2026-01-01 --to 2026-01-31')
#   make fuzz    every fuzz target of the module for FUZZ_TIME each (default 10s; make test
#                runs them for a few seconds)
#   make security  sqlmap against a running store's search, filters, login, cart and
#                checkout, and the security-header check; prints the figures
#   make backup-drill  pg_dump a store with orders, ledger and quotes, restore it into a
#                fresh cluster, serve it, reconcile, check every photo object exists
#   make vuln    govulncheck (needs its online database: not on machines without internet)
#   make lint    gofmt, go vet, staticcheck (pinned; fetched through the Go proxy)
#   make build   bin/libres
# The work is in deploy/*.sh so that it can be run and read without make.

SHELL := bash
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Command-line variables reach the scripts through the environment.
export GOTEST_ARGS GOTEST_PKGS RECONCILE_ARGS BENCH_DURATION BENCH_ROUNDS FUZZ_TIME

.PHONY: run test bench audit lint build reconcile fuzz security vuln backup-drill

run:
	deploy/run.sh

test:
	deploy/test.sh

bench:
	deploy/bench/run.sh

audit:
	deploy/audit.sh

reconcile:
	deploy/reconcile.sh

fuzz:
	deploy/fuzz.sh

security:
	deploy/security.sh

vuln:
	deploy/vuln.sh

backup-drill:
	deploy/backup-drill.sh

lint:
	@unformatted=$$(find . -name '*.go' -not -path './.*' -not -path './node_modules/*' -print0 | xargs -0 -r gofmt -l); \
	if [[ -n "$$unformatted" ]]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

build:
	go build -o bin/libres ./cmd/libres

# make image   the container image (Dockerfile) as IMAGE (default below; the tag
#              deploy/compose.yaml uses); needs a Docker daemon
.PHONY: image
image:
	docker build -t $(or $(IMAGE),ghcr.io/fundacion-libres/libres:local) .

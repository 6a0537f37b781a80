#!/usr/bin/env bash
# deploy/fuzz.sh — what `make fuzz` runs (and `make test`, for a second per target): every
# fuzz target of the module, one after the other, each for FUZZ_TIME.
#
# Targets are the `func FuzzName(f *testing.F)` of the module's *_test.go files, checked
# against each package's own list (`<pkg>.test -test.list '^Fuzz'`, as `go test -list`
# prints it). Each package's test binary is built once, instrumented for fuzzing
# (`go test -c -fuzz=.`), and run in the package's directory for each of its targets:
#   <pkg>.test -test.run '^$' -test.fuzz '^Name$' -test.fuzztime "$FUZZ_TIME"
# which is `go test -run '^$' -fuzz '^Name$' -fuzztime "$FUZZ_TIME" ./pkg` without a
# link per target. The corpus the fuzzer grows is kept where go test keeps it
# ($GOCACHE/fuzz/<import path>/<Name>), so successive runs build on each other.
#
# A failing input is written by the fuzzer to the package's testdata/fuzz/<Name>/: commit
# it with the fix, and `go test` runs it (with the committed seeds) as a regression test
# from then on. Targets that need the test services (PostgreSQL) skip when
# LIBRES_TEST_DATABASE_URL is unset; `make test` runs this script with the services up.
#
# Prints a table (target, package, execs, new corpus entries, result), the number of
# targets and of executions; exits 1 when a target failed, 0 otherwise.
#
# Knobs (environment or make variables):
#   FUZZ_TIME      time per target (default 10s; a Go duration, or Nx for N executions)
#   FUZZ_PKGS      packages to look in (default ./...)
#   FUZZ_SKIP      regexp of import paths whose targets are not fuzzed (their seeds still
#                  run in go test): make test skips packages whose TestMain starts a whole
#                  site, which would take the whole second and more in every fuzz worker
#   FUZZ_PARALLEL  fuzz workers per target (default GOMAXPROCS)
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
cd "$ROOT"

FUZZ_TIME=${FUZZ_TIME:-10s}
FUZZ_SKIP=${FUZZ_SKIP:-}
read -r -a pkgs <<<"${FUZZ_PKGS:-./...}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-fuzz.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FUZZ_CACHE="$(go env GOCACHE)/fuzz"
MODULE=$(go list -m)

# A hung target must not hang make: give each the fuzz time plus a minute for start-up.
limit=""
if [[ "$FUZZ_TIME" =~ ^([0-9]+)s$ ]]; then
	limit=$((BASH_REMATCH[1] + 60))
elif [[ "$FUZZ_TIME" =~ ^([0-9]+)m$ ]]; then
	limit=$((BASH_REMATCH[1] * 60 + 60))
fi

parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
	parallel=(-test.parallel "$FUZZ_PARALLEL")
fi

rows=()
targets=0
failed=0
skipped=0
total_execs=0
start=$SECONDS

while read -r dir importpath; do
	# Declared targets; a package without any is not built.
	mapfile -t declared < <(grep -ho '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' "$dir"/*_test.go 2>/dev/null |
		sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/' | sort -u)
	((${#declared[@]})) || continue
	rel=".${importpath#"$MODULE"}"
	if [[ -n "$FUZZ_SKIP" && "$importpath" =~ $FUZZ_SKIP ]]; then
		for name in "${declared[@]}"; do
			rows+=("$name|$rel|-|-|seeds only (FUZZ_SKIP)")
			targets=$((targets + 1))
			skipped=$((skipped + 1))
		done
		continue
	fi
	bin="$TMP/$(printf '%s' "$importpath" | tr '/' '_').test"
	if ! go test -c -fuzz=. -o "$bin" "$importpath"; then
		log "FAIL: could not build the fuzz binary of $rel"
		for name in "${declared[@]}"; do
			rows+=("$name|$rel|-|-|FAIL (build)")
			targets=$((targets + 1))
			failed=$((failed + 1))
		done
		continue
	fi
	# The package's own list is the truth; the declarations only say where to look.
	mapfile -t names < <(cd "$dir" && "$bin" -test.list '^Fuzz' | grep '^Fuzz' || true)
	for name in "${names[@]}"; do
		targets=$((targets + 1))
		out="$TMP/$name.out"
		status=0
		(
			cd "$dir"
			${limit:+timeout --kill-after=10 "$limit"} "$bin" -test.run '^$' -test.fuzz "^${name}\$" \
				-test.fuzztime "$FUZZ_TIME" -test.fuzzcachedir "$FUZZ_CACHE/$importpath" -test.v=true "${parallel[@]}"
		) >"$out" 2>&1 || status=$?
		last=$(grep -o 'execs: [0-9]*.*new interesting: [0-9]*' "$out" | tail -n 1 || true)
		execs=$(sed -nE 's/^execs: ([0-9]+).*/\1/p' <<<"$last")
		found=$(sed -nE 's/.*new interesting: ([0-9]+)$/\1/p' <<<"$last")
		execs=${execs:-0}
		total_execs=$((total_execs + execs))
		if ((status == 0)) && grep -q -- '--- SKIP' "$out"; then
			result="skip: $(grep -m1 -B1 -- '--- SKIP' "$out" | head -n 1 | sed -E 's/^[[:space:]]*[^:]*:[0-9]+: //')"
			skipped=$((skipped + 1))
		elif ((status == 0)); then
			result=ok
		else
			result="FAIL"
			((status == 124)) && result="FAIL (timed out)"
			failed=$((failed + 1))
			log "FAIL: $name in $rel:"
			tail -n 30 "$out" >&2
		fi
		rows+=("$name|$rel|$execs|${found:-0}|$result")
	done
done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}} {{.ImportPath}}{{end}}' "${pkgs[@]}")

{
	printf 'target|package|execs|new corpus|result\n'
	printf '%s\n' "${rows[@]}"
} | column -t -s '|'
printf '\n%d fuzz targets, %d fuzzed for %s each (%d executions in all), %d seeds only or skipped, %d failed; %ds\n' \
	"$targets" "$((targets - skipped - failed))" "$FUZZ_TIME" "$total_execs" "$skipped" "$failed" "$((SECONDS - start))"

if ((failed)); then
	log "FAIL: $failed fuzz target(s) failed; the failing inputs are in the packages' testdata/fuzz/"
	exit 1
fi

#!/usr/bin/env bash
# deploy/bench/run.sh — what `make bench` runs: HTTP throughput of the store's pages,
# measured against a baseline program on the same machine.
#
# In a temporary directory it starts a private PostgreSQL, runs `libres migrate up` and
# `libres seed demo`, starts `libres serve` and deploy/bench/baseline (one query plus a
# tiny html/template page, the cheapest honest database-backed page), then runs wrk
# against each target, rounds interleaved so that drift (thermal, noisy neighbours) hits
# all targets alike:
#   baseline   GET /                 of the baseline program
#   listing    GET /catalogo         the catalogue listing
#   product    GET /producto/SLUG    one active product
# It prints, per target, the median over rounds of req/s, p50 and p99 latency, the ratio
# of req/s to the baseline's, and the sum of non-2xx/3xx responses and socket errors.
# A target that does not answer 2xx before the run is skipped and reported as such.
# Note that wrk shares the CPU with the servers and PostgreSQL: compare ratios, not
# absolute numbers, across machines.
#
# Knobs: BENCH_THREADS (2), BENCH_CONNS (64), BENCH_DURATION (10s), BENCH_ROUNDS (3),
#        BENCH_WARMUP (2s, per target, before the first round), KEEP_TMP=1 keeps logs.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
LIBRES_LOG_PREFIX=bench/run.sh # both this and deploy/run.sh are "run.sh"

ROOT=$(repo_root)
DEPLOY="$ROOT/deploy"
cd "$ROOT"

THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-2s}

# ensure_wrk installs wrk from the distribution when it is missing.
ensure_wrk() {
	command -v wrk >/dev/null 2>&1 && return
	((EUID == 0)) || die "wrk is not installed; run: sudo apt-get update && sudo apt-get install -y wrk"
	log "installing wrk (apt-get)"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
}

TMP=""
PG_DIR=""
PG_TMP=""
PG_STARTED=0
APP_PID=""
BASE_PID=""

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	local status=$?
	trap '' INT TERM
	local pid
	for pid in "$APP_PID" "$BASE_PID"; do
		[[ -n "$pid" ]] || continue
		stop_pid "$pid" "$TMP"
		wait "$pid" 2>/dev/null || true
	done
	if ((PG_STARTED)); then
		"$DEPLOY/pg.sh" stop "$PG_DIR" || log "could not stop PostgreSQL"
	fi
	if [[ -n "$TMP" ]]; then
		if [[ "${KEEP_TMP:-0}" == 1 ]]; then
			log "kept $TMP"
		else
			rm -rf "$TMP" ${PG_TMP:+"$PG_TMP"}
		fi
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME PORT CMD... starts CMD in the background with its output in
# $TMP/NAME.log, waits for PORT, and prints nothing; the pid lands in LAST_PID.
start_server() {
	local name=$1 port=$2
	shift 2
	"$@" >"$TMP/$name.log" 2>&1 &
	LAST_PID=$!
	if ! wait_port "$port" 60 "$LAST_PID"; then
		tail -n 30 "$TMP/$name.log" >&2 || true
		die "$name did not start listening on 127.0.0.1:$port (log above)"
	fi
}

# Targets that answered the pre-flight request: name, URL and page size in bytes;
# SKIPPED holds a reason per target that did not.
NAMES=()
URLS=()
SIZES=()
SKIPPED=()

# add_target NAME URL fetches URL once and keeps it as a target when it answers 2xx.
add_target() {
	local name=$1 url=$2 code size
	read -r code size < <(curl -s -o /dev/null -m 10 -w "%{http_code} %{size_download}\n" "$url" || echo "000 0")
	if [[ "$code" != 2?? ]]; then
		SKIPPED+=("$name ($url answered HTTP $code)")
		return
	fi
	NAMES+=("$name")
	URLS+=("$url")
	SIZES+=("$size")
}

# to_ms converts a wrk duration (830.00us, 1.23ms, 2.01s, 1.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f\n", n
	}'
}

# median prints the median of its numeric arguments (the lower middle for an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# run_wrk NAME URL ROUND runs one wrk measurement and appends a result line
# "name reqs p50ms p99ms errors" to $TMP/results.
run_wrk() {
	local name=$1 url=$2 round=$3 out reqs p50 p99 non2xx sockerr
	out="$TMP/wrk-$name-$round.txt"
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$url" >"$out" 2>&1 ||
		die "wrk failed for $name: $(tail -n 3 "$out")"
	reqs=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
	printf '%s %s %s %s %s\n' "$name" "${reqs:-0}" "$p50" "$p99" \
		"$((${non2xx:-0} + ${sockerr:-0}))" >>"$TMP/results"
	log "round $round $name: ${reqs:-?} req/s, p50 ${p50} ms, p99 ${p99} ms"
}

main() {
	ensure_wrk
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-bench.XXXXXX")
	scratch_pg_dir "$TMP" libres-bench

	PG_STARTED=1
	local db_url
	db_url=$("$DEPLOY/pg.sh" start --ephemeral "$PG_DIR")
	export DATABASE_URL=$db_url

	log "building bin/libres and bin/bench-baseline"
	go build -o bin/libres ./cmd/libres
	go build -o bin/bench-baseline ./deploy/bench/baseline
	# Copies under $TMP make the processes easy to tell apart from any other libres.
	cp bin/libres "$TMP/libres"
	cp bin/bench-baseline "$TMP/baseline"

	"$TMP/libres" migrate up >&2
	"$TMP/libres" seed demo >&2

	local app_port base_port
	app_port=$(free_port)
	mkdir -p "$TMP/media"
	start_server app "$app_port" env PORT="$app_port" LIBRES_MEDIA_DIR="$TMP/media" \
		LIBRES_BASE_URL="http://127.0.0.1:$app_port" LIBRES_LOG_LEVEL=warn GIN_MODE=release \
		"$TMP/libres" serve
	APP_PID=$LAST_PID
	base_port=$(free_port)
	start_server baseline "$base_port" "$TMP/baseline" -addr "127.0.0.1:$base_port"
	BASE_PID=$LAST_PID

	local slug
	slug=$(psql -X -q "$db_url" -tAc \
		"SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1" 2>/dev/null || true)

	add_target baseline "http://127.0.0.1:$base_port/"
	add_target listing "http://127.0.0.1:$app_port/catalogo"
	if [[ -n "$slug" ]]; then
		add_target product "http://127.0.0.1:$app_port/producto/$slug"
	else
		SKIPPED+=("product (no active product found in the database)")
	fi
	[[ "${NAMES[0]:-}" == baseline ]] || die "the baseline program does not answer; see $TMP/baseline.log"

	local i r
	log "warm-up $WARMUP per target"
	for i in "${!NAMES[@]}"; do
		wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${URLS[$i]}" >/dev/null 2>&1 || true
	done
	: >"$TMP/results"
	for ((r = 1; r <= ROUNDS; r++)); do
		for i in "${!NAMES[@]}"; do
			run_wrk "${NAMES[$i]}" "${URLS[$i]}" "$r"
		done
	done

	report
}

# report prints the table of medians for the targets in NAMES.
report() {
	local i name base_reqs="" reqs p50 p99 errs ratio
	printf '\nwrk -t%s -c%s -d%s, %s rounds interleaved, medians; %s CPUs shared by wrk, servers and PostgreSQL\n\n' \
		"$THREADS" "$CONNS" "$DURATION" "$ROUNDS" "$(nproc)"
	printf "%-10s %10s %9s %9s %11s %8s %8s  %s\n" target req/s p50_ms p99_ms vs_baseline bytes errors path
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]}
		# shellcheck disable=SC2046 # one number per word is intended
		reqs=$(median $(awk -v n="$name" '$1 == n { print $2 }' "$TMP/results"))
		# shellcheck disable=SC2046
		p50=$(median $(awk -v n="$name" '$1 == n { print $3 }' "$TMP/results"))
		# shellcheck disable=SC2046
		p99=$(median $(awk -v n="$name" '$1 == n { print $4 }' "$TMP/results"))
		errs=$(awk -v n="$name" '$1 == n { s += $5 } END { print s + 0 }' "$TMP/results")
		[[ -n "$base_reqs" ]] || base_reqs=$reqs
		ratio=$(awk -v a="$reqs" -v b="$base_reqs" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		printf '%-10s %10.0f %9.2f %9.2f %11s %8s %8s  %s\n' "$name" "$reqs" "$p50" "$p99" \
			"${ratio}x" "${SIZES[$i]}" "$errs" "/${URLS[$i]#http://*/}"
	done
	for i in "${SKIPPED[@]}"; do
		printf 'skipped: %s\n' "$i"
	done
	if awk '$5 > 0 { bad = 1 } END { exit !bad }' "$TMP/results"; then
		printf '\nWARNING: some requests failed (non-2xx/3xx or socket errors); see the errors column.\n'
	else
		printf '\nno non-2xx/3xx responses, no socket errors.\n'
	fi
}

main "$@"

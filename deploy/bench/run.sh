#!/usr/bin/env bash
# deploy/bench/run.sh — what `make bench` runs: HTTP throughput of the store's routes, as
# ratios to yardsticks measured in the same run on the same machine.
#
# In a temporary directory it starts a private PostgreSQL with two databases: "libres"
# (`libres seed demo`) and "libres_synth" (`libres seed synthetic`, 10,000 products and
# 80,000 variants). It starts `libres serve` on each, deploy/bench/ceiling (Gin answering
# "Hello, World!" and a 22 KB page from memory: the read ceiling) and deploy/bench/baseline
# (a one-query page, and POST /write: a transaction inserting one row: the write
# baseline), then runs wrk against every route, rounds interleaved so that drift (thermal,
# noisy neighbours) hits all alike:
#   ceiling, page-22k, db-page, write       the yardsticks
#   home, listing (a category), listing-filters, product, product+cart, search "zapato",
#   cart (a cart of two lines), add-to-cart (POST, deploy/bench/lua/add.lua),
#   place-order (POST, two lines, bank transfer, deploy/bench/lua/place.lua: a fresh
#   cart per request, prepared in SQL before each round), studio (the demo lead logged in)
#   synth-listing, synth-search, synth-product   the same pages on the synthetic catalog
# It prints one table of medians over rounds (req/s, p50, p99, errors summed over rounds,
# ratio: reads to the ceiling, add-to-cart and place-order to the write baseline), the
# growth figures (synthetic / demo), the orders placed and the stock check (no variant
# below zero, stock taken = stock reserved by the bench's orders: no oversell), the peak
# RSS (VmHWM) of the demo store, and the targets of issue 10 marked met / not met. The
# targets are a measurement: the script fails only when the bench itself cannot run.
# wrk shares the CPU with the servers and PostgreSQL: compare ratios, not absolute
# numbers, across machines.
#
# Knobs: BENCH_THREADS (2), BENCH_CONNS (64), BENCH_DURATION (10s), BENCH_ROUNDS (3),
#        BENCH_WARMUP (2s, per route, before the first round), BENCH_PRODUCTS (10000,
#        the synthetic catalog; 0 skips it), BENCH_PHOTO_WIDTH (1280: the demo's source
#        photos, smaller than the demo's 1600 to seed faster, large enough for every
#        rendition, so pages are the same), BENCH_TIMEOUT (10s: wrk counts a slower
#        response as a socket error rather than a latency), BENCH_ACCEPT_ENCODING ("gzip,
#        br", as browsers send on every GET; empty sends none), KEEP_TMP=1 keeps logs and
#        wrk outputs; BENCH_ONLY (a regular expression: only the routes whose names match,
#        beside the yardsticks; e.g. BENCH_ONLY='^(add|place|cart)$'), BENCH_DEBUG_ADDR
#        (127.0.0.1:PORT: the demo store serves /debug/pprof there, for profiles taken
#        while wrk runs, e.g. go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=5),
#        BENCH_PG_STATS=1 (pg_stat_statements: after the table, each store route's
#        statements of the last round by total time, calls and mean; what PostgreSQL
#        spends per request).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
LIBRES_LOG_PREFIX=bench/run.sh # both this and deploy/run.sh are "run.sh"

ROOT=$(repo_root)
DEPLOY="$ROOT/deploy"
BENCH="$DEPLOY/bench"
cd "$ROOT"

THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-2s}
ACCEPT_ENCODING=${BENCH_ACCEPT_ENCODING-gzip, br}
PRODUCTS=${BENCH_PRODUCTS:-10000}
PHOTO_WIDTH=${BENCH_PHOTO_WIDTH:-1280}
TIMEOUT=${BENCH_TIMEOUT:-10s}
ONLY=${BENCH_ONLY:-}
PG_STATS=${BENCH_PG_STATS:-0}
DEBUG_ADDR=${BENCH_DEBUG_ADDR:-}

# The store's cookies over plain http (no __Host- prefix).
CART_COOKIE=libres_cart
SESSION_COOKIE=libres_session
LEAD_EMAIL=lead@libres.example
DEMO_PASSWORD='Libres-demo-2026!'
DEPARTMENT=Antioquia
ADD_CARTS=16384
POOL_STOCK=1000000

DB_URL=""
SYNTH_URL=""
scratch_traps

# start_store NAME DATABASE_URL starts `libres serve` on a free port; prints its base URL
# through STORE_URL and its pid through LAST_PID.
start_store() {
	local name=$1 url=$2 debug=""
	mkdir -p "$TMP/media"
	[[ "$name" != app ]] || debug=$DEBUG_ADDR
	start_libres "$name" http DATABASE_URL="$url" LIBRES_MEDIA_DIR="$TMP/media" \
		LIBRES_DEBUG_ADDR="$debug" LIBRES_LOG_LEVEL=warn GIN_MODE=release
}

sql() { psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -tA "$@"; }

# Routes: parallel arrays. KIND is get or post (a wrk Lua script); HEADER is one extra
# request header for gets; ARGS the script's arguments; REF ceiling, write or demo:NAME
# (the same page on the demo catalog); GOAL the minimum ratio; P99 the maximum p99 (ms).
NAMES=() URLS=() KINDS=() HEADERS=() ARGS=() REFS=() GOALS=() P99S=()
SKIPPED=()

# add_route NAME URL KIND HEADER ARGS REF GOAL P99 keeps a route; a get route must answer
# 2xx once first (a post route is checked by its own setup).
add_route() {
	local code
	case $1 in
	ceiling | page-22k | db-page | write) ;; # the yardsticks are always measured
	*) [[ -z "$ONLY" || "$1" =~ $ONLY ]] || return 0 ;;
	esac
	if [[ "$3" == get ]]; then
		code=$(curl -s -o /dev/null -m 20 -w "%{http_code}" ${4:+-H "$4"} "$2" || echo 000)
		if [[ "$code" != 2?? ]]; then
			SKIPPED+=("$1 ($2 answered HTTP $code)")
			return
		fi
	fi
	NAMES+=("$1") URLS+=("$2") KINDS+=("$3") HEADERS+=("$4") ARGS+=("$5") REFS+=("$6") GOALS+=("$7") P99S+=("$8")
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

# stat NAME COLUMN prints the median over rounds of a results column (2 req/s, 3 p50, 4 p99).
stat() {
	# shellcheck disable=SC2046 # one number per word is intended
	median $(awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$TMP/results")
}

# run_wrk I ROUND [DURATION] measures route I once; without DURATION it appends
# "name reqs p50ms p99ms errors requests" to $TMP/results.
run_wrk() {
	local i=$1 round=$2 dur=${3:-$DURATION} name=${NAMES[$1]} out reqs p50 p99 non2xx sockerr total
	local cmd=(wrk -t"$THREADS" -c"$CONNS" -d"$dur" --timeout "$TIMEOUT" --latency)
	out="$TMP/wrk-$name-$round.txt"
	if [[ "${KINDS[$i]}" == post ]]; then
		# shellcheck disable=SC2206 # the script's arguments are words without spaces
		local args=(${ARGS[$i]})
		args=("${args[@]//@ROUND@/$round}")
		cmd+=(-s "$BENCH/lua/$name.lua" "${URLS[$i]}" -- "${args[@]}")
	else
		[[ -z "${HEADERS[$i]}" ]] || cmd+=(-H "${HEADERS[$i]}")
		# As a browser asks: the store answers cached pages with bytes compressed once.
		[[ -z "$ACCEPT_ENCODING" ]] || cmd+=(-H "Accept-Encoding: $ACCEPT_ENCODING")
		cmd+=("${URLS[$i]}")
	fi
	local stats=0
	[[ "$PG_STATS" == 1 && -z "${3:-}" && "$round" == "$ROUNDS" && "${REFS[$i]}" != demo:* ]] && stats=1
	case $name in ceiling | page-22k | db-page | write) stats=0 ;; esac
	((stats == 0)) || sql -c "SELECT pg_stat_statements_reset()" >/dev/null
	"${cmd[@]}" >"$out" 2>&1 || die "wrk failed for $name: $(tail -n 3 "$out")"
	((stats == 0)) || pg_stats "$name" "$(awk '/requests in/ { print $1 }' "$out")" >>"$TMP/pgstats"
	[[ -z "${3:-}" ]] || return 0
	reqs=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
	total=$(awk '/requests in/ { print $1 }' "$out")
	printf '%s %s %s %s %s %s\n' "$name" "${reqs:-0}" "$p50" "$p99" \
		"$((${non2xx:-0} + ${sockerr:-0}))" "${total:-0}" >>"$TMP/results"
	log "round $round $name: ${reqs:-?} req/s, p50 ${p50} ms, p99 ${p99} ms"
}

# pg_stats NAME REQUESTS prints the statements PostgreSQL ran for a route (the store's
# database, since the last reset), by total time: per request calls and milliseconds.
pg_stats() {
	printf '\n%s (%s requests): statements by total time (planning + execution); per request: calls,\n' "$1" "$2"
	printf 'ms planning, ms executing; then mean ms per call, the statement\n'
	sql -F ' | ' -c "SELECT round(calls::numeric / GREATEST($2, 1), 2), round((total_plan_time / GREATEST($2, 1))::numeric, 3),
		round((total_exec_time / GREATEST($2, 1))::numeric, 3),
		round(((total_plan_time + total_exec_time) / GREATEST(calls, 1))::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 150)
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY total_plan_time + total_exec_time DESC LIMIT 15"
}

# duration_s prints DURATION in whole seconds (wrk accepts 10s, 2m, 1h).
duration_s() {
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "m") n *= 60; else if (u == "h") n *= 3600; printf "%d\n", (n < 1 ? 1 : n) }'
}

# prepare_pool picks up to 16 products on sale with two variants at the product's price,
# gives those variants ample stock (remembering what was already reserved, so the stock
# check compares like with like) and creates the empty carts add-to-cart uses.
prepare_pool() {
	sql <<SQL
CREATE TABLE bench_pool AS
WITH picked AS (
	SELECT p.id, p.price_minor FROM products p
	WHERE p.status = 'active' AND p.published_at <= now()
	  AND (SELECT count(*) FROM variants v WHERE v.product_id = p.id AND v.price_override_minor IS NULL) >= 2
	ORDER BY p.id LIMIT 16)
SELECT dense_rank() OVER (ORDER BY pk.id) - 1 AS j, v.id AS variant_id, pk.price_minor AS unit
FROM picked pk CROSS JOIN LATERAL (
	SELECT id FROM variants v WHERE v.product_id = pk.id AND v.price_override_minor IS NULL ORDER BY v.id LIMIT 2) v;
UPDATE variants SET stock_on_hand = $POOL_STOCK WHERE id IN (SELECT variant_id FROM bench_pool);
CREATE TABLE bench_reserved_before AS
	SELECT COALESCE(sum(quantity), 0) AS q FROM stock_reservations
	WHERE variant_id IN (SELECT variant_id FROM bench_pool) AND released_at IS NULL;
INSERT INTO carts (token_hash, created_at, updated_at)
	SELECT sha256(convert_to('bench-add-' || i, 'UTF8')), now(), now() FROM generate_series(0, $ADD_CARTS - 1) i;
SQL
}

# make_carts PREFIX N creates N carts PREFIX0..PREFIX<N-1>, cart i holding the two pool
# variants of pool product i mod (pool size), one each.
make_carts() {
	sql <<SQL
INSERT INTO carts (token_hash, created_at, updated_at)
	SELECT sha256(convert_to('$1' || i, 'UTF8')), now(), now() FROM generate_series(0, $2 - 1) i;
INSERT INTO cart_lines (cart_id, variant_id, quantity, unit_minor_when_added, added_at)
	SELECT c.id, bp.variant_id, 1, bp.unit, now()
	FROM generate_series(0, $2 - 1) i
	JOIN carts c ON c.token_hash = sha256(convert_to('$1' || i, 'UTF8'))
	JOIN bench_pool bp ON bp.j = i % (SELECT count(DISTINCT j) FROM bench_pool);
SQL
}

# quoted_totals APP prints the total the store quotes (the checkout's review step) for a
# cart of each pool product, in pool order; one probe cart per pool product.
quoted_totals() {
	local app=$1 n j page total
	n=$(sql -c "SELECT count(DISTINCT j) FROM bench_pool")
	((n > 0)) || die "no product with two variants at the product price for the order pool"
	make_carts bench-probe- "$n" >/dev/null
	for ((j = 0; j < n; j++)); do
		page=$(curl -s -m 20 -H "Cookie: $CART_COOKIE=bench-probe-$j" -H "Sec-Fetch-Site: same-origin" \
			--data "email=bench%40libres.example&name=Bench+Shopper&phone=3001234567&department=$DEPARTMENT&city=Medellin&address_line=Calle+10&donation=0&payment_method=transfer&accept_policy=1&action=review" \
			"$app/pagar")
		total=$(grep -o 'name="quoted_total" value="[0-9]*"' <<<"$page" | grep -o '[0-9][0-9]*' | head -n 1 || true)
		[[ -n "$total" && "$total" != 0 ]] || die "the checkout did not quote a total for probe cart $j"
		printf '%s ' "$total"
	done
	printf '\n'
}

# login APP EMAIL prints the session cookie's value after logging in with curl.
login() {
	local jar="$TMP/cookies-$2"
	curl -s -o /dev/null -m 20 -c "$jar" -H "Sec-Fetch-Site: same-origin" \
		--data-urlencode "email=$2" --data-urlencode "password=$DEMO_PASSWORD" "$1/login"
	awk -v n="$SESSION_COOKIE" '$6 == n { print $7 }' "$jar"
}

main() {
	ensure_tool wrk
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-bench.XXXXXX")
	scratch_pg_dir "$TMP" libres-bench

	PG_STARTED=1
	((PG_STATS)) && export PG_EXTRA_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on"
	DB_URL=$("$DEPLOY/pg.sh" start --ephemeral "$PG_DIR")
	export DATABASE_URL=$DB_URL

	log "building bin/libres, bin/bench-ceiling and bin/bench-baseline"
	go build -o bin/libres ./cmd/libres
	go build -o bin/bench-ceiling ./deploy/bench/ceiling
	go build -o bin/bench-baseline ./deploy/bench/baseline
	# Copies under $TMP make the processes easy to tell apart from any other libres.
	cp bin/libres "$TMP/libres"
	cp bin/bench-ceiling "$TMP/ceiling"
	cp bin/bench-baseline "$TMP/baseline"

	"$TMP/libres" migrate up >&2
	((PG_STATS == 0)) || sql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
	LIBRES_MEDIA_DIR="$TMP/media" "$TMP/libres" seed demo --photo-width "$PHOTO_WIDTH" >&2
	if ((PRODUCTS > 0)); then
		sql -c "CREATE DATABASE libres_synth"
		SYNTH_URL=$("$DEPLOY/pg.sh" url "$PG_DIR" libres_synth)
		DATABASE_URL=$SYNTH_URL "$TMP/libres" migrate up >&2
		DATABASE_URL=$SYNTH_URL LIBRES_MEDIA_DIR="$TMP/media" "$TMP/libres" seed synthetic --products "$PRODUCTS" >&2
	fi

	local app synth="" app_pid port
	start_store app "$DB_URL"
	app=$STORE_URL app_pid=$LAST_PID
	if [[ -n "$SYNTH_URL" ]]; then
		start_store synth "$SYNTH_URL"
		synth=$STORE_URL
	fi
	port=$(free_port)
	start_server ceiling "$port" "$TMP/ceiling" -addr "127.0.0.1:$port"
	local ceiling="http://127.0.0.1:$port"
	port=$(free_port)
	start_server baseline "$port" "$TMP/baseline" -addr "127.0.0.1:$port"
	local baseline="http://127.0.0.1:$port"

	log "preparing carts, the order pool and a studio session"
	prepare_pool
	local totals session slug synth_slug pool_variants place_carts
	totals=$(quoted_totals "$app")
	[[ -n "$totals" ]] || die "could not read the checkout's quoted totals (see $TMP/app.log)"
	pool_variants=$(sql -c "SELECT string_agg(variant_id::text, ' ' ORDER BY j, variant_id) FROM bench_pool")
	session=$(login "$app" "$LEAD_EMAIL")
	[[ -n "$session" ]] || SKIPPED+=("studio (could not log in as $LEAD_EMAIL)")
	slug=$(sql -c "SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
	# Enough carts for 3,000 orders a second; done() of place.lua reports any shortfall.
	place_carts=$(($(duration_s "$DURATION") * 3000))
	local code
	code=$(curl -s -o /dev/null -m 20 -w "%{http_code}" -H "Cookie: $CART_COOKIE=bench-add-0" \
		-H "Sec-Fetch-Site: same-origin" --data "variant=${pool_variants%% *}&quantity=1" "$app/carrito")
	[[ "$code" == 303 ]] || die "add-to-cart answered HTTP $code, want 303 (see $TMP/app.log)"

	local cart="Cookie: $CART_COOKIE=bench-probe-0"
	add_route ceiling "$ceiling/plaintext" get "" "" ceiling "" ""
	add_route page-22k "$ceiling/page" get "" "" ceiling "" ""
	add_route db-page "$baseline/" get "" "" ceiling "" ""
	add_route write "$baseline/write" post "" "" write "" ""
	add_route home "$app/" get "" "" ceiling 0.5 25
	add_route listing "$app/catalogo/calzado" get "" "" ceiling 0.5 25
	add_route listing-filters "$app/catalogo/calzado?size=40&stock=1&min=100000&sort=price_asc" get "" "" ceiling 0.5 25
	add_route product "$app/producto/$slug" get "" "" ceiling 0.5 25
	add_route product+cart "$app/producto/$slug" get "$cart" "" ceiling 0.5 25
	add_route search "$app/buscar?q=zapato" get "" "" ceiling 0.2 ""
	add_route cart "$app/carrito" get "$cart" "" ceiling 0.1 ""
	add_route add "$app/carrito" post "" "/carrito $CART_COOKIE bench-add- $ADD_CARTS $THREADS $pool_variants" write 0.5 ""
	add_route place "$app/pagar" post "" "/pagar $CART_COOKIE bench-place-r@ROUND@- $place_carts $THREADS $DEPARTMENT $totals" write 0.25 ""
	[[ -z "$session" ]] || add_route studio "$app/studio" get "Cookie: $SESSION_COOKIE=$session" "" ceiling "" ""
	if [[ -n "$synth" ]]; then
		synth_slug=$(psql -X -q "$SYNTH_URL" -tAc "SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
		add_route synth-listing "$synth/catalogo/calzado" get "" "" demo:listing 0.5 ""
		add_route synth-search "$synth/buscar?q=zapato" get "" "" demo:search 0.5 ""
		add_route synth-product "$synth/producto/$synth_slug" get "" "" demo:product 0.5 ""
	fi
	[[ "${NAMES[0]:-}" == ceiling ]] || die "the ceiling program does not answer; see $TMP/ceiling.log"

	local i r before after
	log "warm-up $WARMUP per route"
	make_carts bench-place-r0- "$place_carts"
	for i in "${!NAMES[@]}"; do
		run_wrk "$i" 0 "$WARMUP"
	done
	: >"$TMP/results"
	: >"$TMP/placed"
	for ((r = 1; r <= ROUNDS; r++)); do
		make_carts "bench-place-r$r-" "$place_carts"
		for i in "${!NAMES[@]}"; do
			[[ "${NAMES[$i]}" == place ]] && before=$(sql -c "SELECT count(*) FROM orders")
			run_wrk "$i" "$r"
			if [[ "${NAMES[$i]}" == place ]]; then
				after=$(sql -c "SELECT count(*) FROM orders")
				printf '%s %s\n' "$((after - before))" \
					"$(awk '/past prepared carts:/ { print $NF }' "$TMP/wrk-place-$r.txt")" >>"$TMP/placed"
			fi
		done
	done

	report "$app_pid"
}

# ratio A B prints A/B with three decimals (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

# report APP_PID prints the table, the growth and order checks, RSS and the targets.
report() {
	local app_pid=$1 i name reqs p50 p99 errs ref ref_reqs r goal verdict hwm
	local -A REQS=() P99=() ERRS=()
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]}
		REQS[$name]=$(stat "$name" 2) P99[$name]=$(stat "$name" 4)
		ERRS[$name]=$(awk -v n="$name" '$1 == n { s += $5 } END { print s + 0 }' "$TMP/results")
	done
	hwm=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$app_pid/status" 2>/dev/null || echo "?")

	printf '\nwrk -t%s -c%s -d%s, %s rounds interleaved, medians (errors summed); %s CPUs shared by wrk, servers and PostgreSQL\n' \
		"$THREADS" "$CONNS" "$DURATION" "$ROUNDS" "$(nproc)"
	printf 'ratio: reads to the ceiling (Gin plaintext), add and place to the write baseline, synth-* to the demo figure\n\n'
	printf '| %-15s | %9s | %8s | %8s | %6s | %7s |\n' route req/s p50_ms p99_ms errors ratio
	printf '|%s|%s|%s|%s|%s|%s|\n' -----------------  ----------- ---------- ---------- -------- ---------
	local -a TARGETS=()
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]} ref=${REFS[$i]} goal=${GOALS[$i]}
		reqs=${REQS[$name]} p50=$(stat "$name" 3) p99=${P99[$name]} errs=${ERRS[$name]}
		case $ref in
		ceiling) ref_reqs=${REQS[ceiling]} ;;
		write) ref_reqs=${REQS[write]:-0} ;;
		demo:*) ref_reqs=${REQS[${ref#demo:}]:-0} ;;
		esac
		r=$(ratio "$reqs" "$ref_reqs")
		printf '| %-15s | %9.0f | %8.2f | %8.2f | %6s | %7s |\n' "$name" "$reqs" "$p50" "$p99" "$errs" "$r"
		[[ -n "$goal" ]] || continue
		verdict=met
		awk -v r="$r" -v g="$goal" 'BEGIN { exit !(r < g) }' && verdict="not met"
		local what="$name: ratio $r >= $goal"
		if [[ -n "${P99S[$i]}" ]]; then
			what+=", p99 ${p99} ms <= ${P99S[$i]} ms, no errors"
			awk -v p="$p99" -v m="${P99S[$i]}" 'BEGIN { exit !(p > m) }' && verdict="not met"
			((errs == 0)) || verdict="not met"
		fi
		[[ "$ref" != demo:* ]] || what="$name: within 2x of the demo's ${ref#demo:} (ratio $r >= $goal)"
		TARGETS+=("$(printf '%-8s %s' "$verdict" "$what")")
	done
	for i in "${SKIPPED[@]}"; do
		printf 'skipped: %s\n' "$i"
	done

	if [[ -s "$TMP/placed" ]]; then
		local placed over wrk_total neg taken reserved
		placed=$(awk '{ s += $1 } END { print s + 0 }' "$TMP/placed")
		over=$(awk '{ s += $2 } END { print s + 0 }' "$TMP/placed")
		wrk_total=$(awk '$1 == "place" { s += $6 - $5 } END { print s + 0 }' "$TMP/results")
		neg=$(sql -c "SELECT count(*) FROM variants WHERE stock_on_hand < 0")
		taken=$(sql -c "SELECT COALESCE(sum($POOL_STOCK - stock_on_hand), 0) FROM variants WHERE id IN (SELECT variant_id FROM bench_pool)")
		reserved=$(sql -c "SELECT COALESCE(sum(quantity), 0) - (SELECT q FROM bench_reserved_before) FROM stock_reservations
			WHERE variant_id IN (SELECT variant_id FROM bench_pool) AND released_at IS NULL")
		printf '\norders placed in the measured rounds: %s (successful place responses: %s; requests past the prepared carts: %s)\n' \
			"$placed" "$wrk_total" "$over"
		verdict=met
		[[ "$neg" == 0 && "$taken" == "$reserved" && "$placed" -gt 0 ]] || verdict="not met"
		printf 'stock: %s variants below zero; pool stock taken %s = reserved by orders %s\n' "$neg" "$taken" "$reserved"
		TARGETS+=("$(printf '%-8s %s' "$verdict" "no oversell: no stock below zero, stock taken = stock reserved, orders placed")")
	fi
	printf 'peak RSS of the demo store (VmHWM): %s MB\n' "$hwm"
	verdict=met
	[[ "$hwm" != "?" ]] && ((hwm <= 150)) || verdict="not met"
	TARGETS+=("$(printf '%-8s %s' "$verdict" "peak RSS ${hwm} MB <= 150 MB")")

	if awk '$5 > 0 { bad = 1 } END { exit !bad }' "$TMP/results"; then
		printf 'WARNING: some requests failed (non-2xx/3xx or socket errors); see the errors column.\n'
	fi
	[[ ! -s "$TMP/pgstats" ]] || cat "$TMP/pgstats"
	printf '\ntargets of issue 10 (a measurement, not a test):\n'
	printf '  %s\n' "${TARGETS[@]}"
}

main "$@"

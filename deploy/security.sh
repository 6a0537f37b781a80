#!/usr/bin/env bash
# deploy/security.sh — what `make security` runs: sqlmap against a running store, and the
# security-header check with curl. A measurement with its figures, not part of make test
# (the header check also runs there, as TestSecurityHeaders in internal/web/site).
#
# In a temporary directory it starts a private PostgreSQL, migrates and seeds the demo
# (`libres seed demo --photo-width 400`: small photos, the same pages), and starts `libres
# serve` twice on free loopback ports over the same database: "app" with a plain http
# origin, which sqlmap attacks, and "https" with LIBRES_BASE_URL=https://… (as behind a
# TLS-terminating proxy), for the header check of an https deployment (HSTS, Secure and
# __Host- cookies).
#
# sqlmap (Debian's package, installed with apt-get when missing) runs with --batch, no
# --smart, every parameter named explicitly (-p), against:
#   search      GET /buscar?q=
#   filters     GET /catalogo/CATEGORY?workshop=&size=&stock=&min=&max=&sort=&page=
#   login       POST /login email=… (the demo customer's right password: the base request
#               succeeds, which clears the address's failures), then password=… (with a
#               fresh email per request, --eval)
#   add-to-cart POST /carrito variant=&quantity= and the cart cookie
#   checkout    POST /pagar, every field, with a cart of one line; action=place with a
#               quoted_total that is not the cart's, so the store runs the placement up to
#               the total check and writes nothing (no order is placed)
# POSTs carry Sec-Fetch-Site: same-origin, as a browser's form does (the store refuses
# cross-site POSTs before any handler runs). Redirects are not followed (a 303 is the
# answer compared), cookies the store sets are dropped (each request carries only the
# cookie given), and each target has its own output directory and session.
#
# Login throttling (no switch turns it off, and none should): the store trusts 127.0.0.1
# as a proxy (LIBRES_TRUSTED_PROXIES) and sqlmap's xforwardedfor tamper gives each
# payload a random client address, so neither the per-address bucket nor the
# per-address failure count turns sqlmap away; the per-email count is handled as said
# above. The 429s the store answered during each target are counted from its log and
# printed ("throttled"). Expect a few dozen on login-email: payloads sqlmap sends as
# "%%27…" are not valid form encoding, so the store reads no email at all from them, and
# after five such failures "no email" is throttled; those payloads reach no query either
# way.
#
# It prints one table: target, parameters tested, requests sent (sqlmap's traffic log),
# injectable parameters found, and a total; then the header check's figures. Exit 1 when
# a parameter is injectable or a header check fails, or when sqlmap tested fewer
# parameters than it was given (the measurement did not happen).
#
# Knobs: SECURITY_LEVEL (2) and SECURITY_RISK (1), sqlmap's --level and --risk;
#        SECURITY_TECHNIQUE (BEUST: boolean, error, union, stacked, time-based);
#        SECURITY_ONLY (a regular expression: only the targets whose names match);
#        SECURITY_PHOTO_WIDTH (400); KEEP_TMP=1 keeps the store logs and sqlmap's output.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
DEPLOY="$ROOT/deploy"
cd "$ROOT"

LEVEL=${SECURITY_LEVEL:-2}
RISK=${SECURITY_RISK:-1}
TECHNIQUE=${SECURITY_TECHNIQUE:-BEUST}
ONLY=${SECURITY_ONLY:-}
PHOTO_WIDTH=${SECURITY_PHOTO_WIDTH:-400}

# The store's cookies over plain http (no __Host- prefix).
CART_COOKIE=libres_cart
CUSTOMER_EMAIL=cliente@libres.example
DEMO_PASSWORD='Libres-demo-2026!'

DB_URL=""
scratch_traps

# start_store NAME BASE_SCHEME starts `libres serve` on a free port with its log in
# $TMP/NAME.log; its URL lands in STORE_URL. BASE_SCHEME (http or https) is the scheme of
# its LIBRES_BASE_URL; it is always served over plain http on loopback.
start_store() {
	mkdir -p "$TMP/media"
	start_libres "$1" "$2" DATABASE_URL="$DB_URL" LIBRES_MEDIA_DIR="$TMP/media" \
		LIBRES_TRUSTED_PROXIES=127.0.0.1 LIBRES_LOG_LEVEL=info GIN_MODE=release
}

sql() { psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -tA "$@"; }

# Results of the sqlmap runs, one line each: name tested requests injectable throttled.
RESULTS=()
FAILED=0

# run_sqlmap NAME PARAMS ARGS... runs sqlmap on one target, testing the comma-separated
# PARAMS, and appends its figures to RESULTS. Each run has its own output directory (and
# so its own session: nothing is reused between targets).
run_sqlmap() {
	local name=$1 params=$2
	shift 2
	[[ -z "$ONLY" || "$name" =~ $ONLY ]] || return 0
	local dir="$TMP/sqlmap/$name" out before after
	mkdir -p "$dir"
	out="$dir/stdout.txt"
	before=$(grep -c 'status=429' "$TMP/app.log" || true)
	log "sqlmap: $name (-p $params)"
	local start=$SECONDS
	TERM=dumb sqlmap --batch --flush-session --disable-coloring --output-dir "$dir" -t "$dir/traffic.txt" \
		--level "$LEVEL" --risk "$RISK" --technique "$TECHNIQUE" --timeout 10 --retries 1 \
		--drop-set-cookie --answers "follow=N" -p "$params" "$@" >"$out" 2>&1 ||
		die "sqlmap failed on $name: $(tail -n 5 "$out")"
	after=$(grep -c 'status=429' "$TMP/app.log" || true)
	local requests tested injectable want
	requests=$(grep -c '^HTTP request \[#' "$dir/traffic.txt" || true)
	# Every parameter ends as "does not seem to be injectable" or injectable: "appears
	# to be '…' injectable", "is '…' injectable", "is vulnerable", or the list of
	# injection points ("Parameter: NAME (PLACE)"). A parameter sqlmap first suspects and
	# then clears (a false positive) ends as not injectable; a run cut short (sqlmap gives
	# up on a target that stops answering, as a working time-based payload can make it)
	# still counts what it saw.
	grep -Eo "parameter '[^']+' does not seem to be injectable" "$out" |
		sed -E "s/^parameter '([^']+)'.*/\1/" | sort -u >"$dir/clean" || true
	{
		grep -Eo "parameter '[^']+' (appears to be '.*' injectable|is '.*' injectable|is vulnerable)" "$out" |
			sed -E "s/^parameter '([^']+)'.*/\1/"
		sed -n 's/^Parameter: \([^ ]*\) (.*/\1/p' "$out"
	} | sort -u | comm -23 - "$dir/clean" >"$dir/injectable" || true
	injectable=$(grep -c . "$dir/injectable" || true)
	tested=$(($(grep -c . "$dir/clean" || true) + injectable))
	want=$(tr ',' '\n' <<<"$params" | grep -c .)
	log "sqlmap: $name done in $((SECONDS - start)) s: $tested of $want parameters, $requests requests, $injectable injectable"
	if ((injectable > 0)); then
		FAILED=1
		log "INJECTABLE in $name: see $out"
		awk '/identified the following injection point/ { on = 1 } on { print } on && /^---$/ && ++n == 2 { exit }' "$out" >&2
	fi
	if ((tested < want)); then
		FAILED=1
		log "$name: sqlmap tested $tested of the $want parameters ($params); its last lines:"
		tail -n 15 "$out" >&2
	fi
	RESULTS+=("$name $tested $requests $injectable $((after - before))")
}

# Header check with curl: each response's headers and cookies against the policy.
HEADER_CHECKS=0
HEADER_FAILS=0

# check_headers LABEL HTTPS FILE checks the headers saved in FILE (curl -D) of one
# response; HTTPS (0 or 1) says whether the store's origin is https.
check_headers() {
	local label=$1 https=$2 file=$3 csp v
	HEADER_CHECKS=$((HEADER_CHECKS + 1))
	local -a bad=()
	hdr() { awk -v n="$1" 'BEGIN { IGNORECASE = 1 } { sub(/\r$/, "") } tolower($0) ~ "^" tolower(n) ":" { sub(/^[^:]*: */, ""); print }' "$file"; }
	csp=$(hdr Content-Security-Policy)
	[[ -n "$csp" ]] || bad+=("no Content-Security-Policy")
	for v in script-src style-src; do
		local d
		d=$(tr ';' '\n' <<<"$csp" | sed 's/^ *//' | grep "^$v " || true)
		[[ "$d" != *unsafe-inline* && "$d" != *unsafe-eval* ]] || bad+=("$v allows unsafe code: $d")
	done
	[[ "$csp" == *"frame-ancestors 'none'"* ]] || bad+=("no frame-ancestors 'none'")
	[[ "$(hdr X-Content-Type-Options)" == nosniff ]] || bad+=("no X-Content-Type-Options: nosniff")
	[[ -n "$(hdr Referrer-Policy)" ]] || bad+=("no Referrer-Policy")
	if ((https)); then
		[[ "$(hdr Strict-Transport-Security)" == *max-age=* ]] || bad+=("no Strict-Transport-Security")
	fi
	local cookie
	while IFS= read -r cookie; do
		[[ -n "$cookie" ]] || continue
		local lc=${cookie,,}
		[[ "$lc" == *"; httponly"* ]] || bad+=("cookie not HttpOnly: $cookie")
		[[ "$lc" == *"; samesite=lax"* || "$lc" == *"; samesite=strict"* ]] || bad+=("cookie without SameSite Lax/Strict: $cookie")
		if ((https)); then
			[[ "$lc" == *"; secure"* ]] || bad+=("cookie not Secure over https: $cookie")
		fi
	done < <(hdr Set-Cookie)
	if ((${#bad[@]} > 0)); then
		HEADER_FAILS=$((HEADER_FAILS + 1))
		log "headers of $label:"
		printf '  %s\n' "${bad[@]}" >&2
	fi
}

# header_pass STORE HTTPS CART_COOKIE checks a few pages of a store: GETs as a visitor,
# then the responses that set cookies (add to cart, log in, a page with the session).
header_pass() {
	local store=$1 https=$2 cart=$3 label=${4:-http} path f i=0
	for path in / "/catalogo/$CATEGORY" "/producto/$SLUG" "/buscar?q=zapato" /carrito /login /en /no-such-page \
		"$(curl -s "$store/" | grep -o '/static/[^"]*\.css' | head -n 1)"; do
		f="$TMP/headers-$label-$((i++))"
		curl -s -o /dev/null -D "$f" -m 20 "$store$path"
		check_headers "$label GET $path" "$https" "$f"
	done
	f="$TMP/headers-$label-add"
	curl -s -o /dev/null -D "$f" -m 20 -H "Sec-Fetch-Site: same-origin" --data "variant=$VARIANT&quantity=1" "$store/carrito"
	grep -qi "^set-cookie: [^=]*$cart=" "$f" || { HEADER_FAILS=$((HEADER_FAILS + 1)) && log "$label: add to cart set no $cart cookie"; }
	check_headers "$label POST /carrito" "$https" "$f"
	f="$TMP/headers-$label-login"
	curl -s -o /dev/null -D "$f" -m 20 -H "Sec-Fetch-Site: same-origin" \
		--data-urlencode "email=$CUSTOMER_EMAIL" --data-urlencode "password=$DEMO_PASSWORD" "$store/login"
	grep -qi '^set-cookie: [^=]*libres_session=' "$f" || { HEADER_FAILS=$((HEADER_FAILS + 1)) && log "$label: login set no session cookie"; }
	check_headers "$label POST /login" "$https" "$f"
}

main() {
	ensure_tool sqlmap
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-security.XXXXXX")
	scratch_pg_dir "$TMP" libres-security
	PG_STARTED=1
	DB_URL=$("$DEPLOY/pg.sh" start --ephemeral "$PG_DIR")
	export DATABASE_URL=$DB_URL

	log "building bin/libres"
	go build -o bin/libres ./cmd/libres
	# A copy under $TMP makes the processes easy to tell apart from any other libres.
	cp bin/libres "$TMP/libres"
	"$TMP/libres" migrate up >&2
	LIBRES_MEDIA_DIR="$TMP/media" "$TMP/libres" seed demo --photo-width "$PHOTO_WIDTH" >&2

	start_store app http
	local app=$STORE_URL
	start_store https https
	local https=$STORE_URL

	# The category with most products on sale, and a size its variants have.
	CATEGORY=$(sql -c "SELECT c.slug_es FROM categories c JOIN products p ON p.category_id = c.id
		WHERE p.status = 'active' GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1")
	SIZE=$(sql -c "SELECT v.size FROM variants v JOIN products p ON p.id = v.product_id
		JOIN categories c ON c.id = p.category_id WHERE c.slug_es = '$CATEGORY' ORDER BY v.id LIMIT 1")
	SLUG=$(sql -c "SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
	# A variant on sale with ample stock: sqlmap's adds and the checkout's quotes need it.
	VARIANT=$(sql -c "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active
		ORDER BY v.stock_on_hand DESC, v.id LIMIT 1")
	sql -c "UPDATE variants SET stock_on_hand = 1000000 WHERE id = $VARIANT" >/dev/null
	[[ -n "$CATEGORY" && -n "$SLUG" && -n "$VARIANT" ]] || die "the demo catalog has no category, product or variant"

	# A shopper's cart of one line, for add-to-cart and the checkout.
	local jar="$TMP/cart-jar" cart code
	code=$(curl -s -o /dev/null -m 20 -c "$jar" -w "%{http_code}" -H "Sec-Fetch-Site: same-origin" \
		--data "variant=$VARIANT&quantity=1" "$app/carrito")
	cart=$(awk -v n="$CART_COOKIE" '$6 == n { print $7 }' "$jar")
	[[ "$code" == 303 && -n "$cart" ]] || die "add to cart answered HTTP $code without a cart cookie (see $TMP/app.log)"

	local same=(--headers "Sec-Fetch-Site: same-origin")
	local total_start=$SECONDS orders_before
	orders_before=$(sql -c "SELECT count(*) FROM orders")
	run_sqlmap search q -u "$app/buscar?q=zapato"
	run_sqlmap filters workshop,size,stock,min,max,sort,page \
		-u "$app/catalogo/$CATEGORY?workshop=&size=${SIZE// /+}&stock=1&min=10000&max=500000&sort=price_asc&page=1"
	# A refused login is a 401 page, which sqlmap would otherwise take for HTTP auth.
	# shellcheck disable=SC2054 # 401,429 is one argument of --ignore-code
	local login=("${same[@]}" --tamper xforwardedfor --ignore-code 401,429 -u "$app/login")
	run_sqlmap login-email email "${login[@]}" \
		--data "email=$CUSTOMER_EMAIL&password=$DEMO_PASSWORD"
	run_sqlmap login-password password "${login[@]}" \
		--data "email=$CUSTOMER_EMAIL&password=$DEMO_PASSWORD" \
		--eval "import random; email='sqlmap-%d@libres.test' % random.randint(1, 10**12)"
	run_sqlmap add-to-cart "variant,quantity,$CART_COOKIE" "${same[@]}" -u "$app/carrito" \
		--data "variant=$VARIANT&quantity=1" --cookie "$CART_COOKIE=$cart"
	run_sqlmap checkout email,name,phone,department,city,address_line,notes,donation,payment_method,quoted_total \
		"${same[@]}" -u "$app/pagar" --cookie "$CART_COOKIE=$cart" \
		--data "email=comprador%40libres.test&name=Ana+Prueba&phone=3001234567&department=Antioquia&city=Medellin&address_line=Calle+10+%23+20-30&notes=Porteria&donation=0&donation_other=&payment_method=transfer&accept_policy=1&action=place&quoted_total=1"
	local sqlmap_s=$((SECONDS - total_start))
	local orders
	orders=$(($(sql -c "SELECT count(*) FROM orders") - orders_before))

	log "header check with curl"
	header_pass "$app" 0 "$CART_COOKIE" http
	header_pass "$https" 1 "__Host-$CART_COOKIE" https

	printf '\nsqlmap %s (level %s, risk %s, techniques %s) against %s\n\n' \
		"$(sqlmap --version 2>/dev/null | grep -m 1 -Eo '^[0-9][^ ]*')" "$LEVEL" "$RISK" "$TECHNIQUE" "$app"
	printf '%-16s %10s %10s %11s %10s\n' target parameters requests injectable throttled
	local line name tested requests injectable throttled tt=0 tr=0 ti=0 th=0
	for line in "${RESULTS[@]}"; do
		read -r name tested requests injectable throttled <<<"$line"
		printf '%-16s %10s %10s %11s %10s\n' "$name" "$tested" "$requests" "$injectable" "$throttled"
		tt=$((tt + tested)) tr=$((tr + requests)) ti=$((ti + injectable)) th=$((th + throttled))
	done
	printf '%-16s %10s %10s %11s %10s\n' total "$tt" "$tr" "$ti" "$th"
	printf '\nsqlmap took %d s; orders placed meanwhile: %s (the checkout target stops at the total check)\n' "$sqlmap_s" "$orders"
	printf 'header check (curl): %d responses (http and https origins), %d failing\n' "$HEADER_CHECKS" "$HEADER_FAILS"
	((HEADER_FAILS == 0)) || FAILED=1
	if ((FAILED)); then
		log "FAILED: see the messages above"
		exit 1
	fi
}

main "$@"

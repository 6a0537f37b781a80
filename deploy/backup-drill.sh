#!/usr/bin/env bash
# deploy/backup-drill.sh — what `make backup-drill` runs: back up a store, restore it
# into a fresh cluster and prove the copy is a working store.
#
# In a temporary directory:
#   1. a private PostgreSQL cluster ("source") and a versitygw object store; libres
#      built, `libres migrate up`, `libres seed demo` with the photos (and the demo
#      quotes' files) written to the object store. The demo writes a few months of
#      orders through the order service: paid, shipped, refunded in part and in full,
#      a payout, quotes in every state, one paid (ledger entries for all of them).
#   2. `libres serve` on the source; one more order placed through the shop with curl
#      (add to cart, review, place by bank transfer), so the backup holds a write made
#      through the running store a moment before. The store is then stopped so that the
#      figures below and the dump see the same rows (pg_dump alone is consistent on a
#      live database: it reads one snapshot), and the source cluster after the dump.
#   3. figures of the source: every table's row count and an md5 of its rows (in text
#      form, sorted), every sequence's position, the ledger's sums per account.
#   4. pg_dump -Fc (timed, size); a second, fresh cluster; pg_restore into it and
#      vacuumdb --analyze-only (pg_restore brings no planner statistics), timed.
#   5. on the restored database: the same figures, compared line by line; `libres
#      reconcile` must pass; `libres serve` (same object store) must answer /healthz,
#      /readyz, the home page and a product page with 200 and the product page's photos
#      must load from the object store, and an order placed through it must go in (the
#      restored sequences hand out fresh ids); every object key the restored database names
#      (each photo's JPEG and WebP renditions, each quote file) must exist in the
#      bucket: photos with an anonymous HEAD on their public URL (as browsers fetch
#      them), quote files (private) with a HEAD signed with the store's keys.
# It prints a summary and PASS or FAIL; the exit status is 1 on any failure. Both
# clusters, versitygw and the servers are stopped, and the directory removed, on every
# exit path (success, failure, Ctrl-C).
#
# Knobs: DRILL_PHOTO_WIDTH (400: the demo's source photos; small to seed fast),
#        DRILL_RESTORE_JOBS (1: pg_restore -j), KEEP_TMP=1 keeps the directory (logs,
#        the dump, both figure files).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
DEPLOY="$ROOT/deploy"
cd "$ROOT"

PHOTO_WIDTH=${DRILL_PHOTO_WIDTH:-400}
RESTORE_JOBS=${DRILL_RESTORE_JOBS:-1}
S3_ACCESS_KEY=librestest
S3_SECRET_KEY=librestest-secret-key
S3_BUCKET=libres-photos
S3_REGION=us-east-1
DEPARTMENT=Antioquia

SRC_STARTED=0
DST_STARTED=0
S3_STARTED=0
FAILURES=()

# cleanup_hook stops what main started, the last first (scratch_cleanup runs it).
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup_hook() {
	if ((S3_STARTED)); then
		"$DEPLOY/s3.sh" stop "$TMP/s3" || log "could not stop versitygw"
	fi
	if ((DST_STARTED)); then
		"$DEPLOY/pg.sh" stop "$PG_DIR/restored" || log "could not stop the restored cluster"
	fi
	if ((SRC_STARTED)); then
		"$DEPLOY/pg.sh" stop "$PG_DIR/source" || log "could not stop the source cluster"
	fi
}
scratch_traps

# fail records a failed check; the drill goes on so that the summary shows every one.
fail() {
	log "FAIL: $*"
	FAILURES+=("$*")
}

# now prints the time in seconds with microseconds; elapsed START prints the seconds
# since START with one decimal.
now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

sql() {
	local url=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 "$url" -tA "$@"
}

# store_env prints the environment `libres` runs with against DATABASE_URL $1: the drill's
# object store, emails left queued (no SMTP_URL), quiet logs.
store_env() {
	printf '%s\n' "DATABASE_URL=$1" "LIBRES_S3_ENDPOINT=$S3_ENDPOINT" \
		"LIBRES_S3_ACCESS_KEY=$S3_ACCESS_KEY" "LIBRES_S3_SECRET_KEY=$S3_SECRET_KEY" \
		"LIBRES_S3_BUCKET=$S3_BUCKET" "LIBRES_S3_REGION=$S3_REGION" \
		"LIBRES_LOG_LEVEL=warn" "GIN_MODE=release"
}

# libres URL ARGS... runs the drill's copy of the binary against database URL.
libres() {
	local url=$1
	shift
	local -a envs
	mapfile -t envs < <(store_env "$url")
	env "${envs[@]}" "$TMP/libres" "$@"
}

# start_store NAME DATABASE_URL starts `libres serve` on a free port; its base URL lands
# in STORE_URL, its pid in STORE_PID (and PIDS, for cleanup).
start_store() {
	local -a envs
	mapfile -t envs < <(store_env "$2")
	start_libres "$1" http "${envs[@]}"
	STORE_PID=$LAST_PID
}

# figures URL prints, one line each, sorted: every table of the public schema with its
# row count and an md5 of its rows (text form, sorted, so physical order does not
# matter), then every sequence's last value. Equal output means equal content.
figures() {
	sql "$1" -F ' ' <<'SQL'
SELECT format('SELECT ''table %s'', count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM public.%I t',
              tablename, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SELECT 'sequence ' || sequencename, coalesce(last_value, 0) FROM pg_sequences
WHERE schemaname = 'public' ORDER BY sequencename;
SQL
}

# count FIGURES TABLE prints the row count of TABLE from a figures file.
count() { awk -v t="$2" '$1 == "table" && $2 == t { print $3 }' "$1"; }

# ledger_sums URL prints the ledger's entries and sums (amount, share) per account.
ledger_sums() {
	sql "$1" -F ' ' -c "SELECT account, count(*), sum(amount_minor), sum(share_minor), min(currency)
		FROM ledger_entries GROUP BY account ORDER BY account"
}

# object_keys URL prints "public KEY" for every photo rendition (JPEG, and WebP when the
# row says it is stored) and "private KEY" for every quote file the database names, each
# key once (keys are content hashes: quotes with the same logo share its object).
object_keys() {
	sql "$1" -F ' ' <<'SQL'
SELECT 'public', p.object_key || '/' || w || '.jpg' FROM photos p, unnest(p.renditions) w
UNION
SELECT 'public', p.object_key || '/' || w || '.webp' FROM photos p, unnest(p.renditions) w WHERE p.webp
UNION
SELECT 'private', object_key FROM quote_files
ORDER BY 1, 2;
SQL
}

# head_all FILE [CURL ARGS...] HEADs every URL in FILE (one a line) with one curl
# process (one kept-alive connection) and prints "CODE URL" per URL.
head_all() {
	local file=$1 cfg
	shift
	cfg="$TMP/curl-$RANDOM.cfg"
	awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$file" >"$cfg"
	curl -s -I -m 20 -w '%{http_code} %{url}\n' "$@" -K "$cfg" || true
}

# check_objects URL counts the object keys the database at URL names and checks each is
# in the bucket; sets OBJECTS_TOTAL, OBJECTS_PRESENT (and PUBLIC_N, PRIVATE_N).
check_objects() {
	local url=$1 base="http://$S3_ENDPOINT/$S3_BUCKET"
	object_keys "$url" >"$TMP/keys"
	awk -v b="$base" '$1 == "public" { print b "/" $2 }' "$TMP/keys" >"$TMP/public-urls"
	awk -v b="$base" '$1 == "private" { print b "/" $2 }' "$TMP/keys" >"$TMP/private-urls"
	PUBLIC_N=$(wc -l <"$TMP/public-urls")
	PRIVATE_N=$(wc -l <"$TMP/private-urls")
	OBJECTS_TOTAL=$((PUBLIC_N + PRIVATE_N))
	{
		head_all "$TMP/public-urls"
		# Quote files are private: the bucket policy refuses anonymous reads, so sign.
		# S3 wants the payload's hash in a header; a HEAD's payload is empty.
		[[ ! -s "$TMP/private-urls" ]] ||
			head_all "$TMP/private-urls" --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
				-H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)"
	} >"$TMP/heads"
	OBJECTS_PRESENT=$(awk '$1 == 200' "$TMP/heads" | wc -l)
	awk '$1 != 200 { print "  missing: " $0 }' "$TMP/heads" | head -n 10 >&2
}

# http_code URL prints the status of a GET of URL (000 when nothing answers).
http_code() { curl -s -o /dev/null -m 20 -w '%{http_code}' "$1" || true; }

# place_order APP DATABASE_URL places an order through the shop as a shopper would: add
# a variant in stock to a new cart, ask for the review step, place it by bank transfer
# with the total quoted. Prints the status and the Location the store redirected to.
place_order() {
	local app=$1 url=$2 variant jar="$TMP/shopper-cookies-$RANDOM" page total code
	variant=$(sql "$url" -c "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		WHERE p.status = 'active' AND p.published_at <= now() AND v.stock_on_hand >= 5
		ORDER BY v.id DESC LIMIT 1")
	[[ -n "$variant" ]] || return 1
	code=$(curl -s -o /dev/null -m 20 -w '%{http_code}' -c "$jar" -b "$jar" -H "Sec-Fetch-Site: same-origin" \
		--data "variant=$variant&quantity=1" "$app/carrito")
	[[ "$code" == 303 ]] || { log "add to cart answered HTTP $code"; return 1; }
	local form="email=drill%40libres.example&name=Drill+Shopper&phone=3001234567&department=$DEPARTMENT&city=Medellin&address_line=Calle+10+%23+20-30&donation=0&payment_method=transfer&accept_policy=1"
	page=$(curl -s -m 20 -c "$jar" -b "$jar" -H "Sec-Fetch-Site: same-origin" --data "$form&action=review" "$app/pagar")
	total=$(grep -o 'name="quoted_total" value="[0-9]*"' <<<"$page" | grep -o '[0-9][0-9]*' | head -n 1 || true)
	[[ -n "$total" ]] || { log "the checkout's review step quoted no total"; return 1; }
	curl -s -o /dev/null -m 20 -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
		-H "Sec-Fetch-Site: same-origin" --data "$form&action=place&quoted_total=$total" "$app/pagar"
}

# check_store APP checks the restored store's pages and one product's photos; sets
# PAGES_OK, PAGES_CHECKED, PAGE_PHOTOS and PAGE_PHOTOS_OK.
check_store() {
	local app=$1 slug path code page
	slug=$(sql "$DST_URL" -c "SELECT p.slug FROM products p WHERE p.status = 'active' AND p.published_at <= now()
		AND EXISTS (SELECT 1 FROM photos ph WHERE ph.product_id = p.id) ORDER BY p.id LIMIT 1")
	PAGES_OK=0 PAGES_CHECKED=0
	for path in /healthz /readyz / "/producto/$slug"; do
		PAGES_CHECKED=$((PAGES_CHECKED + 1))
		code=$(http_code "$app$path")
		if [[ "$code" == 200 ]]; then
			PAGES_OK=$((PAGES_OK + 1))
		else
			fail "restored store: GET $path answered HTTP $code, want 200 (log: restored.log)"
		fi
	done
	# The product page's photos, as a browser would load them: from the object store.
	page=$(curl -s -m 20 "$app/producto/$slug" || true)
	grep -o "http://$S3_ENDPOINT/$S3_BUCKET/photos/[^\"' ,]*" <<<"$page" | sort -u >"$TMP/page-photos" || true
	PAGE_PHOTOS=$(wc -l <"$TMP/page-photos")
	PAGE_PHOTOS_OK=0
	if ((PAGE_PHOTOS > 0)); then
		PAGE_PHOTOS_OK=$(head_all "$TMP/page-photos" | awk '$1 == 200' | wc -l)
	fi
	((PAGE_PHOTOS > 0 && PAGE_PHOTOS_OK == PAGE_PHOTOS)) ||
		fail "restored store: product page photos loading from the object store: $PAGE_PHOTOS_OK of $PAGE_PHOTOS"
}

main() {
	local t0 t
	t0=$(now)
	# The drill depends only on what it starts: drop the app's configuration variables.
	for var in $(compgen -e); do
		if [[ "$var" == DATABASE_URL || "$var" == SMTP_URL || "$var" == STRIPE_* || "$var" == LIBRES_* ]]; then
			unset "$var"
		fi
	done
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/libres-drill.XXXXXX")
	scratch_pg_dir "$TMP" libres-drill # sets PG_DIR (and PG_TMP when $TMP is out of reach)
	mkdir -p "$PG_DIR"
	chmod 711 "$PG_DIR"

	SRC_STARTED=1
	SRC_URL=$("$DEPLOY/pg.sh" start --ephemeral "$PG_DIR/source")
	S3_STARTED=1
	S3_ENDPOINT=$(VGW_TEST_ACCESS_KEY=$S3_ACCESS_KEY VGW_TEST_SECRET_KEY=$S3_SECRET_KEY \
		"$DEPLOY/s3.sh" start "$TMP/s3")

	# Built under $TMP: easy to tell from any other libres, and no race with another
	# build of bin/libres.
	log "building libres"
	go build -o "$TMP/libres" ./cmd/libres

	log "source: migrate up, seed demo (photos to the object store)"
	t=$(now)
	libres "$SRC_URL" migrate up >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log" >&2; die "migrate up failed"; }
	libres "$SRC_URL" seed demo --photo-width "$PHOTO_WIDTH" >"$TMP/seed.log" 2>&1 ||
		{ tail -n 30 "$TMP/seed.log" >&2; die "seed demo failed"; }
	local seed_s
	seed_s=$(elapsed "$t")

	log "source: one order placed through the running store"
	local before after placed
	before=$(sql "$SRC_URL" -c "SELECT count(*) FROM orders")
	start_store source "$SRC_URL"
	placed=$(place_order "$STORE_URL" "$SRC_URL" || true)
	stop_server "$STORE_PID"
	after=$(sql "$SRC_URL" -c "SELECT count(*) FROM orders")
	local live_order="yes, by transfer (HTTP ${placed%% *})"
	if [[ "$placed" != 303* ]] || ((after != before + 1)); then
		fail "placing an order through the source store: answered '${placed:-nothing}', orders $before -> $after (log: source.log)"
		live_order="FAILED"
	fi

	figures "$SRC_URL" >"$TMP/figures-source"
	ledger_sums "$SRC_URL" >"$TMP/ledger-source"

	log "pg_dump -Fc"
	t=$(now)
	pg_dump -Fc -f "$TMP/libres.dump" "$SRC_URL" || die "pg_dump failed"
	local dump_s dump_bytes
	dump_s=$(elapsed "$t")
	dump_bytes=$(stat -c %s "$TMP/libres.dump")

	# The source is gone for good, as after losing a server: the copy must stand alone.
	"$DEPLOY/pg.sh" stop "$PG_DIR/source" >/dev/null 2>&1
	SRC_STARTED=0

	log "fresh cluster; pg_restore"
	DST_STARTED=1
	DST_URL=$("$DEPLOY/pg.sh" start --ephemeral "$PG_DIR/restored")
	t=$(now)
	pg_restore --exit-on-error --no-owner -j "$RESTORE_JOBS" -d "$DST_URL" "$TMP/libres.dump" ||
		die "pg_restore failed"
	local restore_s analyze_s
	restore_s=$(elapsed "$t")
	t=$(now)
	vacuumdb --quiet --analyze-only -d "$DST_URL" || fail "vacuumdb --analyze-only failed"
	analyze_s=$(elapsed "$t")

	figures "$DST_URL" >"$TMP/figures-restored"
	ledger_sums "$DST_URL" >"$TMP/ledger-restored"
	local lines same
	lines=$(wc -l <"$TMP/figures-source")
	same=$(grep -cxFf "$TMP/figures-source" "$TMP/figures-restored" || true)
	if ! cmp -s "$TMP/figures-source" "$TMP/figures-restored"; then
		diff "$TMP/figures-source" "$TMP/figures-restored" | head -n 20 >&2 || true
		fail "restored rows differ from the source's in: $(diff "$TMP/figures-source" "$TMP/figures-restored" |
			awk '/^[<>]/ { print $3 }' | sort -u | paste -sd ' ' -)"
	fi
	cmp -s "$TMP/ledger-source" "$TMP/ledger-restored" || fail "the ledger's sums per account differ"

	log "libres reconcile on the restored database"
	local reconcile=passed
	if ! libres "$DST_URL" reconcile >"$TMP/reconcile.txt" 2>&1; then
		reconcile=FAILED
		fail "libres reconcile on the restored database (table below)"
		cat "$TMP/reconcile.txt" >&2
	fi

	log "serving the restored database"
	start_store restored "$DST_URL"
	check_store "$STORE_URL"
	# A write: the restored sequences must hand out ids past the restored rows.
	before=$(sql "$DST_URL" -c "SELECT count(*) FROM orders")
	placed=$(place_order "$STORE_URL" "$DST_URL" || true)
	after=$(sql "$DST_URL" -c "SELECT count(*) FROM orders")
	local restored_order="yes, by transfer (HTTP ${placed%% *})"
	if [[ "$placed" != 303* ]] || ((after != before + 1)); then
		fail "placing an order on the restored store: answered '${placed:-nothing}', orders $before -> $after (log: restored.log)"
		restored_order="FAILED"
	fi
	log "checking every object the restored database names"
	check_objects "$DST_URL"
	((OBJECTS_TOTAL > 0 && OBJECTS_PRESENT == OBJECTS_TOTAL)) ||
		fail "objects named by the restored database present in the bucket: $OBJECTS_PRESENT of $OBJECTS_TOTAL"
	stop_server "$STORE_PID"

	local f=$TMP/figures-source
	printf '\nbackup drill: pg_dump -Fc of a store with orders, ledger and quotes, restored into a fresh cluster\n\n'
	printf '| %-44s | %-34s |\n' check result
	printf '|%s|%s|\n' ---------------------------------------------- ------------------------------------
	row() { printf '| %-44s | %-34s |\n' "$1" "$2"; }
	row "source: seed demo, photos in versitygw" "${seed_s} s"
	row "order placed through the running store" "$live_order"
	row "orders / order lines" "$(count "$f" orders) / $(count "$f" order_lines)"
	row "ledger entries / refunds / payouts" "$(count "$f" ledger_entries) / $(count "$f" order_refunds) / $(count "$f" payouts)"
	row "quotes / quote payments / quote files" "$(count "$f" quotes) / $(count "$f" quote_payments) / $(count "$f" quote_files)"
	row "products / variants / photos" "$(count "$f" products) / $(count "$f" variants) / $(count "$f" photos)"
	row "users / audit entries" "$(count "$f" users) / $(count "$f" audit_log)"
	row "dump (pg_dump -Fc)" "$(numfmt --to=iec --suffix=B "$dump_bytes") in ${dump_s} s"
	row "restore (pg_restore -j $RESTORE_JOBS) + analyze" "${restore_s} s + ${analyze_s} s"
	row "tables and sequences identical (rows, md5)" "$same of $lines"
	row "ledger sums per account identical" "$(cmp -s "$TMP/ledger-source" "$TMP/ledger-restored" && echo yes || echo NO) ($(wc -l <"$TMP/ledger-source") accounts)"
	row "libres reconcile on the restored database" "$reconcile"
	row "restored store: /healthz /readyz / product" "$PAGES_OK of $PAGES_CHECKED answered 200"
	row "restored store: product page's photos" "$PAGE_PHOTOS_OK of $PAGE_PHOTOS load"
	row "restored store: an order placed" "$restored_order"
	row "objects the database names, in the bucket" "$OBJECTS_PRESENT of $OBJECTS_TOTAL present"
	row "  photo renditions (public: anonymous HEAD)" "$PUBLIC_N"
	row "  quote file objects (private: signed HEAD)" "$PRIVATE_N"
	row "drill duration" "$(elapsed "$t0") s on $(nproc) CPUs"
	printf '\nledger per account (entries, sum of amounts, sum of shares, currency), after restore:\n'
	sed 's/^/  /' "$TMP/ledger-restored"
	if ((${#FAILURES[@]} > 0)); then
		printf '\nFAIL: %d check(s) failed:\n' "${#FAILURES[@]}"
		printf '  - %s\n' "${FAILURES[@]}"
		[[ "${KEEP_TMP:-0}" == 1 ]] || printf 'KEEP_TMP=1 keeps the logs, the dump and the figures.\n'
		exit 1
	fi
	printf '\nPASS\n'
}

main "$@"

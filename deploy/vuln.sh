#!/usr/bin/env bash
# deploy/vuln.sh — what `make vuln` runs: govulncheck (pinned, fetched through the Go
# module proxy with `go run`) over the whole module: the known vulnerabilities of Go and
# of the modules the store uses that its code actually reaches.
#
# govulncheck needs its online database, https://vuln.go.dev. Machines without internet
# (the ones the store's tests run on) cannot reach it, so this is not part of `make test`:
# run it where the database is reachable (a developer's machine, CI with internet). Before
# anything else the script asks the database for its index, for at most
# VULN_CONNECT_TIMEOUT seconds, and fails with one line when there is no answer, instead
# of hanging.
#
# Knobs: VULN_DB (https://vuln.go.dev; a mirror, or file:///path of a local copy made
#        with the database's zip, https://vuln.go.dev/vulndb.zip); VULN_CONNECT_TIMEOUT
#        (10 s); VULN_TIMEOUT (600 s, the whole run); VULN_ARGS (govulncheck's, default
#        ./...; e.g. VULN_ARGS='-show verbose ./...').
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The pinned scanner; bump it deliberately, like staticcheck's in the Makefile.
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0

DB=${VULN_DB:-https://vuln.go.dev}
DB=${DB%/}
CONNECT_TIMEOUT=${VULN_CONNECT_TIMEOUT:-10}
TIMEOUT=${VULN_TIMEOUT:-600}
read -r -a ARGS <<<"${VULN_ARGS:-./...}"

cd "$(repo_root)"

# reachable checks that the database answers its index (db.json.gz, the first thing
# govulncheck reads), printing why not on failure.
reachable() {
	case $DB in
	file://*)
		[[ -f "${DB#file://}/index/db.json" || -f "${DB#file://}/index/db.json.gz" ]] ||
			{ echo "no index/db.json under ${DB#file://}" && return 1; }
		;;
	http://* | https://*)
		command -v curl >/dev/null 2>&1 || { echo "curl is needed to check the database" && return 1; }
		local err
		if ! err=$(curl -fsS -o /dev/null --connect-timeout "$CONNECT_TIMEOUT" -m "$((CONNECT_TIMEOUT * 3))" "$DB/index/db.json.gz" 2>&1); then
			sed -E 's/^curl: (\([0-9]+\) )?//' <<<"$err" | head -n 1
			return 1
		fi
		;;
	*)
		echo "VULN_DB must be an http(s):// or file:// URL"
		return 1
		;;
	esac
}

if ! why=$(reachable); then
	die "govulncheck needs its vulnerability database $DB, which this machine cannot reach ($why): run make vuln on a machine with internet, or set VULN_DB to a mirror or a local copy (file:///…)"
fi

log "govulncheck ${GOVULNCHECK##*@} against $DB: ${ARGS[*]}"
status=0
timeout "$TIMEOUT" go run "$GOVULNCHECK" -db "$DB" "${ARGS[@]}" || status=$?
if ((status == 124)); then
	die "govulncheck did not finish within $TIMEOUT s (VULN_TIMEOUT)"
fi
# govulncheck exits 3 when it found vulnerabilities the code reaches (listed above).
exit "$status"

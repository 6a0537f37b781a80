#!/usr/bin/env bash
# deploy/stripe-mock.sh — Stripe's official API mock (stripe-mock) on loopback, for tests.
#
# Usage:
#   deploy/stripe-mock.sh start DIR   install stripe-mock into bin/ if missing, serve plain
#                                     HTTP on a free 127.0.0.1 port; prints its URL
#                                     (http://127.0.0.1:PORT), the STRIPE_API_URL for tests
#   deploy/stripe-mock.sh stop DIR    stop the server started with DIR
#
# Files in DIR: stripe-mock.log, pid, url, https.sock. stripe-mock is stateless: it
# validates each request against Stripe's OpenAPI spec and answers with fixtures, so
# tests assert what was sent and drive state with signed webhooks. It accepts any
# sk_test_… key. The binary is pinned (STRIPE_MOCK_VERSION) and built with `go install`
# into the repository's bin/ (git-ignored).
#
# stripe-mock opens HTTPS on [::]:12112 unless told where: -http-addr does not turn that
# default off (only -http-port and -http-unix do, and -http-port binds every interface),
# so its HTTPS side goes to a Unix socket in DIR (or a second loopback port when DIR's
# path is too long for a socket).
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRIPE_MOCK_VERSION=v0.203.0

usage() {
	sed -n '3,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

install_stripe_mock() { install_pinned stripe-mock github.com/stripe/stripe-mock github.com/stripe/stripe-mock "$STRIPE_MOCK_VERSION"; }

cmd_start() {
	[[ $# -eq 1 ]] || usage
	mkdir -p "$1"
	local dir bin port pid attempt i https
	dir=$(cd "$1" && pwd -P)
	if [[ -f "$dir/pid" ]] && alive "$(<"$dir/pid")"; then
		die "stripe-mock already running for $dir (pid $(<"$dir/pid"))"
	fi
	bin=$(install_stripe_mock)

	for attempt in 1 2 3; do
		port=$(free_port)
		rm -f "$dir/https.sock"
		if ((${#dir} < 90)); then
			https=(-https-unix "$dir/https.sock")
		else
			https=(-https-addr "127.0.0.1:$(free_port)")
		fi
		"$bin" -http-addr "127.0.0.1:$port" "${https[@]}" >>"$dir/stripe-mock.log" 2>&1 </dev/null &
		pid=$!
		if wait_port "$port" 30 "$pid"; then
			break
		fi
		stop_pid "$pid" stripe-mock
		if ((attempt == 3)); then
			tail -n 20 "$dir/stripe-mock.log" >&2 || true
			die "stripe-mock did not start (log: $dir/stripe-mock.log)"
		fi
		log "stripe-mock did not come up on port $port; retrying"
	done
	printf '%s\n' "$pid" >"$dir/pid"
	printf 'http://127.0.0.1:%s\n' "$port" >"$dir/url"

	# Listening is not quite serving: wait for an HTTP answer (401 without a key).
	for ((i = 0; i < 50; i++)); do
		if curl -s -o /dev/null -m 2 "http://127.0.0.1:$port/v1/charges"; then
			break
		fi
		sleep 0.1
	done
	log "stripe-mock $STRIPE_MOCK_VERSION on http://127.0.0.1:$port (pid $pid)"
	printf 'http://127.0.0.1:%s\n' "$port"
}

cmd_stop() {
	[[ $# -eq 1 ]] || usage
	local dir=$1
	if [[ ! -f "$dir/pid" ]]; then
		log "no stripe-mock recorded in $dir"
		return 0
	fi
	stop_pid "$(<"$dir/pid")" stripe-mock
	rm -f "$dir/pid" "$dir/https.sock"
	log "stopped stripe-mock for $dir"
}

main() {
	[[ $# -ge 1 ]] || usage
	local cmd=$1
	shift
	case "$cmd" in
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	*) usage ;;
	esac
}

main "$@"

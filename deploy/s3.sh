#!/usr/bin/env bash
# deploy/s3.sh — a throwaway S3-compatible server (versitygw, posix backend) on loopback.
#
# Usage:
#   deploy/s3.sh start DIR   install versitygw into bin/ if missing, serve DIR/data on a
#                            free 127.0.0.1 port; prints the endpoint (127.0.0.1:PORT)
#   deploy/s3.sh stop DIR    stop the server started with DIR
#
# Credentials are VGW_TEST_ACCESS_KEY / VGW_TEST_SECRET_KEY from the environment, with
# fixed test defaults. Files in DIR: data/ (buckets), iam/, versitygw.log, pid, endpoint.
# The binary is pinned (VERSITYGW_VERSION) and built with `go install` into the
# repository's bin/ (git-ignored); the Go build cache makes reinstalls quick.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSITYGW_VERSION=v1.8.0
ACCESS_KEY=${VGW_TEST_ACCESS_KEY:-librestest}
SECRET_KEY=${VGW_TEST_SECRET_KEY:-librestest-secret-key}

usage() {
	sed -n '3,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

install_versitygw() { install_pinned versitygw github.com/versity/versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION"; }

cmd_start() {
	[[ $# -eq 1 ]] || usage
	mkdir -p "$1"
	local dir bin port pid attempt
	dir=$(cd "$1" && pwd -P)
	if [[ -f "$dir/pid" ]] && alive "$(<"$dir/pid")"; then
		die "versitygw already running for $dir (pid $(<"$dir/pid"))"
	fi
	bin=$(install_versitygw)
	mkdir -p "$dir/data" "$dir/iam"

	for attempt in 1 2 3; do
		port=$(free_port)
		# Root credentials come through the environment, not argv, so they do not show in ps.
		ROOT_ACCESS_KEY="$ACCESS_KEY" ROOT_SECRET_KEY="$SECRET_KEY" \
			"$bin" --port "127.0.0.1:$port" --iam-dir "$dir/iam" --quiet \
			posix "$dir/data" >>"$dir/versitygw.log" 2>&1 </dev/null &
		pid=$!
		if wait_port "$port" 30 "$pid"; then
			break
		fi
		stop_pid "$pid" versitygw
		if ((attempt == 3)); then
			tail -n 20 "$dir/versitygw.log" >&2 || true
			die "versitygw did not start (log: $dir/versitygw.log)"
		fi
		log "versitygw did not come up on port $port; retrying"
	done
	printf '%s\n' "$pid" >"$dir/pid"
	printf '127.0.0.1:%s\n' "$port" >"$dir/endpoint"

	# Listening is not quite serving: wait for an HTTP answer (403 without credentials).
	local i
	for ((i = 0; i < 50; i++)); do
		if curl -s -o /dev/null -m 2 "http://127.0.0.1:$port/"; then
			break
		fi
		sleep 0.1
	done
	log "versitygw $VERSITYGW_VERSION on 127.0.0.1:$port (pid $pid, data $dir/data)"
	printf '127.0.0.1:%s\n' "$port"
}

cmd_stop() {
	[[ $# -eq 1 ]] || usage
	local dir=$1
	if [[ ! -f "$dir/pid" ]]; then
		log "no versitygw recorded in $dir"
		return 0
	fi
	stop_pid "$(<"$dir/pid")" versitygw
	rm -f "$dir/pid"
	log "stopped versitygw for $dir"
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

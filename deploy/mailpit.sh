#!/usr/bin/env bash
# deploy/mailpit.sh — a throwaway SMTP server that keeps every email (Mailpit) on loopback.
#
# Usage:
#   deploy/mailpit.sh start DIR   install Mailpit into bin/ if missing, start it on two free
#                                 127.0.0.1 ports; prints two lines: the SMTP URL
#                                 (smtp://127.0.0.1:P1) and the web/API URL (http://127.0.0.1:P2)
#   deploy/mailpit.sh stop DIR    stop the server started with DIR
#
# Files in DIR: mailpit.db (the messages), mailpit.log, pid, smtp_url, web_url.
# Any SMTP user and password are accepted, over plain SMTP: it is for development and
# tests only. The binary is pinned (MAILPIT_VERSION) and built with `go install` into
# the repository's bin/ (git-ignored); a cold build takes about 95 s.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAILPIT_VERSION=v1.33.1

usage() {
	sed -n '3,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

install_mailpit() { install_pinned mailpit github.com/axllent/mailpit github.com/axllent/mailpit "$MAILPIT_VERSION"; }

cmd_start() {
	[[ $# -eq 1 ]] || usage
	mkdir -p "$1"
	local dir bin smtp web pid attempt i
	dir=$(cd "$1" && pwd -P)
	if [[ -f "$dir/pid" ]] && alive "$(<"$dir/pid")"; then
		die "Mailpit already running for $dir (pid $(<"$dir/pid"))"
	fi
	bin=$(install_mailpit)

	for attempt in 1 2 3; do
		smtp=$(free_port)
		web=$(free_port)
		[[ "$smtp" != "$web" ]] || continue
		# --max 0: keep every message (Mailpit deletes beyond 500 by default, and a test
		# counting one address's emails after a busy run would see one "lost").
		"$bin" --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$web" \
			--database "$dir/mailpit.db" --max 0 \
			--smtp-auth-accept-any --smtp-auth-allow-insecure \
			--disable-version-check --smtp-disable-rdns \
			>>"$dir/mailpit.log" 2>&1 </dev/null &
		pid=$!
		if wait_port "$smtp" 30 "$pid" && wait_port "$web" 30 "$pid"; then
			break
		fi
		stop_pid "$pid" mailpit
		if ((attempt == 3)); then
			tail -n 20 "$dir/mailpit.log" >&2 || true
			die "Mailpit did not start (log: $dir/mailpit.log)"
		fi
		log "Mailpit did not come up on ports $smtp/$web; retrying"
	done
	printf '%s\n' "$pid" >"$dir/pid"
	printf 'smtp://127.0.0.1:%s\n' "$smtp" >"$dir/smtp_url"
	printf 'http://127.0.0.1:%s\n' "$web" >"$dir/web_url"

	# Listening is not quite serving: wait for the readiness endpoint.
	for ((i = 0; i < 50; i++)); do
		if curl -fs -o /dev/null -m 2 "http://127.0.0.1:$web/readyz"; then
			break
		fi
		sleep 0.1
	done
	log "Mailpit $MAILPIT_VERSION: SMTP on 127.0.0.1:$smtp, emails at http://127.0.0.1:$web (pid $pid)"
	printf 'smtp://127.0.0.1:%s\nhttp://127.0.0.1:%s\n' "$smtp" "$web"
}

cmd_stop() {
	[[ $# -eq 1 ]] || usage
	local dir=$1
	if [[ ! -f "$dir/pid" ]]; then
		log "no Mailpit recorded in $dir"
		return 0
	fi
	stop_pid "$(<"$dir/pid")" mailpit
	rm -f "$dir/pid"
	log "stopped Mailpit for $dir"
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

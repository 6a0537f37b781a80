#!/usr/bin/env bash
# deploy/pg.sh — a private PostgreSQL cluster in a directory, on a loopback port.
#
# Usage:
#   deploy/pg.sh start [--ephemeral] DIR   create or reuse the cluster in DIR and start it;
#                                          prints the DATABASE_URL of db "libres" on stdout
#   deploy/pg.sh stop DIR                  stop it (pg_ctl -m fast); a no-op if not running
#   deploy/pg.sh status DIR                exit 0 if the cluster in DIR is running
#   deploy/pg.sh url DIR [DBNAME]          print the URL of a running cluster's database
#
# Layout of DIR: data/ (PGDATA), run/ (unix socket), log/postgres.log, port.
# The port recorded in DIR/port is reused when still free, so URLs stay stable across
# restarts; otherwise a new free port is picked and recorded.
# --ephemeral turns off fsync and friends: for throwaway clusters (tests, bench) only.
#
# PostgreSQL refuses to run as root. When run as root this script runs initdb and
# pg_ctl as the "postgres" user (runuser) and hands DIR to that user (mode 700), so
# every parent directory of DIR must be traversable by "postgres".
# Authentication is "trust" on 127.0.0.1 only; the superuser is named "postgres".
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	sed -n '3,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# pg_bindir prints the directory holding initdb/pg_ctl: pg_config's answer when it has
# initdb there (Debian's pg_config may point at a client-only install), else the newest
# /usr/lib/postgresql/N/bin.
pg_bindir() {
	local dir
	if command -v pg_config >/dev/null 2>&1; then
		dir=$(pg_config --bindir 2>/dev/null || true)
		if [[ -n "$dir" && -x "$dir/initdb" ]]; then
			printf '%s\n' "$dir"
			return
		fi
	fi
	dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
		sort -V | tail -n 1)
	[[ -n "$dir" && -x "$dir/initdb" ]] ||
		die "no PostgreSQL server binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin); install postgresql-15"
	printf '%s\n' "$dir"
}

# as_pg runs a command as the cluster owner: "postgres" when we are root, else ourselves.
# It runs from / so that a cwd the postgres user cannot read does not produce warnings.
as_pg() {
	if ((EUID == 0)); then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

# check_reachable fails with an explanation when, as root, the postgres user cannot
# reach DIR because some parent directory denies it search (x) permission.
check_reachable() {
	local dir=$1 path=""
	((EUID == 0)) || return 0
	id -u postgres >/dev/null 2>&1 ||
		die "running as root needs a 'postgres' system user to own the cluster (apt-get install postgresql-15 creates it)"
	if runuser -u postgres -- test -x "$dir" 2>/dev/null; then
		return 0
	fi
	# Find the first component that blocks the way, to say exactly what is wrong.
	local blocker=$dir part
	local IFS=/
	for part in $dir; do
		[[ -n "$part" ]] || continue
		path="$path/$part"
		if ! runuser -u postgres -- test -x "$path" 2>/dev/null; then
			blocker=$path
			break
		fi
	done
	cat >&2 <<-EOF
		pg.sh: the 'postgres' user cannot reach $dir
		  because $blocker is not searchable by it: $(stat -c '%A %U:%G' "$blocker" 2>/dev/null || echo '?')
		  PostgreSQL refuses to run as root, so this script runs it as 'postgres', and that
		  user needs search (x) permission on every parent directory of its data directory.
		  Fix one of:
		    - put the cluster elsewhere, e.g. LIBRES_PG_DIR=/var/tmp/libres-pg make run
		    - allow traversal (not listing): chmod o+x $blocker
		    - use an existing server: DATABASE_URL=postgres://... make run
	EOF
	exit 1
}

# abspath prints DIR as an absolute path (it need not exist). as_pg runs commands from /,
# so relative paths would point elsewhere.
abspath() {
	if [[ "$1" == /* ]]; then
		printf "%s\n" "$1"
	else
		printf "%s/%s\n" "$PWD" "$1"
	fi
}

# running succeeds when the cluster in DIR is up.
running() {
	local dir=$1
	[[ -f "$dir/data/PG_VERSION" ]] || return 1
	as_pg "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# running_port prints the port of the running cluster (line 4 of postmaster.pid).
running_port() {
	sed -n '4p' "$1/data/postmaster.pid"
}

url_for() {
	printf 'postgres://postgres@127.0.0.1:%s/%s?sslmode=disable\n' "$1" "${2:-libres}"
}

# ensure_db creates database NAME when missing. Connects over TCP as the trusted
# superuser, so it needs no runuser.
ensure_db() {
	local port=$1 name=$2 exists
	exists=$("$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$name'")
	if [[ "$exists" != 1 ]]; then
		"$BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
		log "created database $name"
	fi
}

cmd_start() {
	local ephemeral=0
	if [[ "${1:-}" == --ephemeral ]]; then
		ephemeral=1
		shift
	fi
	[[ $# -eq 1 ]] || usage
	mkdir -p "$1"
	local dir
	dir=$(cd "$1" && pwd -P)

	if ((EUID == 0)); then
		chown postgres:postgres "$dir"
	fi
	chmod 700 "$dir"
	check_reachable "$dir"

	if running "$dir"; then
		local port
		port=$(running_port "$dir")
		log "cluster in $dir already running on 127.0.0.1:$port"
		ensure_db "$port" libres
		url_for "$port"
		return
	fi

	if [[ ! -f "$dir/data/PG_VERSION" ]]; then
		log "initdb in $dir/data"
		as_pg mkdir -p "$dir/data" "$dir/log"
		as_pg chmod 700 "$dir/data"
		as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
			--locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 || {
			cat "$dir/log/initdb.log" >&2
			die "initdb failed (log above)"
		}
	fi
	as_pg mkdir -p "$dir/run" "$dir/log"

	# pg_ctl hands -o to a shell, so the socket path is single-quoted (and a quote in
	# DIR is refused). A unix socket path is limited to 107 bytes; past that, go TCP-only.
	[[ "$dir" != *"'"* ]] || die "DIR must not contain a single quote: $dir"
	local opts="-c listen_addresses=127.0.0.1"
	if ((${#dir} + 19 <= 107)); then # 19 = length of "/run/.s.PGSQL.65535"
		opts+=" -k '$dir/run'"
	else
		log "path too long for a unix socket; TCP only"
		opts+=" -c unix_socket_directories=''"
	fi
	if ((ephemeral)); then
		opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	# PG_EXTRA_OPTS: more server options, e.g. "-c shared_preload_libraries=pg_stat_statements".
	[[ -z "${PG_EXTRA_OPTS:-}" ]] || opts+=" $PG_EXTRA_OPTS"

	# Reuse the recorded port when free; retry with fresh ports if another process
	# grabs ours between the check and PostgreSQL's bind.
	local port="" attempt
	if [[ -f "$dir/port" ]]; then
		port=$(<"$dir/port")
		if [[ ! "$port" =~ ^[0-9]+$ ]] || port_in_use "$port"; then
			log "recorded port ${port:-?} is taken; picking another"
			port=""
		fi
	fi
	for attempt in 1 2 3; do
		[[ -n "$port" ]] || port=$(free_port)
		if as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log/postgres.log" -w -t 60 \
			-o "-p $port $opts" start >/dev/null; then
			break
		fi
		if ((attempt == 3)) || ! port_in_use "$port"; then
			tail -n 20 "$dir/log/postgres.log" >&2 || true
			die "pg_ctl start failed (log: $dir/log/postgres.log)"
		fi
		log "port $port was taken meanwhile; retrying"
		port=""
	done
	printf '%s\n' "$port" >"$dir/port"
	if ((EUID == 0)); then
		chown postgres:postgres "$dir/port"
	fi
	log "started PostgreSQL $("$BIN/postgres" -V | awk '{print $3}') in $dir on 127.0.0.1:$port"
	ensure_db "$port" libres
	url_for "$port"
}

cmd_stop() {
	[[ $# -eq 1 ]] || usage
	local dir
	dir=$(abspath "$1")
	if ! running "$dir"; then
		log "no cluster running in $dir"
		return 0
	fi
	as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
	log "stopped cluster in $dir"
}

cmd_status() {
	[[ $# -eq 1 ]] || usage
	running "$(abspath "$1")"
}

cmd_url() {
	[[ $# -ge 1 && $# -le 2 ]] || usage
	local dir
	dir=$(abspath "$1")
	running "$dir" || die "no cluster running in $dir"
	url_for "$(running_port "$dir")" "${2:-libres}"
}

main() {
	[[ $# -ge 1 ]] || usage
	BIN=$(pg_bindir)
	local cmd=$1
	shift
	case "$cmd" in
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	status) cmd_status "$@" ;;
	url) cmd_url "$@" ;;
	*) usage ;;
	esac
}

main "$@"

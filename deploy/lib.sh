# shellcheck shell=bash
# deploy/lib.sh — helpers shared by the deploy/ scripts. Source it, do not run it.
#
# Everything here is plain bash with no dependency beyond coreutils and, when
# present, `ss` (iproute2). Messages go to stderr so that scripts can keep
# stdout for machine-readable results (a URL, an endpoint).

# log prints a message to stderr, prefixed by the calling script's name.
log() {
	printf '%s: %s\n' "${LIBRES_LOG_PREFIX:-${0##*/}}" "$*" >&2
}

# die logs a message and exits with status 1.
die() {
	log "$@"
	exit 1
}

# repo_root prints the absolute path of the checkout (the parent of deploy/).
repo_root() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
}

# port_in_use succeeds when something listens on 127.0.0.1:PORT (or on the
# wildcard address, which would also make a bind to 127.0.0.1 fail).
port_in_use() {
	local port=$1
	if command -v ss >/dev/null 2>&1; then
		# -H: no header; any listed socket means the port is taken.
		[[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
		return
	fi
	# Fallback: try to connect. A refused connection means nobody listens.
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# free_port prints a loopback TCP port that nothing listens on right now.
# Ports come from 20000–32767, below Linux's default ephemeral range
# (32768–60999), so they do not collide with outgoing connections' local ports.
# There is a small race between picking and binding; callers that can retry do.
free_port() {
	local i port
	for ((i = 0; i < 200; i++)); do
		port=$((20000 + RANDOM % 12768))
		if ! port_in_use "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
	done
	die "no free TCP port found on 127.0.0.1 after 200 tries"
}

# wait_port waits until something listens on 127.0.0.1:PORT, for at most
# SECONDS seconds (default 30). If PID is given and that process exits first,
# it fails at once instead of waiting out the timeout.
wait_port() {
	local port=$1 seconds=${2:-30} pid=${3:-} i
	for ((i = 0; i < seconds * 10; i++)); do
		if port_in_use "$port"; then
			return 0
		fi
		if [[ -n "$pid" ]] && ! alive "$pid"; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# alive succeeds while PID runs. A zombie (exited, not yet reaped by its
# parent) counts as gone, so that a script can stop its own children.
alive() {
	local pid=$1 stat
	kill -0 "$pid" 2>/dev/null || return 1
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	# Field 3 (after the parenthesised command name) is the state letter.
	stat=${stat##*) }
	[[ "${stat%% *}" != Z ]]
}

# stop_pid sends SIGTERM to PID, waits up to STOP_WAIT seconds (default: the store's
# LIBRES_SHUTDOWN_GRACE, 15, plus 5) for it to exit, then sends
# SIGKILL. NAME must occur in the process's command line; this guards against
# killing an unrelated process that reused a stale pid.
stop_pid() {
	local pid=$1 name=$2 i
	[[ -n "$pid" ]] || return 0
	alive "$pid" || return 0
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name"; then
		log "pid $pid is not $name any more; leaving it alone"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || return 0
	local wait=${STOP_WAIT:-$((${LIBRES_SHUTDOWN_GRACE:-15} + 5))}
	for ((i = 0; i < wait * 10; i++)); do
		alive "$pid" || return 0
		sleep 0.1
	done
	log "$name (pid $pid) ignored SIGTERM for $wait s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

# postgres_reaches DIR is true unless we are root and the "postgres" user cannot pass
# through to DIR: PostgreSQL refuses to run as root, so as root it runs as postgres.
postgres_reaches() {
	((EUID != 0)) || runuser -u postgres -- test -x "$1" 2>/dev/null
}

# scratch_pg_dir TMP NAME sets PG_DIR to TMP/pg, or, when postgres cannot reach TMP
# (a TMPDIR under /root, say), to /tmp/NAME-pg.XXXXXX/pg; PG_TMP is then that extra
# directory, for the caller to remove. TMP itself is made passable (711, not listable).
# shellcheck disable=SC2034 # PG_DIR and PG_TMP are the function's results
scratch_pg_dir() {
	chmod 711 "$1"
	PG_DIR="$1/pg"
	PG_TMP=""
	if ! postgres_reaches "$1"; then
		PG_TMP=$(mktemp -d "/tmp/$2-pg.XXXXXX")
		chmod 711 "$PG_TMP"
		PG_DIR="$PG_TMP/pg"
	fi
}

# install_pinned NAME MODULE PACKAGE VERSION prints the path of bin/NAME, installing
# PACKAGE@VERSION there with `go install` when it is missing or another version (read from
# the module version `go version -m` finds stamped in the binary; the tools' own
# -version flags say "master" or nothing when built this way).
install_pinned() {
	local name=$1 module=$2 package=$3 version=$4 bindir bin
	bindir="$(repo_root)/bin"
	bin="$bindir/$name"
	if [[ -x "$bin" ]] && go version -m "$bin" 2>/dev/null |
		grep -Eq "^\s+mod\s+$module\s+$version\s"; then
		printf '%s\n' "$bin"
		return
	fi
	log "installing $name $version into $bindir (go install $package@$version)"
	mkdir -p "$bindir"
	GOBIN="$bindir" go install "$package@$version" >&2 || die "go install $package@$version failed"
	printf '%s\n' "$bin"
}

# ensure_tool COMMAND [PACKAGE] succeeds when COMMAND is on the PATH. Otherwise it
# installs PACKAGE (default: COMMAND) from the distribution with apt-get when running as
# root, and dies with the command to run when not.
ensure_tool() {
	local cmd=$1 pkg=${2:-$1}
	command -v "$cmd" >/dev/null 2>&1 && return
	((EUID == 0)) || die "$cmd is not installed; run: sudo apt-get update && sudo apt-get install -y $pkg"
	log "installing $pkg (apt-get)"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2
}

# scratch_traps sets up the state and the exit handling of a script that starts
# its own servers in a temporary directory: TMP (that directory; empty until the script
# makes it), PG_DIR and PG_TMP (see scratch_pg_dir), PG_STARTED (0; the script sets it to
# 1 just before `pg.sh start PG_DIR`, so that a start that fails half-way still gets a
# stop) and PIDS (the processes started in the background, see start_server). On every
# exit (success, failure; SIGINT and SIGTERM become exits 130 and 143) scratch_cleanup
# runs. Call it once, before starting anything; the script must have set DEPLOY.
# shellcheck disable=SC2034 # TMP, PG_DIR, PG_TMP, PG_STARTED, PIDS are the caller's state
scratch_traps() {
	TMP=""
	PG_DIR=""
	PG_TMP=""
	PG_STARTED=0
	PIDS=()
	trap scratch_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# scratch_cleanup is the EXIT trap scratch_traps sets: it ignores further signals (a
# second Ctrl-C does not cut it short), stops every process in PIDS (stop_server), runs
# cleanup_hook when the script defines a function of that name (to stop other clusters
# or an object store it started), stops the PostgreSQL in PG_DIR when PG_STARTED is 1
# ($DEPLOY/pg.sh stop), then removes TMP and PG_TMP, or keeps them when KEEP_TMP=1; it
# exits with the script's status.
# shellcheck disable=SC2317 # called through the EXIT trap
scratch_cleanup() {
	local status=$?
	trap '' INT TERM
	local pid
	for pid in "${PIDS[@]}"; do
		stop_server "$pid"
	done
	! declare -F cleanup_hook >/dev/null || cleanup_hook
	if ((PG_STARTED)); then
		"$DEPLOY/pg.sh" stop "$PG_DIR" || log "could not stop PostgreSQL"
	fi
	if [[ -n "$TMP" ]]; then
		if [[ "${KEEP_TMP:-0}" == 1 ]]; then
			log "kept $TMP${PG_TMP:+ and $PG_TMP}"
		else
			rm -rf "$TMP" ${PG_TMP:+"$PG_TMP"}
		fi
	fi
	exit "$status"
}

# start_server NAME PORT CMD... starts CMD in the background with its output in
# $TMP/NAME.log and waits up to 60 s for it to listen on 127.0.0.1:PORT; its pid lands in
# LAST_PID (and PIDS, for scratch_cleanup). If it exits or does not listen in time, the
# log's last lines are shown and the script dies.
start_server() {
	local name=$1 port=$2
	shift 2
	"$@" >"$TMP/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
	if ! wait_port "$port" 60 "$LAST_PID"; then
		tail -n 30 "$TMP/$name.log" >&2 || true
		die "$name did not start listening on 127.0.0.1:$port (log above)"
	fi
}

# stop_server PID stops a process start_server started (stop_pid, which finds $TMP in
# its command line: the scripts run copies of their binaries from there) and reaps it.
stop_server() {
	stop_pid "$1" "$TMP"
	wait "$1" 2>/dev/null || true
}

# start_libres NAME SCHEME VAR=VALUE... starts `$TMP/libres serve` (start_server NAME)
# on a free loopback port with the environment VAR=VALUE..., PORT and LIBRES_BASE_URL
# SCHEME://127.0.0.1:PORT (http or https: it is served over plain http either way).
# Its URL lands in STORE_URL, its pid in LAST_PID.
# shellcheck disable=SC2034 # STORE_URL is the function's result
start_libres() {
	local name=$1 scheme=$2 port
	shift 2
	port=$(free_port)
	start_server "$name" "$port" env "$@" PORT="$port" LIBRES_BASE_URL="$scheme://127.0.0.1:$port" \
		"$TMP/libres" serve
	STORE_URL="http://127.0.0.1:$port"
}

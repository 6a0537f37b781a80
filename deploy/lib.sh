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

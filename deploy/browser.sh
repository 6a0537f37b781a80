#!/usr/bin/env bash
# deploy/browser.sh — install what the browser checks need, then print Chromium's path.
#
# Usage: deploy/browser.sh            (make test and make audit call it)
#
# - Debian's chromium (and a Java runtime for vnu.jar, Node.js and npm) when missing,
#   with apt-get (update first); as root, or through password-less sudo.
# - The pinned npm tools of package.json / package-lock.json (axe-core, vnu-jar,
#   lighthouse) into node_modules/, with `npm ci` when node_modules is missing or was
#   installed from another lock file. Install scripts are not run (--ignore-scripts):
#   vnu-jar's would download a Java runtime, and puppeteer-core (under Lighthouse)
#   must not fetch a browser either; the tools run on the machine's java and chromium.
# Prints the Chromium binary on stdout; messages go to stderr.
set -euo pipefail

# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(repo_root)
cd "$ROOT"

# Belt and braces next to --ignore-scripts: no tool downloads a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 \
	PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Two test runs starting at once must not both run apt-get or npm ci.
exec 9>"${TMPDIR:-/tmp}/libres-browser-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).lock"
flock 9

apt_install() {
	local sudo=()
	if ((EUID != 0)); then
		sudo -n true 2>/dev/null ||
			die "need Debian packages $*: run as root, or install them: sudo apt-get install -y $*"
		sudo=(sudo -n)
	fi
	log "installing Debian packages: $*"
	"${sudo[@]}" apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2
}

chrome_path() {
	command -v chromium || command -v chromium-browser || true
}

missing=()
[[ -n "$(chrome_path)" ]] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
	apt_install "${missing[@]}"
fi
CHROME=$(chrome_path)
[[ -n "$CHROME" ]] || die "chromium is still missing after apt-get install"

# node_modules is current when it was installed from exactly this lock file.
stamp=node_modules/.libres-lock.sha256
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
	log "npm ci (axe-core, vnu-jar, lighthouse; pinned in package-lock.json)"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
	printf '%s\n' "$want" >"$stamp"
fi

printf '%s\n' "$CHROME"

#!/usr/bin/env bash
# Installs what the real-VS-Code test harness (test/harness/run.js) needs, using only the npm
# registry and Debian apt:
#   - apt: chromium (the browser playwright-core drives), ripgrep (replaces @vscode/ripgrep's
#     GitHub download), libkrb5-dev + pkg-config + build-essential + python3 (native modules
#     of code-server: kerberos, node-pty);
#   - npm: code-server (VS Code server + web workbench) into <repo>/.cache/code-server.
# Idempotent: a second run with everything present is a quick no-op.
# Env: CS_VERSION (default 4.100.3, the last code-server that runs on Node 20), CS_DIR.
set -euo pipefail
start=$(date +%s)
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CS_VERSION="${CS_VERSION:-4.100.3}"
CS_DIR="${CS_DIR:-$REPO/.cache/code-server}"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
CS_PKG="$CS_DIR/node_modules/code-server/package.json"

say() { echo "[setup] $*"; }
done_msg() { say "done in $(( $(date +%s) - start ))s"; }

# --- apt packages, only the missing ones -------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
{ command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
      say "missing apt packages (${missing[*]}) and not root: install them and re-run"; exit 1; fi
  fi
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- code-server --------------------------------------------------------------------------
installed=""
if [ -x "$CS_BIN" ] && [ -f "$CS_PKG" ]; then
  installed="$(node -p "require(process.argv[1]).version" "$CS_PKG" 2>/dev/null || true)"
fi
if [ "$installed" = "$CS_VERSION" ]; then
  say "code-server $CS_VERSION already in ${CS_DIR#"$REPO"/}"
  done_msg
  exit 0
fi

say "installing code-server@$CS_VERSION into ${CS_DIR#"$REPO"/} (about 70 s, 300 MB)"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds the archive in
# $TMPDIR/vscode-ripgrep-cache-<its version>/ ; seed that cache with Debian's rg.
export TMPDIR="${TMPDIR:-/tmp}"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"   # @vscode/ripgrep version pinned by code-server 4.100.3
mkdir -p "$RG_CACHE/seed"
cp "$(command -v rg)" "$RG_CACHE/seed/rg"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$RG_CACHE/seed" rg

mkdir -p "$CS_DIR"
cd "$CS_DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
# node-gyp must find Node's headers locally (no download of headers from nodejs.org).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
# unsafe_perm: code-server's postinstall refuses to run as root without it.
# yes=true: node-pty's postinstall runs `npx node-gyp`, which must not prompt.
log="$CS_DIR/install.log"
if ! npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --save-exact \
     --loglevel=error "code-server@$CS_VERSION" >"$log" 2>&1; then
  tail -n 40 "$log"
  say "npm install of code-server failed (full log: ${log#"$REPO"/})"
  exit 1
fi
test -x "$CS_BIN"
say "code-server $CS_VERSION installed"
done_msg

#!/usr/bin/env bash
# Installs code-server 4.139.1 (a real VS Code 1.139.1) into .cache/code-server for the end-to-end tests; reuses it when present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NETLENS_CODE_SERVER_CACHE:-$ROOT/.cache/code-server}"
VERSION="4.139.1"
NODE24_DIR="$CACHE/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node/bin"
APP_DIR="$CACHE/app"
ENTRY="$APP_DIR/node_modules/code-server/out/node/entry.js"
MARKER="$CACHE/installed-$VERSION"

log() { printf '[install-code-server] %s\n' "$*" >&2; }

if [[ -f "$MARKER" && -f "$ENTRY" && -x "$NODE24_BIN/node" ]]; then
  log "reusing code-server $VERSION in $CACHE"
  exit 0
fi

# System packages: the native modules of code-server need Kerberos headers; the tests drive Debian's Chromium.
missing=()
for pkg in libkrb5-dev chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}" >&2
fi

mkdir -p "$CACHE"

# Node 24 from the npm registry (code-server 4.139 requires it); the machine's own Node stays the default elsewhere.
if [[ ! -x "$NODE24_BIN/node" ]]; then
  log "installing Node 24 from the npm registry"
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && echo '{"name":"netlens-node24","private":true}' > package.json && npm install --no-audit --no-fund node@24 >&2)
fi
NODE24_VERSION="$("$NODE24_BIN/node" --version)"
log "Node 24 binary: $NODE24_VERSION"

# A nodedir for node-gyp: Node 24's headers plus the gyp configuration files of the machine's Node headers.
NODEDIR="$CACHE/nodedir"
if [[ ! -f "$NODEDIR/include/node/common.gypi" ]]; then
  headers="$(find "$NODE24_DIR/node_modules" -path '*/include/node/node.h' -print -quit)"
  [[ -n "$headers" ]] || { log "Node 24 headers not found under $NODE24_DIR"; exit 1; }
  system_nodedir="$(npm config get nodedir 2>/dev/null || true)"
  gypi_dir=""
  for candidate in "$system_nodedir/include/node" /usr/include/node /usr/local/include/node; do
    [[ -f "$candidate/common.gypi" ]] && { gypi_dir="$candidate"; break; }
  done
  [[ -n "$gypi_dir" ]] || { log "common.gypi not found: install the Node headers (Debian: nodejs / libnode-dev)"; exit 1; }
  rm -rf "$NODEDIR" && mkdir -p "$NODEDIR"
  cp -r "$(dirname "$(dirname "$headers")")" "$NODEDIR/include"
  cp "$gypi_dir/common.gypi" "$gypi_dir/config.gypi" "$NODEDIR/"
  cp "$gypi_dir/common.gypi" "$gypi_dir/config.gypi" "$NODEDIR/include/node/"
fi

log "installing code-server@$VERSION (builds native modules; takes a few minutes)"
mkdir -p "$APP_DIR"
(
  cd "$APP_DIR"
  echo '{"name":"netlens-code-server","private":true}' > package.json
  # Run from `npm run`, the outer npm's settings (npm_config_user_agent names Node 20, which code-server's postinstall
  # reads as the Node version) would leak into this install: start it with none of them.
  unset $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
  export PATH="$NODE24_BIN:$PATH"
  export npm_config_nodedir="$NODEDIR"
  # npm 11 blocks dependency install scripts by default; code-server's postinstall and native modules need them.
  npm install --no-audit --no-fund --dangerously-allow-all-scripts "code-server@$VERSION" >&2
)
[[ -f "$ENTRY" ]] || { log "code-server entry point missing after install: $ENTRY"; exit 1; }
touch "$MARKER"
log "code-server $VERSION ready in $APP_DIR"

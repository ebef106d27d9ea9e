#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs (no desktop VS Code can be downloaded here):
#  - Debian's headless Chromium (renders the workbench) and the headers code-server's native modules build against;
#  - code-server 4.100.3 (VS Code 1.100.3, node 20) from npm into a cache directory outside the repo,
#    reused when present: ${DTS_LSP_CACHE:-$HOME/.cache/dts-lsp}/code-server.
# Prints the path of VS Code's server-main.js on success.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${DTS_LSP_CACHE:-$HOME/.cache/dts-lsp}"
DEST="$CACHE/code-server-$VERSION"
VSCODE_DIR="$DEST/node_modules/code-server/lib/vscode"
MARKER="$DEST/.complete"

log() { echo "vscode-setup: $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
if [ ! -f "$MARKER" ]; then
  for h in /usr/include/gssapi/gssapi.h /usr/include/X11/Xlib.h /usr/include/X11/extensions/XKBfile.h; do
    [ -f "$h" ] || { need_apt+=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config); break; }
  done
  command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || need_apt+=(build-essential python3)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo -n"
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}" >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null
    $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}" >/dev/null
  }
fi

if [ -f "$MARKER" ] && [ -f "$VSCODE_DIR/out/server-main.js" ]; then
  echo "$VSCODE_DIR/out/server-main.js"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = "20" ] || log "warning: code-server $VERSION expects node 20, this is node $node_major"

log "installing code-server $VERSION into $DEST (2-3 minutes)"
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{"private":true}' > package.json
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
npm install --ignore-scripts "code-server@$VERSION" >/dev/null
npm rebuild argon2 >/dev/null 2>&1 || log "argon2 rebuild failed (only needed for password auth)"
cd "$VSCODE_DIR"
npm install --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild >/dev/null
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli 2>/dev/null && ln -sf code-linux.sh code-server) || true
(cd bin/helpers 2>/dev/null && ln -sf browser-linux.sh browser.sh) || true
(cd extensions && npm install --omit=dev --ignore-scripts >/dev/null)
[ -f "$VSCODE_DIR/out/server-main.js" ] || { log "server-main.js missing after install"; exit 1; }
touch "$MARKER"
log "installed"
echo "$VSCODE_DIR/out/server-main.js"

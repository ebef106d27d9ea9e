#!/bin/sh
# Installs Neovim (Debian's package, 0.7+) when it is missing. Used by test/lsp/nvim.test.ts.
# Exit 0 when nvim is available afterwards.
command -v nvim >/dev/null 2>&1 && exit 0
[ "${DTS_NO_INSTALL:-}" = "1" ] && { echo "nvim missing and DTS_NO_INSTALL=1" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || { echo "nvim missing and no apt-get" >&2; exit 1; }
SUDO=""
[ "$(id -u)" = "0" ] || { command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"; }
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends neovim >/dev/null 2>&1 || {
  $SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends neovim >/dev/null 2>&1
} || { echo "apt-get install neovim failed" >&2; exit 1; }
command -v nvim >/dev/null 2>&1

#!/bin/sh
# Makes sure Debian's chromium is installed for the console's browser tests (playwright-core drives
# it). Installs it with apt-get when /usr/bin/chromium is missing; never downloads a browser build.
# Set DISTILLGUARD_SKIP_CHROMIUM=1 to skip (the browser tests then skip with a reason).
set -eu
CHROMIUM="${DISTILLGUARD_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ] || [ "${DISTILLGUARD_SKIP_CHROMIUM:-}" = "1" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; browser tests will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: not root and no passwordless sudo; install chromium yourself (apt-get install chromium)" >&2
    exit 0
  fi
fi
echo "ensure-chromium: installing Debian chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2 || echo "ensure-chromium: apt-get update failed" >&2
if ! $SUDO apt-get install -y -q --no-install-recommends chromium >&2; then
  echo "ensure-chromium: apt-get install chromium failed; browser tests will be skipped" >&2
fi
exit 0

#!/usr/bin/env bash
# Install the system programs the test suite drives for real, when they are missing:
# Debian's chromium (end-to-end dashboard tests) and postgresql (the team backend's tests).
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# A CJK font, so screenshots of the Chinese dashboard show characters, not boxes.
fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk" || need+=(fonts-wqy-zenhei)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

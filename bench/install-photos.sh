#!/usr/bin/env bash
# Installs real photographs for `npm run bench` from Debian's archive (needs root).
set -euo pipefail
apt-get update -qq
apt-get install -y -qq --no-install-recommends mate-backgrounds
ls /usr/share/backgrounds/mate/nature

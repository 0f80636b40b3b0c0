#!/usr/bin/env bash
# Installs real photographs and wallpapers for `npm run bench` from Debian's archive (needs root):
# each package is a corpus of its own (bench/corpora.ts).
set -euo pipefail
apt-get update -qq
apt-get install -y -qq --no-install-recommends mate-backgrounds gnome-backgrounds plasma-workspace-wallpapers
ls /usr/share/backgrounds/mate/nature /usr/share/backgrounds/gnome /usr/share/wallpapers

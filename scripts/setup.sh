#!/usr/bin/env bash
# Installs what NaturalGradient needs on a fresh Debian/Ubuntu machine, if it is missing:
# OpenBLAS and LAPACKE (dense linear algebra) and zlib (gzipped MNIST files).
# Swift 6 itself must already be on the PATH.
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "setup: swift is not on the PATH (Swift 6 toolchain required)" >&2; exit 1; }

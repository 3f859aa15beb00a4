#!/usr/bin/env bash
# Screenshots an HTML report (or an SVG figure) with headless Chromium, to check that it
# renders in a real browser: scripts/render-report.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
# Installs Debian's chromium with apt-get when no Chromium is found. Not part of the tests.
set -euo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTH=1280] [HEIGHT=4000]" >&2
    exit 64
fi
input=$1
output=$2
width=${3:-1280}
height=${4:-4000}
if [[ ! -r "$input" ]]; then
    echo "$0: cannot read $input" >&2
    exit 66
fi

browser=""
for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done
if [[ -z "$browser" ]]; then
    echo "$0: no Chromium found; installing Debian's chromium" >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y chromium >&2; else sudo apt-get install -y chromium >&2; fi
    browser=$(command -v chromium)
fi

input_path=$(realpath "$input")
output_path=$(realpath -m "$output")
mkdir -p "$(dirname "$output_path")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: containers usually lack the namespaces Chromium's sandbox needs.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --window-size="$width,$height" --screenshot="$output_path" "file://$input_path" >/dev/null 2>"$profile/log" || {
    cat "$profile/log" >&2
    exit 1
}
if [[ ! -s "$output_path" ]]; then
    echo "$0: Chromium wrote no screenshot" >&2
    cat "$profile/log" >&2
    exit 1
fi
echo "$output_path"

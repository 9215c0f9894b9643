#!/usr/bin/env bash
# Creates the Python environment the interop tests use: a venv holding the pinned `uswid`
# (hughsie's CoSWID tool, https://github.com/hughsie/python-uswid), under $ITAM_PY_CACHE or
# target/py-cache. Idempotent: an existing venv with the pinned version is reused.
#
# Prints the venv's python on the last line of stdout on success. Exits 0 with a reason on
# stderr (and no python path) when python3, venv or the install is unavailable, so that CI
# on a machine without Python carries on and the tests say they were skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

USWID_VERSION="0.6.0"
# uswid's own dependencies, pinned too so that every machine tests against the same readers
# (the versions pip resolved for uswid 0.6.0 on 2026-12-06).
USWID_DEPS=("cbor2==6.3.0" "lxml==6.2.1" "pefile==2024.8.26")
cache="${ITAM_PY_CACHE:-$PWD/target/py-cache}"
venv="$cache/uswid-$USWID_VERSION-cbor2-6.3.0"

skip() { echo "python-env: skipped: $*" >&2; exit 0; }

command -v python3 > /dev/null 2>&1 || skip "no python3 on PATH"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import uswid' > /dev/null 2>&1; then
  echo "$venv/bin/python"
  exit 0
fi
mkdir -p "$cache" || skip "cannot create $cache"
rm -rf "$venv"
python3 -m venv "$venv" > /dev/null 2>&1 || skip "python3 -m venv failed (is the venv module installed?)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uswid==$USWID_VERSION" "${USWID_DEPS[@]}" >&2 \
  || { rm -rf "$venv"; skip "pip install uswid==$USWID_VERSION failed (no network or no index?)"; }
"$venv/bin/python" -c 'import uswid' > /dev/null 2>&1 || { rm -rf "$venv"; skip "uswid does not import"; }
echo "$venv/bin/python"

#!/usr/bin/env bash
# Builds the Python package `itam` (itam-py/, PyO3 + maturin, abi3) into a venv and runs its
# pytest suite and example script. The venv holds pinned maturin and pytest, under
# $ITAM_PY_CACHE or target/py-cache; the extension is built into target/py-target.
#
#   bash scripts/py-itam.sh
#
# Exits 0 with a printed reason when python3, venv or the pip install is unavailable (CI on a
# machine without Python carries on, saying why); a build or test failure exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION="1.16.0"
PYTEST_VERSION="9.2.0"
cache="${ITAM_PY_CACHE:-$PWD/target/py-cache}"
venv="$cache/itam-py-maturin-$MATURIN_VERSION-pytest-$PYTEST_VERSION"

skip() { echo "py-itam: skipped: $*"; exit 0; }

command -v python3 > /dev/null 2>&1 || skip "no python3 on PATH"
if ! { [ -x "$venv/bin/maturin" ] && [ -x "$venv/bin/pytest" ]; }; then
  mkdir -p "$cache" || skip "cannot create $cache"
  rm -rf "$venv"
  python3 -m venv "$venv" > /dev/null 2>&1 || skip "python3 -m venv failed (is the venv module installed?)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION" \
    || { rm -rf "$venv"; skip "pip install maturin/pytest failed (no network or no index?)"; }
fi
set -e
export CARGO_TARGET_DIR="$PWD/target/py-target"
# The crate is its own workspace: the main workspace's fmt and clippy do not see it.
cargo fmt --manifest-path itam-py/Cargo.toml --check
cargo clippy --manifest-path itam-py/Cargo.toml --locked --quiet -- -D warnings
echo "py-itam: building itam-py into $venv (maturin $MATURIN_VERSION)"
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --quiet --locked --manifest-path itam-py/Cargo.toml
"$venv/bin/python" -m pytest -q itam-py/tests
"$venv/bin/python" itam-py/examples/compare_modes.py --out "$PWD/target/py-target/coverage.png"

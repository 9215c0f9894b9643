#!/usr/bin/env bash
# The published crates' public API against the last release, with cargo-semver-checks.
#
#   bash scripts/semver-check.sh              # baseline: the newest tag v*, as CI does
#   ITAM_SEMVER_BASELINE=<git rev> bash scripts/semver-check.sh
#
# Install the tool once with `cargo install cargo-semver-checks --locked`. Where the tool or a
# baseline is absent the check says why it did not run and exits 0: it never passes silently.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo semver-checks --version > /dev/null 2>&1; then
  echo "semver-check: skipped: cargo-semver-checks is not installed (cargo install cargo-semver-checks --locked)"
  exit 0
fi
baseline="${ITAM_SEMVER_BASELINE:-$(git describe --tags --abbrev=0 --match 'v*' 2> /dev/null || true)}"
if [ -z "${baseline}" ]; then
  echo "semver-check: skipped: no release tag v* yet (nothing published to compare against)"
  exit 0
fi
echo "semver-check: public API of the published crates against ${baseline}"
for crate in itam-core itam-swid itam-ent itam-reconcile; do
  cargo semver-checks check-release -p "${crate}" --baseline-rev "${baseline}"
done

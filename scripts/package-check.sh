#!/usr/bin/env bash
# Every crate meant for crates.io (a workspace member without `publish = false`) carries the
# metadata a registry page needs and packages its README and licence files.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
published=()
for manifest in */Cargo.toml; do
  crate_dir="${manifest%/Cargo.toml}"
  grep -q '^\[package\]' "${manifest}" || continue
  grep -q '^publish = false' "${manifest}" && continue
  published+=("${crate_dir}")
  name="$(sed -n 's/^name = "\(.*\)"/\1/p' "${manifest}" | head -n 1)"
  for key in description keywords categories readme; do
    if ! grep -q "^${key} = " "${manifest}"; then
      echo "${manifest}: no ${key}" >&2
      status=1
    fi
  done
  for key in license repository rust-version; do
    if ! grep -q "^${key}\(\.workspace = true\| = \)" "${manifest}"; then
      echo "${manifest}: no ${key}" >&2
      status=1
    fi
  done
  if ! grep -q '#!\[deny(missing_docs)\]' "${crate_dir}"/src/lib.rs "${crate_dir}"/src/main.rs 2> /dev/null; then
    echo "${crate_dir}: the crate root does not deny missing_docs" >&2
    status=1
  fi
  listing="$(cargo package --list --locked --allow-dirty -p "${name}")"
  for file in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE; do
    if ! grep -qx "${file}" <<< "${listing}"; then
      echo "${name}: cargo package --list has no ${file}" >&2
      status=1
    fi
  done
done
echo "package-check: ${#published[@]} crates to publish: ${published[*]}"
exit "${status}"

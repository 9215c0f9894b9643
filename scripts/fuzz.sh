#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ with cargo-fuzz (libFuzzer) for a fixed time each, with the
# target's dictionary (fuzz/dicts/), its committed seeds (fuzz/corpus/<target>/) and the issue 12
# settings: inputs up to 1 MB, 1 s per input (slowness is a finding), 2 GiB of memory.
#
#   scripts/fuzz.sh [--smoke] [SECONDS] [TARGET...]
#
#   SECONDS   per target (default 300; --smoke: 10)
#   TARGET    some targets only (default: every [[bin]] of fuzz/Cargo.toml)
#   --smoke   a short run for CI: when nightly or cargo-fuzz is missing it prints why and exits 0;
#             findings are printed but fail the run only with ITAM_FUZZ_STRICT=1
#
# Needs: a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz
# (`cargo +nightly install cargo-fuzz --locked`). Builds with `--sanitizer none` (the crates
# forbid unsafe code, so AddressSanitizer finds nothing libFuzzer's own checks would not) and
# with debug assertions (`-a`), so an arithmetic overflow is a finding too.
#
# What it leaves: new corpus entries in target/fuzz-corpus/<target>/ (never in the committed
# seeds), findings in target/fuzz-artifacts/<target>/ (crash-*, timeout-*, oom-*; outside
# fuzz/artifacts/, which the replay tests read, so a run never breaks the ordinary tests), the
# libFuzzer log in target/fuzz-logs/<target>.log, and the summary table
# (target, seconds, executions, findings) on standard output and in target/fuzz-summary.md.
# Exit status: 0 no finding; 1 a finding (smoke: only with ITAM_FUZZ_STRICT=1); 2 cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
  shift
fi
seconds=300
[ "$smoke" = 1 ] && seconds=10
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi

cannot_run() {
  if [ "$smoke" = 1 ]; then
    echo "fuzz smoke skipped: $*"
    exit 0
  fi
  echo "scripts/fuzz.sh: $*" >&2
  exit 2
}

command -v rustup > /dev/null 2>&1 || cannot_run "no rustup, so no nightly toolchain"
rustup run nightly rustc --version > /dev/null 2>&1 \
  || cannot_run "no nightly toolchain (rustup toolchain install nightly)"
cargo +nightly fuzz --version > /dev/null 2>&1 \
  || cannot_run "cargo-fuzz is not installed (cargo +nightly install cargo-fuzz --locked)"

all_targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^itam-fuzz$')
targets=("$@")
if [ "${#targets[@]}" = 0 ]; then
  read -r -a targets <<< "$(echo "$all_targets" | tr '\n' ' ')"
fi

# The dictionary of each target's format.
dict_of() {
  case "$1" in
    swid_read) echo fuzz/dicts/swid.dict ;;
    ent_read) echo fuzz/dicts/ent.dict ;;
    coswid_decode) echo fuzz/dicts/cbor.dict ;;
    reconcile_estate) echo fuzz/dicts/estate.dict ;;
    ledger_read) echo fuzz/dicts/ledger.dict ;;
    *) echo "" ;;
  esac
}

echo "==> building ${#targets[@]} fuzz targets (nightly, no sanitizer, debug assertions)"
for t in "${targets[@]}"; do
  (cd fuzz && cargo +nightly fuzz build -s none -a "$t") \
    || cannot_run "the fuzz target $t does not build on nightly"
done

mkdir -p target/fuzz-logs
summary=target/fuzz-summary.md
{
  echo "| target | seconds | executions | findings |"
  echo "|---|---:|---:|---:|"
} > "$summary"
total_findings=0
for t in "${targets[@]}"; do
  dict=$(dict_of "$t")
  work="target/fuzz-corpus/$t"
  artifacts="target/fuzz-artifacts/$t"
  mkdir -p "$work" "$artifacts" "fuzz/corpus/$t"
  before=$(find "$artifacts" -type f | wc -l)
  args=(-max_total_time="$seconds" -max_len=1048576 -timeout=1 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$PWD/$artifacts/")
  [ -n "$dict" ] && args+=(-dict="$PWD/$dict")
  log="target/fuzz-logs/$t.log"
  touch "$log.start"
  echo "==> $t: ${seconds}s, seeds fuzz/corpus/$t, dictionary ${dict:-none}"
  # -fork keeps going after a finding, so one crash does not end the campaign of a target.
  (cd fuzz && cargo +nightly fuzz run -s none -a "$t" "../$work" "corpus/$t" -- \
    "${args[@]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) > "$log" 2>&1 || true
  execs=$( (grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" || true) \
    | awk '{s+=$NF} END {print s+0}')
  if [ "$execs" = 0 ]; then
    # -fork prints its running count (`#123456: cov: …`) instead of the final stats.
    execs=$( (grep -oE '^#[0-9]+' "$log" || true) | tr -d '#' | sort -n | tail -1)
  fi
  after=$(find "$artifacts" -type f | wc -l)
  findings=$((after - before))
  total_findings=$((total_findings + findings))
  echo "| \`$t\` | $seconds | ${execs:-0} | $findings |" | tee -a "$summary"
  if [ "$findings" != 0 ]; then
    echo "    new findings in $artifacts/ (log: $log):"
    find "$artifacts" -type f -newer "$log.start" 2> /dev/null | sed 's/^/      /' || true
  fi
done
echo
cat "$summary"
if [ "$total_findings" != 0 ]; then
  echo "$total_findings finding(s): turn each into a seed of fuzz/corpus/<target>/ replayed by the crate's tests" >&2
  if [ "$smoke" = 1 ] && [ "${ITAM_FUZZ_STRICT:-0}" != 1 ]; then
    echo "WARNING: fuzz smoke found something (not fatal without ITAM_FUZZ_STRICT=1)" >&2
    exit 0
  fi
  exit 1
fi

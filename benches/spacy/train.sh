#!/usr/bin/env bash
# Trains the spaCy 3.8 peer that BENCHMARKS.md compares claimdb's analysis with:
# spaCy's own default CPU pipeline (`spacy init config --optimize efficiency`) on
# the same data as ours: UD English EWT train (tagger = XPOS, morphologizer =
# UPOS + FEATS, trainable_lemmatizer, parser), with EWT dev for spaCy's usual
# early stopping and best-model choice; and an NER pipeline on UNER dev only
# (the NER training data we have), with its last 10% of documents held out as
# spaCy's dev set.
#
# Usage: [PARTS="ner ud"] bash benches/spacy/train.sh [WORK_DIR] [MAX_STEPS_UD] [MAX_STEPS_NER]
#   WORK_DIR defaults to /tmp/spacy_work (outside the project: corpora, configs,
#   models); the virtual environment is /work/wt/spacy-venv (override with VENV).
#   MAX_STEPS_* cap training where spaCy's default (20,000 steps, patience 1,600)
#   would run far past an hour on this shared 2-core machine; 0 keeps the default.
#   PARTS picks which pipelines to train (both by default); "ud-resume" gives
#   the UD pipeline RESUME_STEPS (default 900) more steps from WORK_DIR/ud-model/model-last,
#   its batch-size schedule going on from RESUME_BATCH_START words (default 739, where
#   100 * 1.001 ** 2000 left it), into WORK_DIR/ud-model-resumed.
# The runs measured for BENCHMARKS.md (training time had to fit the session):
#   bash benches/spacy/train.sh /tmp/spacy_work 2000 1500   (UD: 2,000 steps, about 2 epochs, 22.5 min)
#   PARTS=ner bash benches/spacy/train.sh /tmp/spacy_work 0 0   (NER again, spaCy's defaults throughout)
#   PARTS=ud-resume bash benches/spacy/train.sh /tmp/spacy_work
# spaCy's default for UD (20,000 steps, patience 1,600) would run for many hours here.
# The small NER run goes first. Everything runs at `nice -n 19`, one process, single-threaded (OMP/BLAS threads 1).
set -euo pipefail

WORK=${1:-/tmp/spacy_work}
MAX_STEPS_UD=${2:-0}
MAX_STEPS_NER=${3:-0}
VENV=${VENV:-/work/wt/spacy-venv}
DATA=${DATA:-/work/shared/datasets}
PARTS=${PARTS:-"ner ud"}
HERE=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install "spacy==3.8.*"
fi
PY="nice -n 19 $VENV/bin/python"
mkdir -p "$WORK/corpus"
cd "$WORK"

# UD: spaCy's CoNLL-U converter, 10 sentences per Doc so the parser also learns
# where sentences end (its sentence boundaries in the raw-text run). Words, not
# multiword tokens, become spaCy tokens: spaCy's English tokenizer splits
# "don't" into "do" + "n't" as UD English does.
if [[ " $PARTS " == *" ud "* || " $PARTS " == *" ner "* ]]; then
for split in train dev; do
    $PY -m spacy convert "$DATA/ud-english-ewt/en_ewt-ud-$split.conllu" corpus/ --converter conllu --n-sents 10
done
$PY "$HERE/uner_to_docbin.py" "$DATA/uner-english-ewt/en_ewt-ud-dev.iob2" corpus/

$PY -m spacy init config --force --lang en --pipeline tagger,morphologizer,trainable_lemmatizer,parser \
    --optimize efficiency ud.cfg
$PY -m spacy init config --force --lang en --pipeline ner --optimize efficiency ner.cfg
fi

ud_cap=(); [ "$MAX_STEPS_UD" != 0 ] && ud_cap=(--training.max_steps "$MAX_STEPS_UD")
ner_cap=(); [ "$MAX_STEPS_NER" != 0 ] && ner_cap=(--training.max_steps "$MAX_STEPS_NER")

if [[ " $PARTS " == *" ner "* ]]; then
start=$(date +%s)
$PY -m spacy train ner.cfg --output ner-model \
    --paths.train corpus/uner-train.spacy --paths.dev corpus/uner-heldout.spacy "${ner_cap[@]}" \
    2>&1 | tee train-ner.log
echo "ner training wall time: $(( $(date +%s) - start )) s" | tee -a train-ner.log
fi

if [[ " $PARTS " == *" ud "* ]]; then
start=$(date +%s)
$PY -m spacy train ud.cfg --output ud-model \
    --paths.train corpus/en_ewt-ud-train.spacy --paths.dev corpus/en_ewt-ud-dev.spacy "${ud_cap[@]}" \
    2>&1 | tee train-ud.log
echo "ud training wall time: $(( $(date +%s) - start )) s" | tee -a train-ud.log
fi

if [[ " $PARTS " == *" ud-resume "* ]]; then
$PY "$HERE/resume_config.py" ud-model/model-last "${RESUME_BATCH_START:-739}" ud-resume.cfg
start=$(date +%s)
$PY -m spacy train ud-resume.cfg --output ud-model-resumed --training.max_steps "${RESUME_STEPS:-900}" \
    2>&1 | tee train-ud-resume.log
echo "ud resumed training wall time: $(( $(date +%s) - start )) s" | tee -a train-ud-resume.log
fi

"""Writes a config that resumes spaCy training from a saved pipeline.

Usage: python benches/spacy/resume_config.py PIPELINE_DIR BATCH_START OUT.cfg

Every component is sourced from PIPELINE_DIR (weights kept, nothing
re-initialised), and the batch size's compounding schedule starts at
BATCH_START words, where the first run's schedule had reached (spaCy's default
is 100 words growing by 0.1% a step, so about 100 * 1.001 ** steps_done).
Train.sh uses it to give the UD pipeline more steps after a capped first run;
the optimizer's moments start afresh (spaCy does not save them).
"""

import sys

from spacy.util import load_config


def main():
    pipeline_dir, batch_start, out_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    config = load_config(f"{pipeline_dir}/config.cfg")
    for name in config["nlp"]["pipeline"]:
        config["components"][name] = {"source": pipeline_dir}
    config["training"]["batcher"]["size"]["start"] = batch_start
    config.to_disk(out_path)


if __name__ == "__main__":
    main()

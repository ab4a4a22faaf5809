"""spaCy's rule-based sentencizer on a blank English pipeline: MB/s over the same corpus.

Usage: python benches/spacy_sentencizer.py [articles.jsonl ...]
Defaults to every ../shared/corpus/*/articles.jsonl next to the repository.
Needs spaCy (pip install spacy), e.g. in a throwaway virtual environment.
"""

import glob
import json
import os
import sys
import time

import spacy

N_PASSES = 7


def main():
    paths = sys.argv[1:] or sorted(
        glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "*", "articles.jsonl"))
    )
    bodies = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    body = json.loads(line).get("body")
                    if body is not None:
                        bodies.append(body)
    n_bytes = sum(len(body.encode("utf-8")) for body in bodies)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max(nlp.max_length, max(len(body) for body in bodies) + 1)

    def one_pass():
        n_sentences = 0
        for doc in nlp.pipe(bodies):
            n_sentences += sum(1 for _ in doc.sents)
        return n_sentences

    one_pass()
    times = []
    # CPU time of this thread: unlike the wall clock, it leaves out time
    # slices given to other processes on a shared machine.
    cpu_before = time.thread_time()
    for _ in range(N_PASSES):
        started = time.perf_counter()
        n_sentences = one_pass()
        times.append(time.perf_counter() - started)
    cpu = time.thread_time() - cpu_before
    times.sort()
    mbps = [n_bytes / 1e6 / t for t in times]
    print(
        f"spaCy {spacy.__version__} blank('en') + sentencizer ({n_sentences} sentences): "
        f"best {mbps[0]:.1f} MB/s, median {mbps[len(mbps) // 2]:.1f} MB/s wall over {N_PASSES} passes; "
        f"per CPU second {n_bytes * N_PASSES / 1e6 / cpu:.1f} MB/s"
    )
    print(f"SPACY_MBPS={mbps[0]:.2f}")


if __name__ == "__main__":
    main()

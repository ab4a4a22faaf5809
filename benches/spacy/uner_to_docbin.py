"""UNER English-EWT (IOB2) to spaCy's DocBin, for training spaCy's NER peer.

Usage (inside the spaCy venv, see train.sh):
    python benches/spacy/uner_to_docbin.py UNER_DEV.iob2 OUT_DIR [HELD_OUT_FRACTION]

Writes OUT_DIR/uner-train.spacy and OUT_DIR/uner-heldout.spacy: the UNER dev
documents (`# newdoc`), in file order, with the last HELD_OUT_FRACTION
(default 0.1) of them held out as spaCy's dev set for its early stopping,
since UNER dev is the only NER training data (there is no UNER train here)
and UNER test must stay unseen. Each document becomes one Doc; tokens are
the file's words, each followed by a space (the file has no SpaceAfter).
"""

import os
import sys

import spacy
from spacy.tokens import Doc, DocBin


def read_documents(path):
    """The file as documents, each a list of sentences of (form, IOB2 tag)."""
    documents, sentence = [], []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                documents.append([])
            elif line.startswith("#"):
                continue
            elif not line.strip():
                if sentence:
                    if not documents:
                        documents.append([])
                    documents[-1].append(sentence)
                    sentence = []
            else:
                columns = line.split("\t")
                sentence.append((columns[1], columns[2]))
    if sentence:
        documents[-1].append(sentence)
    return [document for document in documents if document]


def to_doc(vocab, sentences):
    words = [form for sentence in sentences for form, _ in sentence]
    tags = [tag for sentence in sentences for _, tag in sentence]
    sent_starts = [index == 0 for sentence in sentences for index, _ in enumerate(sentence)]
    return Doc(vocab, words=words, ents=tags, sent_starts=sent_starts)


def main():
    path, out_dir = sys.argv[1], sys.argv[2]
    held_out_fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    documents = read_documents(path)
    n_held_out = max(1, round(len(documents) * held_out_fraction))
    nlp = spacy.blank("en")
    os.makedirs(out_dir, exist_ok=True)
    for name, part in (("uner-train", documents[:-n_held_out]), ("uner-heldout", documents[-n_held_out:])):
        doc_bin = DocBin()
        for sentences in part:
            doc_bin.add(to_doc(nlp.vocab, sentences))
        doc_bin.to_disk(os.path.join(out_dir, name + ".spacy"))
        n_sentences = sum(len(sentences) for sentences in part)
        print(f"{name}: {len(part)} documents, {n_sentences} sentences")


if __name__ == "__main__":
    main()

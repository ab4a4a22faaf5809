"""Runs the spaCy 3.8 peer (trained by train.sh) over the test data and times it.

Usage (inside the spaCy venv, one process, one thread):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    python benches/spacy/run_spacy.py UD_MODEL NER_MODEL EWT_TEST.conllu RAW_TEXT.txt \
        UNER_TEST.iob2 NEWS.jsonl OUT_DIR [N_NEWS_ARTICLES]

  UD_MODEL, NER_MODEL  train.sh's WORK_DIR/ud-model/model-best and WORK_DIR/ner-model/model-best
  RAW_TEXT.txt         claimdb_analysis::eval::raw_text of EWT test (byte-identical to the UD
                       tools' conllu_to_text.pl output, which made the CoNLL 2018 raw-text inputs)
  NEWS.jsonl           e.g. /work/shared/corpus/bbc-news-2005/articles.jsonl (its "body" fields)

Writes to OUT_DIR, for scoring with claimdb's own scorer (claimdb_analysis::eval):
  spacy-gold-tokens.conllu  EWT test from the gold words: one Doc per gold sentence, built from
                            its words and spaces, with the sentence boundaries fixed (spaCy's
                            parser respects preset boundaries); the gold comments and multiword
                            token lines are copied, everything else is spaCy's.
  spacy-raw-text.conllu     EWT test from the raw text: spaCy's own tokens and sentences. Each
                            paragraph (text between blank lines) is one Doc, with its line wraps
                            turned into spaces (conllu_to_text.pl wraps at 80 characters; a wrap
                            is not part of the text, and spaCy would make a token of it).
                            spaCy's whitespace tokens are dropped (CoNLL-U has no place for them);
                            their dependents go to their head.
  spacy-uner-test.iob2      UNER test from its gold words (one Doc per UNER document), as IOB2
                            in UNER's own five columns.
and prints tokens per second of the whole pipeline (tok2vec, tagger, morphologizer, lemmatizer,
parser, NER) with nlp.pipe over the raw text and over the first N_NEWS_ARTICLES (default 200)
news bodies, per wall second and per CPU second of this process.
"""

import json
import os
import sys
import time

import spacy
from spacy.tokens import Doc


def read_conllu(path):
    """Sentences as (comment lines, token lines, word lines), in file order."""
    sentences, comments, tokens = [], [], []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                if tokens:
                    sentences.append((comments, tokens))
                comments, tokens = [], []
            elif line.startswith("#"):
                comments.append(line)
            else:
                columns = line.split("\t")
                if "." not in columns[0]:
                    tokens.append(columns)
    if tokens:
        sentences.append((comments, tokens))
    return sentences


def words_and_spaces(rows):
    """The syntactic words of a sentence and whether a space follows each."""
    words, spaces, mwt_rows, mwt_last = [], [], {}, 0
    for columns in rows:
        if "-" in columns[0]:
            first, last = map(int, columns[0].split("-"))
            mwt_rows[first] = columns
            mwt_last = last
            mwt_space = "SpaceAfter=No" not in columns[9].split("|")
            continue
        word_id = int(columns[0])
        words.append(columns[1])
        if word_id < mwt_last:
            spaces.append(False)
        elif word_id == mwt_last:
            spaces.append(mwt_space)
        else:
            spaces.append("SpaceAfter=No" not in columns[9].split("|"))
    return words, spaces, mwt_rows


def conllu_word(index, token, head, deprel, misc="_"):
    feats = str(token.morph) or "_"
    return "\t".join([
        str(index), token.text, token.lemma_ or "_", token.pos_ or "_", token.tag_ or "_", feats,
        str(head), deprel, "_", misc,
    ])


def relation(token):
    return "root" if token.dep_ == "ROOT" else (token.dep_ or "dep")


def sentence_rows(tokens):
    """CoNLL-U word rows of spaCy tokens, without whitespace tokens, as one tree.

    Returns the rows and how many extra roots had to be attached to the first
    (0 when spaCy's own tree is kept whole).
    """
    kept = [token for token in tokens if not token.is_space]
    ids = {token.i: position + 1 for position, token in enumerate(kept)}
    heads = []
    for token in kept:
        head = token.head
        # A whitespace head hands its dependents to its own head; a
        # whitespace root leaves them as roots (joined to the first below).
        for _ in range(len(tokens)):
            if head.i in ids or head.head.i == head.i:
                break
            head = head.head
        heads.append(ids[head.i] if head.i in ids and head.i != token.i else 0)
    roots = [position for position, head in enumerate(heads) if head == 0]
    n_fixed = 0
    for position in roots[1:]:
        heads[position] = roots[0] + 1
        n_fixed += 1
    rows = []
    for position, token in enumerate(kept):
        deprel = "root" if heads[position] == 0 else relation(token)
        if deprel == "root" and heads[position] != 0:
            deprel = "dep"
        misc = "_" if token.whitespace_ or position + 1 == len(kept) else "SpaceAfter=No"
        rows.append(conllu_word(position + 1, token, heads[position], deprel, misc))
    return rows, n_fixed


def run_gold_tokens(nlp, sentences, out_path):
    docs = []
    for _, rows in sentences:
        words, spaces, _ = words_and_spaces(rows)
        docs.append(Doc(nlp.vocab, words=words, spaces=spaces,
                        sent_starts=[True] + [False] * (len(words) - 1)))
    n_fixed = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for (comments, rows), doc in zip(sentences, nlp.pipe(docs, disable=["ner"])):
            _, _, mwt_rows = words_and_spaces(rows)
            word_rows, fixed = sentence_rows(doc)
            n_fixed += fixed
            for comment in comments:
                out.write(comment + "\n")
            for position, row in enumerate(word_rows):
                if position + 1 in mwt_rows:
                    out.write("\t".join(mwt_rows[position + 1]) + "\n")
                # The gold words' own SpaceAfter is part of the gold tokens.
                columns = row.split("\t")
                columns[9] = "_"
                out.write("\t".join(columns) + "\n")
            out.write("\n")
    return n_fixed


def paragraphs_of(raw_text):
    """Paragraphs between blank lines, with their line wraps made spaces."""
    return [" ".join(block.split("\n")).strip() for block in raw_text.split("\n\n") if block.strip()]


def run_raw_text(nlp, raw_text, out_path):
    n_sentences, n_fixed = 0, 0
    with open(out_path, "w", encoding="utf-8") as out:
        for doc in nlp.pipe(paragraphs_of(raw_text), disable=["ner"]):
            for sentence in doc.sents:
                rows, fixed = sentence_rows(sentence)
                if not rows:
                    continue
                n_fixed += fixed
                n_sentences += 1
                out.write(f"# sent_id = spacy-{n_sentences}\n# text = {sentence.text.strip()}\n")
                out.write("\n".join(rows) + "\n\n")
    return n_sentences, n_fixed


def read_uner(path):
    """UNER documents: lists of (sent_id, words, the file's five columns per word)."""
    documents, sentence, sent_id = [], [], None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                documents.append([])
            elif line.startswith("# sent_id"):
                sent_id = line.split("=", 1)[1].strip()
            elif line.startswith("#"):
                continue
            elif not line.strip():
                if sentence:
                    if not documents:
                        documents.append([])
                    documents[-1].append((sent_id, sentence))
                sentence = []
            else:
                sentence.append(line.split("\t")[1])
    if sentence:
        documents[-1].append((sent_id, sentence))
    return documents


def run_ner(nlp, uner_path, out_path):
    documents = read_uner(uner_path)
    docs = []
    for document in documents:
        words = [word for _, sentence in document for word in sentence]
        sent_starts = [index == 0 for _, sentence in document for index, _ in enumerate(sentence)]
        docs.append(Doc(nlp.vocab, words=words, sent_starts=sent_starts))
    ner_only = [name for name in nlp.pipe_names if name != "ner"]
    with open(out_path, "w", encoding="utf-8") as out:
        for document, doc in zip(documents, nlp.pipe(docs, disable=ner_only)):
            offset = 0
            for sent_id, sentence in document:
                out.write(f"# sent_id = {sent_id}\n")
                for index, word in enumerate(sentence):
                    token = doc[offset + index]
                    tag = "O" if token.ent_iob_ in ("O", "") else f"{token.ent_iob_}-{token.ent_type_}"
                    out.write(f"{index + 1}\t{word}\t{tag}\t-\t-\n")
                out.write("\n")
                offset += len(sentence)


def timed(nlp, texts):
    """Tokens (without whitespace tokens), wall seconds and CPU seconds of nlp.pipe."""
    wall, cpu = time.perf_counter(), time.process_time()
    n_tokens = 0
    for doc in nlp.pipe(texts):
        n_tokens += sum(1 for token in doc if not token.is_space)
    return n_tokens, time.perf_counter() - wall, time.process_time() - cpu


def main():
    ud_model, ner_model, ewt_test, raw_path, uner_test, news_path, out_dir = sys.argv[1:8]
    n_news = int(sys.argv[8]) if len(sys.argv) > 8 else 200
    os.makedirs(out_dir, exist_ok=True)
    nlp = spacy.load(ud_model)
    ner_nlp = spacy.load(ner_model)
    # The NER pipeline's own tok2vec goes inside its NER component, so the
    # NER can join the UD pipeline as one more component.
    ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    nlp.add_pipe("ner", source=ner_nlp)
    print("pipeline:", nlp.pipe_names)

    sentences = read_conllu(ewt_test)
    n_fixed = run_gold_tokens(nlp, sentences, os.path.join(out_dir, "spacy-gold-tokens.conllu"))
    print(f"gold tokens: {len(sentences)} sentences, {n_fixed} extra roots attached")
    with open(raw_path, encoding="utf-8") as raw_file:
        raw_text = raw_file.read()
    n_sentences, n_fixed = run_raw_text(nlp, raw_text, os.path.join(out_dir, "spacy-raw-text.conllu"))
    print(f"raw text: {n_sentences} sentences, {n_fixed} extra roots attached")
    run_ner(nlp, uner_test, os.path.join(out_dir, "spacy-uner-test.iob2"))

    news = []
    with open(news_path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and len(news) < n_news:
                news.append(json.loads(line)["body"])
    for name, texts in (("EWT test raw text", paragraphs_of(raw_text)), (f"news ({len(news)} articles)", news)):
        n_tokens, wall, cpu = timed(nlp, texts)
        print(f"speed {name}: {n_tokens} tokens, {wall:.1f} s wall, {cpu:.1f} s CPU: "
              f"{n_tokens / wall:.0f} tokens/s wall, {n_tokens / cpu:.0f} tokens/s per CPU second")


if __name__ == "__main__":
    main()

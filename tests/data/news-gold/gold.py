#!/usr/bin/env python3
"""Tools for the hand-written news gold set (see README.md beside this file).

    gold.py select            the 40 article ids, by the rule in README.md
    gold.py show ID           the article's body, one paragraph per block, with byte offsets
    gold.py fill FILE...      add byte spans to an annotation from the quoted text, then drop
                              the sentences' text (the corpus stays in ../shared)
    gold.py expand FILE...    put each sentence's text back, for editing (fill drops it again)
    gold.py check [FILE...]   every span's bytes equal its quoted text (all files by default)

The corpus stays in ../shared/corpus; only ids, spans and annotations live here.
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus")
FOLDERS = ["bbc-news-2005", "web-news-2019-aeb"]
SALT = "claimdb news gold 2026/"
BBC_CATEGORIES = ["politics", "business", "entertainment", "sport", "tech"]
NEWS_HOSTS = {
    "hosted.ap.org", "nypost.com", "thehill.com", "www.aljazeera.com", "www.bbc.com",
    "www.businessinsider.com", "www.cbsnews.com", "www.chron.com", "www.cnbc.com", "www.cnn.com",
    "www.ctpost.com", "www.deccanherald.com", "www.detroitnews.com", "www.express.co.uk",
    "www.foxnews.com", "www.latimes.com", "www.msn.com", "www.mysanantonio.com", "www.nbcnews.com",
    "www.nytimes.com", "www.politifact.com", "www.sfgate.com", "www.timesunion.com",
    "www.usatoday.com", "www.washingtonexaminer.com", "www.wsj.com", "www.therepublic.com",
    "detroit.cbslocal.com", "news.sky.com", "slate.com", "www.barrons.com", "www.cityam.com",
    "www.cleveland.com", "www.ctvnews.ca", "www.foxbusiness.com", "www.hawaiinewsnow.com",
    "www.jpost.com", "www.nationalreview.com", "www.nbcdfw.com", "www.newsweek.com", "www.nj.com",
    "www.oregonlive.com", "www.polygraph.info", "www.reuters.com", "www.rt.com", "www.snopes.com",
    "www.spokesman.com", "www.telegraph.co.uk", "www.theguardian.com", "www.thesun.co.uk",
    "www.twincities.com", "www.vox.com", "sputniknews.com", "www.panarmenian.net", "www.indiapost.com",
}


def articles(folder):
    with open(os.path.join(CORPUS, folder, "articles.jsonl"), encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def order(article):
    return hashlib.sha256((SALT + article["id"]).encode()).hexdigest()


def select():
    chosen = []
    bbc = list(articles("bbc-news-2005"))
    for category in BBC_CATEGORIES:
        pool = [a for a in bbc if a["category"] == category and len(a["body"].encode()) <= 3500]
        chosen += [a["id"] for a in sorted(pool, key=order)[:4]]
    hosts = set()
    pool = [
        a for a in articles("web-news-2019-aeb")
        if a["source"] in NEWS_HOSTS and a.get("published") and 1500 <= len(a["body"].encode()) <= 6000
    ]
    picked = 0
    for article in sorted(pool, key=order):
        if picked == 20:
            break
        if article["source"] in hosts:
            continue
        hosts.add(article["source"])
        chosen.append(article["id"])
        picked += 1
    return chosen


def find(article_id):
    for folder in FOLDERS:
        for article in articles(folder):
            if article["id"] == article_id:
                return folder, article
    sys.exit(f"no article {article_id} in {CORPUS}")


def show(article_id):
    folder, article = find(article_id)
    body = article["body"].encode()
    print(f"# {article_id} ({folder}) published={article.get('published')} source={article['source']}")
    print(f"# title: {article['title']}")
    start = 0
    while start < len(body):
        end = body.find(b"\n\n", start)
        end = len(body) if end < 0 else end
        print(f"[{start}..{end}] {body[start:end].decode()}\n")
        start = end + 2


def locate(haystack, needle, after, occurrence, what):
    at = after - 1
    for _ in range(occurrence):
        at = haystack.find(needle, at + 1)
        if at < 0:
            raise SystemExit(f"{what}: {needle.decode()!r} not found (occurrence {occurrence})")
    return at


def fill_file(path):
    with open(path, encoding="utf-8") as handle:
        gold = json.load(handle)
    folder, article = find(gold["id"])
    body = article["body"].encode()
    gold["corpus"] = folder
    gold["body_sha256"] = hashlib.sha256(body).hexdigest()
    gold.setdefault("article_date", article.get("published"))
    if gold.get("dateline") and gold["dateline"].get("text"):
        text = gold["dateline"]["text"].encode()
        start = locate(body, text, 0, 1, "dateline")
        gold["dateline"]["span"] = [start, start + len(text)]
    cursor = 0
    for number, sentence in enumerate(gold["sentences"]):
        if "text" in sentence:
            text = sentence.pop("text").encode()
            start = locate(body, text, cursor, 1, f"sentence {number}")
            sentence["span"] = [start, start + len(text)]
        start, cursor = sentence["span"]
        for field in ("pronouns", "metonyms", "dates"):
            for mention in sentence.get(field, []):
                needle = mention["text"].encode()
                at = locate(body[start:cursor], needle, 0, mention.get("occurrence", 1), f"sentence {number} {field}")
                mention["span"] = [start + at, start + at + len(needle)]
    write(path, gold)
    check_file(path)


def whole_words(body, span):
    """The span neither starts nor ends in the middle of a word ("he" in "the")."""
    text = body[span[0]:span[1]].decode(errors="replace")
    before = body[:span[0]].decode(errors="replace")[-1:]
    after = body[span[1]:].decode(errors="replace")[:1]
    return not (
        (text[:1].isalnum() and before.isalnum()) or (text[-1:].isalnum() and after.isalnum())
    )


def expand_file(path):
    with open(path, encoding="utf-8") as handle:
        gold = json.load(handle)
    _, article = find(gold["id"])
    body = article["body"].encode()
    for sentence in gold["sentences"]:
        start, end = sentence["span"]
        sentence["text"] = body[start:end].decode()
    write(path, gold)


def write(path, gold):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(gold, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def check_file(path):
    with open(path, encoding="utf-8") as handle:
        gold = json.load(handle)
    _, article = find(gold["id"])
    body = article["body"].encode()
    problems = []
    if gold.get("body_sha256") != hashlib.sha256(body).hexdigest():
        problems.append("body_sha256 differs from the corpus")
    names = {entity["name"] for entity in gold.get("entities", [])}

    def same(span, text, what):
        if body[span[0]:span[1]].decode(errors="replace") != text:
            problems.append(f"{what}: span {span} is not {text!r}")

    if gold.get("dateline"):
        same(gold["dateline"]["span"], gold["dateline"]["text"], "dateline")
    last_end = 0
    for number, sentence in enumerate(gold["sentences"]):
        if "text" in sentence:
            problems.append(f"sentence {number} still quotes its text: run gold.py fill")
        if not 0 <= sentence["span"][0] < sentence["span"][1] <= len(body):
            problems.append(f"sentence {number}: span {sentence['span']} is outside the body")
        elif b"\n\n" in body[sentence["span"][0]:sentence["span"][1]]:
            problems.append(f"sentence {number} spans a paragraph break")
        if sentence["span"][0] < last_end:
            problems.append(f"sentence {number} overlaps the one before")
        last_end = sentence["span"][1]
        for key in ("check_worthy", "speaker", "claims"):
            if key not in sentence:
                problems.append(f"sentence {number} has no {key!r}")
        if sentence.get("speaker") is not None and sentence["speaker"] not in names:
            problems.append(f"sentence {number}: speaker {sentence['speaker']!r} is not in entities")
        for field in ("pronouns", "metonyms", "dates"):
            for mention in sentence.get(field, []):
                same(mention["span"], mention["text"], f"sentence {number} {field}")
                if not whole_words(body, mention["span"]):
                    problems.append(f"sentence {number} {field} {mention['text']!r} starts or ends inside a word")
                inside = sentence["span"][0] <= mention["span"][0] and mention["span"][1] <= sentence["span"][1]
                if not inside:
                    problems.append(f"sentence {number} {field} {mention['text']!r} lies outside the sentence")
        for pronoun in sentence.get("pronouns", []):
            antecedent = pronoun.get("antecedent")
            if antecedent is not None and antecedent not in names:
                problems.append(f"sentence {number}: antecedent {antecedent!r} is not in entities")
        for date in sentence.get("dates", []):
            if (date.get("start") is None) != (date.get("end") is None):
                problems.append(f"sentence {number}: date {date['text']!r} has one end only")
    for problem in problems:
        print(f"{path}: {problem}")
    return not problems


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "select":
        print("\n".join(select()))
    elif command == "show" and len(rest) == 1:
        show(rest[0])
    elif command == "fill" and rest:
        for path in rest:
            fill_file(path)
    elif command == "expand" and rest:
        for path in rest:
            expand_file(path)
    elif command == "check":
        paths = rest or sorted(
            os.path.join(HERE, name) for name in os.listdir(HERE) if name.endswith(".json")
        )
        sys.exit(0 if all([check_file(path) for path in paths]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

"""Runs two claimdb binaries' `extract` over every article of the corpus and
prints the claims whose speaker, text, rewrites or needs-context flag differ,
one line per claim (article id, then what changed), so that a rule change can
be read case by case on news it was not written from. Usage:

    python3 tools/extract-diff.py OLD_BINARY NEW_BINARY [--corpus DIR]

DIR (default ../shared/corpus) holds one folder per corpus with an
articles.jsonl of {"id", "body"} lines. Two extractions run at a time.
"""
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def claims(binary, article):
    run = subprocess.run([binary, "extract", "-"], input=article["body"].encode(), capture_output=True, check=True)
    found = {}
    for line in run.stdout.decode().splitlines():
        claim = json.loads(line)
        rewrites = tuple(
            (rewrite["rule"], rewrite.get("original"), rewrite.get("replacement"))
            for rewrite in claim.get("rewrites", [])
        )
        found[claim["span"].get("start", 0), claim["text"][:60]] = (
            claim.get("speaker"),
            claim["text"],
            rewrites,
            bool(claim.get("needsContext")),
        )
    return found


def main():
    args = sys.argv[1:]
    corpus = Path("../shared/corpus")
    if "--corpus" in args:
        at = args.index("--corpus")
        corpus = Path(args[at + 1])
        del args[at : at + 2]
    old_binary, new_binary = args
    articles = [json.loads(line) for path in sorted(corpus.glob("*/articles.jsonl")) for line in open(path)]
    with ThreadPoolExecutor(2) as pool:
        olds = list(pool.map(lambda article: claims(old_binary, article), articles))
        news = list(pool.map(lambda article: claims(new_binary, article), articles))
    n_changed = 0
    for article, old, new in zip(articles, olds, news):
        for key in sorted(old.keys() | new.keys()):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            n_changed += 1
            if before is None or after is None:
                print(article["id"], "only in", "new" if before is None else "old", repr((after or before)[1][:120]))
                continue
            changes = []
            for name, was, now in zip(("speaker", "text", "rewrites", "needs_context"), before, after):
                if was != now:
                    changes.append(f"{name} {was!r} -> {now!r}")
            print(article["id"], "; ".join(changes))
    print(f"{len(articles)} articles, {n_changed} claims differ", file=sys.stderr)


main()

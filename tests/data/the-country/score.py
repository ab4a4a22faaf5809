"""Scores the output of sample.py against the judgments made by reading.
Usage:
    python3 tests/data/the-country/sample.py target/release/claimdb --part 1 > out.txt
    python3 tests/data/the-country/score.py out.txt tests/data/the-country/judged-part1.tsv
Prints how many rewrites fired, how many a judgment calls right, and every
rewrite no judgment covers (to be judged by reading the article, never
from the program's output alone, and added to the part's file).
"""
import sys
judged = {}
for path in sys.argv[2:]:
    for line in open(path):
        if line.startswith('#'):
            continue
        article, replacement, right = line.rstrip('\n').split('\t')
        judged[(article, replacement)] = right
fired = right = 0
unjudged = []
for line in open(sys.argv[1]):
    article, replacement, _ = [part.strip() for part in line.split('|', 2)]
    fired += 1
    verdict = judged.get((article, replacement))
    if verdict == 'yes':
        right += 1
    elif verdict is None:
        unjudged.append(line.strip()[:250])
print(f'fired={fired} right={right} unjudged={len(unjudged)}'
      + (f' precision={right / fired:.3f}' if fired and not unjudged else ''))
for line in unjudged:
    print('  ?', line)

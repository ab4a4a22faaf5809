"""Prints every "the country" rewrite the extractor makes on a fixed sample
of the corpora (400 articles of each, shuffled with seed 7), one line per
distinct (article, replacement, sentence). Usage:
    python3 tests/data/the-country/sample.py target/release/claimdb
    python3 tests/data/the-country/sample.py target/release/claimdb --part K
With --part K, articles 400K to 400K+399 of the same shuffled order
instead (the first sample is part 0; later parts are BBC only, as the web
corpus has 159 articles, all in part 0).
"""
import json, subprocess, sys, random
out=[]
part=int(sys.argv[sys.argv.index('--part')+1]) if '--part' in sys.argv else 0
for corpus in ['web-news-2019-aeb','bbc-news-2005']:
    arts=[json.loads(l) for l in open(f'../shared/corpus/{corpus}/articles.jsonl')]
    random.Random(7).shuffle(arts)
    for a in arts[400*part:400*(part+1)]:
        body=a['body']
        r=subprocess.run([sys.argv[1],'extract','-'],input=body.encode(),capture_output=True)
        for l in r.stdout.decode().splitlines():
            c=json.loads(l)
            for rw in c.get('rewrites',[]):
                if rw['rule']=='the country':
                    out.append((a['id'],rw['replacement'],c['sentence']))
seen=set()
for o in out:
    if o in seen: continue
    seen.add(o); print(o[0],'|',o[1],'|',o[2][:300])

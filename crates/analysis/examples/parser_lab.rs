//! Throwaway lab for the parser's speed work (not committed as is).
use std::time::Instant;

use claimdb_analysis::conllu::{self, Sentence};
use claimdb_analysis::parser::{Arc, Parser, ParserOptions};
use claimdb_analysis::tagger::{self, Tagger, TaggerOptions};

fn read(path: &str) -> Vec<Sentence> {
    conllu::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}
const DATA: &str = "/work/shared/datasets/ud-english-ewt/en_ewt-ud-";
const JK: &str = "/tmp/speedlab/jk.txt";

fn load_jk() -> Vec<Vec<(String, String)>> {
    std::fs::read_to_string(JK)
        .unwrap()
        .lines()
        .map(|line| {
            line.split('\t')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (a, b) = p.split_once(' ').unwrap();
                    (a.to_string(), b.to_string())
                })
                .collect()
        })
        .collect()
}

struct Tagged {
    forms: Vec<Vec<String>>,
    upos: Vec<Vec<String>>,
    xpos: Vec<Vec<String>>,
}

fn tag(gold: &[Sentence]) -> Tagged {
    let tagger = Tagger::embedded();
    let mut out = Vec::new();
    let mut t = Tagged { forms: vec![], upos: vec![], xpos: vec![] };
    for s in gold {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        tagger.tag(&forms, &mut out);
        t.forms.push(forms.iter().map(|f| f.to_string()).collect());
        t.upos.push(out.iter().map(|x| x.upos.to_string()).collect());
        t.xpos.push(out.iter().map(|x| x.xpos.to_string()).collect());
    }
    t
}

fn parse_all<'m>(parser: &'m Parser, t: &Tagged) -> Vec<Vec<Arc<'m>>> {
    let mut res = Vec::new();
    let mut arcs = Vec::new();
    for i in 0..t.forms.len() {
        let f: Vec<&str> = t.forms[i].iter().map(String::as_str).collect();
        let u: Vec<&str> = t.upos[i].iter().map(String::as_str).collect();
        let x: Vec<&str> = t.xpos[i].iter().map(String::as_str).collect();
        parser.parse(&f, &u, &x, &mut arcs);
        res.push(arcs.clone());
    }
    res
}

fn score(gold: &[Sentence], trees: &[Vec<Arc<'_>>]) -> (f64, f64) {
    let (mut n, mut uas, mut las) = (0usize, 0usize, 0usize);
    for (s, arcs) in gold.iter().zip(trees) {
        for (w, a) in s.words.iter().zip(arcs) {
            n += 1;
            if w.head == a.head {
                uas += 1;
                let g = w.deprel.split(':').next().unwrap();
                let p = a.deprel.split(':').next().unwrap();
                if g == p {
                    las += 1;
                }
            }
        }
    }
    (uas as f64 / n as f64, las as f64 / n as f64)
}

/// This thread's time on the CPU, in seconds (immune to time slicing).
fn cpu_seconds() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    text.split_whitespace().next().unwrap().parse::<f64>().unwrap() / 1e9
}

fn speed(parser: &Parser, t: &Tagged) -> f64 {
    let pre: Vec<(Vec<&str>, Vec<&str>, Vec<&str>)> = (0..t.forms.len())
        .map(|i| {
            (
                t.forms[i].iter().map(String::as_str).collect(),
                t.upos[i].iter().map(String::as_str).collect(),
                t.xpos[i].iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let n: usize = pre.iter().map(|p| p.0.len()).sum();
    let mut arcs = Vec::new();
    let started = cpu_seconds();
    for (f, u, x) in &pre {
        parser.parse(f, u, x, &mut arcs);
        std::hint::black_box(&arcs);
    }
    n as f64 / (cpu_seconds() - started)
}

fn load(path: &str) -> Parser {
    if path == "embedded" {
        Parser::embedded().clone()
    } else {
        Parser::from_bytes(&std::fs::read(path).unwrap()).unwrap()
    }
}

fn list(name: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_default()
        .split(',')
        .filter(|x| !x.is_empty())
        .map(|x| x.parse().unwrap())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let move_drop = list("MOVE_DROP");
    let label_drop = list("LABEL_DROP");
    claimdb_analysis::parser::lab::set(&move_drop, &label_drop);
    match args[0].as_str() {
        "jk" => {
            let train = read(&format!("{DATA}train.conllu"));
            let opts = TaggerOptions { seed: 2026, ..TaggerOptions::default() };
            let tags = tagger::jackknife_tags(&train, 10, &opts);
            let text: String = tags
                .iter()
                .map(|s| s.iter().map(|(a, b)| format!("{a} {b}\t")).collect::<String>() + "\n")
                .collect();
            std::fs::write(JK, text).unwrap();
        }
        "train" => {
            let epochs: usize = args[1].parse().unwrap();
            let out = &args[2];
            let train = read(&format!("{DATA}train.conllu"));
            let dev = read(&format!("{DATA}dev.conllu"));
            let tdev = tag(&dev);
            let tags = load_jk();
            let opts = ParserOptions { seed: 2026, epochs, ..ParserOptions::default() };
            let started = Instant::now();
            let parser = Parser::train(&train, &tags, &opts);
            let secs = started.elapsed().as_secs_f64();
            std::fs::write(out, parser.to_bytes()).unwrap();
            let (uas, las) = score(&dev, &parse_all(&parser, &tdev));
            println!("{out}: epochs={epochs} train_s={secs:.1} weights={} dev UAS={uas:.4} LAS={las:.4}", parser.n_weights());
        }
        "eval" => {
            let dev = read(&format!("{DATA}dev.conllu"));
            let tdev = tag(&dev);
            for path in &args[1..] {
                let p = load(path);
                let (uas, las) = score(&dev, &parse_all(&p, &tdev));
                println!("{path}: dev UAS={uas:.4} LAS={las:.4}");
            }
        }
        "dump" => {
            // Trees on dev+test for identity checks.
            let mut gold = read(&format!("{DATA}dev.conllu"));
            gold.extend(read(&format!("{DATA}test.conllu")));
            let t = tag(&gold);
            let p = load(&args[1]);
            let trees = parse_all(&p, &t);
            let text: String = trees
                .iter()
                .map(|a| a.iter().map(|x| format!("{}:{} ", x.head, x.deprel)).collect::<String>() + "\n")
                .collect();
            std::fs::write(&args[2], text).unwrap();
        }
        "ab" => {
            // Variants of the code on one model, alternated: ab MODEL V1 V2 ...
            let mut gold = read(&format!("{DATA}dev.conllu"));
            gold.extend(read(&format!("{DATA}test.conllu")));
            let t = tag(&gold);
            let p = load(&args[1]);
            let variants: Vec<u32> = args[2..].iter().map(|v| v.parse().unwrap()).collect();
            let mut best = vec![0f64; variants.len()];
            let passes: usize = std::env::var("PASSES").map(|p| p.parse().unwrap()).unwrap_or(7);
            for _ in 0..passes {
                for (i, v) in variants.iter().enumerate() {
                    claimdb_analysis::parser::lab::VARIANT.store(*v, std::sync::atomic::Ordering::Relaxed);
                    best[i] = best[i].max(speed(&p, &t));
                }
            }
            for (v, b) in variants.iter().zip(&best) {
                println!("variant {v}: {b:.0} tok/s ({:.3}x first)", b / best[0]);
            }
            for v in &variants {
                claimdb_analysis::parser::lab::VARIANT.store(*v, std::sync::atomic::Ordering::Relaxed);
                let trees = parse_all(&p, &t);
                let text: String = trees.iter().map(|a| a.iter().map(|x| format!("{}:{} ", x.head, x.deprel)).collect::<String>() + "\n").collect();
                std::fs::write(format!("/tmp/speedlab/trees_v{v}.txt"), text).unwrap();
            }
        }
        "speed" => {
            let mut gold = read(&format!("{DATA}dev.conllu"));
            gold.extend(read(&format!("{DATA}test.conllu")));
            let t = tag(&gold);
            let parsers: Vec<Parser> = args[1..].iter().map(|p| load(p)).collect();
            let mut best = vec![0f64; parsers.len()];
            for _ in 0..5 {
                for (i, p) in parsers.iter().enumerate() {
                    best[i] = best[i].max(speed(p, &t));
                }
            }
            for (path, b) in args[1..].iter().zip(&best) {
                println!("{path}: {b:.0} tok/s ({:.3}x first)", b / best[0]);
            }
        }
        "prune" => {
            let mut gold = read(&format!("{DATA}dev.conllu"));
            let dev = gold.clone();
            let tdev = tag(&dev);
            gold.extend(read(&format!("{DATA}test.conllu")));
            let t = tag(&gold);
            let base = load(&args[1]);
            let mut parsers = vec![base.clone()];
            for th in &args[2..] {
                parsers.push(base.pruned(th.parse().unwrap()));
            }
            let mut best = vec![0f64; parsers.len()];
            for _ in 0..3 {
                for (i, p) in parsers.iter().enumerate() {
                    best[i] = best[i].max(speed(p, &t));
                }
            }
            for (i, p) in parsers.iter().enumerate() {
                let (uas, las) = score(&dev, &parse_all(p, &tdev));
                println!("{}: weights={} bytes={} dev UAS={uas:.4} LAS={las:.4} {:.0} tok/s ({:.3}x)", if i == 0 { "base" } else { &args[i + 1] }, p.n_weights(), p.to_bytes().len(), best[i], best[i] / best[0]);
            }
        }
        "greedy" => {
            // greedy MODEL K POOL: one-shot rank, then K sequential drops from the top POOL.
            let k: usize = args[2].parse().unwrap();
            let pool: usize = args[3].parse().unwrap();
            let dev = read(&format!("{DATA}dev.conllu"));
            let tdev = tag(&dev);
            let p = load(&args[1]);
            let las_with = |m: &[usize], l: &[usize]| {
                claimdb_analysis::parser::lab::set(m, l);
                score(&dev, &parse_all(&p, &tdev)).1
            };
            let base = las_with(&move_drop, &label_drop);
            eprintln!("base LAS={base:.4}");
            let mut cands: Vec<(f64, bool, usize)> = Vec::new();
            for t in (0..100).filter(|t| !move_drop.contains(t)) {
                let mut d = move_drop.clone(); d.push(t);
                cands.push((las_with(&d, &label_drop), true, t));
            }
            for t in (0..48).filter(|t| !label_drop.contains(t)) {
                let mut d = label_drop.clone(); d.push(t);
                cands.push((las_with(&move_drop, &d), false, t));
            }
            cands.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
            cands.truncate(pool);
            let (mut m, mut l) = (move_drop.clone(), label_drop.clone());
            for _ in 0..k {
                let mut best: Option<(f64, usize)> = None;
                for (i, &(_, is_move, t)) in cands.iter().enumerate() {
                    let (mut m2, mut l2) = (m.clone(), l.clone());
                    if is_move { m2.push(t) } else { l2.push(t) }
                    let las = las_with(&m2, &l2);
                    if best.is_none_or(|(b, _)| las > b) { best = Some((las, i)); }
                }
                let (las, i) = best.unwrap();
                let (_, is_move, t) = cands.remove(i);
                if is_move { m.push(t) } else { l.push(t) }
                eprintln!("drop {} {t}: LAS={las:.4}", if is_move { "move" } else { "label" });
            }
            let join = |v: &[usize]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",");
            println!("MOVE_DROP={} LABEL_DROP={}", join(&m), join(&l));
        }
        "rank" => {
            let dev = read(&format!("{DATA}dev.conllu"));
            let tdev = tag(&dev);
            let p = load(&args[1]);
            let (_, base) = score(&dev, &parse_all(&p, &tdev));
            println!("base LAS={base:.4}");
            let mut rows = Vec::new();
            for t in 0..100 {
                if move_drop.contains(&t) { continue; }
                let mut d = move_drop.clone(); d.push(t);
                claimdb_analysis::parser::lab::set(&d, &label_drop);
                let (_, las) = score(&dev, &parse_all(&p, &tdev));
                rows.push((las - base, format!("move {t}")));
            }
            for t in 0..48 {
                if label_drop.contains(&t) { continue; }
                let mut d = label_drop.clone(); d.push(t);
                claimdb_analysis::parser::lab::set(&move_drop, &d);
                let (_, las) = score(&dev, &parse_all(&p, &tdev));
                rows.push((las - base, format!("label {t}")));
            }
            rows.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
            for (delta, name) in rows { println!("{name} {delta:+.4}"); }
        }
        _ => panic!("mode"),
    }
}

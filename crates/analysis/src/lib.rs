//! claimdb's language analysis: a sentence of an article body in, a Universal
//! Dependencies analysis out (tokens and words with byte spans, part of speech,
//! morphology, lemmas, a labelled dependency tree and named entities).
//!
//! Pure: no I/O, no async, no threads of its own; the weights are embedded in
//! the binary. Training and evaluation are functions over parsed data
//! ([`conllu`]); the `claimdb` command line reads the files and calls them.
#![forbid(unsafe_code)]

pub mod clusters;
pub mod conllu;
pub mod coref;
pub mod entity;
pub mod eval;
pub mod iob2;
pub mod lemma;
pub mod measure;
pub mod ner;
pub mod parser;
pub mod perceptron;
pub mod pipeline;
pub mod sentences;
pub mod tagger;
pub mod tokenise;
pub mod train;

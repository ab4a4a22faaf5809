//! claimdb: a fact-checking claims database.
//!
//! An article comes in over gRPC ([`api`]), the extractor ([`extract`])
//! turns it into attributed, checkable claims, [`ingest`] merges what the
//! caller gave with what was parsed, and [`store`] keeps the article and its
//! claims in SQLite in one transaction; [`import`] reads files of
//! articles (and ClaimReview documents) for batch import, and [`export`]
//! writes reviewed claims as ClaimReview. [`model`] holds the domain types all
//! of them share and [`names`] their resource names; [`auth`] makes and hashes API tokens; [`cli`] is the
//! command line (server, local extraction, tokens and a gRPC client);
//! [`text`] shows outside text safely (excerpts in errors, escaped
//! control characters on terminals); [`train`] trains and evaluates the extractor's check-worthiness model
//! from labelled data files.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod embed;
pub mod export;
pub mod extract;
pub mod gold;
pub mod hash;
pub mod import;
pub mod ingest;
pub mod links;
pub mod model;
pub mod names;
pub mod review;
pub mod store;
pub mod text;
pub mod train;

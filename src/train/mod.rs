//! Training and evaluation of the check-worthiness model: data readers, the trainer and metrics.
//!
//! This module reads files, so it lives outside the pure [`extract`](crate::extract),
//! whose [`model`](crate::extract::model) it trains: both featurise a sentence
//! with the same `extract::model::for_each_feature`, so what is trained is
//! exactly what the extractor scores. `claimdb train` and `claimdb eval` are
//! thin wrappers around [`logistic::train`] and [`logistic::evaluate`].

pub mod data;
pub mod logistic;
pub mod metrics;

pub use data::{DataError, LabelledSentence, Layout, read_dataset};
pub use logistic::{TrainOptions, Trained, evaluate, train};
pub use metrics::{Confusion, average_precision, best_f1_threshold};

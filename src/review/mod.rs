//! The review rules as pure domain logic: verdict outcomes and second review, etags, checks on
//! reviews and edits, Cohen's kappa, the filter, order and search languages parsed into ASTs, and
//! filters decided on a claim in memory.
//! No SQL, no gRPC, no I/O: the store turns the ASTs into SQL, the API into statuses.

pub mod claimreview;
pub mod filter;
pub mod kappa;
pub mod matching;
pub mod rules;
pub mod search;
pub mod similar;

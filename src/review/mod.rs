//! The review rules as pure domain logic: verdict outcomes and second review, etags, checks on
//! reviews and edits, Cohen's kappa, and the filter, order and search languages parsed into ASTs.
//! No SQL, no gRPC, no I/O: the store turns the ASTs into SQL, the API into statuses.

pub mod filter;
pub mod kappa;
pub mod rules;
pub mod search;
pub mod time;

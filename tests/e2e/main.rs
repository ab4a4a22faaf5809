//! End-to-end tests: the real server on an ephemeral port, called with real tonic clients.

mod articles;
mod auth;
mod bad_input;
mod cli;
mod discovery;
mod model_cli;
mod support;

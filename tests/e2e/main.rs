//! End-to-end tests: the real server on an ephemeral port, called with real tonic clients.

mod abuse;
mod analysis_cli;
mod article_filters;
mod articles;
mod auth;
mod bad_input;
mod claimreview;
mod cli;
mod coref_cli;
mod crash;
mod discovery;
mod eval_matching;
mod eval_news;
mod filters;
mod hostile;
mod http2;
mod import;
mod model_cli;
mod operations;
mod readme;
mod reviews;
mod similar;
mod support;
mod telemetry;
mod tls;
mod web;

//! The `claimdb` command: parses the command line and hands it to [`claimdb::cli::run`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    claimdb::cli::run(claimdb::cli::Cli::parse())
}

//! The `claimdb` command: parses the command line and hands it to [`claimdb::cli::run`].

use clap::Parser;

/// mimalloc instead of the system allocator: the extractor allocates the
/// strings of every claim it builds, and with glibc's malloc that was about
/// a tenth of its instructions (see BENCHMARKS.md, "Extraction throughput").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    claimdb::cli::run(claimdb::cli::Cli::parse())
}

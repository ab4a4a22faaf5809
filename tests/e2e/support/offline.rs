//! Runs the `claimdb` binary for commands that need no server (`train`, `eval`, `analyse`).

use std::path::Path;
use std::process::{Command, Output};

/// Runs `claimdb ARGS` and waits for it.
pub fn claimdb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// What a command that must succeed printed on standard output.
pub fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

//! The README's runnable examples, run as written against a real server (issue 16), so that the
//! README cannot drift from the CLI.
//!
//! The convention: a fenced block tagged `sh` right after the line
//! `<!-- readme-test: run -->` is runnable. Its commands are run in order,
//! block after block, each with `bash` from the repository's root, with
//! `claimdb` the binary under test, `CLAIMDB_ADDR` a fresh server on an
//! ephemeral port with a temporary database and `CLAIMDB_TOKEN` its admin
//! token; each must exit 0. The blocks' own set-up lines (`export
//! CLAIMDB_TOKEN=…`, `alias claimdb=…`) stand for what the test sets up
//! itself and are passed over. Other blocks (a second server, files the
//! reader has to make) are documentation only.

use std::process::Command;

use crate::support::spawn_server;

/// The line that marks the next `sh` block as runnable.
pub const MARKER: &str = "<!-- readme-test: run -->";
/// Lines of a runnable block that the test's own set-up replaces.
const SET_UP: &[&str] = &["export CLAIMDB_TOKEN=", "alias claimdb="];

/// The commands of every runnable block, in order: continuation lines
/// joined, blank and comment lines and set-up lines left out.
fn runnable_commands(readme: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim() != MARKER {
            continue;
        }
        let fence = lines.next().unwrap_or_default();
        assert_eq!(
            fence.trim(),
            "```sh",
            "{MARKER} must stand right before a ```sh block"
        );
        let mut command = String::new();
        for line in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            // A continued line joins the next with one space.
            let line = if command.is_empty() {
                line
            } else {
                line.trim_start()
            };
            if let Some(start) = line.strip_suffix('\\') {
                command.push_str(start.trim_end());
                command.push(' ');
                continue;
            }
            command.push_str(line);
            let whole = std::mem::take(&mut command);
            let trimmed = whole.trim();
            if trimmed.is_empty()
                || trimmed.starts_with('#')
                || SET_UP.iter().any(|set_up| trimmed.starts_with(set_up))
            {
                continue;
            }
            commands.push(trimmed.to_owned());
        }
    }
    commands
}

#[test]
fn runnable_blocks_are_read_with_their_continuations() {
    let readme = "text\n```sh\nclaimdb not-marked\n```\n<!-- readme-test: run -->\n```sh\n\
                  export CLAIMDB_TOKEN=cdb_...   # the admin token\n# a comment\n\
                  claimdb one --x 'a b' \\\n  --y 2   # why\n\nclaimdb two\n```\n";
    assert_eq!(
        runnable_commands(readme),
        ["claimdb one --x 'a b' --y 2   # why", "claimdb two"]
    );
}

// See: #16 (the README's review walk-through failed when run literally).
#[tokio::test]
async fn every_runnable_readme_example_exits_zero() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let commands = runnable_commands(&readme);
    assert!(commands.len() >= 10, "too few runnable examples: {commands:?}");
    for command in &commands {
        // Only the CLI is run: nothing else the README shows (cargo, grpcurl).
        assert!(
            command.starts_with("claimdb "),
            "not a claimdb command: {command}"
        );
    }
    let server = spawn_server().await;
    let addr = format!("http://{}", server.addr);
    let token = server.admin.clone();
    tokio::task::spawn_blocking(move || {
        for command in commands {
            let output = Command::new("bash")
                .arg("-c")
                .arg(format!("claimdb() {{ \"$CLAIMDB_BIN\" \"$@\"; }}\n{command}"))
                .current_dir(root)
                .env("CLAIMDB_BIN", env!("CARGO_BIN_EXE_claimdb"))
                .env("CLAIMDB_ADDR", &addr)
                .env("CLAIMDB_TOKEN", &token)
                .env("RUST_LOG", "warn")
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "README example failed: {command}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    })
    .await
    .unwrap();
}

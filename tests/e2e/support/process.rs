//! `claimdb serve` as a separate process, for tests and benchmarks that need the real binary
//! (killing it, measuring its memory). Std only, so a bench can include it with `#[path]`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `claimdb serve` on `db` and a free port and waits, by reading its
/// log, until it listens. Returns the process, its address and, on a first
/// start (`fresh`), the admin token it prints.
pub fn start_server(db: &Path, fresh: bool) -> (Child, String, Option<String>) {
    start_server_with(db, fresh, &[])
}

/// As [`start_server`], with more `serve` arguments.
pub fn start_server_with(db: &Path, fresh: bool, more_args: &[&str]) -> (Child, String, Option<String>) {
    let (child, addr, token, _serving_line) = start_server_reporting(db, fresh, more_args);
    (child, addr, token)
}

/// As [`start_server_with`], also returning the log line that says the
/// server serves (it names the addresses the server bound, such as a
/// `--metrics-addr` given port 0).
pub fn start_server_reporting(
    db: &Path,
    fresh: bool,
    more_args: &[&str],
) -> (Child, String, Option<String>, String) {
    // Port 0: the server binds a free port itself and names it in its log,
    // so no other test can take the port between a probe and the bind.
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["serve", "--db", db.to_str().unwrap(), "--addr", "127.0.0.1:0"])
        .args(more_args)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    // The token comes on standard output before the server listens.
    let token_reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.starts_with(claimdb::auth::TOKEN_PREFIX))
    });
    let mut log = BufReader::new(stderr).lines();
    let mut serving_line = None;
    for line in log.by_ref() {
        let line = line.unwrap();
        if line.contains("cannot") || line.contains("error") {
            panic!("the server failed to start: {line}");
        }
        if line.contains("claimdb serving") {
            serving_line = Some(line);
            break;
        }
    }
    let serving_line = serving_line.expect("the server ended before it served");
    let addr = serving_line
        .split_whitespace()
        .find_map(|field| field.strip_prefix("addr="))
        .expect("the serving line names the address")
        .to_string();
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in log {});
    // A restarted server prints nothing on standard output, so its reader
    // is left to end with the process.
    let token = if fresh { token_reader.join().unwrap() } else { None };
    (child, addr, token, serving_line)
}

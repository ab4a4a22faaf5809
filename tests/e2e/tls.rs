//! TLS (issue 14): `claimdb serve --tls-cert --tls-key` with a certificate made here, called by
//! the `claimdb` client over `https://` with and without the authority that signed it, and by
//! a plaintext client.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};

use crate::support::process::{start_server_reporting, start_server_with};

const MISSION_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/extract/2022-01-01-biden-putin-call.txt"
);

/// A test authority's certificate and a server certificate it signed for
/// `127.0.0.1` and `localhost`, with its key, written as PEM files in `dir`.
struct TestPki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn make_pki(dir: &Path) -> TestPki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "claimdb test authority");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let pki = TestPki {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server-key.pem"),
    };
    std::fs::write(&pki.ca, ca.pem()).unwrap();
    std::fs::write(&pki.cert, server_cert.pem()).unwrap();
    std::fs::write(&pki.key, server_key.serialize_pem()).unwrap();
    pki
}

/// Runs `claimdb` and returns its output; fails the test if it takes over
/// 30 seconds (a client that hangs on a TLS mismatch is a failure too).
fn claimdb(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(args)
        .env_remove("CLAIMDB_TOKEN")
        .env_remove("CLAIMDB_CA_FILE")
        .envs(envs.iter().copied())
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output().unwrap());
    });
    match finished.recv_timeout(Duration::from_secs(30)) {
        Ok(output) => output,
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("claimdb {args:?} did not finish within 30 s");
        }
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

// See: #14 (TLS).
#[test]
fn tls_clients_with_the_authority_succeed_and_others_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let db = dir.path().join("claimdb.sqlite");
    let (mut server, addr, token) = start_server_with(
        &db,
        true,
        &["--tls-cert", path(&pki.cert), "--tls-key", path(&pki.key)],
    );
    let token = token.unwrap();
    let https = format!("https://{addr}");

    // With the authority's certificate, from the flag or the environment.
    let created = claimdb(
        &[
            "articles",
            "create",
            MISSION_PATH,
            "--addr",
            &https,
            "--ca-file",
            path(&pki.ca),
        ],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(String::from_utf8_lossy(&created.stdout).contains("Russia denies planning to attack Ukraine."));
    let listed = claimdb(
        &["articles", "list", "--addr", &https, "--json"],
        &[("CLAIMDB_TOKEN", &token), ("CLAIMDB_CA_FILE", path(&pki.ca))],
    );
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 1);

    // Without it, the server's certificate is not trusted.
    let untrusted = claimdb(
        &["articles", "list", "--addr", &https],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(!untrusted.status.success());
    let message = stderr(&untrusted);
    assert!(
        message.contains(&format!("cannot reach a claimdb server at {https}")),
        "{message}"
    );
    assert!(message.contains("--ca-file"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    // A plaintext client gets a clear refusal, not a hang.
    let plaintext = claimdb(
        &["articles", "list", "--addr", &addr],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(!plaintext.status.success());
    let message = stderr(&plaintext);
    assert!(message.contains("https://"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    // --ca-file belongs to https.
    let misused = claimdb(
        &["articles", "list", "--addr", &addr, "--ca-file", path(&pki.ca)],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(!misused.status.success());
    assert!(
        stderr(&misused).contains("--ca-file is for TLS"),
        "{}",
        stderr(&misused)
    );

    // The server kept serving through all of it.
    let again = claimdb(
        &["articles", "list", "--addr", &https, "--ca-file", path(&pki.ca)],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    let _ = server.kill();
    let _ = server.wait();
}

// See: #14 (TLS).
#[test]
fn tls_flags_come_together_and_a_bad_file_stops_the_start_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let db = dir.path().join("claimdb.sqlite");
    let serve = |more: &[&str]| {
        let mut args = vec!["serve", "--db", path(&db), "--addr", "127.0.0.1:0"];
        args.extend_from_slice(more);
        claimdb(&args, &[])
    };

    let alone = serve(&["--tls-cert", path(&pki.cert)]);
    assert!(!alone.status.success());
    assert!(stderr(&alone).contains("--tls-key"), "{}", stderr(&alone));
    let alone = serve(&["--tls-key", path(&pki.key)]);
    assert!(!alone.status.success());
    assert!(stderr(&alone).contains("--tls-cert"), "{}", stderr(&alone));

    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").unwrap();
    let bad_cert = serve(&["--tls-cert", path(&garbage), "--tls-key", path(&pki.key)]);
    assert!(!bad_cert.status.success());
    let message = stderr(&bad_cert);
    assert!(message.contains(path(&garbage)), "{message}");
    assert!(message.contains("no PEM certificate"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    let wrong_key = dir.path().join("other-key.pem");
    std::fs::write(&wrong_key, KeyPair::generate().unwrap().serialize_pem()).unwrap();
    let mismatched = serve(&["--tls-cert", path(&pki.cert), "--tls-key", path(&wrong_key)]);
    assert!(!mismatched.status.success());
    let message = stderr(&mismatched);
    assert!(message.contains("do not make a TLS identity"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    let missing = serve(&[
        "--tls-cert",
        path(&dir.path().join("absent.pem")),
        "--tls-key",
        path(&pki.key),
    ]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("cannot read --tls-cert"),
        "{}",
        stderr(&missing)
    );
    // None of these got as far as creating the database.
    assert!(!db.exists());
}

// See: #17 (the console's listener shares the TLS identity).
#[test]
fn the_console_listener_serves_over_tls_too() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let db = dir.path().join("claimdb.sqlite");
    let (mut server, _addr, token, serving_line) = start_server_reporting(
        &db,
        true,
        &[
            "--tls-cert",
            path(&pki.cert),
            "--tls-key",
            path(&pki.key),
            "--web",
            "127.0.0.1:0",
        ],
    );
    let web = serving_line
        .split_once("web_addr=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(web, _)| web.to_owned())
        .unwrap_or_else(|| panic!("no console address in {serving_line:?}"));
    let token = token.unwrap();
    // The console's port speaks gRPC as well as gRPC-Web: the CLI reaches
    // it over TLS with the authority, and a plaintext client is refused.
    let https = format!("https://{web}");
    let listed = claimdb(
        &["articles", "list", "--addr", &https, "--ca-file", path(&pki.ca)],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(listed.status.success(), "{}", stderr(&listed));
    let plaintext = claimdb(
        &["articles", "list", "--addr", &web],
        &[("CLAIMDB_TOKEN", &token)],
    );
    assert!(!plaintext.status.success());
    let _ = server.kill();
    let _ = server.wait();
}

//! The HTTP/2 connection itself (issue 14): the stream limit the server advertises, and
//! keepalive pings that close a connection whose peer stopped answering, spoken frame by frame.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::spawn_server_with;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const ACK: u8 = 0x1;
const SETTINGS_MAX_CONCURRENT_STREAMS: u16 = 0x3;

/// One frame: its type, flags and payload.
struct Frame {
    kind: u8,
    flags: u8,
    payload: Vec<u8>,
}

fn frame(kind: u8, flags: u8, payload: &[u8]) -> Vec<u8> {
    let length = payload.len() as u32;
    let mut bytes = length.to_be_bytes()[1..].to_vec();
    bytes.extend_from_slice(&[kind, flags, 0, 0, 0, 0]);
    bytes.extend_from_slice(payload);
    bytes
}

/// The next frame, or `None` when the server closed the connection.
async fn read_frame(stream: &mut TcpStream) -> Option<Frame> {
    let mut header = [0u8; 9];
    stream.read_exact(&mut header).await.ok()?;
    let length = u32::from_be_bytes([0, header[0], header[1], header[2]]) as usize;
    let mut payload = vec![0u8; length];
    stream.read_exact(&mut payload).await.ok()?;
    Some(Frame {
        kind: header[3],
        flags: header[4],
        payload,
    })
}

/// Connects and says the client preface with empty SETTINGS.
async fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(PREFACE).await.unwrap();
    stream.write_all(&frame(SETTINGS, 0, &[])).await.unwrap();
    stream
}

// See: #14 (MAX_CONCURRENT_STREAMS advertised).
#[tokio::test]
async fn the_server_advertises_its_stream_limit_per_connection() {
    let server = crate::support::spawn_server().await;
    let mut stream = connect(server.addr).await;
    let settings = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let frame = read_frame(&mut stream)
                .await
                .expect("the server sent its SETTINGS");
            if frame.kind == SETTINGS && frame.flags & ACK == 0 {
                return frame.payload;
            }
        }
    })
    .await
    .unwrap();
    let advertised: Vec<(u16, u32)> = settings
        .chunks(6)
        .map(|entry| {
            (
                u16::from_be_bytes([entry[0], entry[1]]),
                u32::from_be_bytes([entry[2], entry[3], entry[4], entry[5]]),
            )
        })
        .collect();
    assert!(
        advertised.contains(&(
            SETTINGS_MAX_CONCURRENT_STREAMS,
            claimdb::api::MAX_STREAMS_PER_CONNECTION
        )),
        "{advertised:?}"
    );
    assert_eq!(claimdb::api::MAX_STREAMS_PER_CONNECTION, 64);
    // An open connection would hold the stop for its grace period.
    drop(stream);
    server.stop().await;
}

/// Reads frames for `period`, answering the server's SETTINGS and (when
/// `answer_pings`) its PINGs; returns how many PINGs came and whether the
/// server closed the connection (or said GOAWAY).
async fn converse(stream: &mut TcpStream, period: Duration, answer_pings: bool) -> (usize, bool) {
    let start = Instant::now();
    let mut pings = 0;
    while start.elapsed() < period {
        let left = period.saturating_sub(start.elapsed());
        let Ok(next) = tokio::time::timeout(left, read_frame(stream)).await else {
            break;
        };
        let Some(frame) = next else {
            return (pings, true);
        };
        match frame.kind {
            SETTINGS if frame.flags & ACK == 0 => stream.write_all(&frame_ack(SETTINGS, &[])).await.unwrap(),
            PING if frame.flags & ACK == 0 => {
                pings += 1;
                if answer_pings {
                    stream.write_all(&frame_ack(PING, &frame.payload)).await.unwrap();
                }
            }
            GOAWAY => return (pings, true),
            _ => {}
        }
    }
    (pings, false)
}

fn frame_ack(kind: u8, payload: &[u8]) -> Vec<u8> {
    frame(kind, ACK, payload)
}

// See: #14 (keepalive: a vanished peer's connection is closed).
#[tokio::test]
async fn a_peer_that_stops_answering_pings_is_disconnected_and_one_that_answers_is_not() {
    let server = spawn_server_with(claimdb::api::ServeOptions {
        keepalive_interval: Duration::from_millis(200),
        keepalive_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let mut answering = connect(server.addr).await;
    let mut silent = connect(server.addr).await;
    let (kept, silent_result) = tokio::join!(
        converse(&mut answering, Duration::from_secs(3), true),
        converse(&mut silent, Duration::from_secs(3), false),
    );
    let (pings_answered, closed_answering) = kept;
    let (pings_unanswered, closed_silent) = silent_result;
    assert!(
        pings_answered >= 3,
        "{pings_answered} pings in 3 s at a 200 ms interval"
    );
    assert!(
        !closed_answering,
        "a peer that answers every ping stays connected"
    );
    assert!(pings_unanswered >= 1, "the silent peer was pinged");
    assert!(closed_silent, "a peer that never answers is disconnected");
    drop((answering, silent));
    server.stop().await;
}

//! The connections the server takes: at most `max_connections` open at once, a connection that
//! sends nothing within the handshake timeout dropped, and accept errors (a full file table)
//! logged and backed off instead of retried in a hot loop.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// The first pause after a failed accept; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(5);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// An accepted connection, holding its place among the connections allowed
/// until it is dropped.
pub struct Connection {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

/// Accepts connections on `listener` on a task of its own and hands them
/// on: at most `max_connections` at once (beyond that, new ones wait in the
/// kernel's backlog), each once it has sent its first bytes, which must come
/// within `handshake_timeout`. Ends when the returned stream is dropped
/// (tonic drops it when it stops accepting), closing the listener.
pub fn incoming(
    listener: TcpListener,
    max_connections: usize,
    handshake_timeout: Duration,
) -> ReceiverStream<io::Result<Connection>> {
    let (accepted, incoming) = mpsc::channel(16);
    let places = Arc::new(Semaphore::new(max_connections.max(1)));
    tokio::spawn(async move {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let permit = tokio::select! {
                permit = Arc::clone(&places).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => return,
                },
                () = accepted.closed() => return,
            };
            let stream = tokio::select! {
                outcome = listener.accept() => match outcome {
                    Ok((stream, _)) => {
                        backoff = FIRST_BACKOFF;
                        stream
                    }
                    Err(err) => {
                        // EMFILE and the like: retrying at once would spin
                        // a core and log nothing, as it did (issue 14).
                        tracing::warn!(retry_in_ms = backoff.as_millis() as u64, "cannot accept a connection: {err}");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                },
                () = accepted.closed() => return,
            };
            // Small responses must not wait for the peer's delayed ACK
            // (Nagle's algorithm adds ~40 ms to every unary call otherwise).
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY: {err}");
            }
            let accepted = accepted.clone();
            tokio::spawn(async move {
                // A client that connects and says nothing holds a file and a
                // place; it is dropped after the handshake timeout.
                // `peek` waits for a byte that is really there (readiness
                // alone may be spurious) and leaves it for HTTP/2 to read.
                let mut first_byte = [0u8; 1];
                match tokio::time::timeout(handshake_timeout, stream.peek(&mut first_byte)).await {
                    Ok(Ok(0)) => tracing::debug!("a connection closed before its handshake"),
                    Ok(Ok(_)) => {
                        let _ = accepted
                            .send(Ok(Connection {
                                stream,
                                _permit: permit,
                            }))
                            .await;
                    }
                    Ok(Err(err)) => tracing::debug!("connection failed before its handshake: {err}"),
                    Err(_) => {
                        tracing::debug!("a connection sent nothing within the handshake timeout; closed")
                    }
                }
            });
        }
    });
    ReceiverStream::new(incoming)
}

impl Connected for Connection {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.stream.connect_info()
    }
}

impl AsyncRead for Connection {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

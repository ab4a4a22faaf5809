//! Claim events for WatchClaims: a tokio broadcast channel that writers publish to without ever
//! waiting, and one forwarding task per watcher that filters events by the claim they carry and
//! reports what it had to drop.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::{broadcast, mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::{convert, pb};
use crate::model::{Claim, ClaimEvent, EventKind};
use crate::review::filter::Filter;
use crate::review::matching::{self, Decision};
use crate::store::Store;

/// Events kept for watchers that fall behind; beyond this they are told how
/// many they missed.
const BROADCAST_CAPACITY: usize = 1024;
/// Events queued per watcher between its forwarding task and the network.
const WATCHER_QUEUE: usize = 64;

/// Whether `event` passes a watcher's filter. The filter tests the claim as
/// the event describes it (a CREATED event of a claim reviewed a moment
/// later is still an unreviewed claim's), in memory; only conditions the
/// claim does not carry (`reviewer`) cost a read of the store, which
/// answers them for the claim as it is now.
async fn event_matches(filter: &Filter, event: &ClaimEvent, store: &dyn Store) -> bool {
    let rest = match matching::decide(filter, &event.claim) {
        Decision::Matches => return true,
        Decision::Fails => return false,
        Decision::Undecided(rest) => rest,
    };
    match store.claim_matches(event.claim.id, rest).await {
        Ok(matched) => matched,
        Err(err) => {
            tracing::warn!("watch filter failed: {err}");
            false
        }
    }
}

/// The publishing side, shared by the services.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Arc<ClaimEvent>>,
    /// Turns true when the server shuts down, ending every watch stream.
    stopping: watch::Receiver<bool>,
}

impl Events {
    pub fn new(stopping: watch::Receiver<bool>) -> Events {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        Events { sender, stopping }
    }

    /// Publishes an event. Never waits: a watcher that is behind loses the
    /// oldest events instead, and learns how many.
    pub fn publish(&self, kind: EventKind, claim: Claim, actor: &str) {
        // An error only means nobody is watching.
        let _ = self.sender.send(Arc::new(ClaimEvent {
            kind,
            claim,
            actor: actor.to_owned(),
            time: SystemTime::now(),
        }));
    }

    /// A stream of the events matching `filter` from now on.
    pub fn watch(
        &self,
        store: Arc<dyn Store>,
        filter: Filter,
    ) -> ReceiverStream<Result<pb::ClaimEvent, Status>> {
        let mut events = self.sender.subscribe();
        let mut stopping = self.stopping.clone();
        let (out, stream) = mpsc::channel(WATCHER_QUEUE);
        tokio::spawn(async move {
            loop {
                let received = tokio::select! {
                    received = events.recv() => received,
                    // The client went away.
                    _ = out.closed() => return,
                    _ = stopping.changed() => return,
                };
                let message = match received {
                    Ok(event) => {
                        if !event_matches(&filter, &event, store.as_ref()).await {
                            continue;
                        }
                        convert::claim_event(&event)
                    }
                    Err(broadcast::error::RecvError::Lagged(n_dropped)) => convert::dropped_events(n_dropped),
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                // Waiting here delays only this watcher: the broadcast
                // channel keeps moving, and this receiver falls behind.
                tokio::select! {
                    sent = out.send(Ok(message)) => if sent.is_err() { return },
                    _ = stopping.changed() => return,
                }
            }
        });
        ReceiverStream::new(stream)
    }
}

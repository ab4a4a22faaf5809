//! Claim events for WatchClaims: a tokio broadcast channel that writers publish to without ever
//! waiting, and one forwarding task per watcher that filters events by the claim they carry and
//! reports what it had to drop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
/// The most WatchClaims streams open at once, and per token: each costs a
/// task, its queue and the connection's send buffer (about 0.8 MB for a
/// client that does not read and opened a large window, issue 14).
pub const MAX_WATCHERS: usize = 256;
pub const MAX_WATCHERS_PER_TOKEN: usize = 8;

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
    /// Open watch streams per token id.
    watchers: Arc<Mutex<HashMap<i64, usize>>>,
}

/// A watch stream's place in the counts, given back when its task ends.
struct WatcherPlace {
    watchers: Arc<Mutex<HashMap<i64, usize>>>,
    token_id: i64,
}

impl Drop for WatcherPlace {
    fn drop(&mut self) {
        if let Ok(mut watchers) = self.watchers.lock()
            && let Some(count) = watchers.get_mut(&self.token_id)
        {
            *count -= 1;
            if *count == 0 {
                watchers.remove(&self.token_id);
            }
        }
    }
}

impl Events {
    pub fn new(stopping: watch::Receiver<bool>) -> Events {
        let (sender, _) = broadcast::channel(BROADCAST_CAPACITY);
        Events {
            sender,
            stopping,
            watchers: Arc::default(),
        }
    }

    /// Counts a new watcher of `token_id`, unless that would pass a cap.
    fn take_watcher_place(&self, token_id: i64) -> Result<WatcherPlace, Status> {
        let mut watchers = self
            .watchers
            .lock()
            .map_err(|_| Status::internal("internal error: the watcher counts are lost"))?;
        let total: usize = watchers.values().sum();
        let mine = watchers.get(&token_id).copied().unwrap_or(0);
        if total >= MAX_WATCHERS {
            return Err(super::error::quota_exceeded(format!(
                "the server has {MAX_WATCHERS} WatchClaims streams open, its most; try again later"
            )));
        }
        if mine >= MAX_WATCHERS_PER_TOKEN {
            return Err(super::error::quota_exceeded(format!(
                "this token has {MAX_WATCHERS_PER_TOKEN} WatchClaims streams open, its most; close one first"
            )));
        }
        *watchers.entry(token_id).or_insert(0) += 1;
        Ok(WatcherPlace {
            watchers: Arc::clone(&self.watchers),
            token_id,
        })
    }

    /// Every event from now on, unfiltered, for the server's own background
    /// work (the embedder): no watcher place is taken.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ClaimEvent>> {
        self.sender.subscribe()
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

    /// A stream of the events matching `filter` from now on, for the
    /// holder of `token_id`; `RESOURCE_EXHAUSTED` past [`MAX_WATCHERS`] or
    /// [`MAX_WATCHERS_PER_TOKEN`].
    pub fn watch(
        &self,
        store: Arc<dyn Store>,
        filter: Filter,
        token_id: i64,
    ) -> Result<ReceiverStream<Result<pb::ClaimEvent, Status>>, Status> {
        let place = self.take_watcher_place(token_id)?;
        let mut events = self.sender.subscribe();
        let mut stopping = self.stopping.clone();
        let (out, stream) = mpsc::channel(WATCHER_QUEUE);
        tokio::spawn(async move {
            let _place = place;
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
        Ok(ReceiverStream::new(stream))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    // See: #14 (defect 4).
    #[tokio::test]
    async fn watchers_are_capped_per_token_and_their_places_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("t.sqlite")).unwrap());
        let (_stopping, stopping_watch) = watch::channel(false);
        let events = Events::new(stopping_watch);
        let mut mine = Vec::new();
        for _ in 0..MAX_WATCHERS_PER_TOKEN {
            mine.push(events.watch(Arc::clone(&store), Filter::default(), 1).unwrap());
        }
        let refused = events
            .watch(Arc::clone(&store), Filter::default(), 1)
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        // Another token still may watch.
        let other = events.watch(Arc::clone(&store), Filter::default(), 2).unwrap();
        // A closed stream gives its place back once its task sees it.
        drop(mine.pop());
        let mut again = None;
        for _ in 0..100 {
            tokio::task::yield_now().await;
            if let Ok(stream) = events.watch(Arc::clone(&store), Filter::default(), 1) {
                again = Some(stream);
                break;
            }
        }
        assert!(again.is_some(), "the place of a closed stream came back");
        drop(other);
    }
}

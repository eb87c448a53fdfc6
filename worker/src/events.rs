//! The worker's outgoing events: one ordered queue published with confirms on one channel.
//!
//! Events are published in the order they were queued, in batches, and retried (after a
//! reconnect) until the broker confirms them, so a broker restart delays events but loses none.
//! Log chunks hold permits of a byte budget until confirmed, which pushes back on tasks that
//! print faster than the broker takes their output.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
use warren_broker::{EVENTS_KEY, Outgoing, Publisher, Shutdown, error_chain, reconnect_backoff};
use warren_shared::Message;

/// Most events published per batch.
const MAX_BATCH: usize = 512;
/// Log bytes that may wait for the broker before tasks block on their output.
const LOG_BUDGET_KIB: usize = 64 * 1024;

struct QueuedEvent {
    outgoing: Outgoing,
    confirmed: Option<oneshot::Sender<()>>,
    _permit: Option<OwnedSemaphorePermit>,
}

/// Queues events for the master.
#[derive(Clone)]
pub struct EventSender {
    queue_tx: mpsc::UnboundedSender<QueuedEvent>,
    log_budget: Arc<Semaphore>,
    exchange: String,
}

impl std::fmt::Debug for EventSender {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EventSender")
            .finish_non_exhaustive()
    }
}

impl EventSender {
    fn queue(
        &self,
        message: &Message,
        confirmed: Option<oneshot::Sender<()>>,
        permit: Option<OwnedSemaphorePermit>,
    ) {
        let outgoing = Outgoing::new(self.exchange.clone(), EVENTS_KEY, message);
        let _ = self.queue_tx.send(QueuedEvent {
            outgoing,
            confirmed,
            _permit: permit,
        });
    }

    /// Queue an event.
    pub fn send(&self, message: &Message) {
        self.queue(message, None, None);
    }

    /// Queue an event; the receiver resolves once the broker confirmed it (and every event
    /// queued before it).
    pub fn send_confirmed(&self, message: &Message) -> oneshot::Receiver<()> {
        let (confirmed_tx, confirmed_rx) = oneshot::channel();
        self.queue(message, Some(confirmed_tx), None);
        confirmed_rx
    }

    /// Queue a log chunk of about `bytes` bytes, waiting while too much output is unconfirmed.
    pub async fn send_log(&self, message: &Message, bytes: usize) {
        let kib = (bytes / 1024).clamp(1, LOG_BUDGET_KIB) as u32;
        let permit = self.log_budget.clone().acquire_many_owned(kib).await.ok();
        self.queue(message, None, permit);
    }
}

/// The publishing side of the event queue.
pub struct EventPublisher {
    queue_rx: mpsc::UnboundedReceiver<QueuedEvent>,
    publisher: Arc<Publisher>,
}

/// A connected sender and publisher.
#[must_use]
pub fn event_queue(publisher: Arc<Publisher>) -> (EventSender, EventPublisher) {
    let (queue_tx, queue_rx) = mpsc::unbounded_channel();
    let exchange = publisher.broker().names().events_exchange();
    (
        EventSender {
            queue_tx,
            log_budget: Arc::new(Semaphore::new(LOG_BUDGET_KIB)),
            exchange,
        },
        EventPublisher {
            queue_rx,
            publisher,
        },
    )
}

impl EventPublisher {
    /// Publish events until shutdown; then keep publishing for up to `flush_grace` while events
    /// remain, so a stopping worker's last events still reach the master.
    pub async fn run(mut self, mut shutdown: Shutdown, flush_grace: Duration) {
        let mut pending: VecDeque<QueuedEvent> = VecDeque::new();
        let mut backoff = reconnect_backoff();
        let mut deadline: Option<tokio::time::Instant> = None;
        loop {
            if pending.is_empty() {
                if deadline.is_some() {
                    match self.queue_rx.try_recv() {
                        Ok(event) => pending.push_back(event),
                        Err(_) => return,
                    }
                } else {
                    tokio::select! {
                        event = self.queue_rx.recv() => match event {
                            Some(event) => pending.push_back(event),
                            None => return,
                        },
                        () = shutdown.wait() => {
                            deadline = Some(tokio::time::Instant::now() + flush_grace);
                            continue;
                        }
                    }
                }
            }
            while pending.len() < MAX_BATCH {
                match self.queue_rx.try_recv() {
                    Ok(event) => pending.push_back(event),
                    Err(_) => break,
                }
            }
            if deadline.is_none() && shutdown.is_triggered() {
                deadline = Some(tokio::time::Instant::now() + flush_grace);
            }
            let batch_len = pending.len().min(MAX_BATCH);
            let batch: Vec<&Outgoing> = pending
                .iter()
                .take(batch_len)
                .map(|event| &event.outgoing)
                .collect();
            let publish = self.publisher.publish_refs(&batch);
            let result = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, publish).await {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::warn!(
                            n_events = pending.len(),
                            "stopping with events the broker has not confirmed"
                        );
                        return;
                    }
                },
                None => publish.await,
            };
            match result {
                Ok(()) => {
                    backoff = reconnect_backoff();
                    for event in pending.drain(..batch_len) {
                        if let Some(confirmed) = event.confirmed {
                            let _ = confirmed.send(());
                        }
                    }
                }
                Err(error) => {
                    let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                    tracing::warn!(error = %error_chain(&error), n_events = pending.len(), delay_ms = delay.as_millis() as u64, "cannot publish events; retrying");
                    if deadline
                        .is_some_and(|deadline| tokio::time::Instant::now() + delay > deadline)
                    {
                        return;
                    }
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

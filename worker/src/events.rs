//! The worker's outgoing events: one ordered queue published with confirms on one channel.
//!
//! Events are published in the order they were queued, in batches, and retried (after a
//! reconnect) until the broker confirms them, so a broker restart delays events but loses none.
//! Log chunks hold permits of a memory budget until confirmed; a chunk that finds the budget
//! spent (the broker is away, or slower than the tasks print) is written to a spill file
//! instead and keeps its place in the queue, so memory stays bounded, tasks never block on
//! their output, and order is kept. Spill files are read back when their turn comes and
//! deleted once the broker confirmed them.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
use warren_broker::{
    EVENTS_KEY, Outgoing, PendingConfirm, Publisher, Shutdown, error_chain, reconnect_backoff,
};
use warren_shared::Message;

/// Most events taken from the queue at once.
const MAX_BATCH: usize = 512;
/// Most messages published and not yet confirmed.
const MAX_IN_FLIGHT: usize = 1024;
/// Most events packed into one `EventBatch` message.
const MAX_EVENTS_PER_MESSAGE: usize = 256;
/// Largest `EventBatch` payload, so log-heavy batches stay reasonable broker messages.
const MAX_BATCH_BYTES: usize = 512 * 1024;
/// Log bytes kept in memory while they wait for the broker (the rest is spilled to disk).
pub const DEFAULT_LOG_MEMORY_KIB: usize = 64 * 1024;

struct QueuedEvent {
    outgoing: Outgoing,
    confirmed: Option<oneshot::Sender<()>>,
    _permit: Option<OwnedSemaphorePermit>,
    /// The spill file holding the payload (read back into `outgoing` when published).
    spilled: Option<std::path::PathBuf>,
}

/// Queues events for the master.
#[derive(Clone)]
pub struct EventSender {
    queue_tx: mpsc::UnboundedSender<QueuedEvent>,
    log_budget: Arc<Semaphore>,
    exchange: String,
    spill: Arc<Spill>,
    budget_kib: u32,
    metrics: Arc<crate::metrics::WorkerMetrics>,
}

/// Where log chunks go when the memory budget is spent.
#[derive(Debug)]
struct Spill {
    dir: std::path::PathBuf,
    next: std::sync::atomic::AtomicU64,
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
            spilled: None,
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

    /// Queue a log chunk of about `bytes` bytes: in memory while the budget lasts, else in a
    /// spill file (waiting for memory only if the disk refuses it).
    pub async fn send_log(&self, message: &Message, bytes: usize) {
        self.metrics
            .log_bytes
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
        let kib = ((bytes / 1024).max(1) as u32).min(self.budget_kib);
        if let Ok(permit) = self.log_budget.clone().try_acquire_many_owned(kib) {
            self.queue(message, None, Some(permit));
            return;
        }
        let outgoing = Outgoing::new(self.exchange.clone(), EVENTS_KEY, message);
        let seq = self
            .spill
            .next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = self.spill.dir.join(format!("{seq:012}.event"));
        let written = tokio::fs::create_dir_all(&self.spill.dir)
            .await
            .and(tokio::fs::write(&path, &outgoing.payload).await);
        match written {
            Ok(()) => {
                let _ = self.queue_tx.send(QueuedEvent {
                    outgoing: Outgoing {
                        payload: Vec::new(),
                        ..outgoing
                    },
                    confirmed: None,
                    _permit: None,
                    spilled: Some(path),
                });
            }
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "cannot spill a log chunk to disk; waiting for memory");
                let permit = self.log_budget.clone().acquire_many_owned(kib).await.ok();
                self.queue(message, None, permit);
            }
        }
    }
}

/// One message on its way: a lone event, or consecutive events packed as an `EventBatch`.
struct Unit {
    events: Vec<QueuedEvent>,
    outgoing: Outgoing,
}

impl Unit {
    /// Put the unit's events back at the front of `pending`, in order.
    fn requeue(self, pending: &mut VecDeque<QueuedEvent>) {
        for event in self.events.into_iter().rev() {
            pending.push_front(event);
        }
    }
}

/// Take the next message's worth of events from the front of `pending`. Several waiting events
/// travel as one `EventBatch`, whose body splices the events' own encodings (each keeps its `v`).
fn next_unit(pending: &mut VecDeque<QueuedEvent>) -> Option<Unit> {
    load_spilled(pending);
    let first = pending.pop_front()?;
    let mut bytes = first.outgoing.payload.len();
    let mut events = vec![first];
    while events.len() < MAX_EVENTS_PER_MESSAGE {
        load_spilled(pending);
        match pending.front() {
            Some(next) if bytes + next.outgoing.payload.len() < MAX_BATCH_BYTES => {
                bytes += next.outgoing.payload.len() + 1;
                events.extend(pending.pop_front());
            }
            _ => break,
        }
    }
    if events.len() == 1 {
        let outgoing = events[0].outgoing.clone();
        return Some(Unit { events, outgoing });
    }
    let mut payload = Vec::with_capacity(bytes + 48);
    payload.extend_from_slice(br#"{"v":1,"kind":"EventBatch","events":["#);
    for (event_idx, event) in events.iter().enumerate() {
        if event_idx > 0 {
            payload.push(b',');
        }
        payload.extend_from_slice(&event.outgoing.payload);
    }
    payload.extend_from_slice(b"]}");
    let template = &events[0].outgoing;
    let outgoing = Outgoing {
        exchange: template.exchange.clone(),
        routing_key: template.routing_key.clone(),
        payload,
        kind: "EventBatch",
        priority: None,
        mandatory: false,
    };
    Some(Unit { events, outgoing })
}

/// Read the payload of the event at the front of `pending` back from its spill file. A chunk
/// whose file is gone cannot be sent: it is dropped, and `warren-master check` will show the
/// gap in its log.
fn load_spilled(pending: &mut VecDeque<QueuedEvent>) {
    while let Some(front) = pending.front_mut() {
        let Some(path) = front
            .spilled
            .as_ref()
            .filter(|_| front.outgoing.payload.is_empty())
        else {
            return;
        };
        match std::fs::read(path) {
            Ok(payload) => {
                front.outgoing.payload = payload;
                return;
            }
            Err(error) => {
                tracing::error!(%error, path = %path.display(), "a spilled log chunk cannot be read back; it is lost");
                pending.pop_front();
            }
        }
    }
}

/// The publishing side of the event queue.
pub struct EventPublisher {
    queue_rx: mpsc::UnboundedReceiver<QueuedEvent>,
    publisher: Arc<Publisher>,
    /// Most payload bytes published and not yet confirmed.
    max_in_flight_bytes: usize,
}

/// A connected sender and publisher. Log chunks beyond `memory_kib` KiB go to files in
/// `spill_dir`; spill files left by an earlier run are removed (their attempts are over).
#[must_use]
pub fn event_queue(
    publisher: Arc<Publisher>,
    spill_dir: std::path::PathBuf,
    memory_kib: usize,
    metrics: Arc<crate::metrics::WorkerMetrics>,
) -> (EventSender, EventPublisher) {
    let (queue_tx, queue_rx) = mpsc::unbounded_channel();
    let exchange = publisher.broker().names().events_exchange();
    let _ = std::fs::remove_dir_all(&spill_dir);
    let budget_kib = u32::try_from(memory_kib.max(1)).unwrap_or(u32::MAX);
    (
        EventSender {
            queue_tx,
            log_budget: Arc::new(Semaphore::new(budget_kib as usize)),
            exchange,
            spill: Arc::new(Spill {
                dir: spill_dir,
                next: std::sync::atomic::AtomicU64::new(0),
            }),
            budget_kib,
            metrics,
        },
        EventPublisher {
            queue_rx,
            publisher,
            max_in_flight_bytes: (budget_kib as usize).saturating_mul(1024),
        },
    )
}

impl EventPublisher {
    /// Publish events until shutdown; then keep publishing for up to `flush_grace` while events
    /// remain, so a stopping worker's last events still reach the master.
    ///
    /// Events are published as soon as they are queued, without waiting for the confirms of
    /// earlier ones; events that queued up meanwhile travel together in one message. Confirms
    /// are taken in order. After a failure every unconfirmed event is published again, in
    /// order, on a fresh channel.
    pub async fn run(mut self, mut shutdown: Shutdown, flush_grace: Duration) {
        let mut pending: VecDeque<QueuedEvent> = VecDeque::new();
        let mut in_flight: VecDeque<(Unit, PendingConfirm)> = VecDeque::new();
        let mut backoff = reconnect_backoff();
        let mut deadline: Option<tokio::time::Instant> = None;
        let mut receiving = true;
        let far_future = tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600);
        loop {
            let mut failure = None;
            let mut in_flight_bytes: usize = in_flight
                .iter()
                .map(|(unit, _)| unit.outgoing.payload.len())
                .sum();
            while in_flight.len() < MAX_IN_FLIGHT
                && (in_flight.is_empty() || in_flight_bytes < self.max_in_flight_bytes)
            {
                let Some(unit) = next_unit(&mut pending) else {
                    break;
                };
                in_flight_bytes += unit.outgoing.payload.len();
                match self.publisher.start_publish(&unit.outgoing).await {
                    Ok(confirm) => in_flight.push_back((unit, confirm)),
                    Err(error) => {
                        unit.requeue(&mut pending);
                        failure = Some(error);
                        break;
                    }
                }
            }
            if failure.is_none()
                && pending.is_empty()
                && in_flight.is_empty()
                && (deadline.is_some() || !receiving)
            {
                match self.queue_rx.try_recv() {
                    Ok(event) => {
                        pending.push_back(event);
                        continue;
                    }
                    Err(_) => return,
                }
            }
            if let Some(error) = failure {
                while let Some((unit, _)) = in_flight.pop_back() {
                    unit.requeue(&mut pending);
                }
                self.publisher.reset().await;
                let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!(error = %error_chain(&error), n_events = pending.len(), delay_ms = delay.as_millis() as u64, "cannot publish events; retrying");
                if deadline.is_some_and(|deadline| tokio::time::Instant::now() + delay > deadline) {
                    tracing::warn!(
                        n_events = pending.len(),
                        "stopping with events the broker has not confirmed"
                    );
                    return;
                }
                tokio::time::sleep(delay).await;
                continue;
            }
            tokio::select! {
                event = self.queue_rx.recv(), if receiving => match event {
                    Some(event) => {
                        pending.push_back(event);
                        while pending.len() < MAX_BATCH {
                            match self.queue_rx.try_recv() {
                                Ok(event) => pending.push_back(event),
                                Err(_) => break,
                            }
                        }
                    }
                    None => receiving = false,
                },
                confirmed = async { (&mut in_flight.front_mut().expect("branch enabled only with messages in flight").1).await }, if !in_flight.is_empty() => {
                    match confirmed {
                        Ok(()) => {
                            backoff = reconnect_backoff();
                            if let Some((unit, _)) = in_flight.pop_front() {
                                for event in unit.events {
                                    if let Some(confirmed) = event.confirmed {
                                        let _ = confirmed.send(());
                                    }
                                    if let Some(path) = event.spilled {
                                        let _ = tokio::fs::remove_file(path).await;
                                    }
                                }
                            }
                        }
                        Err(error) => {
                            tracing::warn!(error = %error_chain(&error), "events were not confirmed; publishing them again");
                            while let Some((unit, _)) = in_flight.pop_back() {
                                unit.requeue(&mut pending);
                            }
                            self.publisher.reset().await;
                        }
                    }
                }
                () = shutdown.wait(), if deadline.is_none() => {
                    deadline = Some(tokio::time::Instant::now() + flush_grace);
                }
                () = tokio::time::sleep_until(deadline.unwrap_or(far_future)), if deadline.is_some() => {
                    let n_events = pending.len() + in_flight.iter().map(|(unit, _)| unit.events.len()).sum::<usize>();
                    tracing::warn!(n_events, "stopping with events the broker has not confirmed");
                    return;
                }
            }
        }
    }
}

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
    let first = pending.pop_front()?;
    let mut bytes = first.outgoing.payload.len();
    let mut events = vec![first];
    while events.len() < MAX_EVENTS_PER_MESSAGE {
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
            while in_flight.len() < MAX_IN_FLIGHT {
                let Some(unit) = next_unit(&mut pending) else {
                    break;
                };
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

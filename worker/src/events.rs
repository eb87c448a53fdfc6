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

/// Move the events already queued into `pending`, up to [`MAX_BATCH`]; whether one of them is
/// urgent.
fn take_queued(
    queue: &mut mpsc::UnboundedReceiver<QueuedEvent>,
    pending: &mut VecDeque<QueuedEvent>,
) -> bool {
    let mut urgent = false;
    while pending.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(event) => {
                urgent |= event.urgent;
                pending.push_back(event);
            }
            Err(_) => break,
        }
    }
    urgent
}
/// Log bytes kept in memory while they wait for the broker (the rest is spilled to disk).
pub const DEFAULT_LOG_MEMORY_KIB: usize = 64 * 1024;

struct QueuedEvent {
    outgoing: Outgoing,
    confirmed: Option<oneshot::Sender<()>>,
    _permit: Option<OwnedSemaphorePermit>,
    /// The spill file holding the payload (read back into `outgoing` when published).
    spilled: Option<std::path::PathBuf>,
    /// Sent without lingering: a hello, which tells the master what the agent offers.
    urgent: bool,
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
            urgent: matches!(message, Message::Hello(_)),
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
                    urgent: false,
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
    /// Longest wait of an event for others to share its message.
    linger: Duration,
}

/// A connected sender and publisher. Log chunks beyond `memory_kib` KiB go to files in
/// `spill_dir`; spill files left by an earlier run are removed (their attempts are over). An
/// event waits up to `linger` for others to travel with it.
#[must_use]
pub fn event_queue(
    publisher: Arc<Publisher>,
    spill_dir: std::path::PathBuf,
    memory_kib: usize,
    linger: Duration,
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
            linger,
        },
    )
}

impl EventPublisher {
    /// Publish events until shutdown; then keep publishing for up to `flush_grace` while events
    /// remain, so a stopping worker's last events still reach the master.
    ///
    /// An event waits up to `linger` after it was queued (longer only while the in-flight limits
    /// are reached or the broker is away), then is published without waiting for the confirms
    /// of earlier ones; the events queued meanwhile travel with it in one message. Confirms are
    /// taken in order. After a failure every unconfirmed event is published again, in order, on
    /// a fresh channel, without lingering again. A hello, and every event once stopping, does
    /// not linger.
    pub async fn run(mut self, mut shutdown: Shutdown, flush_grace: Duration) {
        let mut pending: VecDeque<QueuedEvent> = VecDeque::new();
        let mut in_flight: VecDeque<(Unit, PendingConfirm)> = VecDeque::new();
        let mut backoff = reconnect_backoff();
        let mut deadline: Option<tokio::time::Instant> = None;
        let mut receiving = true;
        let far_future = tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600);
        // When the oldest waiting event is due to be published.
        let mut due: Option<tokio::time::Instant> = None;
        // Whether a waiting event is to go at once.
        let mut urgent = false;
        loop {
            let mut failure = None;
            let mut in_flight_bytes: usize = in_flight
                .iter()
                .map(|(unit, _)| unit.outgoing.payload.len())
                .sum();
            if pending.is_empty() {
                due = None;
            } else if due.is_none() {
                due = Some(tokio::time::Instant::now() + self.linger);
            }
            let publish = deadline.is_some()
                || urgent
                || !receiving
                || pending.len() >= MAX_EVENTS_PER_MESSAGE
                || due.is_some_and(|due| due <= tokio::time::Instant::now());
            if publish {
                // Whatever else is queued by now travels too.
                urgent |= take_queued(&mut self.queue_rx, &mut pending);
            }
            while publish
                && in_flight.len() < MAX_IN_FLIGHT
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
            if pending.is_empty() {
                due = None;
                urgent = false;
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
                // Events published once do not linger again.
                due = Some(tokio::time::Instant::now());
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
                        urgent |= event.urgent;
                        pending.push_back(event);
                        urgent |= take_queued(&mut self.queue_rx, &mut pending);
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
                            due = Some(tokio::time::Instant::now());
                        }
                    }
                }
                () = shutdown.wait(), if deadline.is_none() => {
                    deadline = Some(tokio::time::Instant::now() + flush_grace);
                }
                () = tokio::time::sleep_until(due.unwrap_or(far_future)), if !publish && due.is_some() => {}
                () = tokio::time::sleep_until(deadline.unwrap_or(far_future)), if deadline.is_some() => {
                    let n_events = pending.len() + in_flight.iter().map(|(unit, _)| unit.events.len()).sum::<usize>();
                    tracing::warn!(n_events, "stopping with events the broker has not confirmed");
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;
    use warren_broker::lapin::options::{
        BasicGetOptions, ExchangeDeleteOptions, QueueDeleteOptions,
    };
    use warren_broker::{Broker, BrokerConfig, Names, QueueDefaults, Topology, shutdown_channel};
    use warren_shared::{AgentId, Bye, Envelope, EventBatch, Hello};

    use super::*;

    /// A publisher on the test broker under a namespace of the test's own, and the event queue
    /// the master would consume.
    fn publisher_for_test() -> anyhow::Result<(Arc<Publisher>, Names)> {
        let url = std::env::var("WARREN_TEST_AMQP_URL")
            .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
        let namespace = format!("we-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        let names = Names::new(&namespace)?;
        let defaults = QueueDefaults {
            expires_ms: Some(600_000),
            ..QueueDefaults::default()
        };
        let broker = Broker::new(
            BrokerConfig {
                urls: vec![url],
                heartbeat: warren_broker::DEFAULT_HEARTBEAT,
                names: names.clone(),
                connection_name: "warren-worker event tests".to_owned(),
                queue_defaults: defaults,
            },
            Topology::common(&names, defaults),
        )?;
        Ok((Arc::new(Publisher::new(broker)), names))
    }

    fn bye(reason: &str) -> Message {
        Message::Bye(Bye {
            agent_id: AgentId::new_random(),
            reason: reason.to_owned(),
        })
    }

    /// A running event publisher on the test broker: its sender, the trigger that stops it, its
    /// task, and what `take_all` reads its messages with.
    struct Running {
        sender: EventSender,
        stop: warren_broker::ShutdownTrigger,
        task: tokio::task::JoinHandle<()>,
        publisher: Arc<Publisher>,
        names: Names,
        _spill: tempfile::TempDir,
    }

    /// Start a publisher whose events linger `linger`, with `flush_grace` to flush on stop.
    fn start(linger: Duration, flush_grace: Duration) -> anyhow::Result<Running> {
        let (publisher, names) = publisher_for_test()?;
        let spill = tempfile::tempdir()?;
        let (sender, event_publisher) = event_queue(
            publisher.clone(),
            spill.path().join("spill"),
            1024,
            linger,
            Arc::default(),
        );
        let (stop, shutdown) = shutdown_channel();
        let task = tokio::spawn(event_publisher.run(shutdown, flush_grace));
        Ok(Running {
            sender,
            stop,
            task,
            publisher,
            names,
            _spill: spill,
        })
    }

    /// Stop the publisher, wait for it (failing with `what` after a minute), and take every
    /// message it published.
    async fn stop_and_take_all(
        running: Running,
        what: &'static str,
    ) -> anyhow::Result<Vec<Message>> {
        running.stop.trigger();
        tokio::time::timeout(Duration::from_secs(60), running.task)
            .await
            .context(what)??;
        take_all(&running.publisher, &running.names).await
    }

    /// Every message now on the event queue, taken off it.
    async fn take_all(publisher: &Publisher, names: &Names) -> anyhow::Result<Vec<Message>> {
        let channel = publisher.broker().open_channel().await?;
        let mut messages = Vec::new();
        while let Some(fetched) = channel
            .basic_get(
                names.events_queue().into(),
                BasicGetOptions { no_ack: true },
            )
            .await?
        {
            messages.push(Envelope::decode(&fetched.delivery.data)?);
        }
        for queue in [names.events_queue(), names.dead_letters()] {
            let _ = channel
                .queue_delete(queue.into(), QueueDeleteOptions::default())
                .await;
        }
        for exchange in [
            names.events_exchange(),
            names.control_exchange(),
            names.dead_letters(),
        ] {
            let _ = channel
                .exchange_delete(exchange.into(), ExchangeDeleteOptions::default())
                .await;
        }
        Ok(messages)
    }

    #[tokio::test]
    async fn events_queued_while_the_first_lingers_travel_with_it_and_a_stop_sends_them_at_once()
    -> anyhow::Result<()> {
        let running = start(Duration::from_secs(3600), Duration::from_secs(3600))?;
        running.sender.send(&bye("first"));
        // Later events, not in the same breath as the first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        running.sender.send(&bye("second"));
        running.sender.send(&bye("third"));
        let messages =
            stop_and_take_all(running, "a stopping publisher waits out the hour's linger").await?;
        let [Message::EventBatch(EventBatch { events })] = messages.as_slice() else {
            panic!("expected one event batch, got {messages:?}");
        };
        let reasons: Vec<&str> = events
            .iter()
            .map(|event| match event {
                Message::Bye(bye) => bye.reason.as_str(),
                other => panic!("unexpected event {other:?}"),
            })
            .collect();
        assert_eq!(reasons, ["first", "second", "third"]);
        Ok(())
    }

    #[tokio::test]
    async fn a_hello_goes_at_once_however_long_events_linger() -> anyhow::Result<()> {
        let running = start(Duration::from_secs(3600), Duration::from_secs(10))?;
        let hello = Hello {
            agent_id: AgentId::new_random(),
            hostname: "node".to_owned(),
            addresses: Vec::new(),
            os: "linux".to_owned(),
            os_name: String::new(),
            cpu_name: String::new(),
            cpus: 1,
            ram_mb: 1024,
            free_ram_mb: 1024,
            tags: Vec::new(),
            software: std::collections::BTreeMap::new(),
            version: "test".to_owned(),
            disks: Vec::new(),
            gpus: Vec::new(),
            gpu_devices: Vec::new(),
            running: Vec::new(),
            sent_at: time::OffsetDateTime::now_utc(),
            started_at: None,
            catalogue_digest: None,
        };
        let confirmed = running.sender.send_confirmed(&Message::Hello(hello));
        tokio::time::timeout(Duration::from_secs(60), confirmed)
            .await
            .context("the hello waited out the hour's linger")??;
        let messages = stop_and_take_all(running, "the publisher did not stop").await?;
        assert!(
            matches!(messages.as_slice(), [Message::Hello(_)]),
            "{messages:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_lingering_event_is_published_without_another_behind_it() -> anyhow::Result<()> {
        let running = start(Duration::from_millis(50), Duration::from_secs(10))?;
        let confirmed = running.sender.send_confirmed(&bye("alone"));
        tokio::time::timeout(Duration::from_secs(60), confirmed)
            .await
            .context("the lingering event was never confirmed")??;
        let messages = stop_and_take_all(running, "the publisher did not stop").await?;
        assert!(
            matches!(messages.as_slice(), [Message::Bye(bye)] if bye.reason == "alone"),
            "{messages:?}"
        );
        Ok(())
    }
}

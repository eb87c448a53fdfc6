//! The ingester: consumes worker events from `<namespace>.master.events` with a large prefetch,
//! applies each batch in one transaction, and acks the batch (`multiple`) only after commit.
//!
//! Every task event carries `(task_id, attempt, agent_id)`; an event is applied only when that
//! agent holds that attempt. Stale events are dropped and counted, and the worker is told to
//! stop an attempt it no longer holds. Applying an event twice changes nothing. Messages that
//! cannot be decoded go to the dead-letter queue with the reason, and are recorded.
//!
//! An event counts only when the broker user that published it (the AMQP `user_id`, which
//! RabbitMQ checks against the connection) is the agent's own: events an agent publishes for
//! another agent, or anyone publishes without a user, are dead-lettered and counted. With
//! `--insecure-shared-broker-credentials`, agents that were never enrolled may use any user.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use warren_broker::lapin::message::Delivery;
use warren_broker::lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions};
use warren_broker::lapin::types::FieldTable;
use warren_broker::lapin::{Channel, Consumer};
use warren_broker::{DeadLetter, Outgoing, Publisher, Shutdown, error_chain, reconnect_backoff};
use warren_shared::{
    AgentState, AttemptRef, Bye, Envelope, Heartbeat, Hello, Join, Message, TaskDeclined,
    TaskFinished, TaskProgress, TaskStarted,
};

use crate::control::Control;
use crate::db::{begin_write, is_transient, micros_of, now_us};
use crate::dispatcher::DispatcherHandle;
use crate::identities::Identities;
use crate::store::counters::CountDeltas;
use crate::store::credentials::CredentialStatus;
use crate::store::failures;
use crate::store::tasks::{self, Lost};

/// How long a batch waits, after its first message, for more to share its transaction. Under
/// load it halves the transactions per task; when the ingester falls behind, waiting messages
/// fill the batch without any wait.
const GATHER: Duration = Duration::from_millis(5);
/// Most messages applied in one transaction (each may be an `EventBatch` of many events).
const MAX_BATCH: usize = 2_000;
/// Unacked events the broker may push ahead of the ingester.
const PREFETCH: u16 = 4_000;
/// How long a declined task waits before it is dispatched again, in microseconds.
const DECLINE_HOLD_US: i64 = 1_000_000;

/// Counters the ingester keeps for metrics and tests.
#[derive(Debug)]
pub struct IngestStats {
    /// Events applied.
    pub events: AtomicU64,
    /// Batches committed.
    pub batches: AtomicU64,
    /// Events dropped because their sender did not hold the attempt.
    pub stale_events: AtomicU64,
    /// Messages sent to the dead-letter queue.
    pub dead_letters: AtomicU64,
    /// Events refused because their broker user is not the agent's own.
    pub unauthorized_events: AtomicU64,
    /// Events per committed batch.
    pub batch_sizes: warren_shared::metrics::Histogram,
    /// Time to apply and commit a batch, seconds.
    pub apply_seconds: warren_shared::metrics::Histogram,
    /// Age of the oldest message of the last batch when it was taken, milliseconds (the
    /// broker stamps messages to the second).
    pub lag_ms: AtomicU64,
}

impl Default for IngestStats {
    fn default() -> Self {
        Self {
            events: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            stale_events: AtomicU64::new(0),
            dead_letters: AtomicU64::new(0),
            unauthorized_events: AtomicU64::new(0),
            batch_sizes: warren_shared::metrics::Histogram::new(
                warren_shared::metrics::SIZE_BOUNDS,
            ),
            apply_seconds: warren_shared::metrics::Histogram::new(
                warren_shared::metrics::SECONDS_BOUNDS,
            ),
            lag_ms: AtomicU64::new(0),
        }
    }
}

/// Errors that end a consumer session; the loop reconnects.
#[derive(Debug, thiserror::Error)]
enum IngestError {
    #[error("database error")]
    Db(#[from] DbErr),
    #[error("broker error")]
    Broker(#[from] warren_broker::Error),
    #[error("AMQP error")]
    Amqp(#[from] warren_broker::lapin::Error),
    #[error("the broker cancelled the events consumer")]
    ConsumerCancelled,
}

/// What a batch asks for after it is committed.
#[derive(Default)]
struct Effects {
    control: Vec<Outgoing>,
    subscribe_agents: BTreeSet<uuid::Uuid>,
    wake_dispatcher: bool,
    stale_events: u64,
    /// `(job, agent)` failure streaks ended by a success, forgotten once committed.
    ended_streaks: Vec<(i64, String)>,
    /// A task attempt failed, or an agent came or left: the dispatcher re-reads bans and
    /// agent capacity.
    failures: bool,
    /// Nodes asking to join with their token.
    joins: Vec<Join>,
}

/// The starts and finishes of a batch not applied yet. They are applied together, in a few
/// statements for the whole batch, before any event that could depend on them: another event
/// of one of their tasks, or an agent-wide event (hello, heartbeat, goodbye, decline, marker).
#[derive(Default)]
struct Pending<'m> {
    started: Vec<&'m TaskStarted>,
    finished: Vec<&'m TaskFinished>,
    started_tasks: HashSet<i64>,
    finished_tasks: HashSet<i64>,
}

impl<'m> Pending<'m> {
    /// Whether what is gathered must be applied before `message`.
    fn must_apply_before(&self, message: &Message) -> bool {
        let either = |task: &warren_shared::TaskId| {
            self.started_tasks.contains(&task.0) || self.finished_tasks.contains(&task.0)
        };
        match message {
            // Starts are applied before finishes, so a start may follow a finish only after it.
            Message::TaskStarted(started) => either(&started.task_id),
            Message::TaskFinished(finished) => self.finished_tasks.contains(&finished.task_id.0),
            Message::LogChunk(chunk) => either(&chunk.task_id),
            Message::TaskProgress(progress) => either(&progress.task_id),
            Message::Join(_) => false,
            _ => !self.started.is_empty() || !self.finished.is_empty(),
        }
    }

    /// Gather `message` if it is a start or a finish; `false` for any other message.
    fn take(&mut self, message: &'m Message) -> bool {
        match message {
            Message::TaskStarted(started) => {
                self.started_tasks.insert(started.task_id.0);
                self.started.push(started);
                true
            }
            Message::TaskFinished(finished) => {
                self.finished_tasks.insert(finished.task_id.0);
                self.finished.push(finished);
                true
            }
            _ => false,
        }
    }
}

/// Apply a lease marker: note that it was consumed.
async fn lease_marker(transaction: &DatabaseTransaction, id: &str) -> Result<(), DbErr> {
    crate::store::leases::marker_seen(transaction, id).await
}

impl Effects {
    fn cancel(
        &mut self,
        control: &Control,
        agent_id: uuid::Uuid,
        attempt: AttemptRef,
        reason: &str,
    ) {
        self.control.push(control.cancel(agent_id, attempt, reason));
        self.stale_events += 1;
    }
}

/// A decoded delivery or why it could not be decoded.
enum Decoded {
    Event(Box<Message>),
    Invalid(String),
}

/// The ingester's state.
pub struct Ingester {
    db: DatabaseConnection,
    publisher: Arc<Publisher>,
    control: Control,
    identities: Arc<Identities>,
    /// Accept events of agents that were never enrolled from any broker user
    /// (`--insecure-shared-broker-credentials`).
    shared_credentials: bool,
    /// The master's own broker user: lease markers must come from it.
    master_user: String,
    /// Whether the events consumer is consuming, for the lease checker.
    consumer: Arc<crate::leases::ConsumerState>,
    dispatcher: DispatcherHandle,
    stats: Arc<IngestStats>,
    /// `(job, agent)` pairs that may have a row in `job_agent_failures`; a success clears the
    /// row only when the pair is here, so the common case costs no statement.
    streaks: std::sync::Mutex<Option<BTreeSet<(i64, String)>>>,
    /// Counts committed batches (and, through [`Ingester::changes`], API writes), so live views
    /// (log follow, the web UI) know when to look.
    activity: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Ingester {
    /// An ingester writing to `db` and answering through `publisher`.
    #[must_use]
    pub fn new(
        db: DatabaseConnection,
        publisher: Arc<Publisher>,
        control: Control,
        identities: Arc<Identities>,
        dispatcher: DispatcherHandle,
        shared_credentials: bool,
        master_user: String,
    ) -> Self {
        Self {
            db,
            publisher,
            control,
            identities,
            shared_credentials,
            master_user,
            consumer: Arc::new(crate::leases::ConsumerState::default()),
            dispatcher,
            stats: Arc::new(IngestStats::default()),
            streaks: std::sync::Mutex::new(None),
            activity: Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }

    /// A receiver that changes after every committed batch of events.
    #[must_use]
    pub fn activity(&self) -> tokio::sync::watch::Receiver<u64> {
        self.activity.subscribe()
    }

    /// The sender behind [`Ingester::activity`], for others that change the farm.
    #[must_use]
    pub fn changes(&self) -> Arc<tokio::sync::watch::Sender<u64>> {
        self.activity.clone()
    }

    /// The ingester's counters.
    #[must_use]
    pub fn stats(&self) -> Arc<IngestStats> {
        self.stats.clone()
    }

    /// Whether the events consumer is consuming, and since when.
    #[must_use]
    pub fn consumer(&self) -> Arc<crate::leases::ConsumerState> {
        self.consumer.clone()
    }

    /// Consume and apply events until shutdown, reconnecting with backoff.
    pub async fn run(self, mut shutdown: Shutdown) {
        let broker = self.publisher.broker().clone();
        let queue = broker.names().events_queue();
        let mut backoff = reconnect_backoff();
        loop {
            let channel = tokio::select! {
                () = shutdown.wait() => return,
                channel = broker.open_channel_retrying("ingester") => channel,
            };
            let session = async {
                let consumer = broker
                    .within("consume the events queue", async {
                        channel
                            .basic_qos(PREFETCH, BasicQosOptions::default())
                            .await
                            .map_err(warren_broker::Error::amqp("set the events prefetch"))?;
                        channel
                            .basic_consume(
                                queue.as_str().into(),
                                format!("warren-master-ingester-{}", std::process::id()).into(),
                                BasicConsumeOptions::default(),
                                FieldTable::default(),
                            )
                            .await
                            .map_err(warren_broker::Error::amqp("consume the events queue"))
                    })
                    .await?;
                tracing::info!(queue, "ingesting worker events");
                self.consumer.started();
                let consumed = self.consume(&channel, consumer, &mut shutdown).await;
                self.consumer.stopped();
                consumed
            };
            match session.await {
                Ok(()) => return,
                Err(error) => {
                    let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                    tracing::warn!(error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "event consumer stopped; reconnecting");
                    tokio::select! {
                        () = shutdown.wait() => return,
                        () = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    async fn consume(
        &self,
        channel: &Channel,
        mut consumer: Consumer,
        shutdown: &mut Shutdown,
    ) -> Result<(), IngestError> {
        loop {
            let first = tokio::select! {
                () = shutdown.wait() => return Ok(()),
                next = consumer.next() => next,
            };
            let first = match first {
                Some(delivery) => delivery?,
                None => return Err(IngestError::ConsumerCancelled),
            };
            let mut batch = vec![first];
            // What is waiting joins the batch; then, for up to GATHER after the first, what
            // comes next: one transaction then applies several workers' messages.
            let gather_until = tokio::time::Instant::now() + GATHER;
            let mut failed = None;
            while batch.len() < MAX_BATCH {
                let next = match consumer.next().now_or_never() {
                    Some(next) => next,
                    None => tokio::time::timeout_at(gather_until, consumer.next())
                        .await
                        .ok()
                        .flatten(),
                };
                match next {
                    Some(Ok(delivery)) => batch.push(delivery),
                    Some(Err(error)) => {
                        failed = Some(error);
                        break;
                    }
                    None => break,
                }
            }
            self.process(channel, &batch).await?;
            if let Some(error) = failed {
                return Err(error.into());
            }
        }
    }

    /// Apply one batch and ack it.
    async fn process(&self, channel: &Channel, batch: &[Delivery]) -> Result<(), IngestError> {
        let source = self.publisher.broker().names().events_queue();
        let incoming = self.incoming(batch).await?;
        let mut decoded: Vec<Vec<Decoded>> = incoming
            .iter()
            .map(|message| decode(&message.data))
            .collect();
        let unauthorized = self.authorize(&incoming, &mut decoded).await?;
        for (message, items) in incoming.iter().zip(&decoded) {
            if let [Decoded::Invalid(reason)] = items.as_slice() {
                tracing::warn!(reason, "dead-lettering an event");
                self.publisher
                    .publish_dead_letter(&DeadLetter {
                        source: &source,
                        reason,
                        payload: &message.data,
                    })
                    .await?;
            }
        }

        let applying = std::time::Instant::now();
        let effects = self.apply_with_retry(&incoming, &decoded, &source).await?;
        self.stats
            .apply_seconds
            .observe(applying.elapsed().as_secs_f64());
        let last_tag = batch.last().map_or(0, |delivery| delivery.delivery_tag);
        self.publisher
            .broker()
            .within("acknowledge events", async {
                channel
                    .basic_ack(last_tag, BasicAckOptions { multiple: true })
                    .await
                    .map_err(warren_broker::Error::amqp("acknowledge events"))
            })
            .await?;

        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats.batch_sizes.observe(batch.len() as f64);
        if let Some(sent) = batch
            .first()
            .and_then(|delivery| *delivery.properties.timestamp())
        {
            let now_ms = crate::db::now_us() / 1000;
            let lag = (now_ms - (sent as i64) * 1000).max(0);
            self.stats.lag_ms.store(lag as u64, Ordering::Relaxed);
        }
        self.activity.send_modify(|batches| *batches += 1);
        self.stats
            .events
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        self.stats
            .stale_events
            .fetch_add(effects.stale_events, Ordering::Relaxed);
        let dead = decoded
            .iter()
            .filter(|items| matches!(items.as_slice(), [Decoded::Invalid(_)]))
            .count() as u64;
        self.stats.dead_letters.fetch_add(dead, Ordering::Relaxed);
        self.stats
            .unauthorized_events
            .fetch_add(unauthorized, Ordering::Relaxed);
        if effects.failures {
            self.dispatcher.settings_changed();
        }
        if effects.wake_dispatcher {
            self.dispatcher.wake();
        }
        if !effects.ended_streaks.is_empty()
            && let Some(streaks) = self
                .streaks
                .lock()
                .expect("the streaks lock is never poisoned")
                .as_mut()
        {
            for pair in &effects.ended_streaks {
                streaks.remove(pair);
            }
        }
        self.after_commit(effects).await;
        Ok(())
    }

    /// Refuse (turn into dead letters) the deliveries whose events speak for an agent the
    /// publishing broker user does not belong to, or for a revoked agent; returns how many.
    /// The batch's messages as they are to be applied: a `Replay` published by the master's own
    /// broker user stands for the dead letter it names, as its first publisher sent it.
    async fn incoming<'a>(&self, batch: &'a [Delivery]) -> Result<Vec<Incoming<'a>>, DbErr> {
        let mut incoming = Vec::with_capacity(batch.len());
        for delivery in batch {
            let user = delivery
                .properties
                .user_id()
                .as_ref()
                .map(|user| user.as_str().to_owned());
            let kind = delivery
                .properties
                .kind()
                .as_ref()
                .map(|kind| kind.as_str().to_owned());
            let replay = (kind.as_deref() == Some("Replay")
                && user.as_deref() == Some(self.master_user.as_str()))
            .then(|| Envelope::decode(&delivery.data).ok())
            .flatten();
            let letter = match replay {
                Some(Message::Replay(replay)) => {
                    crate::store::dead_letters::get(&self.db, replay.dead_letter_id).await?
                }
                _ => None,
            };
            incoming.push(match letter {
                Some(letter) if letter.data.is_some() => Incoming {
                    data: std::borrow::Cow::Owned(letter.data.unwrap_or_default()),
                    user: letter.user_id,
                    kind: letter.kind,
                    replay_of: Some(letter.id),
                },
                _ => Incoming {
                    data: std::borrow::Cow::Borrowed(&delivery.data),
                    user,
                    kind,
                    replay_of: None,
                },
            });
        }
        Ok(incoming)
    }

    async fn authorize(
        &self,
        batch: &[Incoming<'_>],
        decoded: &mut [Vec<Decoded>],
    ) -> Result<u64, DbErr> {
        let mut agents: BTreeSet<String> = BTreeSet::new();
        for items in decoded.iter() {
            for item in items {
                if let Decoded::Event(message) = item
                    && let Some(agent_id) = message.event_agent()
                {
                    agents.insert(agent_id.to_string());
                }
            }
        }
        let agents: Vec<String> = agents.into_iter().collect();
        let statuses = self.identities.statuses(&agents).await?;
        let names = self.publisher.broker().names();
        let mut refused = 0;
        for (incoming, items) in batch.iter().zip(decoded.iter_mut()) {
            let user = incoming.user.clone();
            let reason = items.iter().find_map(|item| {
                let Decoded::Event(message) = item else {
                    return None;
                };
                if matches!(**message, Message::Marker(_)) && incoming.replay_of.is_some() {
                    return Some("a lease marker cannot be replayed".to_owned());
                }
                if matches!(**message, Message::Marker(_)) {
                    return (user.as_deref() != Some(self.master_user.as_str()))
                        .then(|| "a lease marker not published by the master's broker user".to_owned());
                }
                let agent_id = message.event_agent()?;
                let status = statuses.get(&agent_id.to_string()).copied();
                let own_user = user.as_deref() == Some(names.agent_user(agent_id.0).as_str());
                match status {
                    Some(CredentialStatus::Revoked) => {
                        Some(format!("agent {agent_id} was revoked"))
                    }
                    Some(_) if own_user => None,
                    None if self.shared_credentials && !matches!(**message, Message::Join(_)) => {
                        None
                    }
                    _ => Some(match &user {
                        Some(user) => format!(
                            "an event for agent {agent_id} published by the broker user `{user}`, which is not that agent's"
                        ),
                        None => format!(
                            "an event for agent {agent_id} published without a broker user (user_id)"
                        ),
                    }),
                }
            });
            if let Some(reason) = reason {
                tracing::warn!(reason, "refusing an event");
                *items = vec![Decoded::Invalid(reason)];
                refused += 1;
            }
        }
        Ok(refused)
    }

    async fn apply_with_retry(
        &self,
        batch: &[Incoming<'_>],
        decoded: &[Vec<Decoded>],
        source: &str,
    ) -> Result<Effects, IngestError> {
        use backon::Retryable as _;
        // A batch that hit a conflict or a brief outage runs again: 20, 40, 80, 160 ms.
        let applied = (|| self.apply(batch, decoded, source))
            .retry(
                backon::ExponentialBuilder::default()
                    .with_min_delay(Duration::from_millis(20))
                    .with_max_times(4),
            )
            .when(is_transient)
            .notify(|error: &DbErr, _| {
                tracing::debug!(error = %error_chain(error), "retrying event batch");
            })
            .await;
        match applied {
            Ok(effects) => Ok(effects),
            Err(error) if is_transient(&error) => Err(error.into()),
            Err(error) if batch.len() > 1 => {
                tracing::warn!(error = %error_chain(&error), n_events = batch.len(), "event batch failed; applying its events one by one");
                self.apply_one_by_one(batch, decoded, source).await
            }
            Err(error) => {
                let reason = format!(
                    "the master could not apply this event: {}",
                    error_chain(&error)
                );
                self.reject(&batch[0], &reason, source).await
            }
        }
    }

    /// Apply events in their own transactions, dead-lettering those that fail, so one poison
    /// event cannot stall the queue.
    async fn apply_one_by_one(
        &self,
        batch: &[Incoming<'_>],
        decoded: &[Vec<Decoded>],
        source: &str,
    ) -> Result<Effects, IngestError> {
        let mut effects = Effects::default();
        for event_idx in 0..batch.len() {
            let range = event_idx..event_idx + 1;
            let one = match self
                .apply(&batch[range.clone()], &decoded[range], source)
                .await
            {
                Ok(one) => one,
                Err(error) if is_transient(&error) => return Err(error.into()),
                Err(error) => {
                    let reason = format!(
                        "the master could not apply this event: {}",
                        error_chain(&error)
                    );
                    self.reject(&batch[event_idx], &reason, source).await?
                }
            };
            effects.control.extend(one.control);
            effects.subscribe_agents.extend(one.subscribe_agents);
            effects.wake_dispatcher |= one.wake_dispatcher;
            effects.stale_events += one.stale_events;
            effects.failures |= one.failures;
            effects.ended_streaks.extend(one.ended_streaks);
            effects.joins.extend(one.joins);
        }
        Ok(effects)
    }

    async fn reject(
        &self,
        incoming: &Incoming<'_>,
        reason: &str,
        source: &str,
    ) -> Result<Effects, IngestError> {
        tracing::error!(reason, "dead-lettering an event the database refused");
        self.publisher
            .publish_dead_letter(&DeadLetter {
                source,
                reason,
                payload: &incoming.data,
            })
            .await?;
        let transaction = begin_write(&self.db).await?;
        let reason = incoming.reason(reason);
        crate::store::dead_letters::record(
            &transaction,
            incoming.dead_letter(source, &reason, true),
        )
        .await?;
        if let Some(replayed) = incoming.replay_of {
            crate::store::dead_letters::mark_replayed(&transaction, replayed).await?;
        }
        transaction.commit().await?;
        self.stats.dead_letters.fetch_add(1, Ordering::Relaxed);
        Ok(Effects::default())
    }

    async fn apply(
        &self,
        batch: &[Incoming<'_>],
        decoded: &[Vec<Decoded>],
        source: &str,
    ) -> Result<Effects, DbErr> {
        let transaction = begin_write(&self.db).await?;
        let mut effects = Effects::default();
        let mut deltas = CountDeltas::default();
        let mut pending = Pending::default();
        for (incoming, items) in batch.iter().zip(decoded) {
            for item in items {
                match item {
                    Decoded::Event(message) => {
                        if pending.must_apply_before(message) {
                            self.apply_pending(
                                &transaction,
                                &mut pending,
                                &mut effects,
                                &mut deltas,
                            )
                            .await?;
                        }
                        if !pending.take(message) {
                            self.apply_event(&transaction, message, &mut effects, &mut deltas)
                                .await?
                        }
                    }
                    Decoded::Invalid(reason) => {
                        let reason = incoming.reason(reason);
                        crate::store::dead_letters::record(
                            &transaction,
                            incoming.dead_letter(source, &reason, items.len() == 1),
                        )
                        .await?
                    }
                }
            }
            if let Some(replayed) = incoming.replay_of {
                crate::store::dead_letters::mark_replayed(&transaction, replayed).await?;
                tracing::info!(dead_letter_id = replayed, "replayed a dead letter");
            }
        }
        self.apply_pending(&transaction, &mut pending, &mut effects, &mut deltas)
            .await?;
        deltas.apply(&transaction).await?;
        transaction.commit().await?;
        Ok(effects)
    }

    async fn apply_event(
        &self,
        transaction: &DatabaseTransaction,
        message: &Message,
        effects: &mut Effects,
        deltas: &mut CountDeltas,
    ) -> Result<(), DbErr> {
        match message {
            Message::Hello(hello) => self.hello(transaction, hello, effects, deltas).await,
            Message::Heartbeat(heartbeat) => self.heartbeat(transaction, heartbeat, effects).await,
            Message::TaskProgress(progress) => task_progress(transaction, progress, effects).await,
            Message::LogChunk(chunk) => crate::store::logs::append(transaction, chunk).await,
            Message::TaskDeclined(declined) => {
                task_declined(transaction, declined, effects, deltas).await
            }
            Message::Bye(bye) => bye_event(transaction, bye, effects, deltas).await,
            Message::Join(join) => {
                effects.joins.push(join.clone());
                Ok(())
            }
            Message::Marker(marker) => lease_marker(transaction, &marker.id).await,
            // Starts and finishes go through `Pending`; other messages are no events.
            _ => Ok(()),
        }
    }

    async fn hello(
        &self,
        transaction: &DatabaseTransaction,
        hello: &Hello,
        effects: &mut Effects,
        deltas: &mut CountDeltas,
    ) -> Result<(), DbErr> {
        let agent_id = hello.agent_id.to_string();
        let state = if hello.running.is_empty() {
            AgentState::Online
        } else {
            AgentState::Running
        };
        crate::store::agents::record_hello(transaction, hello, state).await?;
        if let Some(started_at) = hello.started_at {
            crate::store::restarts::complete(
                transaction,
                &agent_id,
                crate::db::micros_of(started_at),
                &hello.version,
            )
            .await?;
        }

        // Tasks the agent held before it reconnected but no longer lists were lost with it.
        let held: BTreeSet<i64> = hello
            .running
            .iter()
            .map(|attempt| attempt.task_id.0)
            .collect();
        for task_id in tasks::running_on(transaction, &agent_id).await? {
            if held.contains(&task_id) {
                continue;
            }
            let moved = tasks::requeue_lost(
                transaction,
                Lost::task(Some(&agent_id), task_id),
                "worker lost: it restarted without this task",
                deltas,
            )
            .await?;
            effects.wake_dispatcher |= !moved.is_empty();
        }
        self.reconcile(transaction, hello.agent_id.0, &hello.running, effects)
            .await?;
        // A worker holding another catalogue than the farm's gets the farm's (workers that
        // predate the catalogue say nothing of it, and are not sent it).
        if let Some(held) = &hello.catalogue_digest {
            match crate::store::software::all(transaction).await {
                Ok(catalogue) if warren_shared::message::catalogue_digest(&catalogue) != *held => {
                    let check = Message::CheckSoftware(warren_shared::message::CheckSoftware {
                        catalogue: Some(catalogue),
                    });
                    effects
                        .control
                        .push(self.control.to_agent(hello.agent_id.0, &check));
                }
                Ok(_) => {}
                Err(crate::store::StoreError::Db(error)) => return Err(error),
                Err(error) => {
                    tracing::warn!(%error, "cannot send the software catalogue to an agent")
                }
            }
        }
        effects.subscribe_agents.insert(hello.agent_id.0);
        effects.wake_dispatcher = true;
        effects.failures = true;
        tracing::info!(agent_id = %hello.agent_id, hostname = %hello.hostname, cpus = hello.cpus, ram_mb = hello.ram_mb, "agent said hello");
        Ok(())
    }

    async fn heartbeat(
        &self,
        transaction: &DatabaseTransaction,
        heartbeat: &Heartbeat,
        effects: &mut Effects,
    ) -> Result<(), DbErr> {
        let state = if heartbeat.running.is_empty() {
            AgentState::Online
        } else {
            AgentState::Running
        };
        let known = crate::store::agents::record_heartbeat(transaction, heartbeat, state).await?;
        if !known {
            tracing::debug!(agent_id = %heartbeat.agent_id, "heartbeat from an unknown agent; asking it to say hello");
            let check = Message::CheckSoftware(warren_shared::message::CheckSoftware::default());
            effects
                .control
                .push(self.control.to_agent(heartbeat.agent_id.0, &check));
            return Ok(());
        }
        self.reconcile(
            transaction,
            heartbeat.agent_id.0,
            &heartbeat.running,
            effects,
        )
        .await
    }

    /// Tell an agent to stop every attempt it runs but no longer holds.
    async fn reconcile(
        &self,
        transaction: &DatabaseTransaction,
        agent_id: uuid::Uuid,
        running: &[AttemptRef],
        effects: &mut Effects,
    ) -> Result<(), DbErr> {
        if running.is_empty() {
            return Ok(());
        }
        let task_ids: Vec<i64> = running.iter().map(|attempt| attempt.task_id.0).collect();
        let held = tasks::held_attempts(transaction, &agent_id.to_string(), &task_ids).await?;
        for attempt in running {
            if !held.contains(&(attempt.task_id.0, attempt.attempt as i32)) {
                effects.cancel(
                    &self.control,
                    agent_id,
                    *attempt,
                    "the master no longer assigns this attempt to this worker",
                );
            }
        }
        Ok(())
    }

    /// Apply the starts and finishes gathered so far: starts first (a finish in the same batch
    /// follows its start), each kind in a statement or two for the whole batch.
    async fn apply_pending(
        &self,
        transaction: &DatabaseTransaction,
        pending: &mut Pending<'_>,
        effects: &mut Effects,
        deltas: &mut CountDeltas,
    ) -> Result<(), DbErr> {
        let pending = std::mem::take(pending);
        if !pending.started.is_empty() {
            self.tasks_started(transaction, &pending.started, effects, deltas)
                .await?;
        }
        if !pending.finished.is_empty() {
            self.tasks_finished(transaction, &pending.finished, effects, deltas)
                .await?;
        }
        Ok(())
    }

    async fn tasks_started(
        &self,
        transaction: &DatabaseTransaction,
        reports: &[&TaskStarted],
        effects: &mut Effects,
        deltas: &mut CountDeltas,
    ) -> Result<(), DbErr> {
        let agents: Vec<String> = reports
            .iter()
            .map(|started| started.agent_id.to_string())
            .collect();
        let starts: Vec<tasks::Start<'_>> = reports
            .iter()
            .zip(&agents)
            .map(|(started, agent_id)| tasks::Start {
                task_id: started.task_id.0,
                attempt: i32::try_from(started.attempt).unwrap_or(i32::MAX),
                agent_id,
                started_at: micros_of(started.started_at),
            })
            .collect();
        let moved = tasks::start(transaction, &starts, deltas).await?;
        if !moved.is_empty() {
            effects.wake_dispatcher = true;
        }
        for (start, started) in starts.iter().zip(reports) {
            if moved.contains(&start.task_id) {
                continue;
            }
            let holder = tasks::holder(transaction, start.task_id).await?;
            if !holder.is_some_and(|holder| holder.runs(start.attempt, start.agent_id)) {
                effects.cancel(
                    &self.control,
                    started.agent_id.0,
                    AttemptRef {
                        task_id: started.task_id,
                        attempt: started.attempt,
                    },
                    "this attempt is not assigned to this worker",
                );
            }
        }
        Ok(())
    }

    async fn tasks_finished(
        &self,
        transaction: &DatabaseTransaction,
        reports: &[&TaskFinished],
        effects: &mut Effects,
        deltas: &mut CountDeltas,
    ) -> Result<(), DbErr> {
        let task_ids: Vec<i64> = reports.iter().map(|finished| finished.task_id.0).collect();
        let before = tasks::finishing(transaction, &task_ids).await?;
        let agents: Vec<String> = reports
            .iter()
            .map(|finished| finished.agent_id.to_string())
            .collect();
        let mut finishes = Vec::with_capacity(reports.len());
        let mut applied = Vec::with_capacity(reports.len());
        for (finished, agent_id) in reports.iter().zip(&agents) {
            let attempt = i32::try_from(finished.attempt).unwrap_or(i32::MAX);
            let Some(before) = before
                .get(&finished.task_id.0)
                .filter(|before| before.holder.runs(attempt, agent_id))
            else {
                effects.stale_events += 1;
                continue;
            };
            let error = (!finished.success).then(|| {
                finished
                    .error
                    .clone()
                    .unwrap_or_else(|| finished.outcome.to_string())
            });
            finishes.push((
                before,
                tasks::Finish {
                    task_id: finished.task_id.0,
                    attempt,
                    agent_id,
                    success: finished.success,
                    exit_code: finished.outcome.exit_code(),
                    error,
                    peak_rss_mb: finished.peak_rss_mb.and_then(|mb| i64::try_from(mb).ok()),
                    ram_warned: finished.ram_warned,
                    finished_at: micros_of(finished.finished_at),
                },
            ));
            applied.push(*finished);
        }
        let states = tasks::finish(transaction, &finishes, deltas).await?;
        for ((finished, (before, finish)), state) in applied.iter().zip(&finishes).zip(states) {
            let Some(new_state) = state else {
                effects.stale_events += 1;
                continue;
            };
            self.record_agent_outcome(transaction, finished, before.job_id, effects)
                .await?;
            effects.wake_dispatcher = true;
            if let Some(error) = &finish.error {
                tracing::info!(task_id = %finished.task_id, job_id = before.job_id, attempt = finish.attempt, error, next_state = %new_state, "task attempt failed");
            }
        }
        Ok(())
    }

    /// Remember the agents a task failed on, and each agent's run of failures within a job.
    async fn record_agent_outcome(
        &self,
        transaction: &DatabaseTransaction,
        finished: &TaskFinished,
        job_id: i64,
        effects: &mut Effects,
    ) -> Result<(), DbErr> {
        let agent = finished.agent_id.to_string();
        let loaded = self
            .streaks
            .lock()
            .expect("the streaks lock is never poisoned")
            .is_some();
        if !loaded {
            let pairs = failures::streaks(transaction).await?;
            *self
                .streaks
                .lock()
                .expect("the streaks lock is never poisoned") = Some(pairs);
        }
        let pair = (job_id, agent.clone());
        let on_a_streak = self
            .streaks
            .lock()
            .expect("the streaks lock is never poisoned")
            .as_ref()
            .is_none_or(|pairs| pairs.contains(&pair));
        if finished.success {
            if on_a_streak {
                failures::end_streak(transaction, job_id, &agent).await?;
                effects.ended_streaks.push(pair);
            }
            return Ok(());
        }
        failures::record(transaction, finished.task_id.0, job_id, &agent).await?;
        effects.failures = true;
        // Added before commit: at worst a later success deletes a row that is not there.
        if let Some(streaks) = self
            .streaks
            .lock()
            .expect("the streaks lock is never poisoned")
            .as_mut()
        {
            streaks.insert(pair);
        }
        Ok(())
    }

    async fn after_commit(&self, effects: Effects) {
        let mut control = effects.control;
        for join in &effects.joins {
            control.extend(self.identities.complete_join(join).await);
        }
        if !effects.subscribe_agents.is_empty() {
            let agent_ids: Vec<uuid::Uuid> = effects.subscribe_agents.iter().copied().collect();
            self.identities.sync_permissions(&agent_ids).await;
            match self.control.agent_setup(&self.db, &agent_ids).await {
                Ok(setup) => control.extend(setup),
                Err(error) => {
                    tracing::warn!(error = %error_chain(&error), "cannot prepare the classes for new agents")
                }
            }
        }
        self.control.send(control).await;
    }
}

/// A delivery's events in order, or why it cannot be applied (a single `Invalid`).
/// A message, or why it is refused: a packed log chunk whose lines do not unpack is refused
/// here, before anything of its batch is written.
fn decode(payload: &[u8]) -> Vec<Decoded> {
    let mut items = decode_envelope(payload);
    for item in &mut items {
        if let Decoded::Event(message) = item
            && let Message::LogChunk(chunk) = message.as_ref()
            && chunk.packed.is_some()
            && let Err(error) = chunk.stored()
        {
            *item = Decoded::Invalid(format!(
                "log chunk {} of task {}: {error}",
                chunk.seq, chunk.task_id
            ));
        }
    }
    items
}

fn decode_envelope(payload: &[u8]) -> Vec<Decoded> {
    match Envelope::decode(payload) {
        Ok(Message::EventBatch(batch)) => {
            if !batch.events.is_empty() && batch.events.iter().all(Message::is_event) {
                batch
                    .events
                    .into_iter()
                    .map(|event| Decoded::Event(Box::new(event)))
                    .collect()
            } else {
                vec![Decoded::Invalid(
                    "an event batch must hold one or more events and nothing else".to_owned(),
                )]
            }
        }
        Ok(message) if message.is_event() || matches!(message, Message::Marker(_)) => {
            vec![Decoded::Event(Box::new(message))]
        }
        Ok(message) => vec![Decoded::Invalid(format!(
            "unexpected message kind `{}` on the events queue",
            message.kind()
        ))],
        Err(error) => vec![Decoded::Invalid(error_chain(&error))],
    }
}

async fn task_progress(
    transaction: &DatabaseTransaction,
    progress: &TaskProgress,
    effects: &mut Effects,
) -> Result<(), DbErr> {
    let attempt = i32::try_from(progress.attempt).unwrap_or(i32::MAX);
    let agent_id = progress.agent_id.to_string();
    tasks::set_progress(
        transaction,
        progress.task_id.0,
        attempt,
        &agent_id,
        f64::from(progress.progress),
    )
    .await?;
    if let Some(frame) = progress.frames_done.iter().max()
        && tasks::frames_done(transaction, progress.task_id.0, attempt, &agent_id, *frame).await?
    {
        // Frames of other jobs may wait for this one.
        effects.wake_dispatcher = true;
    }
    Ok(())
}

/// A worker gave an attempt back unstarted: queue the task again, held back for a moment so
/// the same worker does not take it straight back while the others are busy.
async fn task_declined(
    transaction: &DatabaseTransaction,
    declined: &TaskDeclined,
    effects: &mut Effects,
    deltas: &mut CountDeltas,
) -> Result<(), DbErr> {
    let attempt = i32::try_from(declined.attempt).unwrap_or(i32::MAX);
    let not_before = now_us() + DECLINE_HOLD_US;
    if tasks::decline(transaction, declined.task_id.0, attempt, not_before, deltas).await? {
        effects.wake_dispatcher = true;
        tracing::debug!(task_id = %declined.task_id, agent_id = %declined.agent_id, reason = %declined.reason, "task declined");
    } else {
        effects.stale_events += 1;
    }
    Ok(())
}

async fn bye_event(
    transaction: &DatabaseTransaction,
    bye: &Bye,
    effects: &mut Effects,
    deltas: &mut CountDeltas,
) -> Result<(), DbErr> {
    let agent_id = bye.agent_id.to_string();
    crate::store::agents::record_goodbye(transaction, &agent_id).await?;
    let released = tasks::requeue_lost(
        transaction,
        Lost::agent(&agent_id),
        "worker left while running this task",
        deltas,
    )
    .await?
    .len();
    effects.wake_dispatcher = true;
    effects.failures = true;
    tracing::info!(agent_id, reason = %bye.reason, released, "agent said goodbye");
    Ok(())
}

/// One message to apply: a delivery as it came, or the dead letter a `Replay` names, with the
/// broker user that first published it.
struct Incoming<'a> {
    /// The body.
    data: std::borrow::Cow<'a, [u8]>,
    /// The broker user that published it (RabbitMQ checked it against the connection).
    user: Option<String>,
    /// Its AMQP `type`.
    kind: Option<String>,
    /// The dead letter this replays.
    replay_of: Option<i64>,
}

impl Incoming<'_> {
    /// The reason to record when this is dead-lettered.
    fn reason(&self, reason: &str) -> String {
        match self.replay_of {
            Some(replayed) => format!("replaying dead letter {replayed}: {reason}"),
            None => reason.to_owned(),
        }
    }

    /// What is kept of this message dead-lettered from `source` for `reason`; `whole` when all
    /// of it was refused (so it can be replayed).
    fn dead_letter<'a>(
        &'a self,
        source: &'a str,
        reason: &'a str,
        whole: bool,
    ) -> crate::store::dead_letters::NewDeadLetter<'a> {
        crate::store::dead_letters::NewDeadLetter {
            source,
            reason,
            kind: self.kind.as_deref(),
            payload: &self.data,
            user_id: self.user.as_deref(),
            whole,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AGENT: &str = "2b7d5a3e-8f61-4c2a-9d1e-0f4b6c8a7e21";

    fn message(kind: &str, task_id: i64) -> Message {
        let mut body = json!({"kind": kind, "agent_id": AGENT, "task_id": task_id, "attempt": 1});
        let extra = match kind {
            "TaskStarted" => json!({"started_at": "2026-01-01T00:00:00Z"}),
            "TaskFinished" => json!({"outcome": {"type": "exited", "code": 0}, "success": true,
                                     "duration_ms": 5, "finished_at": "2026-01-01T00:00:01Z"}),
            "LogChunk" => json!({"seq": 0, "first_line": 1, "lines": []}),
            "TaskProgress" => json!({"progress": 0.5, "at": "2026-01-01T00:00:00Z"}),
            _ => json!({}),
        };
        for (key, value) in extra.as_object().expect("an object") {
            body[key] = value.clone();
        }
        serde_json::from_value(body).expect("a valid message")
    }

    #[test]
    fn a_start_and_its_finish_are_gathered_but_a_later_event_of_their_task_waits_for_them() {
        let started = message("TaskStarted", 1);
        let finished = message("TaskFinished", 1);
        let mut pending = Pending::default();
        assert!(!pending.must_apply_before(&started));
        assert!(pending.take(&started));
        // Starts are applied before finishes: the finish may join its start.
        assert!(!pending.must_apply_before(&finished));
        assert!(pending.take(&finished));
        for after in ["LogChunk", "TaskProgress", "TaskStarted", "TaskFinished"] {
            assert!(
                pending.must_apply_before(&message(after, 1)),
                "{after} of a gathered task"
            );
        }
        let other_start = message("TaskStarted", 2);
        let other_chunk = message("LogChunk", 2);
        assert!(!pending.must_apply_before(&other_start));
        assert!(!pending.must_apply_before(&other_chunk));
        assert!(!pending.take(&other_chunk), "a chunk is applied at once");
        assert!(pending.take(&other_start));
        assert_eq!((pending.started.len(), pending.finished.len()), (2, 1));
    }

    #[test]
    fn an_agent_wide_event_waits_for_what_is_gathered() {
        let bye: Message =
            serde_json::from_value(json!({"kind": "Bye", "agent_id": AGENT, "reason": "stopping"}))
                .expect("a valid message");
        let mut pending = Pending::default();
        assert!(!pending.must_apply_before(&bye), "nothing gathered");
        let finished = message("TaskFinished", 3);
        assert!(pending.take(&finished));
        assert!(pending.must_apply_before(&bye));
        assert!(!pending.take(&bye));
    }
}

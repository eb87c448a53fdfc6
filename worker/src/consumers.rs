//! Broker consumers of the worker: the class queues of tasks with the same needs share one
//! channel, whose prefetch follows how many such tasks still fit; and one consumer for the
//! worker's control queue.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::stream::{BoxStream, SelectAll};
use futures_util::{FutureExt, StreamExt};
use tokio::sync::mpsc;
use uuid::Uuid;
use warren_broker::lapin::message::Delivery;
use warren_broker::lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
    QueueDeclareOptions,
};
use warren_broker::lapin::types::{FieldTable, ShortString};
use warren_broker::lapin::{Channel, Consumer};
use warren_broker::{
    Broker, OPERATION_TIMEOUT, QueueType, Shutdown, Topology, error_chain, reconnect_backoff,
};

/// A delivery as the worker loop sees it: which class queue and which channel it came from.
#[derive(Debug)]
pub struct ClassDelivery {
    /// The class queue.
    pub amqp_queue: String,
    /// Identifies the channel, so acks for a closed channel are dropped, not misapplied.
    pub generation: u64,
    /// The delivery.
    pub delivery: Delivery,
}

/// A delivery to acknowledge or reject later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryRef {
    /// The channel it came on.
    pub generation: u64,
    /// Its delivery tag on that channel.
    pub tag: u64,
}

/// What a class channel consumes: these class queues, with at most `prefetch` deliveries
/// unacknowledged across them. No queues, or a prefetch of 0, consumes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consumption {
    /// The class queues, sorted.
    pub queues: Vec<String>,
    /// Unacknowledged deliveries allowed on the channel.
    pub prefetch: u16,
}

/// Commands to a class channel, applied in the order sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassCommand {
    /// Consume this from now on.
    Consume(Consumption),
    /// Acknowledge a delivery (its task started).
    Ack(DeliveryRef),
    /// Try the class queues left out after a refusal again now: the master announced its
    /// classes, which it does only after granting this agent access to them.
    Retry,
    /// Give a delivery back.
    Reject {
        /// The delivery.
        delivery: DeliveryRef,
        /// Back to the queue (`true`) or to the dead letters.
        requeue: bool,
    },
}

/// Consume class queues on one channel until shutdown, following the commands and
/// reconnecting. `label` names the channel in logs.
pub async fn run_class_consumer(
    broker: Broker,
    label: String,
    mut commands: mpsc::UnboundedReceiver<ClassCommand>,
    deliveries: mpsc::UnboundedSender<ClassDelivery>,
    mut shutdown: Shutdown,
) {
    let mut wanted = Consumption::default();
    // Queues whose consumption failed, until when they are left out.
    let mut resting: HashMap<String, tokio::time::Instant> = HashMap::new();
    let mut generation: u64 = 0;
    let mut backoff = reconnect_backoff();
    loop {
        let channel = tokio::select! {
            () = shutdown.wait() => return,
            channel = broker.open_channel_retrying("class consumer") => channel,
        };
        generation += 1;
        let mut session = ClassSession {
            channel,
            generation,
            active: HashMap::new(),
            streams: SelectAll::new(),
            applied: 0,
            per_consumer: broker.queue_defaults().queue_type == QueueType::Quorum,
            outstanding: HashSet::new(),
            resting: resting.keys().cloned().collect(),
        };
        let mut retry_at = resting.values().min().copied();
        let result = async {
            session.apply(vec![ClassCommand::Consume(wanted.clone())], &mut wanted, &broker).await?;
            if generation > 1 {
                tracing::info!(channel = %label, queues = wanted.queues.len(), prefetch = wanted.prefetch, "class consumers resumed after a reconnect");
            }
            loop {
                tokio::select! {
                    () = shutdown.wait() => return Ok(()),
                    command = commands.recv() => match command {
                        None => return Ok(()),
                        Some(command) => {
                            let mut batch = vec![command];
                            while let Ok(command) = commands.try_recv() {
                                batch.push(command);
                            }
                            let asked_retry = batch.len();
                            batch.retain(|command| *command != ClassCommand::Retry);
                            if batch.len() < asked_retry && !session.resting.is_empty() {
                                retry_at = Some(tokio::time::Instant::now());
                            }
                            session.apply(batch, &mut wanted, &broker).await?;
                        }
                    },
                    () = sleep_until_or_never(retry_at), if !session.resting.is_empty() => {
                        // Check the resting queues on channels of their own (a refusal closes
                        // the channel it happens on) and consume those that are back.
                        let mut back = Vec::new();
                        for queue in &session.resting {
                            if queue_exists(&broker, queue).await {
                                back.push(queue.clone());
                            }
                        }
                        for queue in back {
                            session.resting.remove(&queue);
                            resting.remove(&queue);
                        }
                        let now = tokio::time::Instant::now();
                        for queue in &session.resting {
                            resting.insert(queue.clone(), now + CONSUME_RETRY);
                        }
                        retry_at = (!session.resting.is_empty()).then_some(now + CONSUME_RETRY);
                        session.apply(vec![ClassCommand::Consume(wanted.clone())], &mut wanted, &broker).await?;
                    }
                    item = session.streams.next(), if !session.streams.is_empty() => match item {
                        Some((queue, _, Some(Ok(delivery)))) => session.forward(queue, delivery, &deliveries),
                        Some((_, _, Some(Err(error)))) => return Err(ClassError::Amqp(error)),
                        // A consumer that was not cancelled ended: the broker closed the
                        // connection (a restart closes it cleanly) or cancelled it, and nothing
                        // would ever be delivered to it again.
                        Some((queue, tag, None)) if session.active.get(&queue) == Some(&tag) => {
                            return Err(ClassError::ConsumerEnded);
                        }
                        Some((_, _, None)) | None => {}
                    },
                }
            }
        }
        .await;
        resting.retain(|_, until| *until > tokio::time::Instant::now());
        match result {
            Ok(()) => return,
            Err(ClassError::Consume { queue, source }) => {
                tracing::warn!(channel = %label, queue = %queue, error = %error_chain(&source), rest_secs = CONSUME_RETRY.as_secs(), "cannot consume a class queue; consuming the others without it");
                resting.insert(queue, tokio::time::Instant::now() + CONSUME_RETRY);
            }
            Err(error) => {
                let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!(channel = %label, error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "class channel lost; reconnecting");
                tokio::select! {
                    () = shutdown.wait() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// Whether the broker refused to consume a queue because of that queue (it does not exist, or
/// this worker may not read it), rather than because the channel or connection failed.
fn refuses_queue(error: &warren_broker::lapin::Error) -> bool {
    use warren_broker::lapin::ErrorKind;
    use warren_broker::lapin::protocol::{AMQPErrorKind, AMQPSoftError};
    matches!(
        error.kind(),
        ErrorKind::ProtocolError(amqp)
            if matches!(
                amqp.kind(),
                AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND | AMQPSoftError::ACCESSREFUSED)
            )
    )
}

/// Whether `queue` exists and may be read, asked on a channel of its own (a refusal closes it).
async fn queue_exists(broker: &Broker, queue: &str) -> bool {
    let Ok(channel) = broker.open_channel().await else {
        return false;
    };
    let found = tokio::time::timeout(
        OPERATION_TIMEOUT,
        channel.queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        ),
    )
    .await
    .is_ok_and(|declared| declared.is_ok());
    if found {
        let _ = channel.close(200, "checked".into()).await;
    }
    found
}

/// How long a class queue that could not be consumed is left out before it is tried again.
const CONSUME_RETRY: Duration = Duration::from_secs(30);

/// Sleep until `at`, or forever without one (a `select!` branch that never fires).
pub async fn sleep_until_or_never(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Why a class channel is given up and opened again.
#[derive(Debug, thiserror::Error)]
enum ClassError {
    #[error("class queue channel failed")]
    Amqp(#[from] warren_broker::lapin::Error),
    /// The broker closed the connection or cancelled a consumer.
    #[error("the broker ended a consumer")]
    ConsumerEnded,
    /// The broker did not answer a command in time.
    #[error("the broker did not answer in time")]
    Timeout,
    /// A class queue could not be consumed (deleted by hand, say): the channel closes with it.
    #[error("cannot consume {queue}")]
    Consume {
        queue: String,
        #[source]
        source: warren_broker::lapin::Error,
    },
}

/// A consumer's deliveries, each with its queue and consumer tag, ending with `None` when the
/// consumer ends.
type Tagged = BoxStream<
    'static,
    (
        String,
        ShortString,
        Option<Result<Delivery, warren_broker::lapin::Error>>,
    ),
>;

fn tagged(queue: String, consumer: Consumer) -> Tagged {
    let tag = consumer.tag();
    consumer
        .map(Some)
        .chain(futures_util::stream::once(async { None }))
        .map(move |item| (queue.clone(), tag.clone(), item))
        .boxed()
}

/// One channel's worth of consuming state.
struct ClassSession {
    channel: Channel,
    generation: u64,
    /// The consumer tag of each queue consumed now.
    active: HashMap<String, ShortString>,
    /// Every consumer of the channel, active or cancelled: a cancelled consumer yields the
    /// deliveries it received before the cancel, which must not be lost.
    streams: SelectAll<Tagged>,
    /// Prefetch last set on the channel.
    applied: u16,
    /// Quorum queues take no channel-wide (`global`) prefetch: each consumer gets its own,
    /// fixed when it starts, so a change of prefetch starts a new consumer whose limit leaves
    /// out the deliveries still held from earlier ones (such channels consume one queue).
    per_consumer: bool,
    /// Tags of deliveries received and not yet acknowledged or rejected on this channel.
    outstanding: HashSet<u64>,
    /// Queues not consumed for now: consuming them failed lately, and a failed `basic.consume`
    /// closes the channel, which would stop the other queues too.
    resting: HashSet<String>,
}

type Operation = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), warren_broker::lapin::Error>> + Send>,
>;

/// An AMQP method whose frame is already on its way; its reply is awaited later.
struct Started {
    operation: Operation,
    finished: Option<Result<(), warren_broker::lapin::Error>>,
}

impl Started {
    /// Poll once: lapin pushes a method's frame on the first poll, so methods started in order
    /// reach the broker in order, while their replies are awaited together.
    fn new(mut operation: Operation) -> Self {
        let finished = (&mut operation).now_or_never();
        Self {
            operation,
            finished,
        }
    }

    async fn finish(self) -> Result<(), warren_broker::lapin::Error> {
        match self.finished {
            Some(result) => result,
            None => self.operation.await,
        }
    }
}

/// Keep only the last of each run of consecutive consumption changes: only the one in force
/// when the next ack or reject goes out matters.
fn coalesce(commands: Vec<ClassCommand>) -> Vec<ClassCommand> {
    let mut coalesced: Vec<ClassCommand> = Vec::with_capacity(commands.len());
    for command in commands {
        if let (ClassCommand::Consume(_), Some(ClassCommand::Consume(_))) =
            (&command, coalesced.last())
        {
            coalesced.pop();
        }
        coalesced.push(command);
    }
    coalesced
}

async fn finish_all(started: &mut Vec<Started>) -> Result<(), warren_broker::lapin::Error> {
    for operation in started.drain(..) {
        operation.finish().await?;
    }
    Ok(())
}

impl ClassSession {
    fn forward(
        &mut self,
        amqp_queue: String,
        delivery: Delivery,
        deliveries: &mpsc::UnboundedSender<ClassDelivery>,
    ) {
        self.outstanding.insert(delivery.delivery_tag);
        let _ = deliveries.send(ClassDelivery {
            amqp_queue,
            generation: self.generation,
            delivery,
        });
    }

    /// Apply commands in order, pipelining their frames and awaiting the replies once; give the
    /// connection up if the broker does not answer in time.
    async fn apply(
        &mut self,
        commands: Vec<ClassCommand>,
        wanted: &mut Consumption,
        broker: &Broker,
    ) -> Result<(), ClassError> {
        let started = std::time::Instant::now();
        match tokio::time::timeout(OPERATION_TIMEOUT, self.apply_now(commands, wanted)).await {
            Ok(result) => Ok(result?),
            Err(_) => {
                broker.discard_connections_made_before(started);
                Err(ClassError::Timeout)
            }
        }
    }

    fn cancel(&mut self, queue: &str, started: &mut Vec<Started>) {
        if let Some(tag) = self.active.remove(queue) {
            let channel = self.channel.clone();
            started.push(Started::new(Box::pin(async move {
                channel
                    .basic_cancel(tag, BasicCancelOptions::default())
                    .await
            })));
        }
    }

    async fn apply_now(
        &mut self,
        commands: Vec<ClassCommand>,
        wanted: &mut Consumption,
    ) -> Result<(), ClassError> {
        let mut started: Vec<Started> = Vec::new();
        for command in coalesce(commands) {
            let channel = self.channel.clone();
            match command {
                ClassCommand::Consume(consumption) => {
                    *wanted = consumption;
                    let queues: Vec<&String> = if wanted.prefetch == 0 {
                        Vec::new()
                    } else {
                        wanted
                            .queues
                            .iter()
                            .filter(|queue| !self.resting.contains(*queue))
                            .collect()
                    };
                    let limit = if self.per_consumer {
                        let held = u16::try_from(self.outstanding.len()).unwrap_or(u16::MAX);
                        wanted.prefetch.saturating_sub(held)
                    } else {
                        wanted.prefetch
                    };
                    // A consumer's own limit cannot change: a new limit means new consumers.
                    let restart = self.per_consumer && self.applied != limit;
                    let stale: Vec<String> = self
                        .active
                        .keys()
                        .filter(|queue| restart || !queues.contains(queue))
                        .cloned()
                        .collect();
                    for queue in stale {
                        self.cancel(&queue, &mut started);
                    }
                    if limit == 0 {
                        continue;
                    }
                    let new: Vec<String> = queues
                        .into_iter()
                        .filter(|queue| !self.active.contains_key(*queue))
                        .cloned()
                        .collect();
                    if self.applied != limit && (!self.per_consumer || !new.is_empty()) {
                        self.applied = limit;
                        let global = !self.per_consumer;
                        started.push(Started::new(Box::pin(async move {
                            channel.basic_qos(limit, BasicQosOptions { global }).await
                        })));
                    }
                    if new.is_empty() {
                        continue;
                    }
                    finish_all(&mut started).await?;
                    for queue in new {
                        let consumer = self
                            .channel
                            .basic_consume(
                                queue.as_str().into(),
                                ShortString::from(""),
                                BasicConsumeOptions::default(),
                                FieldTable::default(),
                            )
                            .await
                            .map_err(|source| {
                                if refuses_queue(&source) {
                                    ClassError::Consume {
                                        queue: queue.clone(),
                                        source,
                                    }
                                } else {
                                    ClassError::Amqp(source)
                                }
                            })?;
                        self.active.insert(queue.clone(), consumer.tag());
                        self.streams.push(tagged(queue, consumer));
                    }
                }
                ClassCommand::Ack(delivery) if delivery.generation == self.generation => {
                    self.outstanding.remove(&delivery.tag);
                    started.push(Started::new(Box::pin(async move {
                        channel
                            .basic_ack(delivery.tag, BasicAckOptions::default())
                            .await
                    })));
                }
                ClassCommand::Reject { delivery, requeue }
                    if delivery.generation == self.generation =>
                {
                    self.outstanding.remove(&delivery.tag);
                    started.push(Started::new(Box::pin(async move {
                        channel
                            .basic_nack(
                                delivery.tag,
                                BasicNackOptions {
                                    requeue,
                                    multiple: false,
                                },
                            )
                            .await
                    })));
                }
                ClassCommand::Ack(_) | ClassCommand::Reject { .. } | ClassCommand::Retry => {}
            }
        }
        Ok(finish_all(&mut started).await?)
    }
}

/// What the control consumer hands the worker loop.
#[derive(Debug)]
pub enum ControlInput {
    /// The control queue is being consumed (again): the worker should say hello.
    Connected,
    /// A control message.
    Message {
        /// Its body.
        payload: Vec<u8>,
        /// Its signature header.
        signature: Option<String>,
    },
}

/// Consume the worker's control queue until shutdown, reconnecting with backoff. An enrolled
/// worker's queue is declared by the master; one sharing the farm's credentials declares its
/// own (`declare_own_queue`).
pub async fn run_control_consumer(
    broker: Broker,
    agent_id: Uuid,
    declare_own_queue: bool,
    inputs: mpsc::UnboundedSender<ControlInput>,
    mut shutdown: Shutdown,
) {
    let names = broker.names().clone();
    let queue = names.agent_queue(agent_id);
    let topology = if declare_own_queue {
        Topology::agent(&names, agent_id, broker.queue_defaults())
    } else {
        Topology::default()
    };
    let mut backoff = reconnect_backoff();
    let mut sessions: u64 = 0;
    loop {
        let channel = tokio::select! {
            () = shutdown.wait() => return,
            channel = broker.open_channel_retrying("control consumer") => channel,
        };
        sessions += 1;
        let result = async {
            if !topology.is_empty() {
                broker.declare(&topology, &channel).await.map_err(|error| error_chain(&error))?;
            }
            let mut consumer = broker
                .within("consume the control queue", async {
                    channel.basic_qos(16, BasicQosOptions::default()).await.map_err(warren_broker::Error::amqp("set the control queue's prefetch"))?;
                    channel
                        .basic_consume(queue.as_str().into(), ShortString::from(""), BasicConsumeOptions::default(), FieldTable::default())
                        .await
                        .map_err(warren_broker::Error::amqp("consume the control queue"))
                })
                .await
                .map_err(|error| error_chain(&error))?;
            if sessions > 1 {
                tracing::info!(queue = %queue, "control consumer resumed after a reconnect");
            }
            let _ = inputs.send(ControlInput::Connected);
            loop {
                tokio::select! {
                    () = shutdown.wait() => return Ok(()),
                    item = consumer.next() => match item {
                        Some(Ok(delivery)) => {
                            let _ = inputs.send(ControlInput::Message {
                                payload: delivery.data.clone(),
                                signature: warren_broker::signature(&delivery.properties),
                            });
                            broker
                                .within("acknowledge a control message", async {
                                    delivery.acker.ack(BasicAckOptions::default()).await.map_err(warren_broker::Error::amqp("acknowledge a control message"))
                                })
                                .await
                                .map_err(|error| error_chain(&error))?;
                        }
                        Some(Err(error)) => return Err(error_chain(&error)),
                        None => return Err("the broker cancelled the control consumer".to_owned()),
                    },
                }
            }
        }
        .await;
        match result {
            Ok(()) => return,
            Err(error) => {
                let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!(
                    error,
                    delay_ms = delay.as_millis() as u64,
                    "control consumer stopped; reconnecting"
                );
                tokio::select! {
                    () = shutdown.wait() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_consumption_changes_collapse_to_their_last_value() {
        let delivery = DeliveryRef {
            generation: 1,
            tag: 7,
        };
        let consume = |prefetch: u16| {
            ClassCommand::Consume(Consumption {
                queues: vec!["warren.tasks.any".to_owned()],
                prefetch,
            })
        };
        let commands = vec![
            consume(3),
            consume(2),
            ClassCommand::Ack(delivery),
            consume(1),
            consume(4),
            consume(0),
        ];
        assert_eq!(
            coalesce(commands),
            vec![consume(2), ClassCommand::Ack(delivery), consume(0)]
        );
    }
}

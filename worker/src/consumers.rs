//! Broker consumers of the worker: one per requirement class, on its own channel whose
//! prefetch follows what still fits, and one for the worker's control queue.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::SelectAll;
use tokio::sync::mpsc;
use uuid::Uuid;
use warren_broker::lapin::message::Delivery;
use warren_broker::lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
};
use warren_broker::lapin::types::{FieldTable, ShortString};
use warren_broker::lapin::{Channel, Consumer};
use warren_broker::{Broker, Shutdown, Topology, error_chain, reconnect_backoff};

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

/// Commands to a class consumer, applied in the order sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassCommand {
    /// Allow this many unacknowledged deliveries; 0 stops consuming.
    SetPrefetch(u16),
    /// Acknowledge a delivery (its task started).
    Ack(DeliveryRef),
    /// Give a delivery back.
    Reject {
        /// The delivery.
        delivery: DeliveryRef,
        /// Back to the queue (`true`) or to the dead letters.
        requeue: bool,
    },
}

/// Consume one class queue until shutdown, following prefetch commands and reconnecting.
pub async fn run_class_consumer(
    broker: Broker,
    amqp_queue: String,
    mut commands: mpsc::UnboundedReceiver<ClassCommand>,
    deliveries: mpsc::UnboundedSender<ClassDelivery>,
    mut shutdown: Shutdown,
) {
    let mut prefetch: u16 = 0;
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
            queue: amqp_queue.clone(),
            generation,
            active_tag: None,
            applied: 0,
            streams: SelectAll::new(),
        };
        let result = async {
            session.apply_prefetch(prefetch).await?;
            loop {
                tokio::select! {
                    () = shutdown.wait() => return Ok(true),
                    command = commands.recv() => match command {
                        None => return Ok(true),
                        Some(ClassCommand::SetPrefetch(wanted)) => {
                            prefetch = wanted;
                            session.apply_prefetch(prefetch).await?;
                        }
                        Some(ClassCommand::Ack(delivery)) if delivery.generation == session.generation => {
                            session.channel.basic_ack(delivery.tag, BasicAckOptions::default()).await?;
                        }
                        Some(ClassCommand::Reject { delivery, requeue }) if delivery.generation == session.generation => {
                            session.channel.basic_nack(delivery.tag, BasicNackOptions { requeue, multiple: false }).await?;
                        }
                        Some(_) => {}
                    },
                    item = session.streams.next(), if !session.streams.is_empty() => match item {
                        Some(Ok(delivery)) => {
                            let _ = deliveries.send(ClassDelivery { amqp_queue: session.queue.clone(), generation: session.generation, delivery });
                        }
                        Some(Err(error)) => return Err(error),
                        None => {}
                    },
                }
            }
        }
        .await;
        match result {
            Ok(_) => return,
            Err(error) => {
                let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                tracing::warn!(queue = %amqp_queue, error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "class consumer lost its channel; reconnecting");
                tokio::select! {
                    () = shutdown.wait() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// One channel's worth of consuming state.
struct ClassSession {
    channel: Channel,
    queue: String,
    generation: u64,
    /// Tag of the consumer receiving new deliveries, if any.
    active_tag: Option<ShortString>,
    /// Prefetch last set on the channel.
    applied: u16,
    /// Active and cancelled-but-draining consumers; a cancelled consumer still yields the
    /// deliveries it received before the cancel, which must not be lost.
    streams: SelectAll<Consumer>,
}

impl ClassSession {
    async fn apply_prefetch(&mut self, prefetch: u16) -> Result<(), warren_broker::lapin::Error> {
        if prefetch == 0 {
            if let Some(tag) = self.active_tag.take() {
                self.channel
                    .basic_cancel(tag, BasicCancelOptions::default())
                    .await?;
            }
            return Ok(());
        }
        if self.applied != prefetch {
            self.channel
                .basic_qos(prefetch, BasicQosOptions { global: true })
                .await?;
            self.applied = prefetch;
        }
        if self.active_tag.is_none() {
            let consumer = self
                .channel
                .basic_consume(
                    self.queue.as_str().into(),
                    ShortString::from(""),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            self.active_tag = Some(consumer.tag());
            self.streams.push(consumer);
        }
        Ok(())
    }
}

/// What the control consumer hands the worker loop.
#[derive(Debug)]
pub enum ControlInput {
    /// The control queue is being consumed (again): the worker should say hello.
    Connected,
    /// A control message's payload.
    Payload(Vec<u8>),
}

/// Consume the worker's control queue until shutdown, reconnecting with backoff.
pub async fn run_control_consumer(
    broker: Broker,
    agent_id: Uuid,
    inputs: mpsc::UnboundedSender<ControlInput>,
    mut shutdown: Shutdown,
) {
    let names = broker.names().clone();
    let queue = names.agent_queue(agent_id);
    let topology = Topology::agent(&names, agent_id, broker.queue_defaults());
    let mut backoff = reconnect_backoff();
    loop {
        let channel = tokio::select! {
            () = shutdown.wait() => return,
            channel = broker.open_channel_retrying("control consumer") => channel,
        };
        let result = async {
            broker.declare(&topology, &channel).await.map_err(|error| error_chain(&error))?;
            channel.basic_qos(16, BasicQosOptions::default()).await.map_err(|error| error_chain(&error))?;
            let mut consumer = channel
                .basic_consume(queue.as_str().into(), ShortString::from(""), BasicConsumeOptions::default(), FieldTable::default())
                .await
                .map_err(|error| error_chain(&error))?;
            let _ = inputs.send(ControlInput::Connected);
            loop {
                tokio::select! {
                    () = shutdown.wait() => return Ok(()),
                    item = consumer.next() => match item {
                        Some(Ok(delivery)) => {
                            let _ = inputs.send(ControlInput::Payload(delivery.data.clone()));
                            delivery.acker.ack(BasicAckOptions::default()).await.map_err(|error| error_chain(&error))?;
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

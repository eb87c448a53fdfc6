//! Publishing with publisher confirms on one long-lived channel, reopened after failures.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel};
use uuid::Uuid;
use warren_shared::{Envelope, Message};

use crate::connection::Broker;
use crate::error::{Error, Result};
use crate::names::DEAD_LETTER_KEY;
use crate::topology::short;

/// Signs the bodies of the messages a publisher sends; the master's farm keys implement it.
pub trait MessageSigner: Send + Sync {
    /// The value of the signature header for `body`.
    fn sign(&self, body: &[u8]) -> String;
}

/// Header names Warren sets on messages.
pub mod headers {
    /// Why a message was dead-lettered.
    pub const ERROR: &str = "x-warren-error";
    /// The queue a dead-lettered message was consumed from.
    pub const SOURCE: &str = "x-warren-source";
    /// The message's signatures (see `warren_shared::signing`).
    pub const SIGNATURE: &str = warren_shared::signing::SIGNATURE_HEADER;
}

/// The signature header of a received message, if it carries one.
#[must_use]
pub fn signature(properties: &BasicProperties) -> Option<String> {
    match properties
        .headers()
        .as_ref()?
        .inner()
        .get(headers::SIGNATURE)?
    {
        AMQPValue::LongString(text) => Some(String::from_utf8_lossy(text.as_bytes()).into_owned()),
        _ => None,
    }
}

/// One message ready to publish: its target and its encoded envelope.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Exchange to publish to.
    pub exchange: String,
    /// Routing key.
    pub routing_key: String,
    /// Encoded envelope.
    pub payload: Vec<u8>,
    /// The message kind, set as the AMQP `type` property.
    pub kind: &'static str,
    /// Message priority, for priority queues.
    pub priority: Option<u8>,
    /// Fail instead of dropping the message silently when no queue is bound.
    pub mandatory: bool,
}

impl Outgoing {
    /// Encode `message` for `exchange` with `routing_key`.
    #[must_use]
    pub fn new(
        exchange: impl Into<String>,
        routing_key: impl Into<String>,
        message: &Message,
    ) -> Self {
        Self {
            exchange: exchange.into(),
            routing_key: routing_key.into(),
            kind: message.kind(),
            payload: Envelope::encode_message(message),
            priority: None,
            mandatory: false,
        }
    }

    /// Set the message priority.
    #[must_use]
    pub const fn with_priority(mut self, priority: u8) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Require a bound queue.
    #[must_use]
    pub const fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }
}

/// A message nobody could process, to be parked in the dead-letter queue with the reason.
#[derive(Debug)]
pub struct DeadLetter<'a> {
    /// The queue it was consumed from.
    pub source: &'a str,
    /// Why it could not be processed.
    pub reason: &'a str,
    /// The original body.
    pub payload: &'a [u8],
}

/// A published message whose broker confirm is still outstanding.
pub struct PendingConfirm {
    future: std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>>,
}

impl std::fmt::Debug for PendingConfirm {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PendingConfirm")
            .finish_non_exhaustive()
    }
}

impl std::future::Future for PendingConfirm {
    type Output = Result<()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        self.future.as_mut().poll(context)
    }
}

/// What a publisher puts on every message besides the body.
#[derive(Clone, Default)]
struct Stamp {
    /// Signs every message (the master's publisher).
    signer: Option<Arc<dyn MessageSigner>>,
    /// The AMQP `user_id` property, which RabbitMQ checks against the connection's user (a
    /// worker's publisher): the master learns from it who really sent an event.
    user_id: Option<ShortString>,
}

impl Stamp {
    fn properties(&self, outgoing: &Outgoing, timestamp: u64) -> BasicProperties {
        let mut properties = BasicProperties::default()
            .with_content_type(ShortString::from("application/json"))
            .with_delivery_mode(2)
            .with_message_id(ShortString::from(Uuid::new_v4().to_string()))
            .with_timestamp(timestamp)
            .with_type(ShortString::from(outgoing.kind));
        if let Some(priority) = outgoing.priority {
            properties = properties.with_priority(priority);
        }
        if let Some(user_id) = &self.user_id {
            properties = properties.with_user_id(user_id.clone());
        }
        if let Some(signer) = &self.signer {
            let mut header_table = FieldTable::default();
            header_table.insert(
                ShortString::from(headers::SIGNATURE),
                AMQPValue::LongString(LongString::from(signer.sign(&outgoing.payload))),
            );
            properties = properties.with_headers(header_table);
        }
        properties
    }
}

async fn check_confirm(
    confirm: lapin::PublisherConfirm,
    exchange: String,
    routing_key: String,
) -> Result<()> {
    let confirmation = confirm.await.map_err(Error::amqp(format!(
        "confirm a message published to `{exchange}`"
    )))?;
    if confirmation.is_nack() {
        return Err(Error::Nacked {
            exchange,
            routing_key,
        });
    }
    if confirmation.take_message().is_some() {
        return Err(Error::Unroutable {
            exchange,
            routing_key,
        });
    }
    Ok(())
}

/// Publishes with confirms on one long-lived channel; after a failure the next call reopens it.
pub struct Publisher {
    broker: Broker,
    channel: tokio::sync::Mutex<Option<Channel>>,
    stamp: Stamp,
    /// Where dead letters go: the dead-letter exchange itself (the master), or the events
    /// exchange with [`DEAD_LETTER_KEY`] (workers, who may write nowhere else).
    dead_letter_route: (String, String),
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Publisher").finish_non_exhaustive()
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl Publisher {
    /// A publisher on `broker`; connects on first use.
    #[must_use]
    pub fn new(broker: Broker) -> Self {
        let dead_letter_route = (broker.names().dead_letters(), String::new());
        Self {
            broker,
            channel: tokio::sync::Mutex::new(None),
            stamp: Stamp::default(),
            dead_letter_route,
        }
    }

    /// A publisher that signs every message it sends with `signer` (the master's).
    #[must_use]
    pub fn signing(broker: Broker, signer: Arc<dyn MessageSigner>) -> Self {
        let mut publisher = Self::new(broker);
        publisher.stamp.signer = Some(signer);
        publisher
    }

    /// Stamp every message with `user_id`, the broker user this publisher connects as.
    pub fn with_user_id(mut self, user_id: &str) -> Result<Self> {
        self.stamp.user_id = Some(short(user_id)?);
        Ok(self)
    }

    /// A worker's publisher: every message carries `user_id`, the broker user it connects as
    /// (RabbitMQ refuses a message whose `user_id` is not the connection's user), and dead
    /// letters go through the events exchange.
    pub fn for_agent(broker: Broker, user_id: &str) -> Result<Self> {
        let mut publisher = Self::new(broker).with_user_id(user_id)?;
        publisher.dead_letter_route = (
            publisher.broker.names().events_exchange(),
            DEAD_LETTER_KEY.to_owned(),
        );
        Ok(publisher)
    }

    /// The broker this publisher uses.
    #[must_use]
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The confirm-mode channel, opened if there is none or the last one broke.
    pub async fn channel(&self) -> Result<Channel> {
        let mut slot = self.channel.lock().await;
        if let Some(channel) = slot.as_ref()
            && channel.status().connected()
        {
            return Ok(channel.clone());
        }
        let channel = self.broker.open_channel().await?;
        self.broker
            .within("enable publisher confirms", async {
                channel
                    .confirm_select(ConfirmSelectOptions::default())
                    .await
                    .map_err(Error::amqp("enable publisher confirms"))
            })
            .await?;
        *slot = Some(channel.clone());
        Ok(channel)
    }

    async fn forget_channel(&self) {
        *self.channel.lock().await = None;
    }

    /// Publish one message and wait for the broker's confirm.
    pub async fn publish(&self, outgoing: &Outgoing) -> Result<()> {
        self.publish_batch(std::slice::from_ref(outgoing)).await
    }

    /// Publish messages in order, then wait until the broker confirmed every one of them.
    /// On error some may have been published; callers retry the whole batch (consumers are
    /// idempotent).
    pub async fn publish_batch(&self, batch: &[Outgoing]) -> Result<()> {
        let refs: Vec<&Outgoing> = batch.iter().collect();
        self.publish_refs(&refs).await
    }

    /// Like [`Publisher::publish_batch`], for messages owned elsewhere.
    pub async fn publish_refs(&self, batch: &[&Outgoing]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let channel = self.channel().await?;
        let result = self
            .broker
            .within("publish messages", self.publish_on(&channel, batch))
            .await;
        if matches!(result, Err(Error::Timeout { .. })) || !channel.status().connected() {
            self.forget_channel().await;
        }
        result
    }

    async fn publish_on(&self, channel: &Channel, batch: &[&Outgoing]) -> Result<()> {
        let timestamp = now_secs();
        let mut confirms = Vec::with_capacity(batch.len());
        for outgoing in batch.iter().copied() {
            let confirm = channel
                .basic_publish(
                    short(&outgoing.exchange)?,
                    short(&outgoing.routing_key)?,
                    BasicPublishOptions {
                        mandatory: outgoing.mandatory,
                        ..BasicPublishOptions::default()
                    },
                    &outgoing.payload,
                    self.stamp.properties(outgoing, timestamp),
                )
                .await
                .map_err(Error::amqp(format!("publish to `{}`", outgoing.exchange)))?;
            confirms.push(confirm);
        }
        for (confirm, outgoing) in confirms.into_iter().zip(batch.iter().copied()) {
            check_confirm(
                confirm,
                outgoing.exchange.clone(),
                outgoing.routing_key.clone(),
            )
            .await?;
        }
        Ok(())
    }

    /// Publish one message without waiting for its confirm; await the returned future for it.
    /// Messages started on the same publisher reach the broker in the order they were started.
    /// The confirm is given up after [`crate::OPERATION_TIMEOUT`] (an error, like a failed one).
    pub async fn start_publish(&self, outgoing: &Outgoing) -> Result<PendingConfirm> {
        let channel = self.channel().await?;
        let published = self
            .broker
            .within("publish a message", async {
                channel
                    .basic_publish(
                        short(&outgoing.exchange)?,
                        short(&outgoing.routing_key)?,
                        BasicPublishOptions {
                            mandatory: outgoing.mandatory,
                            ..BasicPublishOptions::default()
                        },
                        &outgoing.payload,
                        self.stamp.properties(outgoing, now_secs()),
                    )
                    .await
                    .map_err(Error::amqp(format!("publish to `{}`", outgoing.exchange)))
            })
            .await;
        match published {
            Ok(confirm) => {
                let broker = self.broker.clone();
                let (exchange, routing_key) =
                    (outgoing.exchange.clone(), outgoing.routing_key.clone());
                Ok(PendingConfirm {
                    future: Box::pin(async move {
                        broker
                            .within(
                                "confirm a message",
                                check_confirm(confirm, exchange, routing_key),
                            )
                            .await
                    }),
                })
            }
            Err(error) => {
                if matches!(error, Error::Timeout { .. }) || !channel.status().connected() {
                    self.forget_channel().await;
                }
                Err(error)
            }
        }
    }

    /// Drop the current channel so the next publication opens a fresh one (after a failed confirm).
    pub async fn reset(&self) {
        self.forget_channel().await;
    }

    /// Park a message in the farm's dead-letter queue with the reason in a header.
    pub async fn publish_dead_letter(&self, dead_letter: &DeadLetter<'_>) -> Result<()> {
        let channel = self.channel().await?;
        let mut header_table = FieldTable::default();
        header_table.insert(
            ShortString::from(headers::ERROR),
            AMQPValue::LongString(LongString::from(dead_letter.reason)),
        );
        header_table.insert(
            ShortString::from(headers::SOURCE),
            AMQPValue::LongString(LongString::from(dead_letter.source)),
        );
        let mut properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_timestamp(now_secs())
            .with_headers(header_table);
        if let Some(user_id) = &self.stamp.user_id {
            properties = properties.with_user_id(user_id.clone());
        }
        let (exchange, routing_key) = &self.dead_letter_route;
        let result = self
            .broker
            .within("publish a dead letter", async {
                let confirmation = channel
                    .basic_publish(
                        short(exchange)?,
                        short(routing_key)?,
                        BasicPublishOptions::default(),
                        dead_letter.payload,
                        properties,
                    )
                    .await
                    .map_err(Error::amqp("publish a dead letter"))?
                    .await
                    .map_err(Error::amqp("confirm a dead letter"))?;
                if confirmation.is_nack() {
                    return Err(Error::Nacked {
                        exchange: exchange.clone(),
                        routing_key: routing_key.clone(),
                    });
                }
                Ok(())
            })
            .await;
        if matches!(result, Err(Error::Timeout { .. })) || !channel.status().connected() {
            self.forget_channel().await;
        }
        result
    }
}

//! Topology as data: the exchanges, queues and bindings a process needs, declared by one
//! function at start-up and again after every reconnect.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, ExchangeKind};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::names::{BROADCAST_KEY, DEAD_LETTER_KEY, EVENTS_KEY, Names};

/// How an exchange routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExchangeType {
    /// Exact routing key match.
    Direct,
    /// Routing key patterns.
    Topic,
    /// Every bound queue.
    Fanout,
}

/// A durable exchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExchangeSpec {
    /// Exchange name.
    pub name: String,
    /// Routing type.
    pub kind: ExchangeType,
}

/// RabbitMQ queue type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueueType {
    /// Classic queues: support message priorities.
    #[default]
    Classic,
    /// Replicated Raft queues for clusters.
    Quorum,
}

impl QueueType {
    /// `classic` or `quorum`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "classic" => Some(Self::Classic),
            "quorum" => Some(Self::Quorum),
            _ => None,
        }
    }
}

/// A queue type other than `classic` and `quorum`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown queue type `{0}` (expected `classic` or `quorum`)")]
pub struct UnknownQueueType(pub String);

impl std::str::FromStr for QueueType {
    type Err = UnknownQueueType;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text).ok_or_else(|| UnknownQueueType(text.to_owned()))
    }
}

/// A durable queue and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueueSpec {
    /// Queue name.
    pub name: String,
    /// Where rejected messages go.
    pub dead_letter_exchange: Option<String>,
    /// Highest message priority honoured (classic queues only).
    pub max_priority: Option<u8>,
    /// Delete the queue after this many milliseconds unused.
    pub expires_ms: Option<u32>,
    /// Classic or quorum.
    pub queue_type: QueueType,
}

impl QueueSpec {
    fn arguments(&self) -> FieldTable {
        let mut arguments = FieldTable::default();
        if let Some(exchange) = &self.dead_letter_exchange {
            arguments.insert(
                ShortString::from("x-dead-letter-exchange"),
                AMQPValue::LongString(LongString::from(exchange.as_str())),
            );
        }
        if let Some(max_priority) = self.max_priority
            && self.queue_type == QueueType::Classic
        {
            arguments.insert(
                ShortString::from("x-max-priority"),
                AMQPValue::ShortShortUInt(max_priority),
            );
        }
        if let Some(expires_ms) = self.expires_ms {
            arguments.insert(
                ShortString::from("x-expires"),
                AMQPValue::LongUInt(expires_ms),
            );
        }
        if self.queue_type == QueueType::Quorum {
            arguments.insert(
                ShortString::from("x-queue-type"),
                AMQPValue::LongString(LongString::from("quorum")),
            );
        }
        arguments
    }
}

/// A queue bound to an exchange with a routing key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindingSpec {
    /// The queue.
    pub queue: String,
    /// The exchange.
    pub exchange: String,
    /// The binding key.
    pub routing_key: String,
}

/// A set of exchanges, queues and bindings to declare together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    /// Exchanges, declared first.
    pub exchanges: Vec<ExchangeSpec>,
    /// Queues, declared second.
    pub queues: Vec<QueueSpec>,
    /// Bindings, declared last.
    pub bindings: Vec<BindingSpec>,
}

/// Queue settings that apply to every queue a process declares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDefaults {
    /// Classic or quorum queues.
    pub queue_type: QueueType,
    /// Delete unused queues after this many milliseconds (for short-lived farms such as tests).
    pub expires_ms: Option<u32>,
}

impl Topology {
    fn queue(
        &self,
        name: String,
        defaults: QueueDefaults,
        dead_letters: Option<String>,
    ) -> QueueSpec {
        QueueSpec {
            name,
            dead_letter_exchange: dead_letters,
            max_priority: None,
            expires_ms: defaults.expires_ms,
            queue_type: defaults.queue_type,
        }
    }

    /// What every process of a farm needs: events, control and dead letters.
    #[must_use]
    pub fn common(names: &Names, defaults: QueueDefaults) -> Self {
        let mut topology = Self::default();
        topology.exchanges.push(ExchangeSpec {
            name: names.events_exchange(),
            kind: ExchangeType::Direct,
        });
        topology.exchanges.push(ExchangeSpec {
            name: names.control_exchange(),
            kind: ExchangeType::Topic,
        });
        topology.exchanges.push(ExchangeSpec {
            name: names.dead_letters(),
            kind: ExchangeType::Fanout,
        });
        let dead_queue = topology.queue(names.dead_letters(), defaults, None);
        let events_queue =
            topology.queue(names.events_queue(), defaults, Some(names.dead_letters()));
        topology.queues.push(dead_queue);
        topology.queues.push(events_queue);
        topology.bindings.push(BindingSpec {
            queue: names.dead_letters(),
            exchange: names.dead_letters(),
            routing_key: String::new(),
        });
        topology.bindings.push(BindingSpec {
            queue: names.events_queue(),
            exchange: names.events_exchange(),
            routing_key: EVENTS_KEY.to_owned(),
        });
        topology.bindings.push(BindingSpec {
            queue: names.dead_letters(),
            exchange: names.events_exchange(),
            routing_key: DEAD_LETTER_KEY.to_owned(),
        });
        topology
    }

    /// The control queue of a worker sharing the farm's broker credentials
    /// (`--insecure-shared-broker-credentials`), which declares it itself: it expires after a
    /// week unused, since nobody deletes it.
    #[must_use]
    pub fn agent(names: &Names, agent_id: Uuid, defaults: QueueDefaults) -> Self {
        let mut topology = Self::enrolled_agent(names, agent_id, defaults);
        for queue in &mut topology.queues {
            queue.expires_ms = Some(defaults.expires_ms.unwrap_or(7 * 24 * 3600 * 1000));
        }
        topology
    }

    /// An enrolled agent's control queue, bound for its own and broadcast messages. The master
    /// declares it at enrollment and deletes it when the agent is revoked.
    #[must_use]
    pub fn enrolled_agent(names: &Names, agent_id: Uuid, defaults: QueueDefaults) -> Self {
        let mut topology = Self::default();
        let queue_name = names.agent_queue(agent_id);
        let queue = topology.queue(queue_name.clone(), defaults, Some(names.dead_letters()));
        topology.queues.push(queue);
        for routing_key in [Names::agent_routing_key(agent_id), BROADCAST_KEY.to_owned()] {
            topology.bindings.push(BindingSpec {
                queue: queue_name.clone(),
                exchange: names.control_exchange(),
                routing_key,
            });
        }
        topology
    }

    /// One requirement class of one job queue: the queue's exchange, the class queue, the binding.
    #[must_use]
    pub fn class(
        names: &Names,
        job_queue: &str,
        class_key: &str,
        defaults: QueueDefaults,
        max_priority: u8,
    ) -> Self {
        let mut topology = Self::default();
        topology.exchanges.push(ExchangeSpec {
            name: names.queue_exchange(job_queue),
            kind: ExchangeType::Topic,
        });
        let mut queue = topology.queue(
            names.class_queue(class_key),
            defaults,
            Some(names.dead_letters()),
        );
        queue.max_priority = Some(max_priority);
        topology.queues.push(queue);
        topology.bindings.push(BindingSpec {
            queue: names.class_queue(class_key),
            exchange: names.queue_exchange(job_queue),
            routing_key: class_key.to_owned(),
        });
        topology
    }

    /// Add another topology's items that are not here yet.
    pub fn merge(&mut self, other: &Self) {
        for exchange in &other.exchanges {
            if !self.exchanges.contains(exchange) {
                self.exchanges.push(exchange.clone());
            }
        }
        for queue in &other.queues {
            if !self.queues.iter().any(|known| known.name == queue.name) {
                self.queues.push(queue.clone());
            }
        }
        for binding in &other.bindings {
            if !self.bindings.contains(binding) {
                self.bindings.push(binding.clone());
            }
        }
    }

    /// Whether nothing is in it.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty() && self.queues.is_empty() && self.bindings.is_empty()
    }

    /// Declare everything on `channel`; declaring what exists with the same arguments is a no-op.
    pub async fn declare(&self, channel: &Channel) -> Result<()> {
        for exchange in &self.exchanges {
            let kind = match exchange.kind {
                ExchangeType::Direct => ExchangeKind::Direct,
                ExchangeType::Topic => ExchangeKind::Topic,
                ExchangeType::Fanout => ExchangeKind::Fanout,
            };
            channel
                .exchange_declare(
                    short(&exchange.name)?,
                    kind,
                    ExchangeDeclareOptions {
                        durable: true,
                        ..ExchangeDeclareOptions::default()
                    },
                    FieldTable::default(),
                )
                .await
                .map_err(Error::amqp(format!("declare exchange `{}`", exchange.name)))?;
        }
        for queue in &self.queues {
            channel
                .queue_declare(
                    short(&queue.name)?,
                    QueueDeclareOptions {
                        durable: true,
                        ..QueueDeclareOptions::default()
                    },
                    queue.arguments(),
                )
                .await
                .map_err(Error::amqp(format!("declare queue `{}`", queue.name)))?;
        }
        for binding in &self.bindings {
            channel
                .queue_bind(
                    short(&binding.queue)?,
                    short(&binding.exchange)?,
                    short(&binding.routing_key)?,
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .map_err(Error::amqp(format!(
                    "bind queue `{}` to `{}` with key `{}`",
                    binding.queue, binding.exchange, binding.routing_key
                )))?;
        }
        Ok(())
    }
}

/// Convert a name to an AMQP short string, refusing (never panicking on) names over 255 bytes.
pub(crate) fn short(name: &str) -> Result<ShortString> {
    ShortString::try_new(name).map_err(|_| Error::NameTooLong(name.to_owned()))
}

//! Warren's RabbitMQ layer: names under a namespace, topology as data, a connection pool over
//! one or several broker addresses with heartbeats that re-declares the topology on every new
//! connection, a publisher with confirms, consumers with
//! `basic.qos`, and jittered exponential backoff for reconnects.
//!
//! It also holds what a Warren service process shares: the shutdown signal, waiting for
//! SIGINT/SIGTERM and the log set-up.
//!
//! This crate knows nothing about the database or HTTP.

mod connection;
mod error;
mod names;
mod publisher;
mod shutdown;
mod topology;

pub use connection::{
    Broker, BrokerConfig, CONNECT_TIMEOUT, DEFAULT_HEARTBEAT, OPERATION_TIMEOUT, error_chain,
    is_access_refused, reconnect_backoff, with_heartbeat,
};
pub use error::{ConnectError, Error, Result};
pub use lapin;
pub use names::{
    BROADCAST_KEY, DEAD_LETTER_KEY, EVENTS_KEY, Names, NamesError, validate_queue_name,
};
pub use publisher::{
    DeadLetter, MessageSigner, Outgoing, PendingConfirm, Publisher, headers, signature,
};
pub use shutdown::{Shutdown, ShutdownTrigger, init_logging, shutdown_channel, wait_for_signal};
pub use topology::{
    BindingSpec, ExchangeSpec, ExchangeType, QueueDefaults, QueueSpec, QueueType, Topology,
    UnknownQueueType,
};

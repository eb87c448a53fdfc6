//! Errors of the broker layer.

/// Result with the broker layer's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong talking to RabbitMQ.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The broker addresses or pool settings are not usable.
    #[error("invalid broker configuration: {0}")]
    Config(String),
    /// No connection could be taken from the pool.
    #[error("failed to connect to the broker")]
    Connect(#[source] deadpool::managed::PoolError<ConnectError>),
    /// An AMQP operation failed.
    #[error("failed to {action}")]
    Amqp {
        /// What was being done, e.g. "declare exchange `warren.events`".
        action: String,
        /// The AMQP error.
        #[source]
        source: lapin::Error,
    },
    /// The broker refused a published message (negative confirm).
    #[error("the broker refused a message published to `{exchange}` with key `{routing_key}`")]
    Nacked {
        /// Exchange published to.
        exchange: String,
        /// Routing key used.
        routing_key: String,
    },
    /// A mandatory message matched no queue.
    #[error("no queue is bound to `{exchange}` for key `{routing_key}`")]
    Unroutable {
        /// Exchange published to.
        exchange: String,
        /// Routing key used.
        routing_key: String,
    },
    /// The broker did not answer in time; the connection is given up.
    #[error("the broker did not answer in time to {action}")]
    Timeout {
        /// What was being done.
        action: String,
    },
    /// A name is longer than AMQP allows.
    #[error("the AMQP name `{0}` is longer than 255 bytes")]
    NameTooLong(String),
}

/// Why no broker address gave a connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A broker answered and refused (a wrong user or password: trying others will not help).
    #[error("the broker at {url} refused the connection")]
    Refused {
        /// The address, password hidden.
        url: String,
        /// Why.
        #[source]
        source: lapin::Error,
    },
    /// No address answered in time, or each failed.
    #[error("no broker address answered: {0}")]
    Unreachable(String),
    /// The last attempt failed a moment ago; the pool rests before trying again.
    #[error("not trying the broker again for {for_ms} ms; the last attempt: {last_failure}")]
    Resting {
        /// How long the rest lasts still.
        for_ms: u64,
        /// Why the last attempt failed.
        last_failure: String,
    },
}

impl Error {
    /// Wrap a lapin error with what was being done.
    pub fn amqp(action: impl Into<String>) -> impl FnOnce(lapin::Error) -> Self {
        let action = action.into();
        move |source| Self::Amqp { action, source }
    }
}

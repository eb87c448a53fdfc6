//! Control messages from the master to workers: to one agent's queue or to all of them.

use std::sync::Arc;

use warren_broker::{BROADCAST_KEY, Names, Outgoing, Publisher};
use warren_shared::Message;

/// Sends control messages over the farm's control exchange.
#[derive(Clone)]
pub struct Control {
    publisher: Arc<Publisher>,
    names: Names,
}

impl Control {
    /// Control messages through `publisher`.
    #[must_use]
    pub fn new(publisher: Arc<Publisher>) -> Self {
        let names = publisher.broker().names().clone();
        Self { publisher, names }
    }

    /// The outgoing form of a message to one agent.
    #[must_use]
    pub fn to_agent(&self, agent_id: uuid::Uuid, message: &Message) -> Outgoing {
        Outgoing::new(
            self.names.control_exchange(),
            Names::agent_routing_key(agent_id),
            message,
        )
    }

    /// The outgoing form of a message to every worker.
    #[must_use]
    pub fn to_all(&self, message: &Message) -> Outgoing {
        Outgoing::new(self.names.control_exchange(), BROADCAST_KEY, message)
    }

    /// Send messages; failures are logged, since every control message is re-derived later
    /// (a worker's next heartbeat or hello brings the same answer).
    pub async fn send(&self, batch: Vec<Outgoing>) {
        if batch.is_empty() {
            return;
        }
        if let Err(error) = self.publisher.publish_batch(&batch).await {
            tracing::warn!(error = %warren_broker::error_chain(&error), n_messages = batch.len(), "failed to send control messages");
        }
    }
}

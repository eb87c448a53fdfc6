//! The names of every exchange and queue, all under one namespace so several farms, or parallel
//! tests, share a broker without seeing each other.

use uuid::Uuid;

/// Routing key of control messages meant for every worker.
pub const BROADCAST_KEY: &str = "all";
/// Routing key of worker events.
pub const EVENTS_KEY: &str = "events";
/// Routing key on the events exchange that parks a message in the dead-letter queue: workers
/// may write only to the events exchange, so what they refuse goes there this way.
pub const DEAD_LETTER_KEY: &str = "dead";

/// Why a namespace or job queue name is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamesError {
    /// A namespace outside `[A-Za-z0-9_-]{1,32}`.
    #[error("invalid namespace `{0}`: use 1 to 32 characters from A-Z, a-z, 0-9, `_` and `-`")]
    InvalidNamespace(String),
    /// A job queue name outside `[A-Za-z0-9_-]{1,32}`.
    #[error("invalid queue name `{0}`: use 1 to 32 characters from A-Z, a-z, 0-9, `_` and `-`")]
    InvalidQueueName(String),
}

fn valid_segment(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
}

/// Validate a job queue name so it can be part of AMQP names.
pub fn validate_queue_name(name: &str) -> Result<(), NamesError> {
    if valid_segment(name) {
        Ok(())
    } else {
        Err(NamesError::InvalidQueueName(name.to_owned()))
    }
}

/// The names of one farm's exchanges and queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    namespace: String,
}

impl Names {
    /// Names under `namespace` (`WARREN_NAMESPACE`, default `warren`).
    pub fn new(namespace: &str) -> Result<Self, NamesError> {
        if valid_segment(namespace) {
            Ok(Self {
                namespace: namespace.to_owned(),
            })
        } else {
            Err(NamesError::InvalidNamespace(namespace.to_owned()))
        }
    }

    /// The namespace itself.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Exchange workers publish their events to.
    #[must_use]
    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.namespace)
    }

    /// Queue the master's ingester consumes events from.
    #[must_use]
    pub fn events_queue(&self) -> String {
        format!("{}.master.events", self.namespace)
    }

    /// Exchange and queue for messages nobody could process.
    #[must_use]
    pub fn dead_letters(&self) -> String {
        format!("{}.dead", self.namespace)
    }

    /// Exchange for control messages to workers.
    #[must_use]
    pub fn control_exchange(&self) -> String {
        format!("{}.control", self.namespace)
    }

    /// A worker's own control queue.
    #[must_use]
    pub fn agent_queue(&self, agent_id: Uuid) -> String {
        format!("{}.agent.{agent_id}", self.namespace)
    }

    /// An enrolled agent's own RabbitMQ user.
    #[must_use]
    pub fn agent_user(&self, agent_id: Uuid) -> String {
        format!("{}.agent.{agent_id}", self.namespace)
    }

    /// The agent an agent user belongs to, if `user` is one of this farm's agent users.
    #[must_use]
    pub fn agent_of_user(&self, user: &str) -> Option<Uuid> {
        user.strip_prefix(&self.namespace)?
            .strip_prefix(".agent.")?
            .parse()
            .ok()
    }

    /// Routing key of control messages for one worker.
    #[must_use]
    pub fn agent_routing_key(agent_id: Uuid) -> String {
        format!("agent.{agent_id}")
    }

    /// Topic exchange of one job queue; class keys route into its class queues.
    #[must_use]
    pub fn queue_exchange(&self, job_queue: &str) -> String {
        format!("{}.q.{job_queue}", self.namespace)
    }

    /// Queue holding the ready tasks of one requirement class, whatever their job queue: every
    /// job queue's exchange routes the class key into it. One queue per class keeps the order
    /// the dispatcher publishes in (its fair share across job queues) and gives each worker one
    /// consumer per class it can run, however many job queues there are.
    #[must_use]
    pub fn class_queue(&self, class_key: &str) -> String {
        format!("{}.tasks.{class_key}", self.namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_well_and_stay_in_their_namespace() {
        let names = Names::new("studio").expect("valid namespace");
        assert_eq!(names.events_exchange(), "studio.events");
        assert_eq!(names.events_queue(), "studio.master.events");
        assert_eq!(names.queue_exchange("lighting"), "studio.q.lighting");
        assert_eq!(
            names.class_queue("gpu.cpu4.ram16g"),
            "studio.tasks.gpu.cpu4.ram16g"
        );
        assert!(Names::new("has.dot").is_err());
        assert!(Names::new("").is_err());
        assert!(Names::new(&"x".repeat(33)).is_err());
        assert!(validate_queue_name("root").is_ok());
        assert!(validate_queue_name("a b").is_err());
        let agent = Uuid::new_v4();
        assert_eq!(names.agent_user(agent), format!("studio.agent.{agent}"));
        assert_eq!(names.agent_of_user(&names.agent_user(agent)), Some(agent));
        assert_eq!(
            Names::new("other")
                .expect("valid namespace")
                .agent_of_user(&names.agent_user(agent)),
            None
        );
        assert_eq!(names.agent_of_user("guest"), None);
    }
}

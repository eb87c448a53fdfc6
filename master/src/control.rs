//! Control messages from the master to workers: to one agent's queue or to all of them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;
use time::OffsetDateTime;
use warren_broker::{BROADCAST_KEY, Names, Outgoing, Publisher, Topology};
use warren_shared::message::{Drain, Restart, Withdraw};
use warren_shared::{AgentId, AttemptRef, Cancel, Message, Subscribe};

use crate::keys::FarmKeys;
use crate::store::StoreError;

/// Sends control messages over the farm's control exchange; the publisher signs them.
#[derive(Clone)]
pub struct Control {
    publisher: Arc<Publisher>,
    names: Names,
    keys: Arc<FarmKeys>,
    /// Classes whose exchange, queue and binding this process declared.
    declared: Arc<Mutex<HashSet<i64>>>,
}

impl Control {
    /// Control messages through `publisher` (which signs with `keys`).
    #[must_use]
    pub fn new(publisher: Arc<Publisher>, keys: Arc<FarmKeys>) -> Self {
        let names = publisher.broker().names().clone();
        Self {
            publisher,
            names,
            keys,
            declared: Arc::default(),
        }
    }

    /// Declare the queues (with their exchanges and bindings) of the classes this process has
    /// not declared yet. A worker told of a class consumes its queue, and consuming a queue
    /// that does not exist closes the worker's channel, so no class is announced before this.
    ///
    /// # Errors
    /// When the broker fails; the classes declared before the failure stay declared.
    pub async fn declare_classes(
        &self,
        classes: &[crate::store::classes::TaskClass],
    ) -> Result<(), warren_broker::Error> {
        let missing: Vec<&crate::store::classes::TaskClass> = {
            let declared = self
                .declared
                .lock()
                .expect("the declared-classes lock is never poisoned");
            classes
                .iter()
                .filter(|class| !declared.contains(&class.id))
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        let broker = self.publisher.broker();
        let channel = self.publisher.channel().await?;
        for class in missing {
            let topology = Topology::class(
                &self.names,
                &class.queue,
                class.key.as_str(),
                broker.queue_defaults(),
                crate::dispatcher::MAX_MESSAGE_PRIORITY,
            );
            broker.declare(&topology, &channel).await?;
            self.declared
                .lock()
                .expect("the declared-classes lock is never poisoned")
                .insert(class.id);
        }
        Ok(())
    }

    /// Whether this process declared the class's queue.
    fn declared(&self, class_id: i64) -> bool {
        self.declared
            .lock()
            .expect("the declared-classes lock is never poisoned")
            .contains(&class_id)
    }

    /// The farm's keys.
    #[must_use]
    pub fn keys(&self) -> &Arc<FarmKeys> {
        &self.keys
    }

    /// Tell `agent_id` to stop `attempt`.
    #[must_use]
    pub fn cancel(&self, agent_id: uuid::Uuid, attempt: AttemptRef, reason: &str) -> Outgoing {
        self.to_agent(
            agent_id,
            &Message::Cancel(Cancel {
                task_id: attempt.task_id,
                attempt: attempt.attempt,
                reason: reason.to_owned(),
                agent_id: Some(AgentId(agent_id)),
            }),
        )
    }

    /// Tell `agent_id` to take no new work (`drained`) or to take work again.
    #[must_use]
    pub fn drain(&self, agent_id: uuid::Uuid, drained: bool) -> Outgoing {
        self.to_agent(
            agent_id,
            &Message::Drain(Drain {
                resume: !drained,
                agent_id: Some(AgentId(agent_id)),
                issued_at: Some(OffsetDateTime::now_utc()),
            }),
        )
    }

    /// Tell every worker that these attempts are withdrawn.
    #[must_use]
    pub fn withdraw(&self, attempts: Vec<AttemptRef>) -> Outgoing {
        self.to_all(&Message::Withdraw(Withdraw { attempts }))
    }

    /// Tell `agent_id` to drain and restart (handing running tasks back when `now`).
    #[must_use]
    pub fn restart(&self, agent_id: uuid::Uuid, now: bool) -> Outgoing {
        self.to_agent(
            agent_id,
            &Message::Restart(Restart {
                now,
                agent_id: Some(AgentId(agent_id)),
                issued_at: Some(OffsetDateTime::now_utc()),
            }),
        )
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

    /// What agents need to hear after they (re)connect or an administrator changed them: the
    /// farm's keys, every class (declared first), their tags as the master holds them (an
    /// administrator's override, or what they reported), and whether they are drained.
    pub async fn agent_setup(
        &self,
        db: &DatabaseConnection,
        agent_ids: &[uuid::Uuid],
    ) -> Result<Vec<Outgoing>, StoreError> {
        let classes = crate::store::classes::all(db).await?;
        if let Err(error) = self.declare_classes(&classes).await {
            tracing::warn!(error = %warren_broker::error_chain(&error), "cannot declare every class queue; announcing only those declared");
        }
        let subscriptions: Vec<_> = classes
            .iter()
            .filter(|class| self.declared(class.id))
            .map(|class| class.subscription(&self.names))
            .collect();
        let ids: Vec<String> = agent_ids.iter().map(uuid::Uuid::to_string).collect();
        let rows = crate::store::agents::by_ids(db, &ids).await?;
        let mut tags = crate::store::agents::tags_of(db, ids).await?;
        let withdrawals = crate::store::control::recent_withdrawals(db).await?;
        let withdraw = (!withdrawals.is_empty()).then_some(Message::Withdraw(Withdraw {
            attempts: withdrawals,
        }));
        let mut outgoing = Vec::new();
        for agent_id in agent_ids {
            let key = agent_id.to_string();
            let Some(row) = rows.get(&key) else { continue };
            outgoing.push(self.to_agent(*agent_id, &self.keys.announcement()));
            // Before the classes, so a worker knows what is withdrawn before it consumes.
            if let Some(withdraw) = &withdraw {
                outgoing.push(self.to_agent(*agent_id, withdraw));
            }
            let subscribe = Message::Subscribe(Subscribe {
                classes: subscriptions.clone(),
                tags: Some(tags.remove(&key).unwrap_or_default()),
                agent_id: Some(AgentId(*agent_id)),
                issued_at: Some(OffsetDateTime::now_utc()),
            });
            outgoing.push(self.to_agent(*agent_id, &subscribe));
            outgoing.push(self.drain(*agent_id, row.disabled));
        }
        Ok(outgoing)
    }

    /// Ask the master that consumes the events queue to apply a dead letter again; it comes
    /// after every event already queued.
    ///
    /// # Errors
    /// RabbitMQ did not take the message.
    pub async fn replay(&self, dead_letter_id: i64) -> Result<(), warren_broker::Error> {
        let message = Message::Replay(warren_shared::Replay { dead_letter_id });
        self.publisher
            .publish(&Outgoing::new(
                self.names.events_exchange(),
                warren_broker::EVENTS_KEY,
                &message,
            ))
            .await
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

//! Each enrolled agent's own RabbitMQ user, with least privilege: enrollment (a join token),
//! joining (the node's own password replaces the token's secret), permissions that follow the
//! classes the agent may consume, revocation, and a reconciler that makes the broker's users
//! match the database (after a broker lost its data, or a revocation the broker missed).
//!
//! An agent user may write only to the events exchange, read only its own control queue and
//! the class queues it qualifies for, and configure nothing. The master alone declares queues.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use warren_broker::{Names, Outgoing, Publisher, QueueDefaults, Shutdown, Topology, error_chain};
use warren_shared::enrollment::JoinToken;
use warren_shared::signing::{is_rabbitmq_password_hash, rabbitmq_password_hash, secret_text};
use warren_shared::{AgentId, Join, JoinRefused, Joined, Message};

use crate::control::Control;
use crate::db::{now_us, rfc3339, write_transaction};
use crate::rabbitmq::{ManagementApi, ManagementError, Permissions, exactly};
use crate::store::StoreError;
use crate::store::counters::CountDeltas;
use crate::store::credentials::{self, Credential, CredentialStatus};

/// How often the reconciler compares the broker's users with the database.
const RECONCILE_PERIOD: Duration = Duration::from_secs(60);
/// How long a looked-up credential status is trusted before it is read again (another master
/// may have revoked the agent; this master's own changes apply at once).
const STATUS_TTL: Duration = Duration::from_secs(5);
/// Most statuses remembered.
const MAX_CACHED_STATUSES: usize = 100_000;
/// How long a permission this master set is assumed to be still in force (another master may
/// set it too).
const APPLIED_TTL: Duration = Duration::from_secs(30);

/// Why an identity could not be made or changed.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// RabbitMQ's management API failed.
    #[error(transparent)]
    Management(#[from] ManagementError),
    /// The broker failed (declaring the agent's control queue).
    #[error("the broker failed")]
    Broker(#[from] warren_broker::Error),
    /// The system's random source failed.
    #[error("cannot draw random bytes")]
    Random(#[source] crate::auth::AuthError),
}

impl crate::db::MayConflict for IdentityError {
    fn is_conflict(&self) -> bool {
        matches!(self, Self::Store(error) if crate::db::MayConflict::is_conflict(error))
    }
}

impl From<sea_orm::DbErr> for IdentityError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Store(StoreError::Db(error))
    }
}

/// What an administrator asks for when enrolling a node.
#[derive(Debug, Clone, Default)]
pub struct EnrollRequest {
    /// A name for the agent until its node says hello (then its host name shows).
    pub name: Option<String>,
    /// The agent's tags, as `PATCH /api/v1/agents/{id}` sets them; the node's own otherwise.
    pub tags: Option<BTreeSet<String>>,
    /// How long the token works.
    pub expires_in: Duration,
    /// Leave the broker's address out: the node finds the farm by broadcast.
    pub discover: bool,
    /// Who enrolls it.
    pub created_by: Option<String>,
}

/// A new enrollment.
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// The agent made for the node.
    pub agent_id: uuid::Uuid,
    /// The join token, shown once.
    pub token: String,
    /// When the token stops working (µs).
    pub expires_at: i64,
}

/// How a revocation went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    /// Whether the agent was not revoked before.
    pub newly_revoked: bool,
    /// Tasks it was running, queued again.
    pub released_tasks: usize,
    /// Its broker connections closed.
    pub closed_connections: usize,
}

/// The master's side of the agents' broker identities.
pub struct Identities {
    db: DatabaseConnection,
    management: ManagementApi,
    publisher: Arc<Publisher>,
    control: Control,
    names: Names,
    queue_defaults: QueueDefaults,
    /// Broker URLs (without credentials) written into join tokens.
    worker_urls: Vec<String>,
    /// The master's web address, written into join tokens for messages to people.
    master_url: Option<String>,
    /// The `read` permission this master last set for each agent, and when, so unchanged ones
    /// are not set again (for [`APPLIED_TTL`]).
    applied: Mutex<HashMap<uuid::Uuid, (String, std::time::Instant)>>,
    /// Held while permissions are computed and set, so two updates never interleave: one
    /// computed before a class appeared must not land after one that includes it (the agent
    /// would be refused the new class queue and leave it out until its next hello).
    syncing: tokio::sync::Mutex<()>,
    /// Credential statuses looked up lately (`None`: never enrolled), so most event batches
    /// need no query.
    statuses: Mutex<HashMap<String, (Option<CredentialStatus>, std::time::Instant)>>,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Identities")
            .field("namespace", &self.names.namespace())
            .finish_non_exhaustive()
    }
}

fn random<const N: usize>() -> Result<[u8; N], IdentityError> {
    crate::auth::random_bytes::<N>().map_err(IdentityError::Random)
}

impl Identities {
    /// The identities of the farm whose broker `publisher` talks to.
    #[must_use]
    pub fn new(
        db: DatabaseConnection,
        management: ManagementApi,
        publisher: Arc<Publisher>,
        control: Control,
        worker_urls: Vec<String>,
        master_url: Option<String>,
    ) -> Self {
        let broker = publisher.broker();
        Self {
            names: broker.names().clone(),
            queue_defaults: broker.queue_defaults(),
            db,
            management,
            publisher,
            control,
            worker_urls,
            master_url,
            applied: Mutex::new(HashMap::new()),
            syncing: tokio::sync::Mutex::new(()),
            statuses: Mutex::new(HashMap::new()),
        }
    }

    /// The credential statuses of those of `agent_ids` that were enrolled (the others are
    /// absent), from a short-lived cache where it can.
    pub async fn statuses(
        &self,
        agent_ids: &[String],
    ) -> Result<HashMap<String, CredentialStatus>, sea_orm::DbErr> {
        let now = std::time::Instant::now();
        let mut known = HashMap::new();
        let mut missing = Vec::new();
        {
            let cache = self
                .statuses
                .lock()
                .expect("the status lock is never poisoned");
            for agent_id in agent_ids {
                match cache.get(agent_id) {
                    Some((status, at)) if now.duration_since(*at) < STATUS_TTL => {
                        if let Some(status) = status {
                            known.insert(agent_id.clone(), *status);
                        }
                    }
                    _ => missing.push(agent_id.clone()),
                }
            }
        }
        if missing.is_empty() {
            return Ok(known);
        }
        let fresh = credentials::statuses(&self.db, &missing).await?;
        let mut cache = self
            .statuses
            .lock()
            .expect("the status lock is never poisoned");
        if cache.len() + missing.len() > MAX_CACHED_STATUSES {
            cache.clear();
        }
        for agent_id in missing {
            let status = fresh.get(&agent_id).copied();
            if let Some(status) = status {
                known.insert(agent_id.clone(), status);
            }
            cache.insert(agent_id, (status, now));
        }
        Ok(known)
    }

    /// Remember a status this master just set.
    fn note_status(&self, agent_id: &str, status: CredentialStatus) {
        self.statuses
            .lock()
            .expect("the status lock is never poisoned")
            .insert(
                agent_id.to_owned(),
                (Some(status), std::time::Instant::now()),
            );
    }

    /// The permissions an agent with these readable queues gets.
    fn permissions(&self, readable: &[String]) -> Permissions {
        Permissions {
            configure: "^$".to_owned(),
            write: exactly(&[self.names.events_exchange()]),
            read: exactly(readable),
        }
    }

    /// The topology of every agent that is not revoked, for the master to declare (again after
    /// every reconnect).
    pub async fn topology(&self) -> Result<Topology, IdentityError> {
        let mut topology = Topology::default();
        for credential in credentials::active(&self.db).await? {
            if let Ok(agent_id) = credential.agent_id.parse::<uuid::Uuid>() {
                topology.merge(&Topology::enrolled_agent(
                    &self.names,
                    agent_id,
                    self.queue_defaults,
                ));
            }
        }
        Ok(topology)
    }

    /// Enroll a node: make its agent, its control queue and its broker user (whose password is
    /// the token's one-time secret, able to read only that queue), and return the join token.
    pub async fn enroll(&self, request: EnrollRequest) -> Result<Enrollment, IdentityError> {
        let agent_id = uuid::Uuid::new_v4();
        let broker_user = self.names.agent_user(agent_id);
        let secret = secret_text(&random::<24>()?);
        let password_hash = rabbitmq_password_hash(&secret, random::<4>()?);
        // The database first: the reconciler deletes broker users the database does not know,
        // so a user must never exist before its row.
        let now = now_us();
        let expires_at = now + request.expires_in.as_micros() as i64;
        let (request_ref, password_hash_ref, broker_user_ref) =
            (&request, &password_hash, &broker_user);
        write_transaction(&self.db, |transaction| async move {
            let (request, password_hash, broker_user) =
                (request_ref, password_hash_ref, broker_user_ref);
            let transaction = &*transaction;
            crate::store::agents::create_pending(
                transaction,
                &agent_id.to_string(),
                request.name.as_deref().unwrap_or("(joining)"),
                request.tags.as_ref(),
            )
            .await?;
            credentials::insert(
                transaction,
                &Credential {
                    agent_id: agent_id.to_string(),
                    broker_user: broker_user.clone(),
                    status: CredentialStatus::Pending,
                    password_hash: password_hash.clone(),
                    name: request.name.clone(),
                    created_by: request.created_by.clone(),
                    time_created: now,
                    time_expires: Some(expires_at),
                    time_joined: None,
                    time_revoked: None,
                },
            )
            .await?;
            Ok::<_, IdentityError>(())
        })
        .await?;
        self.note_status(&agent_id.to_string(), CredentialStatus::Pending);
        let provisioned = async {
            self.management
                .put_user(&broker_user, &password_hash)
                .await?;
            self.management
                .set_permissions(
                    &broker_user,
                    &self.permissions(&[self.names.agent_queue(agent_id)]),
                )
                .await?;
            let channel = self.publisher.channel().await?;
            self.publisher
                .broker()
                .declare(
                    &Topology::enrolled_agent(&self.names, agent_id, self.queue_defaults),
                    &channel,
                )
                .await?;
            Ok::<_, IdentityError>(())
        }
        .await;
        if let Err(error) = provisioned {
            let _ = self.management.delete_user(&broker_user).await;
            self.delete_control_queue(agent_id).await;
            let id_text = agent_id.to_string();
            let id_text = &id_text;
            write_transaction(&self.db, |transaction| async move {
                let transaction = &*transaction;
                credentials::delete(transaction, id_text).await?;
                crate::store::agents::delete(transaction, id_text).await?;
                Ok::<_, IdentityError>(())
            })
            .await?;
            return Err(error);
        }
        let token = JoinToken::new(
            self.names.namespace().to_owned(),
            AgentId(agent_id),
            broker_user,
            secret,
            if request.discover {
                Vec::new()
            } else {
                self.worker_urls.clone()
            },
            match self.queue_defaults.queue_type {
                warren_broker::QueueType::Classic => "classic".to_owned(),
                warren_broker::QueueType::Quorum => "quorum".to_owned(),
            },
            self.control.keys().public_keys(),
            self.master_url.clone(),
        );
        tracing::info!(%agent_id, name = ?request.name, expires_at = %rfc3339(expires_at), "enrolled a node");
        Ok(Enrollment {
            agent_id,
            token: token.encode(),
            expires_at,
        })
    }

    /// Answer a node's `Join` (already checked to come from the agent's own broker user): give
    /// its user the node's password, so the token's secret stops working, and tell the node.
    pub async fn complete_join(&self, join: &Join) -> Vec<Outgoing> {
        let agent_id = join.agent_id;
        let refuse = |reason: String| {
            tracing::warn!(%agent_id, reason, "refused a node's join");
            vec![self.control.to_agent(
                agent_id.0,
                &Message::JoinRefused(JoinRefused { agent_id, reason }),
            )]
        };
        let credential = match credentials::get(&self.db, &agent_id.to_string()).await {
            Ok(Some(credential)) => credential,
            Ok(None) => return refuse("this agent was never enrolled".to_owned()),
            Err(error) => return refuse(format!("the master's database failed: {error}")),
        };
        match credential.status {
            CredentialStatus::Pending => {}
            CredentialStatus::Enrolled => {
                return refuse("this join token was already used".to_owned());
            }
            CredentialStatus::Revoked => return refuse("this agent was revoked".to_owned()),
        }
        // An expired token's agent is revoked by the reconciler, after the node heard why.
        if credential
            .time_expires
            .is_some_and(|expires| expires < now_us())
        {
            return refuse(format!(
                "the join token expired at {}",
                rfc3339(credential.time_expires.unwrap_or_default())
            ));
        }
        if !is_rabbitmq_password_hash(&join.password_hash) {
            return refuse("the node's password hash is malformed".to_owned());
        }
        if let Err(error) = self
            .management
            .put_user(&credential.broker_user, &join.password_hash)
            .await
        {
            return refuse(format!("{}; try again", error_chain(&error)));
        }
        match credentials::set_joined(&self.db, &credential.agent_id, &join.password_hash).await {
            Ok(true) => self.note_status(&credential.agent_id, CredentialStatus::Enrolled),
            Ok(false) => return refuse("this join token was already used".to_owned()),
            Err(error) => return refuse(format!("the master's database failed: {error}")),
        }
        tracing::info!(%agent_id, hostname = %join.hostname, "a node joined the farm");
        vec![
            self.control
                .to_agent(agent_id.0, &Message::Joined(Joined { agent_id })),
        ]
    }

    /// Revoke an agent: it is marked revoked and its running tasks are queued again at once,
    /// then its broker user is deleted, its connections closed and its control queue deleted.
    /// Whatever the broker part could not do, the reconciler does later.
    pub async fn revoke(&self, agent_id: uuid::Uuid) -> Result<Revocation, IdentityError> {
        let id_text = agent_id.to_string();
        let id_text = &id_text;
        let (credential, newly_revoked, released_tasks) = write_transaction(&self.db, |transaction| async move {
            let transaction = &*transaction;
            let credential = credentials::get(transaction, id_text)
                .await?
                .ok_or_else(|| {
                    StoreError::Conflict(format!(
                        "agent {agent_id} was not enrolled: it uses the farm's shared broker credentials, which only changing them revokes"
                    ))
                })?;
            let newly_revoked = credentials::set_revoked(transaction, id_text).await?;
            let mut deltas = CountDeltas::default();
            let released_tasks = crate::store::tasks::requeue_lost(
                transaction,
                crate::store::tasks::Lost::agent(id_text),
                "the agent was revoked",
                &mut deltas,
            )
            .await?
            .len();
            deltas.apply(transaction).await?;
            Ok::<_, IdentityError>((credential, newly_revoked, released_tasks))
        })
        .await?;
        self.note_status(id_text, CredentialStatus::Revoked);
        self.forget(agent_id);
        self.management.delete_user(&credential.broker_user).await?;
        let closed_connections = self
            .management
            .close_connections(&credential.broker_user)
            .await?;
        self.delete_control_queue(agent_id).await;
        tracing::warn!(%agent_id, released_tasks, closed_connections, "revoked an agent");
        Ok(Revocation {
            newly_revoked,
            released_tasks,
            closed_connections,
        })
    }

    /// Delete an agent's control queue (best effort: a queue left behind holds nothing).
    async fn delete_control_queue(&self, agent_id: uuid::Uuid) {
        let Ok(channel) = self.publisher.channel().await else {
            return;
        };
        let queue = self.names.agent_queue(agent_id);
        let _ = self
            .publisher
            .broker()
            .within("delete an agent's control queue", async {
                channel
                    .queue_delete(
                        queue.as_str().into(),
                        warren_broker::lapin::options::QueueDeleteOptions::default(),
                    )
                    .await
                    .map_err(warren_broker::Error::amqp("delete a queue"))
            })
            .await;
    }

    fn forget(&self, agent_id: uuid::Uuid) {
        self.applied
            .lock()
            .expect("the permissions lock is never poisoned")
            .remove(&agent_id);
    }

    /// Give each of `agent_ids` that joined read access to exactly its control queue and the
    /// class queues it qualifies for (as the master sees its tags, software and size). Called
    /// before the agents hear of classes, so a worker never tries a queue it may not read.
    pub async fn sync_permissions(&self, agent_ids: &[uuid::Uuid]) {
        if let Err(error) = self.try_sync_permissions(agent_ids).await {
            tracing::warn!(error = %error_chain(&error), "cannot update agents' broker permissions");
        }
    }

    async fn try_sync_permissions(&self, agent_ids: &[uuid::Uuid]) -> Result<(), IdentityError> {
        if agent_ids.is_empty() {
            return Ok(());
        }
        let _serialised = self.syncing.lock().await;
        let ids: Vec<String> = agent_ids.iter().map(uuid::Uuid::to_string).collect();
        let statuses = credentials::statuses(&self.db, &ids).await?;
        let enrolled: Vec<String> = ids
            .into_iter()
            .filter(|id| statuses.get(id) == Some(&CredentialStatus::Enrolled))
            .collect();
        if enrolled.is_empty() {
            return Ok(());
        }
        let classes = crate::store::classes::all(&self.db).await?;
        let capabilities = crate::store::agents::capabilities_of(&self.db, enrolled).await?;
        for (id, capabilities) in capabilities {
            let Ok(agent_id) = id.parse::<uuid::Uuid>() else {
                continue;
            };
            let mut readable = vec![self.names.agent_queue(agent_id)];
            readable.extend(
                classes
                    .iter()
                    .filter(|class| class.requirements.satisfied_by(&capabilities))
                    .map(|class| self.names.class_queue(class.key.as_str())),
            );
            // Classes of several job queues share a queue.
            readable.sort();
            readable.dedup();
            let permissions = self.permissions(&readable);
            let unchanged = self
                .applied
                .lock()
                .expect("the permissions lock is never poisoned")
                .get(&agent_id)
                .is_some_and(|(read, at)| *read == permissions.read && at.elapsed() < APPLIED_TTL);
            if unchanged {
                continue;
            }
            self.management
                .set_permissions(&self.names.agent_user(agent_id), &permissions)
                .await?;
            self.applied
                .lock()
                .expect("the permissions lock is never poisoned")
                .insert(agent_id, (permissions.read, std::time::Instant::now()));
        }
        Ok(())
    }

    /// Update the permissions of every enrolled agent (after a new class appeared), online or
    /// not, disabled or not: each may read exactly the classes it qualifies for.
    pub async fn sync_all(&self) {
        match credentials::active(&self.db).await {
            Ok(active) => {
                let ids: Vec<uuid::Uuid> = active
                    .iter()
                    .filter(|credential| credential.status == CredentialStatus::Enrolled)
                    .filter_map(|credential| credential.agent_id.parse().ok())
                    .collect();
                self.sync_permissions(&ids).await;
            }
            Err(error) => {
                tracing::warn!(error = %error_chain(&error), "cannot list agents to update their permissions");
            }
        }
    }

    /// Make the broker's agent users match the database: revoke pending identities whose
    /// token expired, create users the broker lost, delete users the database does not know
    /// or revoked (and close their connections).
    pub async fn reconcile(&self) -> Result<(), IdentityError> {
        for agent_id in credentials::expired(&self.db, now_us()).await? {
            if let Ok(agent_id) = agent_id.parse::<uuid::Uuid>() {
                tracing::info!(%agent_id, "a join token expired unused; revoking its agent");
                self.revoke(agent_id).await?;
            }
        }
        let prefix = format!("{}.agent.", self.names.namespace());
        let in_broker: HashSet<String> = self
            .management
            .users_with_prefix(&prefix)
            .await?
            .into_iter()
            .collect();
        let active = credentials::active(&self.db).await?;
        let wanted: HashSet<&str> = active
            .iter()
            .map(|credential| credential.broker_user.as_str())
            .collect();
        for credential in &active {
            if in_broker.contains(&credential.broker_user) {
                continue;
            }
            let Ok(agent_id) = credential.agent_id.parse::<uuid::Uuid>() else {
                continue;
            };
            tracing::warn!(%agent_id, "the broker lost an agent's user; creating it again");
            self.management
                .put_user(&credential.broker_user, &credential.password_hash)
                .await?;
            self.management
                .set_permissions(
                    &credential.broker_user,
                    &self.permissions(&[self.names.agent_queue(agent_id)]),
                )
                .await?;
            self.forget(agent_id);
            self.sync_permissions(&[agent_id]).await;
        }
        for user in in_broker
            .iter()
            .filter(|user| !wanted.contains(user.as_str()))
        {
            tracing::warn!(user, "deleting a broker user of no enrolled agent");
            self.management.delete_user(user).await?;
            self.management.close_connections(user).await?;
        }
        Ok(())
    }

    /// Reconcile now and then until shutdown (the leading master runs this).
    pub async fn run(self: Arc<Self>, mut shutdown: Shutdown) {
        loop {
            if let Err(error) = self.reconcile().await {
                tracing::warn!(error = %error_chain(&error), "cannot reconcile the agents' broker users");
            }
            tokio::select! {
                () = shutdown.wait() => return,
                () = tokio::time::sleep(RECONCILE_PERIOD) => {}
            }
        }
    }
}

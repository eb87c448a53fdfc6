//! Webhooks: the farm events other systems may hear of, the URLs admins registered for them,
//! and each delivery's status.
//!
//! A state change records its event (`farm_events`) in the transaction that makes it, so no
//! event is lost with a crash and none is told of a change that was rolled back. The webhook
//! sender (see `crate::webhooks`) turns new events into one delivery per matching webhook and
//! sends those with retries; it never holds up the writer.

use sea_orm::{ConnectionTrait, FromQueryResult};
use serde_json::{Value, json};

use super::{Result, StoreError};
use crate::db::{backend_of, now_us, sql};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EventKind {
    /// A job ended with all its tasks done.
    #[serde(rename = "job.done")]
    JobDone,
    /// A job ended with failed tasks.
    #[serde(rename = "job.failed")]
    JobFailed,
    /// A job was paused.
    #[serde(rename = "job.paused")]
    JobPaused,
    /// A task failed for good (no retries left, or marked failed).
    #[serde(rename = "task.failed")]
    TaskFailed,
    /// An agent went offline: silent past its lease, or it said goodbye.
    #[serde(rename = "agent.offline")]
    AgentOffline,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::JobDone,
        Self::JobFailed,
        Self::JobPaused,
        Self::TaskFailed,
        Self::AgentOffline,
    ];

    /// The kind's name, as webhooks subscribe to it and receive it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::JobDone => "job.done",
            Self::JobFailed => "job.failed",
            Self::JobPaused => "job.paused",
            Self::TaskFailed => "task.failed",
            Self::AgentOffline => "agent.offline",
        }
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown event `{text}`: one of {}",
                    Self::ALL.map(Self::as_str).join(", ")
                )
            })
    }
}

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// What happened.
    pub kind: EventKind,
    /// The job concerned.
    pub job_id: Option<i64>,
    /// The task concerned.
    pub task_id: Option<i64>,
    /// The agent concerned.
    pub agent_id: Option<&'a str>,
    /// What the delivery's `data` says besides what the sender adds.
    pub data: Value,
}

/// Record an event, in the caller's transaction.
pub async fn record(
    connection: &impl ConnectionTrait,
    event: NewEvent<'_>,
) -> Result<(), sea_orm::DbErr> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "INSERT INTO farm_events (kind, job_id, task_id, agent_id, data, time, fanned_out) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                event.kind.as_str().into(),
                event.job_id.into(),
                event.task_id.into(),
                event.agent_id.map(str::to_owned).into(),
                event.data.to_string().into(),
                now_us().into(),
                false.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// A registered webhook.
#[derive(Clone, FromQueryResult)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The HMAC-SHA256 key of the signature header.
    pub secret: String,
    /// The event kinds it wants, a JSON array.
    pub events: String,
    /// Only job and task events of this job queue (agent events are not filtered).
    pub queue_id: Option<i64>,
    /// Whether it gets deliveries.
    pub active: bool,
    /// Who registered it.
    pub created_by: Option<String>,
    /// When (µs).
    pub time_created: i64,
}

impl std::fmt::Debug for Webhook {
    /// Everything but the secret.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("queue_id", &self.queue_id)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// The event kinds it wants.
    pub fn kinds(&self) -> Result<Vec<EventKind>> {
        super::json_column(format!("webhook {}", self.id), "events", &self.events)
    }
}

const WEBHOOK_COLUMNS: &str = "id, url, secret, events, queue_id, active, created_by, time_created";

/// Every webhook, by id.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<Webhook>> {
    Ok(Webhook::find_by_statement(sql(
        backend_of(connection),
        &format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id"),
        Vec::new(),
    ))
    .all(connection)
    .await?)
}

/// One webhook.
pub async fn get(connection: &impl ConnectionTrait, webhook_id: i64) -> Result<Webhook> {
    Webhook::find_by_statement(sql(
        backend_of(connection),
        &format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?"),
        vec![webhook_id.into()],
    ))
    .one(connection)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("webhook {webhook_id} not found")))
}

/// A webhook's settings.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Where deliveries go.
    pub url: String,
    /// The events it wants.
    pub events: Vec<EventKind>,
    /// Its job queue filter.
    pub queue_id: Option<i64>,
    /// Whether it gets deliveries.
    pub active: bool,
}

/// Register a webhook; its id.
pub async fn create(
    connection: &impl ConnectionTrait,
    settings: &WebhookSettings,
    secret: &str,
    created_by: Option<&str>,
) -> Result<i64> {
    super::first_id(
        connection,
        sql(
            backend_of(connection),
            "INSERT INTO webhooks (url, secret, events, queue_id, active, created_by, time_created) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            vec![
                settings.url.clone().into(),
                secret.into(),
                serde_json::to_string(&settings.events)
                    .expect("event kinds serialize")
                    .into(),
                settings.queue_id.into(),
                settings.active.into(),
                created_by.map(str::to_owned).into(),
                now_us().into(),
            ],
        ),
    )
    .await?
    .ok_or_else(|| StoreError::Corrupt("inserting a webhook returned no id".to_owned()))
}

/// Change a webhook's settings.
pub async fn update(
    connection: &impl ConnectionTrait,
    webhook_id: i64,
    settings: &WebhookSettings,
) -> Result<()> {
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE webhooks SET url = ?, events = ?, queue_id = ?, active = ? WHERE id = ?",
            vec![
                settings.url.clone().into(),
                serde_json::to_string(&settings.events)
                    .expect("event kinds serialize")
                    .into(),
                settings.queue_id.into(),
                settings.active.into(),
                webhook_id.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Remove a webhook and its deliveries.
pub async fn delete(connection: &impl ConnectionTrait, webhook_id: i64) -> Result<()> {
    let backend = backend_of(connection);
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
            vec![webhook_id.into()],
        ))
        .await?;
    let removed = connection
        .execute_raw(sql(
            backend,
            "DELETE FROM webhooks WHERE id = ?",
            vec![webhook_id.into()],
        ))
        .await?;
    if removed.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!(
            "webhook {webhook_id} not found"
        )));
    }
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct EventRow {
    id: i64,
    kind: String,
    job_id: Option<i64>,
    task_id: Option<i64>,
    data: String,
    time: i64,
}

#[derive(Debug, FromQueryResult)]
struct JobFacts {
    title: String,
    queue_id: i64,
    queue: String,
    user: Option<String>,
    state: super::Named<warren_shared::JobState>,
}

/// Turn up to `limit` new events into deliveries, one per active webhook that wants each (a
/// job or task event only for webhooks without a queue filter or with the job's queue), in one
/// transaction; how many events were handled. `ui_url` is the base of links to the web UI.
pub async fn fan_out(
    connection: &sea_orm::DatabaseConnection,
    limit: i64,
    ui_url: &str,
) -> Result<usize> {
    let transaction = crate::db::begin_write(connection).await?;
    let backend = backend_of(&transaction);
    let events = EventRow::find_by_statement(sql(
        backend,
        "SELECT id, kind, job_id, task_id, data, time FROM farm_events \
         WHERE fanned_out = ? ORDER BY id LIMIT ?",
        vec![false.into(), limit.into()],
    ))
    .all(&transaction)
    .await?;
    if events.is_empty() {
        return Ok(0);
    }
    let hooks = list(&transaction).await?;
    let mut subscribed = Vec::new();
    for hook in hooks.into_iter().filter(|hook| hook.active) {
        let kinds = hook.kinds()?;
        subscribed.push((hook, kinds));
    }
    for event in &events {
        let Ok(kind) = event.kind.parse::<EventKind>() else {
            tracing::warn!(event = event.id, kind = %event.kind, "an event of an unknown kind");
            continue;
        };
        let wanted: Vec<&Webhook> = subscribed
            .iter()
            .filter(|(_, kinds)| kinds.contains(&kind))
            .map(|(hook, _)| hook)
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let mut data: Value =
            super::json_column(format!("event {}", event.id), "data", &event.data)?;
        let mut queue_id = None;
        if let Some(job_id) = event.job_id {
            let facts = JobFacts::find_by_statement(sql(
                backend,
                "SELECT j.title, j.queue_id, q.name AS queue, j.user, j.state FROM jobs j \
                 JOIN job_queues q ON q.id = j.queue_id WHERE j.id = ?",
                vec![job_id.into()],
            ))
            .one(&transaction)
            .await?;
            let mut url = format!("{ui_url}/ui/#/jobs/{job_id}");
            if let Some(task_id) = event.task_id {
                url.push_str(&format!("?task={task_id}"));
            }
            if let (Some(facts), Some(object)) = (facts, data.as_object_mut()) {
                queue_id = Some(facts.queue_id);
                object.insert(
                    "job".to_owned(),
                    json!({"id": job_id, "title": facts.title, "queue": facts.queue,
                           "user": facts.user, "state": facts.state.0.as_str(), "url": url}),
                );
            }
        }
        for hook in wanted {
            if event.job_id.is_some() && hook.queue_id.is_some() && hook.queue_id != queue_id {
                continue;
            }
            let delivery_id = uuid::Uuid::new_v4().to_string();
            let body = json!({
                "delivery_id": delivery_id,
                "webhook_id": hook.id,
                "event": kind.as_str(),
                "time": crate::db::rfc3339(event.time),
                "data": data,
            });
            transaction
                .execute_raw(sql(
                    backend,
                    "INSERT INTO webhook_deliveries (webhook_id, delivery_id, event_id, kind, body, \
                     state, attempts, next_attempt_at, time_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    vec![
                        hook.id.into(),
                        delivery_id.into(),
                        event.id.into(),
                        kind.as_str().into(),
                        body.to_string().into(),
                        DeliveryState::Pending.as_str().into(),
                        0_i32.into(),
                        now_us().into(),
                        now_us().into(),
                    ],
                ))
                .await?;
        }
    }
    let last = events.last().map_or(0, |event| event.id);
    transaction
        .execute_raw(sql(
            backend,
            "UPDATE farm_events SET fanned_out = ? WHERE fanned_out = ? AND id <= ?",
            vec![true.into(), false.into(), last.into()],
        ))
        .await?;
    transaction.commit().await?;
    Ok(events.len())
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Not delivered yet; tried again at `next_attempt_at`.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; only a redelivery sends it again.
    Failed,
}

impl DeliveryState {
    /// Every state.
    pub const ALL: [Self; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    /// The state named `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == name)
    }

    /// The state's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = String;

    fn from_str(name: &str) -> std::result::Result<Self, String> {
        Self::from_name(name).ok_or_else(|| format!("no delivery state `{name}`"))
    }
}

/// A delivery.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Delivery {
    /// Row id.
    pub id: i64,
    /// Its webhook.
    pub webhook_id: i64,
    /// The id receivers see (`X-Warren-Delivery`), the same on every attempt.
    pub delivery_id: String,
    /// The event kind.
    pub kind: String,
    /// The JSON body sent.
    pub body: String,
    /// Where it stands.
    pub state: super::Named<DeliveryState>,
    /// Attempts made.
    pub attempts: i32,
    /// When it is tried next (µs), while pending.
    pub next_attempt_at: i64,
    /// The last answer's HTTP status.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was made (µs).
    pub time_created: i64,
    /// When the endpoint took it (µs).
    pub time_delivered: Option<i64>,
}

const DELIVERY_COLUMNS: &str = "id, webhook_id, delivery_id, kind, body, state, attempts, \
     next_attempt_at, last_status, last_error, time_created, time_delivered";

/// Pending deliveries due at `now`, oldest first, claimed until `claim_until` (so a slow send
/// is not started again meanwhile).
pub async fn claim_due(
    connection: &impl ConnectionTrait,
    now: i64,
    claim_until: i64,
    limit: i64,
) -> Result<Vec<Delivery>> {
    let backend = backend_of(connection);
    let due = Delivery::find_by_statement(sql(
        backend,
        &format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = ? AND next_attempt_at <= ? \
             ORDER BY next_attempt_at, id LIMIT ?"
        ),
        vec![DeliveryState::Pending.as_str().into(), now.into(), limit.into()],
    ))
    .all(connection)
    .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for delivery in due {
        let result = connection
            .execute_raw(sql(
                backend,
                "UPDATE webhook_deliveries SET next_attempt_at = ? \
                 WHERE id = ? AND state = ? AND next_attempt_at <= ?",
                vec![
                    claim_until.into(),
                    delivery.id.into(),
                    DeliveryState::Pending.as_str().into(),
                    now.into(),
                ],
            ))
            .await?;
        if result.rows_affected() == 1 {
            claimed.push(delivery);
        }
    }
    Ok(claimed)
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    /// The HTTP status, when the endpoint answered.
    pub status: Option<u16>,
    /// Why it failed; `None` when the endpoint took it (2xx).
    pub error: Option<String>,
    /// When to try again after a failure; `None` gives up (the delivery is `failed`).
    pub retry_at: Option<i64>,
}

/// Record an attempt of a delivery.
pub async fn record_attempt(
    connection: &impl ConnectionTrait,
    delivery_id: i64,
    result: &AttemptResult,
) -> Result<()> {
    let now = now_us();
    let (state, next, delivered) = match (&result.error, result.retry_at) {
        (None, _) => (DeliveryState::Delivered, now, Some(now)),
        (Some(_), Some(retry_at)) => (DeliveryState::Pending, retry_at, None),
        (Some(_), None) => (DeliveryState::Failed, now, None),
    };
    connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, \
             last_status = ?, last_error = ?, time_delivered = ? WHERE id = ?",
            vec![
                state.as_str().into(),
                next.into(),
                result.status.map(i32::from).into(),
                result.error.clone().into(),
                delivered.into(),
                delivery_id.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// A webhook's deliveries, newest first, optionally of one state.
pub async fn deliveries(
    connection: &impl ConnectionTrait,
    webhook_id: i64,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<Delivery>> {
    let mut values: Vec<sea_orm::Value> = vec![webhook_id.into()];
    let mut filter = String::new();
    if let Some(state) = state {
        filter.push_str(" AND state = ?");
        values.push(state.into());
    }
    values.push(limit.into());
    Ok(Delivery::find_by_statement(sql(
        backend_of(connection),
        &format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ?{filter} \
             ORDER BY id DESC LIMIT ?"
        ),
        values,
    ))
    .all(connection)
    .await?)
}

/// Send a delivery again now (whatever its state), keeping its delivery id.
pub async fn redeliver(
    connection: &impl ConnectionTrait,
    webhook_id: i64,
    delivery_id: &str,
) -> Result<()> {
    let result = connection
        .execute_raw(sql(
            backend_of(connection),
            "UPDATE webhook_deliveries SET state = ?, next_attempt_at = ? \
             WHERE webhook_id = ? AND delivery_id = ?",
            vec![
                DeliveryState::Pending.as_str().into(),
                now_us().into(),
                webhook_id.into(),
                delivery_id.into(),
            ],
        ))
        .await?;
    if result.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!(
            "webhook {webhook_id} has no delivery {delivery_id}"
        )));
    }
    Ok(())
}

/// Forget events handed out and deliveries finished before `cutoff` (µs).
pub async fn forget_before(connection: &impl ConnectionTrait, cutoff: i64) -> Result<()> {
    let backend = backend_of(connection);
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM farm_events WHERE fanned_out = ? AND time < ?",
            vec![true.into(), cutoff.into()],
        ))
        .await?;
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM webhook_deliveries WHERE state <> ? AND time_created < ?",
            vec![DeliveryState::Pending.as_str().into(), cutoff.into()],
        ))
        .await?;
    Ok(())
}

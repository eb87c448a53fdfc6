//! The farm at a glance: live change notifications over Server-Sent Events
//! (`/api/v1/events`), statistics over time (`/api/v1/statistics/...`), and the depth of the
//! farm's RabbitMQ queues from the broker's management API (`/api/v1/broker/queues`).

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};

use super::extract::{ApiPath, ApiQuery};
use super::{ApiError, AppState};
use crate::db::{now_us, rfc3339};
use crate::store::statistics;
use warren_shared::AgentState;

/// Changes closer together than this reach clients as one event.
const DEBOUNCE: Duration = Duration::from_millis(250);
/// A `change` event at least this often, for changes this master did not see (another replica
/// ingested them).
const MAX_QUIET: Duration = Duration::from_secs(5);

/// `GET /api/v1/events`: a `change` event (`{"seq": n}`) whenever jobs, tasks or agents
/// changed, at most four times a second; clients then read what they show again.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "farm",
    operation_id = "farm_events",
    responses(
        (status = 200, description = "Server-Sent Events: `change` events", content_type = "text/event-stream", body = String),
        super::openapi::Errors
    )
)]
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let changes = state.changes.subscribe();
    let stream = futures_util::stream::unfold((changes, true), |(mut changes, first)| async move {
        if !first {
            let _ = tokio::time::timeout(MAX_QUIET, changes.changed()).await;
            tokio::time::sleep(DEBOUNCE).await;
        }
        let seq = *changes.borrow_and_update();
        let event = Event::default()
            .event("change")
            .data(serde_json::json!({ "seq": seq }).to_string());
        Some((Ok(event), (changes, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// How far back a statistics query looks.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Hours back from now (1 to 744, default 6).
    #[param(minimum = 1, maximum = 744)]
    hours: Option<u32>,
}

impl Window {
    fn since(&self) -> Result<i64, ApiError> {
        let hours = self.hours.unwrap_or(6);
        if !(1..=744).contains(&hours) {
            return Err(ApiError::invalid(
                "hours",
                format!("`hours` must be between 1 and 744, got {hours}"),
            ));
        }
        Ok(now_us() - i64::from(hours) * 3_600_000_000)
    }
}

/// Task counts of one queue now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueCounts {
    /// Queue name.
    queue: String,
    /// Waiting to run (queued or handed to the broker).
    queued: i64,
    /// Running.
    running: i64,
    /// Done.
    done: i64,
    /// Failed.
    failed: i64,
    /// Paused.
    paused: i64,
    /// Cancelled.
    cancelled: i64,
}

/// Answer of `GET /api/v1/statistics/queues`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueCountList {
    /// Every queue, by name.
    queues: Vec<QueueCounts>,
}

/// `GET /api/v1/statistics/queues`: tasks by state in each queue, now.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/queues",
    tag = "farm",
    operation_id = "queue_counts",
    responses((status = 200, description = "Tasks by state per queue", body = QueueCountList), super::openapi::Errors)
)]
pub async fn queue_counts(State(state): State<AppState>) -> Result<Json<QueueCountList>, ApiError> {
    let queues = statistics::queue_task_counts(&state.db)
        .await?
        .into_iter()
        .map(|(queue, counts)| QueueCounts {
            queue,
            queued: counts[0] + counts[1],
            running: counts[2],
            done: counts[3],
            failed: counts[4],
            paused: counts[5],
            cancelled: counts[6],
        })
        .collect();
    Ok(Json(QueueCountList { queues }))
}

/// One queue's sample.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueSample {
    /// When (RFC 3339).
    time: String,
    /// Queue name.
    queue: String,
    /// Waiting to run.
    queued: i64,
    /// Running.
    running: i64,
    /// Done.
    done: i64,
    /// Failed.
    failed: i64,
    /// Paused.
    paused: i64,
    /// Cancelled.
    cancelled: i64,
    /// Tasks that finished successfully since the sample before.
    finished_done: i64,
    /// Tasks that failed for good since the sample before.
    finished_failed: i64,
}

/// Answer of `GET /api/v1/statistics/tasks`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueSamples {
    /// Oldest first.
    samples: Vec<QueueSample>,
}

/// `GET /api/v1/statistics/tasks`: task counts per queue over time, with the tasks that
/// finished between samples (the farm's throughput).
#[utoipa::path(
    get,
    path = "/api/v1/statistics/tasks",
    tag = "farm",
    operation_id = "task_statistics",
    params(Window),
    responses((status = 200, description = "Samples, oldest first", body = QueueSamples), super::openapi::Errors)
)]
pub async fn task_statistics(
    State(state): State<AppState>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<Json<QueueSamples>, ApiError> {
    let samples = statistics::queue_samples(&state.db, window.since()?)
        .await?
        .into_iter()
        .map(|sample| QueueSample {
            time: rfc3339(sample.time),
            queue: sample.name,
            queued: sample.queued,
            running: sample.running,
            done: sample.done,
            failed: sample.failed,
            paused: sample.paused,
            cancelled: sample.cancelled,
            finished_done: sample.finished_done,
            finished_failed: sample.finished_failed,
        })
        .collect();
    Ok(Json(QueueSamples { samples }))
}

/// Agents by state at one time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentStateSample {
    /// When (RFC 3339).
    time: String,
    /// Online and idle.
    online: i64,
    /// Running tasks.
    running: i64,
    /// Not heard from.
    offline: i64,
    /// Disabled.
    disabled: i64,
}

/// Answer of `GET /api/v1/statistics/agents`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentStateSamples {
    /// Oldest first.
    samples: Vec<AgentStateSample>,
}

/// `GET /api/v1/statistics/agents`: agents by state over time.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/agents",
    tag = "farm",
    operation_id = "agent_statistics",
    params(Window),
    responses((status = 200, description = "Samples, oldest first", body = AgentStateSamples), super::openapi::Errors)
)]
pub async fn agent_statistics(
    State(state): State<AppState>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<Json<AgentStateSamples>, ApiError> {
    let samples = statistics::agent_state_samples(&state.db, window.since()?)
        .await?
        .into_iter()
        .map(|sample| AgentStateSample {
            time: rfc3339(sample.time),
            online: sample.online,
            running: sample.running,
            offline: sample.offline,
            disabled: sample.disabled,
        })
        .collect();
    Ok(Json(AgentStateSamples { samples }))
}

/// One agent's figures at one time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentSample {
    /// When (RFC 3339).
    time: String,
    /// Free RAM, MB.
    free_ram: i64,
    /// Load average.
    load: f64,
    /// Tasks it was running.
    running_tasks: i64,
}

/// Answer of `GET /api/v1/agents/{agent_id}/statistics`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentSamples {
    /// Oldest first.
    samples: Vec<AgentSample>,
}

/// `GET /api/v1/agents/{agent_id}/statistics`: an agent's free RAM, load and running tasks
/// over time.
#[utoipa::path(
    get,
    path = "/api/v1/agents/{agent_id}/statistics",
    tag = "agents",
    operation_id = "agent_samples",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)"), Window),
    responses((status = 200, description = "Samples, oldest first", body = AgentSamples), super::openapi::Errors)
)]
pub async fn agent_samples(
    State(state): State<AppState>,
    ApiPath(agent_id): ApiPath<String>,
    ApiQuery(window): ApiQuery<Window>,
) -> Result<Json<AgentSamples>, ApiError> {
    let agent_id = super::agents::agent_id(&agent_id)?;
    crate::store::agents::get(&state.db, &agent_id).await?;
    let samples = statistics::agent_samples(&state.db, &agent_id, window.since()?)
        .await?
        .into_iter()
        .map(|sample| AgentSample {
            time: rfc3339(sample.time),
            free_ram: sample.free_ram,
            load: sample.load,
            running_tasks: sample.running_tasks,
        })
        .collect();
    Ok(Json(AgentSamples { samples }))
}

/// What `/metrics` reads besides the database.
#[derive(Clone)]
pub struct MasterMetrics {
    /// The ingester's counters.
    pub ingest: std::sync::Arc<crate::ingester::IngestStats>,
    /// Dispatch rounds that published.
    pub dispatch_latency: std::sync::Arc<warren_shared::metrics::Histogram>,
    /// The broker handle, for its reconnect count.
    pub broker: warren_broker::Broker,
    /// Failed logins and the logins refused while an account or address is throttled.
    pub logins: std::sync::Arc<super::throttle::LoginThrottle>,
    /// Whether workers may share the farm's broker credentials (`--insecure-shared-broker-credentials`).
    pub insecure_shared_credentials: bool,
}

/// `GET /metrics`: Prometheus text: tasks by queue and state, agents by state, dispatch
/// latency, ingestion batches, lag and counters, broker reconnects, dead letters. Needs no login.
pub async fn metrics(State(state): State<AppState>) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse as _;
    use std::sync::atomic::Ordering;
    use warren_shared::metrics::{CONTENT_TYPE, MetricsText};
    let mut task_values: Vec<(String, &str, f64)> = Vec::new();
    for (queue, counts) in statistics::queue_task_counts(&state.db).await? {
        for (task_state, count) in statistics::TASK_STATES.into_iter().zip(counts) {
            task_values.push((queue.clone(), task_state, count as f64));
        }
    }
    let mut agent_values: Vec<(String, f64)> = AgentState::ALL
        .iter()
        .map(|state| (state.as_str().to_owned(), 0.0))
        .collect();
    for (name, n) in statistics::agents_by_state(&state.db).await? {
        if let Some(entry) = agent_values.iter_mut().find(|(known, _)| *known == name) {
            entry.1 = n as f64;
        }
    }

    let metrics = &state.metrics;
    let ingest = &metrics.ingest;
    let mut text = MetricsText::new();
    let task_labels: Vec<[(&str, &str); 2]> = task_values
        .iter()
        .map(|(queue, task_state, _)| [("queue", queue.as_str()), ("state", *task_state)])
        .collect();
    let task_series: Vec<(&[(&str, &str)], f64)> = task_labels
        .iter()
        .zip(&task_values)
        .map(|(pairs, (_, _, value))| (&pairs[..], *value))
        .collect();
    text.gauge_family(
        "warren_tasks",
        "Tasks by job queue and state.",
        &task_series,
    );
    let agent_labels: Vec<[(&str, &str); 1]> = agent_values
        .iter()
        .map(|(name, _)| [("state", name.as_str())])
        .collect();
    let agent_series: Vec<(&[(&str, &str)], f64)> = agent_labels
        .iter()
        .zip(&agent_values)
        .map(|(pairs, (_, value))| (&pairs[..], *value))
        .collect();
    text.gauge_family("warren_agents", "Agents by state.", &agent_series);
    text.gauge(
        "warren_leader",
        "1 when this master leads (dispatches), 0 when it stands by.",
        if *state.leading.borrow() { 1.0 } else { 0.0 },
    );
    text.histogram(
        "warren_dispatch_latency_seconds",
        "Dispatch rounds that published tasks, from their start to the broker's confirms.",
        &metrics.dispatch_latency,
    );
    text.histogram(
        "warren_ingest_batch_events",
        "Worker events applied per committed ingestion batch.",
        &ingest.batch_sizes,
    );
    text.histogram(
        "warren_ingest_apply_seconds",
        "Time to apply and commit an ingestion batch.",
        &ingest.apply_seconds,
    );
    text.gauge(
        "warren_ingest_lag_seconds",
        "Age of the oldest event of the last ingested batch when it was taken.",
        ingest.lag_ms.load(Ordering::Relaxed) as f64 / 1000.0,
    );
    text.counter(
        "warren_ingested_events_total",
        "Worker events applied.",
        ingest.events.load(Ordering::Relaxed),
    );
    text.counter(
        "warren_stale_events_total",
        "Worker events dropped because their sender no longer held the attempt.",
        ingest.stale_events.load(Ordering::Relaxed),
    );
    text.counter(
        "warren_dead_letters_total",
        "Messages this master sent to the dead-letter queue.",
        ingest.dead_letters.load(Ordering::Relaxed),
    );
    text.counter(
        "warren_broker_reconnects_total",
        "Broker connections this master made again after the first.",
        metrics.broker.reconnects(),
    );
    text.counter(
        "warren_unauthorized_events_total",
        "Worker events refused because their broker user does not belong to the agent they name.",
        ingest.unauthorized_events.load(Ordering::Relaxed),
    );
    text.gauge(
        "warren_insecure_shared_broker_credentials",
        "1 when workers may share the farm's broker credentials (--insecure-shared-broker-credentials).",
        if metrics.insecure_shared_credentials { 1.0 } else { 0.0 },
    );
    text.counter(
        "warren_login_failures_total",
        "Logins refused for a wrong user name or password.",
        metrics.logins.failures(),
    );
    text.counter(
        "warren_login_throttled_total",
        "Logins refused because the account or the address failed too often in a row.",
        metrics.logins.throttled(),
    );
    Ok((
        [(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)],
        text.finish(),
    )
        .into_response())
}

/// One RabbitMQ queue of the farm.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrokerQueue {
    /// Queue name.
    name: String,
    /// Messages waiting.
    messages_ready: i64,
    /// Messages delivered and not yet acknowledged.
    messages_unacknowledged: i64,
    /// Consumers.
    consumers: i64,
}

/// Answer of `GET /api/v1/broker/queues`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrokerQueues {
    /// The farm's queues, by name.
    queues: Vec<BrokerQueue>,
    /// RabbitMQ's management UI.
    management_url: String,
}

/// `GET /api/v1/broker/queues`: the farm's RabbitMQ queues with their depths, from the
/// management API (503 when it cannot be reached).
#[utoipa::path(
    get,
    path = "/api/v1/broker/queues",
    tag = "farm",
    operation_id = "broker_queues",
    responses((status = 200, description = "Queue depths", body = BrokerQueues), super::openapi::Errors)
)]
pub async fn broker_queues(State(state): State<AppState>) -> Result<Json<BrokerQueues>, ApiError> {
    let api = &state.management;
    let all = api.queues().await.map_err(|error| {
        tracing::debug!(error = %warren_broker::error_chain(&error), "RabbitMQ's management API cannot be read");
        ApiError::Unavailable(format!(
            "RabbitMQ's management API at {} cannot be read (is the rabbitmq_management plugin enabled?)",
            api.base
        ))
    })?;
    let prefix = format!("{}.", state.namespace);
    let mut queues: Vec<BrokerQueue> = all
        .into_iter()
        .filter(|queue| queue.name.starts_with(&prefix))
        .map(|queue| BrokerQueue {
            name: queue.name,
            messages_ready: queue.messages_ready,
            messages_unacknowledged: queue.messages_unacknowledged,
            consumers: queue.consumers,
        })
        .collect();
    queues.sort_by(|left, right| left.name.cmp(&right.name));
    Ok(Json(BrokerQueues {
        queues,
        management_url: format!("{}/#/queues", api.ui_url),
    }))
}

//! Agent, tag and dead-letter endpoints.

use std::collections::BTreeSet;
pub use warren_api::{AgentList, AgentView};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use warren_shared::message::CheckSoftware;
use warren_shared::{AgentState, Message, TaskState};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::Principal;
use crate::db::{rfc3339, write_transaction};
use crate::store::agents::{self, AgentFilter, AgentRecord};
use crate::store::counters::CountDeltas;

fn agent_json(record: &AgentRecord) -> Result<AgentView, crate::store::StoreError> {
    let agent = &record.agent;
    let owner = format!("agent {}", agent.id);
    let parsed = |column: &str, text: &str| -> Result<Value, crate::store::StoreError> {
        crate::store::json_column(&owner, column, text)
    };
    Ok(AgentView {
        id: agent.id.clone(),
        hostname: agent.hostname.clone(),
        addresses: parsed("addresses", &agent.addresses)?,
        os: agent.os.clone(),
        os_name: agent.os_name.clone(),
        cpu_name: agent.cpu_name.clone(),
        state: record.state(),
        disabled: agent.disabled,
        tags: record.tags.clone(),
        tags_overridden: agent.tags_override.is_some(),
        cpus: agent.cpus,
        ram: agent.ram,
        free_ram: agent.free_ram,
        load: agent.load,
        gpus: parsed("gpus", &agent.gpus)?,
        disks: parsed("disks", &agent.disks)?,
        software: parsed("software", &agent.software)?,
        version: agent.version.clone(),
        notes: agent.notes.clone(),
        last_heard_from: rfc3339(agent.last_heard_from),
        time_created: rfc3339(agent.time_created),
    })
}

pub(super) fn agent_id(text: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::BadRequest(format!("`{text}` is not an agent id (a UUID)")))
}

/// Filters of `GET /api/v1/agents`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgentQuery {
    /// Only agents in this state.
    #[param(pattern = "^(online|running|offline|disabled|pending|revoked)$")]
    state: Option<String>,
    /// Only agents with at least this much RAM, MB.
    #[param(minimum = 0)]
    min_ram: Option<i64>,
    /// Only agents with at most this much RAM, MB.
    #[param(minimum = 0)]
    max_ram: Option<i64>,
    /// Only agents with at least this many CPUs.
    #[param(minimum = 0)]
    min_cpus: Option<i32>,
    /// Only agents with at most this many CPUs.
    #[param(minimum = 0)]
    max_cpus: Option<i32>,
    /// Only agents whose host name contains this.
    hostname: Option<String>,
    /// Only agents with this tag.
    tag: Option<String>,
    /// Most agents per page (1 to 10000); all when omitted.
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid)]
    cursor: Option<String>,
    /// `hostname`, `state`, `cpus`, `ram`, `free_ram`, `load` or `last_heard_from`, descending
    /// with a leading `-`; default `hostname`.
    #[param(pattern = "^[-+]?(hostname|state|cpus|ram|free_ram|load|last_heard_from)$")]
    sort: Option<String>,
}

/// What an agent list is ordered by; ties are broken by host name, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgentSortKey {
    Hostname,
    State,
    Cpus,
    Ram,
    FreeRam,
    Load,
    LastHeardFrom,
}

const AGENT_SORT_KEYS: [(&str, AgentSortKey); 7] = [
    ("hostname", AgentSortKey::Hostname),
    ("state", AgentSortKey::State),
    ("cpus", AgentSortKey::Cpus),
    ("ram", AgentSortKey::Ram),
    ("free_ram", AgentSortKey::FreeRam),
    ("load", AgentSortKey::Load),
    ("last_heard_from", AgentSortKey::LastHeardFrom),
];

fn sort_agents(records: &mut [agents::AgentRecord], key: AgentSortKey, descending: bool) {
    records.sort_by(|left, right| {
        let (a, b) = (&left.agent, &right.agent);
        let order = match key {
            AgentSortKey::Hostname => std::cmp::Ordering::Equal,
            AgentSortKey::State => left.state().cmp(&right.state()),
            AgentSortKey::Cpus => a.cpus.cmp(&b.cpus),
            AgentSortKey::Ram => a.ram.cmp(&b.ram),
            AgentSortKey::FreeRam => a.free_ram.cmp(&b.free_ram),
            AgentSortKey::Load => a.load.total_cmp(&b.load),
            AgentSortKey::LastHeardFrom => a.last_heard_from.cmp(&b.last_heard_from),
        }
        .then_with(|| a.hostname.cmp(&b.hostname))
        .then_with(|| a.id.cmp(&b.id));
        if descending { order.reverse() } else { order }
    });
}

/// `GET /api/v1/agents`.
#[utoipa::path(
    get,
    operation_id = "list_agents",
    path = "/api/v1/agents",
    tag = "agents",
    params(AgentQuery),
    responses((status = 200, description = "Agents", body = AgentList), super::openapi::Errors)
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AgentQuery>,
) -> Result<Json<AgentList>, ApiError> {
    let state_filter = query
        .state
        .as_deref()
        .map(str::parse::<AgentState>)
        .transpose()
        .map_err(|error| ApiError::invalid("state", error))?;
    for (field, value) in [
        ("min_ram", query.min_ram),
        ("max_ram", query.max_ram),
        ("min_cpus", query.min_cpus.map(i64::from)),
        ("max_cpus", query.max_cpus.map(i64::from)),
    ] {
        if value.is_some_and(|value| value < 0) {
            return Err(ApiError::invalid(
                field,
                format!("`{field}` must not be negative"),
            ));
        }
    }
    let filter = AgentFilter {
        state: state_filter,
        min_ram: query.min_ram,
        max_ram: query.max_ram,
        min_cpus: query.min_cpus,
        max_cpus: query.max_cpus,
        hostname: query.hostname,
        tag: query.tag,
    };
    let (sort, descending) = super::paging::parse_sort(
        query.sort.as_deref(),
        &AGENT_SORT_KEYS,
        (AgentSortKey::Hostname, false),
    )?;
    let mut records = agents::list(&state.db, &filter).await?;
    sort_agents(&mut records, sort, descending);
    let start = match &query.cursor {
        None => 0,
        Some(cursor) => match records.iter().position(|record| record.agent.id == *cursor) {
            Some(position) => position + 1,
            None if uuid::Uuid::parse_str(cursor).is_ok()
                && agents::get(&state.db, cursor).await.is_err() =>
            {
                return Err(ApiError::NotFound(format!(
                    "agent {cursor} (the cursor) no longer exists; list from the start"
                )));
            }
            None => {
                return Err(ApiError::invalid(
                    "cursor",
                    format!("`{cursor}` is not a cursor of this list"),
                ));
            }
        },
    };
    // Without `limit`, every agent; with one, the usual page bounds.
    let limit = match query.limit {
        None => usize::MAX,
        limit => super::paging::page_size(limit)? as usize,
    };
    let page: Vec<AgentView> = records
        .iter()
        .skip(start)
        .take(limit)
        .map(agent_json)
        .collect::<Result<_, _>>()?;
    let next_cursor = (start + page.len() < records.len())
        .then(|| page.last().map(|agent| agent.id.clone()))
        .flatten();
    Ok(Json(AgentList {
        agents: page,
        next_cursor,
    }))
}

/// `GET /api/v1/tags/{tag}/agents`.
#[utoipa::path(
    get,
    operation_id = "agents_with_tag",
    path = "/api/v1/tags/{tag}/agents",
    tag = "agents",
    params(("tag" = String, Path, description = "Tag")),
    responses((status = 200, description = "Agents with the tag", body = AgentList), super::openapi::Errors)
)]
pub async fn by_tag(
    State(state): State<AppState>,
    ApiPath(tag): ApiPath<String>,
) -> Result<Json<AgentList>, ApiError> {
    let records = agents::list(
        &state.db,
        &AgentFilter {
            tag: Some(tag),
            ..AgentFilter::default()
        },
    )
    .await?;
    Ok(Json(AgentList {
        agents: records.iter().map(agent_json).collect::<Result<_, _>>()?,
        next_cursor: None,
    }))
}

/// `GET /api/v1/agents/{id}`.
#[utoipa::path(
    get,
    operation_id = "get_agent",
    path = "/api/v1/agents/{agent_id}",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 200, description = "The agent", body = AgentView), super::openapi::Errors)
)]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgentView>, ApiError> {
    Ok(Json(agent_json(
        &agents::get(&state.db, &agent_id(&id)?).await?,
    )?))
}

/// Answer of `GET /api/v1/agents/{id}/software`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AgentSoftware {
    /// Each piece of software the agent's checks found, with its versions.
    software: std::collections::BTreeMap<String, Vec<String>>,
}

/// `GET /api/v1/agents/{id}/software`.
#[utoipa::path(
    get,
    operation_id = "agent_software",
    path = "/api/v1/agents/{agent_id}/software",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 200, description = "The agent's software and versions", body = AgentSoftware), super::openapi::Errors)
)]
pub async fn software(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgentSoftware>, ApiError> {
    let record = agents::get(&state.db, &agent_id(&id)?).await?;
    Ok(Json(AgentSoftware {
        software: record.software()?,
    }))
}

/// Filters of `GET /api/v1/agents/{id}/tasks`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgentTasksQuery {
    /// Only tasks in this state.
    #[param(pattern = "^(queued|dispatched|running|done|failed|paused|cancelled)$")]
    state: Option<String>,
}

/// A task an agent holds or ran.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AgentTask {
    /// Task id.
    id: i64,
    /// Its job.
    job_id: i64,
    /// First frame.
    frame_first: i64,
    /// Last frame.
    frame_last: i64,
    /// Task state.
    state: String,
    /// Attempts so far.
    attempts: i32,
    /// 0 to 1.
    progress: f64,
    /// When its latest attempt started (RFC 3339).
    time_started: Option<String>,
    /// When it ended (RFC 3339).
    time_finished: Option<String>,
}

/// Answer of `GET /api/v1/agents/{id}/tasks`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AgentTasks {
    /// Newest first, at most 1,000.
    tasks: Vec<AgentTask>,
}

/// `GET /api/v1/agents/{id}/tasks`: tasks the agent holds or last ran, newest first.
#[utoipa::path(
    get,
    operation_id = "agent_tasks",
    path = "/api/v1/agents/{agent_id}/tasks",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)"), AgentTasksQuery),
    responses((status = 200, description = "Tasks the agent holds or ran", body = AgentTasks), super::openapi::Errors)
)]
pub async fn tasks(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AgentTasksQuery>,
) -> Result<Json<AgentTasks>, ApiError> {
    let id = agent_id(&id)?;
    agents::get(&state.db, &id).await?;
    let task_state = query
        .state
        .as_deref()
        .map(|text| {
            text.parse::<TaskState>()
                .map_err(|error| ApiError::invalid("state", error))
        })
        .transpose()?;
    let rows = crate::store::tasks::of_agent(&state.db, &id, task_state, 1000)
        .await
        .map_err(ApiError::from)?;
    let tasks = rows
        .into_iter()
        .map(|task| AgentTask {
            id: task.id,
            job_id: task.job_id,
            frame_first: task.frame_first,
            frame_last: task.frame_last,
            state: task.state,
            attempts: task.attempts,
            progress: task.progress,
            time_started: task.time_started.map(rfc3339),
            time_finished: task.time_finished.map(rfc3339),
        })
        .collect();
    Ok(Json(AgentTasks { tasks }))
}

/// `PATCH /api/v1/agents/{id}`: tags, notes, `disabled`.
#[utoipa::path(
    patch,
    operation_id = "patch_agent",
    path = "/api/v1/agents/{agent_id}",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    request_body = AgentPatch,
    responses((status = 200, description = "The changed agent", body = AgentView), super::openapi::Errors)
)]
pub async fn patch(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<AgentPatch>,
) -> Result<Json<AgentView>, ApiError> {
    let id = agent_id(&id)?;
    let uuid = uuid::Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("invalid agent id".to_owned()))?;
    let tags: Option<Option<BTreeSet<String>>> = match patch.tags.clone() {
        Some(Some(tags)) => {
            for tag in &tags {
                warren_shared::requirements::validate_tag(tag)
                    .map_err(|error| ApiError::invalid("tags", error))?;
            }
            Some(Some(tags.into_iter().collect()))
        }
        Some(None) => Some(None),
        None => None,
    };
    if let Some(notes) = &patch.notes
        && (notes.len() > 65_536 || notes.contains('\0'))
    {
        return Err(ApiError::invalid(
            "notes",
            "`notes` must be text of at most 64 KiB",
        ));
    }
    let tags = &tags;
    let patch = &patch;
    let id = &id;
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        agents::update(
            transaction,
            id,
            &agents::AgentChange {
                notes: patch.notes.clone(),
                disabled: patch.disabled,
                tags: tags.clone(),
            },
        )
        .await?;
        Ok::<_, ApiError>(())
    })
    .await?;

    let mut messages = Vec::new();
    if tags.is_some() {
        state.identities.sync_permissions(&[uuid]).await;
    }
    match &tags {
        Some(Some(_)) => messages.extend(state.control.agent_setup(&state.db, &[uuid]).await?),
        Some(None) => messages.push(
            state
                .control
                .to_agent(uuid, &Message::CheckSoftware(CheckSoftware::default())),
        ),
        None => {}
    }
    if let Some(disabled) = patch.disabled {
        messages.push(state.control.drain(uuid, disabled));
        tracing::info!(agent_id = %id, disabled, "agent enabled or disabled");
    }
    state.control.send(messages).await;
    state.dispatcher.settings_changed();
    Ok(Json(agent_json(&agents::get(&state.db, id).await?)?))
}

/// `DELETE /api/v1/agents/{id}`: forget an agent; tasks it was running are queued again. A worker
/// that is still alive registers again at its next heartbeat: to shut a node out, revoke it
/// (`POST /api/v1/agents/{id}/revoke`).
#[utoipa::path(
    delete,
    operation_id = "delete_agent",
    path = "/api/v1/agents/{agent_id}",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 204, description = "Forgotten"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = agent_id(&id)?;
    let id = &id;
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        agents::get(transaction, id).await?;
        let mut deltas = CountDeltas::default();
        crate::store::tasks::requeue_lost(
            transaction,
            crate::store::tasks::Lost::agent(id),
            "the agent was deleted",
            &mut deltas,
        )
        .await
        .map_err(ApiError::from)?;
        deltas.apply(transaction).await.map_err(ApiError::from)?;
        agents::delete(transaction, id)
            .await
            .map_err(ApiError::from)?;
        Ok::<_, ApiError>(())
    })
    .await?;
    state.dispatcher.settings_changed();
    tracing::info!(agent_id = %id, "agent deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/agents/{id}/check-software`: ask the worker to look for its software again.
#[utoipa::path(
    post,
    operation_id = "check_agent_software",
    path = "/api/v1/agents/{agent_id}/check-software",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 202, description = "Asked"), super::openapi::Errors)
)]
pub async fn check_software(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = agent_id(&id)?;
    agents::get(&state.db, &id).await?;
    let uuid = uuid::Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("invalid agent id".to_owned()))?;
    state
        .control
        .send(vec![state.control.to_agent(
            uuid,
            &Message::CheckSoftware(CheckSoftware::default()),
        )])
        .await;
    Ok(StatusCode::ACCEPTED)
}

/// Answer of `POST /api/v1/agents/enroll`: the join token, shown only this once.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EnrollView {
    /// The agent made for the node.
    agent_id: String,
    /// The join token: give it to `warren-worker join` on the node.
    token: String,
    /// When the token stops working (RFC 3339).
    expires_at: String,
    /// The command to run on the node.
    join_command: String,
}

/// `POST /api/v1/agents/enroll` (admins): make an agent for a new node, with its own broker user
/// that only the node will know the password of, and answer the join token that brings the
/// node in (`warren-worker join TOKEN`). The token works once.
#[utoipa::path(
    post,
    operation_id = "enroll_agent",
    path = "/api/v1/agents/enroll",
    tag = "agents",
    request_body = EnrollBody,
    responses((status = 201, description = "The join token (shown once)", body = EnrollView), super::openapi::Errors)
)]
pub async fn enroll(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<Principal>,
    ApiJson(body): ApiJson<EnrollBody>,
) -> Result<(StatusCode, Json<EnrollView>), ApiError> {
    if let Some(name) = &body.name
        && (name.is_empty() || name.len() > 255 || name.contains('\0'))
    {
        return Err(ApiError::invalid(
            "name",
            "`name` must be 1 to 255 bytes of text",
        ));
    }
    let tags = match body.tags {
        Some(tags) => {
            for tag in &tags {
                warren_shared::requirements::validate_tag(tag)
                    .map_err(|error| ApiError::invalid("tags", error))?;
            }
            Some(tags.into_iter().collect::<BTreeSet<String>>())
        }
        None => None,
    };
    let expires_in_secs = body.expires_in_secs.unwrap_or(24 * 3600);
    if !(60..=30 * 24 * 3600).contains(&expires_in_secs) {
        return Err(ApiError::invalid(
            "expires_in_secs",
            "`expires_in_secs` must be 60 to 2592000 (30 days)",
        ));
    }
    let enrollment = state
        .identities
        .enroll(crate::identities::EnrollRequest {
            name: body.name,
            tags,
            expires_in: std::time::Duration::from_secs(expires_in_secs),
            discover: body.discover,
            created_by: Some(principal.username.clone()),
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(EnrollView {
            agent_id: enrollment.agent_id.to_string(),
            join_command: format!("warren-worker join {}", enrollment.token),
            token: enrollment.token,
            expires_at: rfc3339(enrollment.expires_at),
        }),
    ))
}

pub use warren_api::requests::{AgentPatch, EnrollBody, RestartBody};
pub use warren_api::{RestartList, RestartView};

/// Answer of `POST /api/v1/agents/restart`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RestartPlan {
    /// The request's number (its rows in `GET /api/v1/agents/restarts`).
    batch: i64,
    /// The agents that will restart (those with a restart under way are left out).
    agents: Vec<String>,
}

/// `POST /api/v1/agents/restart`: drain the agents, let their running tasks finish (or hand them
/// back with `now`), then have each run its worker binary again from disk, which upgrades it
/// when the binary was replaced. At most `max_at_once` of them drain or restart at a time; one
/// that does not come back holds the rest.
#[utoipa::path(
    post,
    operation_id = "restart_agents",
    path = "/api/v1/agents/restart",
    tag = "agents",
    request_body = RestartBody,
    responses((status = 202, description = "The restarts, under way", body = RestartPlan), super::openapi::Errors)
)]
pub async fn restart(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<Principal>,
    ApiJson(body): ApiJson<RestartBody>,
) -> Result<(StatusCode, Json<RestartPlan>), ApiError> {
    if !(1..=10_000).contains(&body.max_at_once) {
        return Err(ApiError::invalid(
            "max_at_once",
            "`max_at_once` must be 1 to 10000",
        ));
    }
    let agents = match (body.all, body.agents.is_empty()) {
        (true, true) => crate::store::restarts::online_agents(&state.db).await?,
        (false, false) => body
            .agents
            .iter()
            .map(|id| {
                agent_id(id)
                    .map_err(|_| ApiError::invalid("agents", format!("`{id}` is not an agent id")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(ApiError::invalid(
                "agents",
                "name the agents, or give `all: true`, not both",
            ));
        }
    };
    let (batch, agents) = crate::store::restarts::request(
        &state.db,
        &agents,
        body.max_at_once,
        body.now,
        &principal.username,
    )
    .await?;
    tracing::info!(batch, ?agents, max_at_once = body.max_at_once, now = body.now, by = %principal.username, "agent restart requested");
    Ok((StatusCode::ACCEPTED, Json(RestartPlan { batch, agents })))
}

/// `GET /api/v1/agents/restarts`: the latest agent restarts and how they went.
#[utoipa::path(
    get,
    path = "/api/v1/agents/restarts",
    tag = "agents",
    responses((status = 200, description = "The latest restarts", body = RestartList), super::openapi::Errors)
)]
pub async fn restarts(State(state): State<AppState>) -> Result<Json<RestartList>, ApiError> {
    let restarts = crate::store::restarts::list(&state.db, 500)
        .await?
        .into_iter()
        .map(|row| RestartView {
            agent_id: row.agent_id,
            batch: row.batch,
            state: row.state.0.as_str().to_owned(),
            now: row.now,
            requested_by: row.requested_by,
            requested_at: rfc3339(row.requested_at),
            sent_at: row.sent_at.map(rfc3339),
            done_at: row.done_at.map(rfc3339),
            version_before: row.version_before,
            version_after: row.version_after,
        })
        .collect();
    Ok(Json(RestartList { restarts }))
}

/// Answer of `POST /api/v1/agents/{id}/revoke`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RevokeView {
    /// The agent, now `revoked`.
    agent: AgentView,
    /// Tasks it was running, queued again to run elsewhere.
    released_tasks: usize,
    /// Its broker connections closed.
    closed_connections: usize,
}

/// `POST /api/v1/agents/{id}/revoke` (admins): the agent's broker user is deleted and its
/// connections closed, so the node can no longer reach the farm; the tasks it was running run
/// again elsewhere. Enrolling the host again makes a new agent.
#[utoipa::path(
    post,
    operation_id = "revoke_agent",
    path = "/api/v1/agents/{agent_id}/revoke",
    tag = "agents",
    params(("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 200, description = "Revoked", body = RevokeView), super::openapi::Errors)
)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RevokeView>, ApiError> {
    let id = agent_id(&id)?;
    agents::get(&state.db, &id).await?;
    let uuid = uuid::Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest("invalid agent id".to_owned()))?;
    let revocation = state.identities.revoke(uuid).await?;
    state.dispatcher.settings_changed();
    state.dispatcher.wake();
    Ok(Json(RevokeView {
        agent: agent_json(&agents::get(&state.db, &id).await?)?,
        released_tasks: revocation.released_tasks,
        closed_connections: revocation.closed_connections,
    }))
}

/// The farm's public keys.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FarmKeysView {
    /// The keys that sign the master's messages now, newest first; during a rotation the old
    /// one too.
    keys: Vec<FarmKeyView>,
}

/// One public key.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FarmKeyView {
    /// Its id (the first 8 bytes of its SHA-256, in hex).
    key_id: String,
    /// The key, `ed25519:<base64>`; give it to workers with `--farm-key`.
    public_key: String,
}

/// `GET /api/v1/keys`: the public keys workers verify the master's messages with.
#[utoipa::path(
    get,
    operation_id = "farm_keys",
    path = "/api/v1/keys",
    tag = "agents",
    responses((status = 200, description = "The farm's public keys", body = FarmKeysView), super::openapi::Errors)
)]
pub async fn farm_keys(State(state): State<AppState>) -> Json<FarmKeysView> {
    Json(FarmKeysView {
        keys: state
            .control
            .keys()
            .public_keys()
            .into_iter()
            .map(|key| FarmKeyView {
                key_id: key.key_id.to_string(),
                public_key: key.public_key,
            })
            .collect(),
    })
}

//! Scheduling endpoints: the job queue tree, limits (licences), job groups, the agents a task
//! failed on, and a task's attempts.

use std::collections::BTreeMap;
use warren_api::requests::{NewGroup, NewQueue, QueuePatch};
pub use warren_api::{GroupJob, GroupList, GroupView, QueueList, QueueView};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sea_orm::ConnectionTrait;
use serde::Deserialize;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath};
use crate::db::{rfc3339, write_transaction};
use crate::store::scheduling::limit_use;
use crate::store::{failures, groups, limits, queues};
use warren_api::domain::{AgentCount, Priority, RetentionDays, Weight};

/// Every queue, with its parent's name.
async fn queue_rows(connection: &impl ConnectionTrait) -> Result<Vec<QueueView>, ApiError> {
    let queues = queues::list(connection).await?;
    let names: BTreeMap<i64, String> = queues
        .iter()
        .map(|queue| (queue.id, queue.name.clone()))
        .collect();
    Ok(queues
        .into_iter()
        .map(|queue| QueueView {
            parent: queue.parent_id.and_then(|id| names.get(&id).cloned()),
            id: queue.id,
            name: queue.name,
            parent_id: queue.parent_id,
            priority: queue.priority,
            weight: queue.weight,
            minimum_agents: queue.minimum_agents,
            maximum_agents: queue.maximum_agents,
            log_retention_days: queue.log_retention_days,
            jobs: queue.n_jobs,
            active_tasks: queue.active,
            time_created: rfc3339(queue.time_created),
        })
        .collect())
}

/// A queue by id or name.
async fn find_queue(connection: &impl ConnectionTrait, key: &str) -> Result<QueueView, ApiError> {
    queue_rows(connection)
        .await?
        .into_iter()
        .find(|queue| queue.name == key || queue.id.to_string() == key)
        .ok_or_else(|| ApiError::NotFound(format!("job queue `{key}` not found")))
}

/// `GET /api/v1/jobqueues`.
#[utoipa::path(
    get,
    path = "/api/v1/jobqueues",
    tag = "queues",
    responses((status = 200, description = "The queue tree", body = QueueList), super::openapi::Errors)
)]
pub async fn list_queues(State(state): State<AppState>) -> Result<Json<QueueList>, ApiError> {
    Ok(Json(QueueList {
        jobqueues: queue_rows(&state.db).await?,
    }))
}

/// `GET /api/v1/jobqueues/{queue}` (id or name).
#[utoipa::path(
    get,
    path = "/api/v1/jobqueues/{queue}",
    tag = "queues",
    params(("queue" = String, Path, description = "Queue id or name")),
    responses((status = 200, description = "The queue with its jobs", body = QueueView), super::openapi::Errors)
)]
pub async fn get_queue(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<QueueView>, ApiError> {
    Ok(Json(find_queue(&state.db, &key).await?))
}

/// `POST /api/v1/jobqueues`: a new queue, under `parent` (default `root`).
#[utoipa::path(
    post,
    path = "/api/v1/jobqueues",
    tag = "queues",
    request_body = NewQueue,
    responses((status = 201, description = "The queue", body = QueueView), super::openapi::Errors)
)]
pub async fn create_queue(
    State(state): State<AppState>,
    ApiJson(queue): ApiJson<NewQueue>,
) -> Result<(StatusCode, Json<QueueView>), ApiError> {
    warren_broker::validate_queue_name(&queue.name)
        .map_err(|error| ApiError::invalid("name", error))?;
    let queue = &queue;
    let created = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        let parent_name = queue.parent.as_deref().unwrap_or("root");
        let parent = find_queue(transaction, parent_name).await.map_err(|_| {
            ApiError::invalid("parent", format!("unknown parent queue `{parent_name}`"))
        })?;
        queues::create(
            transaction,
            &queues::NewQueue {
                parent_id: parent.id,
                name: &queue.name,
                priority: queue.priority.get(),
                weight: queue.weight.get(),
                minimum_agents: queue.minimum_agents.map(AgentCount::get),
                maximum_agents: queue.maximum_agents.map(AgentCount::get),
                log_retention_days: queue.log_retention_days.map(RetentionDays::get),
            },
        )
        .await?;
        find_queue(transaction, &queue.name).await
    })
    .await?;
    state.dispatcher.settings_changed();
    Ok((StatusCode::CREATED, Json(created)))
}

/// `PATCH /api/v1/jobqueues/{queue}`: priority, weight, minimum/maximum agents, parent. Takes
/// effect on the next dispatch round.
#[utoipa::path(
    patch,
    path = "/api/v1/jobqueues/{queue}",
    tag = "queues",
    params(("queue" = String, Path, description = "Queue id or name")),
    request_body = QueuePatch,
    responses((status = 200, description = "The changed queue", body = QueueView), super::openapi::Errors)
)]
pub async fn patch_queue(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
    ApiJson(patch): ApiJson<QueuePatch>,
) -> Result<Json<QueueView>, ApiError> {
    let patch = &patch;
    let key = &key;
    let updated = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        let queue = find_queue(transaction, key).await?;
        let queue_id = queue.id;
        let mut change = queues::QueueChange {
            priority: patch.priority.map(Priority::get),
            weight: patch.weight.map(Weight::get),
            minimum_agents: patch.minimum_agents.map(|value| value.map(AgentCount::get)),
            maximum_agents: patch.maximum_agents.map(|value| value.map(AgentCount::get)),
            log_retention_days: patch
                .log_retention_days
                .map(|value| value.map(RetentionDays::get)),
            parent_id: None,
        };
        if let Some(parent_name) = &patch.parent {
            let parent = find_queue(transaction, parent_name).await.map_err(|_| {
                ApiError::invalid("parent", format!("unknown parent queue `{parent_name}`"))
            })?;
            let parent_id = parent.id;
            // The new parent must not be the queue itself or one of its descendants.
            let all = queue_rows(transaction).await?;
            let mut current = Some(parent_id);
            for _ in 0..=all.len() {
                let Some(id) = current else { break };
                if id == queue_id {
                    return Err(ApiError::invalid(
                        "parent",
                        format!("queue `{parent_name}` is inside `{key}`: that would be a cycle"),
                    ));
                }
                current = all
                    .iter()
                    .find(|queue| queue.id == id)
                    .and_then(|queue| queue.parent_id);
            }
            change.parent_id = Some(parent_id);
        }
        queues::update(transaction, queue_id, &change).await?;
        let updated = find_queue(transaction, key).await?;
        Ok::<_, ApiError>(updated)
    })
    .await?;
    state.dispatcher.settings_changed();
    Ok(Json(updated))
}

/// `DELETE /api/v1/jobqueues/{queue}`: only an empty queue without sub-queues; never `root`.
#[utoipa::path(
    delete,
    path = "/api/v1/jobqueues/{queue}",
    tag = "queues",
    params(("queue" = String, Path, description = "Queue id or name")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete_queue(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let key = &key;
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        let queue = queues::find(transaction, key).await?;
        queues::delete(transaction, &queue).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A limit and how much of it is in use.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LimitView {
    /// Limit name.
    name: String,
    /// Units available farm-wide.
    max: i64,
    /// Counted once per host instead of once per task.
    per_host: bool,
    /// Units held now by dispatched and running tasks.
    in_use: i64,
}

/// Answer of the limits endpoints.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LimitList {
    /// Every limit, by name.
    limits: Vec<LimitView>,
}

/// `GET /api/v1/limits`: every limit with its use.
#[utoipa::path(
    get,
    path = "/api/v1/limits",
    tag = "limits",
    responses((status = 200, description = "Every limit with its use", body = LimitList), super::openapi::Errors)
)]
pub async fn list_limits(State(state): State<AppState>) -> Result<Json<LimitList>, ApiError> {
    let limits = limit_use(&state.db)
        .await?
        .into_iter()
        .map(|limit| LimitView {
            name: limit.name,
            max: limit.max_count,
            per_host: limit.per_host,
            in_use: limit.in_use,
        })
        .collect();
    Ok(Json(LimitList { limits }))
}

/// One limit's setting: a count, or `{"max": n, "per_host": bool}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum LimitSetting {
    /// Counted per task.
    Count(i64),
    /// Full form.
    Full {
        /// Units available.
        max: i64,
        /// Counted once per host.
        #[serde(default)]
        per_host: bool,
    },
}

/// `PUT /api/v1/limits`: create or change the limits named in the body, e.g.
/// `{"nuke": 20, "houdini": {"max": 5, "per_host": true}}`. Others are left alone.
#[utoipa::path(
    put,
    path = "/api/v1/limits",
    tag = "limits",
    request_body = std::collections::BTreeMap<String, LimitSetting>,
    responses((status = 200, description = "Every limit with its use", body = LimitList), super::openapi::Errors)
)]
pub async fn put_limits(
    State(state): State<AppState>,
    ApiJson(limits): ApiJson<BTreeMap<String, LimitSetting>>,
) -> Result<Json<LimitList>, ApiError> {
    let limits = &limits;
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        for (name, setting) in limits {
            warren_api::domain::LimitName::try_from(name.clone()).map_err(|error| {
                ApiError::invalid("limits", format!("limit name `{name}` {error}"))
            })?;
            let (max, per_host) = match setting {
                LimitSetting::Count(max) => (*max, false),
                LimitSetting::Full { max, per_host } => (*max, *per_host),
            };
            if !(0..=1_000_000).contains(&max) {
                return Err(ApiError::invalid(
                    "limits",
                    format!("limit `{name}` must be between 0 and 1000000, got {max}"),
                ));
            }
            limits::put(transaction, name, max as i32, per_host).await?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    state.dispatcher.settings_changed();
    list_limits(State(state)).await
}

/// `DELETE /api/v1/limits/{name}`: jobs that held it no longer do.
#[utoipa::path(
    delete,
    path = "/api/v1/limits/{name}",
    tag = "limits",
    params(("name" = String, Path, description = "Limit name")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete_limit(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let name = &name;
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        limits::delete(transaction, name).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    state.dispatcher.settings_changed();
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of `GET /api/v1/jobgroups`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GroupQuery {
    /// Most groups per page (1 to 10000, default 100).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// Only groups this user owns.
    user: Option<String>,
}

async fn group_view(
    connection: &impl ConnectionTrait,
    group_id: i64,
) -> Result<GroupView, ApiError> {
    let (group, jobs) = groups::get(connection, group_id).await?;
    Ok(GroupView {
        id: group.id,
        title: group.title,
        user: group.owner,
        time_created: rfc3339(group.time_created),
        jobs: jobs
            .into_iter()
            .map(|job| GroupJob {
                id: job.id,
                title: job.title,
                state: job.state.0.as_str().to_owned(),
            })
            .collect(),
    })
}

fn group_title(title: &str) -> Result<&str, ApiError> {
    let title = title.trim();
    if title.is_empty() || title.len() > 255 {
        return Err(ApiError::invalid(
            "title",
            "`title` must be 1 to 255 characters",
        ));
    }
    Ok(title)
}

/// Body of `PATCH /api/v1/jobgroups/{group_id}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    /// New title.
    #[schema(min_length = 1, max_length = 255, pattern = "\\S")]
    title: String,
}

/// `PATCH /api/v1/jobgroups/{group_id}`: rename a group.
#[utoipa::path(
    patch,
    path = "/api/v1/jobgroups/{group_id}",
    tag = "groups",
    operation_id = "patch_group",
    params(("group_id" = i64, Path, description = "Group id")),
    request_body = GroupPatch,
    responses((status = 200, description = "The group", body = GroupView), super::openapi::Errors)
)]
pub async fn patch_group(
    State(state): State<AppState>,
    ApiPath(group_id): ApiPath<i64>,
    ApiJson(patch): ApiJson<GroupPatch>,
) -> Result<Json<GroupView>, ApiError> {
    let title = group_title(&patch.title)?;
    groups::rename(&state.db, group_id, title).await?;
    Ok(Json(group_view(&state.db, group_id).await?))
}

/// `DELETE /api/v1/jobgroups/{group_id}`: the group goes; its jobs stay, in no group.
#[utoipa::path(
    delete,
    path = "/api/v1/jobgroups/{group_id}",
    tag = "groups",
    operation_id = "delete_group",
    params(("group_id" = i64, Path, description = "Group id")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete_group(
    State(state): State<AppState>,
    ApiPath(group_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        groups::delete(transaction, group_id).await?;
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/jobgroups`: a group that jobs join with `"group": id`.
#[utoipa::path(
    post,
    path = "/api/v1/jobgroups",
    tag = "groups",
    request_body = NewGroup,
    responses((status = 201, description = "The group", body = GroupView), super::openapi::Errors)
)]
pub async fn create_group(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<crate::auth::Principal>,
    ApiJson(group): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<GroupView>), ApiError> {
    let title = group_title(&group.title)?;
    let owner = super::auth::submitting_user(&principal, group.user)?;
    let group_id = groups::create(&state.db, title, owner.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(group_view(&state.db, group_id).await?),
    ))
}

/// `GET /api/v1/jobgroups`.
#[utoipa::path(
    get,
    path = "/api/v1/jobgroups",
    tag = "groups",
    params(GroupQuery),
    responses((status = 200, description = "A page of groups, newest first", body = GroupList), super::openapi::Errors)
)]
pub async fn list_groups(
    State(state): State<AppState>,
    super::extract::ApiQuery(query): super::extract::ApiQuery<GroupQuery>,
) -> Result<Json<GroupList>, ApiError> {
    let limit = super::paging::page_size(query.limit)?;
    let before = query
        .cursor
        .as_deref()
        .map(super::paging::parse_number_cursor)
        .transpose()?;
    let ids = groups::page(&state.db, before, query.user.as_deref(), limit).await?;
    let mut groups = Vec::with_capacity(ids.len());
    for group_id in ids {
        groups.push(group_view(&state.db, group_id).await?);
    }
    let next_cursor = (groups.len() as u64 == limit)
        .then(|| groups.last().map(|group| group.id.to_string()))
        .flatten();
    Ok(Json(GroupList {
        jobgroups: groups,
        next_cursor,
    }))
}

/// `GET /api/v1/jobgroups/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/jobgroups/{group_id}",
    tag = "groups",
    params(("group_id" = i64, Path, description = "Group id")),
    responses((status = 200, description = "The group with its jobs", body = GroupView), super::openapi::Errors)
)]
pub async fn get_group(
    State(state): State<AppState>,
    ApiPath(group_id): ApiPath<i64>,
) -> Result<Json<GroupView>, ApiError> {
    Ok(Json(group_view(&state.db, group_id).await?))
}

/// An agent a task failed on.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FailedAgent {
    /// Agent id.
    id: String,
    /// Its host name, while the agent is known.
    hostname: Option<String>,
}

/// Answer of `GET /api/v1/jobs/{id}/tasks/{task_id}/failed_on_agents`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FailedAgents {
    /// By agent id.
    failed_on_agents: Vec<FailedAgent>,
}

/// `GET /api/v1/jobs/{id}/tasks/{task_id}/failed_on_agents`: agents the task failed on; it is
/// not retried there while another eligible agent is online.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/failed_on_agents",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "Agents the task failed on", body = FailedAgents), super::openapi::Errors)
)]
pub async fn failed_on_agents(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<Json<FailedAgents>, ApiError> {
    crate::store::tasks::get(&state.db, job_id, task_id).await?;
    let agents = failures::failed_on(&state.db, task_id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|failed| FailedAgent {
            id: failed.agent_id,
            hostname: failed.hostname,
        })
        .collect();
    Ok(Json(FailedAgents {
        failed_on_agents: agents,
    }))
}

/// `DELETE /api/v1/jobs/{id}/tasks/{task_id}/failed_on_agents[/{agent_id}]`: forget them, so
/// the task may run there again.
#[utoipa::path(
    delete,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/failed_on_agents",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 204, description = "Forgotten"), super::openapi::Errors)
)]
pub async fn clear_failed_on_agents(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    crate::store::tasks::get(&state.db, job_id, task_id).await?;
    failures::forget(&state.db, task_id, None)
        .await
        .map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/jobs/{id}/tasks/{task_id}/failed_on_agents/{agent_id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/failed_on_agents/{agent_id}",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id"), ("agent_id" = String, Path, format = Uuid, description = "Agent id (a UUID)")),
    responses((status = 204, description = "Forgotten"), super::openapi::Errors)
)]
pub async fn clear_failed_on_agent(
    State(state): State<AppState>,
    ApiPath((job_id, task_id, agent_id)): ApiPath<(i64, i64, String)>,
) -> Result<StatusCode, ApiError> {
    crate::store::tasks::get(&state.db, job_id, task_id).await?;
    let deleted = failures::forget(&state.db, task_id, Some(&agent_id))
        .await
        .map_err(ApiError::from)?;
    if deleted == 0 {
        return Err(ApiError::NotFound(format!(
            "task {task_id} did not fail on agent {agent_id}"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// One attempt of a task.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    /// Attempt number, from 1.
    attempt: i32,
    /// The agent that held it.
    agent_id: Option<String>,
    /// How it ended (`done`, `failed`, `lost`, ...) or `running`.
    state: String,
    /// The process's exit code, if it exited.
    exit_code: Option<i32>,
    /// What went wrong.
    error: Option<String>,
    /// Peak resident memory of the task's processes, in MB.
    peak_rss_mb: Option<i64>,
    /// RFC 3339.
    time_started: Option<String>,
    /// RFC 3339.
    time_finished: Option<String>,
}

/// Answer of `GET /api/v1/jobs/{id}/tasks/{task_id}/attempts`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttemptList {
    /// In attempt order.
    attempts: Vec<AttemptView>,
}

/// `GET /api/v1/jobs/{id}/tasks/{task_id}/attempts`: every finished attempt with its agent,
/// outcome, exit code, error and peak memory.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/attempts",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "Every attempt of the task", body = AttemptList), super::openapi::Errors)
)]
pub async fn attempts(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<Json<AttemptList>, ApiError> {
    let task = crate::store::tasks::get(&state.db, job_id, task_id).await?;
    let mut attempts: Vec<AttemptView> = crate::store::tasks::attempts(&state.db, task_id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|attempt| AttemptView {
            attempt: attempt.attempt,
            agent_id: attempt.agent_id,
            state: attempt.state.0.as_str().to_owned(),
            exit_code: attempt.exit_code,
            error: attempt.error,
            peak_rss_mb: attempt.peak_rss_mb,
            time_started: attempt.time_started.map(rfc3339),
            time_finished: attempt.time_finished.map(rfc3339),
        })
        .collect();
    // Failed and lost attempts are recorded as they end; the current one is the task itself.
    let current_recorded = attempts
        .iter()
        .any(|attempt| attempt.attempt == task.attempts);
    if !current_recorded
        && matches!(
            crate::store::tasks::state_of(&task)?,
            warren_shared::TaskState::Running | warren_shared::TaskState::Done
        )
    {
        attempts.push(AttemptView {
            attempt: task.attempts,
            agent_id: task.agent_id,
            state: task.state,
            exit_code: task.exit_code,
            error: None,
            peak_rss_mb: task.peak_rss_mb,
            time_started: task.time_started.map(rfc3339),
            time_finished: task.time_finished.map(rfc3339),
        });
    }
    Ok(Json(AttemptList { attempts }))
}

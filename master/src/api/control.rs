//! Job control endpoints: pause, resume, cancel, rerun (job, failed tasks, one task), change and
//! delete a job.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use warren_shared::FrameRange;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath};
use super::jobs::JobView;
use crate::db::write_transaction;
use crate::store;
use crate::store::control::{Action, StoppedAttempt, TaskAction, TaskActionRequest};
use warren_api::domain::{AgentCount, Priority, RetentionDays, Weight};
use warren_api::requests::{JobPatch, TaskActionBody};
use warren_api::{TaskActionAnswer, UnchangedTask};

/// Tell workers to stop attempts they no longer hold.
async fn stop_attempts(state: &AppState, stopped: Vec<StoppedAttempt>, reason: &str) {
    let messages = stopped
        .into_iter()
        .filter_map(|stopped| {
            let agent = uuid::Uuid::parse_str(&stopped.agent_id).ok()?;
            Some(state.control.cancel(agent, stopped.attempt, reason))
        })
        .collect();
    state.control.send(messages).await;
}

async fn job_view(state: &AppState, job_id: i64) -> Result<Json<JobView>, ApiError> {
    let record = store::jobs::get(&state.db, job_id).await?;
    let capabilities = store::agents::online_capabilities(&state.db).await?;
    Ok(Json(
        super::jobs::job_view(state, &record, &capabilities).await?,
    ))
}

async fn act(
    state: AppState,
    job_id: i64,
    task_id: Option<i64>,
    action: Action,
) -> Result<Json<JobView>, ApiError> {
    let stopped = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        store::jobs::row(transaction, job_id).await?;
        if let Some(task_id) = task_id {
            store::tasks::get_in(transaction, job_id, task_id).await?;
        }
        let stopped = store::control::apply(transaction, job_id, task_id, action).await?;
        Ok::<_, ApiError>(stopped)
    })
    .await?;
    let reason = match action {
        Action::Cancel => "the job was cancelled",
        _ => "the task is being run again",
    };
    tracing::info!(
        job_id,
        ?task_id,
        ?action,
        stopped = stopped.len(),
        "job control"
    );
    stop_attempts(&state, stopped, reason).await;
    state.dispatcher.wake();
    job_view(&state, job_id).await
}

/// `POST /api/v1/jobs/{id}/pause`: queued tasks wait, running ones finish.
#[utoipa::path(
    post,
    operation_id = "pause_job",
    path = "/api/v1/jobs/{job_id}/pause",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn pause(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, None, Action::Pause).await
}

/// `POST /api/v1/jobs/{id}/resume`.
#[utoipa::path(
    post,
    operation_id = "resume_job",
    path = "/api/v1/jobs/{job_id}/resume",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn resume(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, None, Action::Resume).await
}

/// `POST /api/v1/jobs/{id}/cancel`: everything unfinished is cancelled; running processes are
/// stopped (SIGTERM to the process group, SIGKILL after the worker's grace period).
#[utoipa::path(
    post,
    operation_id = "cancel_job",
    path = "/api/v1/jobs/{job_id}/cancel",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, None, Action::Cancel).await
}

/// `POST /api/v1/jobs/{id}/rerun`: every task runs again.
#[utoipa::path(
    post,
    operation_id = "rerun_job",
    path = "/api/v1/jobs/{job_id}/rerun",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn rerun(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, None, Action::Rerun).await
}

/// `POST /api/v1/jobs/{id}/rerun_failed`: failed and cancelled tasks run again.
#[utoipa::path(
    post,
    operation_id = "rerun_failed_tasks",
    path = "/api/v1/jobs/{job_id}/rerun_failed",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn rerun_failed(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, None, Action::RerunFailed).await
}

/// `POST /api/v1/jobs/{id}/tasks/{task_id}/rerun`.
#[utoipa::path(
    post,
    operation_id = "rerun_task",
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/rerun",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "The task's job", body = JobView), super::openapi::Errors)
)]
pub async fn rerun_task(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<Json<JobView>, ApiError> {
    act(state, job_id, Some(task_id), Action::Rerun).await
}

/// Most tasks one action names.
const MAX_TASKS_PER_ACTION: usize = 10_000;

/// `POST /api/v1/jobs/{job_id}/tasks/actions`: kill, skip, fail or retry some of a job's tasks.
/// Running attempts the action ends are stopped; each change goes into the task's history with
/// who did it. Submitters act on their own jobs' tasks, operators on any.
#[utoipa::path(
    post,
    operation_id = "act_on_tasks",
    path = "/api/v1/jobs/{job_id}/tasks/actions",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    request_body = TaskActionBody,
    responses((status = 200, description = "What the action did", body = TaskActionAnswer), super::openapi::Errors)
)]
pub async fn act_on_tasks(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<crate::auth::Principal>,
    ApiPath(job_id): ApiPath<i64>,
    ApiJson(body): ApiJson<TaskActionBody>,
) -> Result<Json<TaskActionAnswer>, ApiError> {
    if body.tasks.is_empty() || body.tasks.len() > MAX_TASKS_PER_ACTION {
        return Err(ApiError::invalid(
            "tasks",
            format!("name 1 to {MAX_TASKS_PER_ACTION} tasks"),
        ));
    }
    if body.note.chars().count() > 1000 {
        return Err(ApiError::invalid(
            "note",
            "a note has at most 1000 characters",
        ));
    }
    let avoid_agent = match &body.avoid_agent {
        None => None,
        Some(_) if body.action != TaskAction::Retry => {
            return Err(ApiError::invalid(
                "avoid_agent",
                "`avoid_agent` goes only with the `retry` action",
            ));
        }
        Some(text) => Some(
            uuid::Uuid::parse_str(text)
                .map_err(|_| {
                    ApiError::invalid("avoid_agent", format!("`{text}` is not an agent id"))
                })?
                .to_string(),
        ),
    };
    let mut tasks = body.tasks.clone();
    tasks.sort_unstable();
    tasks.dedup();
    let request = TaskActionRequest {
        action: body.action,
        actor: &principal.username,
        note: body.note.trim(),
        avoid_agent: avoid_agent.as_deref(),
    };
    let tasks = &tasks;
    let outcome = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        store::jobs::row(transaction, job_id).await?;
        let outcome = store::control::act_on_tasks(transaction, job_id, tasks, request).await?;
        Ok::<_, ApiError>(outcome)
    })
    .await?;
    tracing::info!(
        job_id,
        action = body.action.as_str(),
        actor = %principal.username,
        changed = outcome.changed.len(),
        "task action"
    );
    let reason = format!("{} by {}", body.action.as_str(), principal.username);
    stop_attempts(&state, outcome.stopped, &reason).await;
    state.dispatcher.job_changed(job_id);
    if avoid_agent.is_some() {
        // The dispatcher reads the agents to avoid, and whether another online agent could
        // run the task instead, afresh: a cached view could miss the agent just added to the
        // list, or an agent that came online since.
        state.dispatcher.settings_changed();
    }
    Ok(Json(TaskActionAnswer {
        action: body.action.as_str().to_owned(),
        changed: outcome.changed,
        unchanged: outcome
            .unchanged
            .into_iter()
            .map(|(task_id, reason)| UnchangedTask {
                task_id,
                reason: reason.to_owned(),
            })
            .collect(),
    }))
}

/// One thing someone did to a task.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TaskActionView {
    /// `kill`, `skip`, `fail` or `retry`.
    action: String,
    /// Who did it.
    actor: String,
    /// Why (may be empty).
    note: String,
    /// When (RFC 3339).
    time: String,
}

/// Answer of `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TaskActionList {
    /// Oldest first.
    actions: Vec<TaskActionView>,
}

/// `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`: who killed, skipped, failed or retried
/// the task, when and why.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/actions",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "The task's action history", body = TaskActionList), super::openapi::Errors)
)]
pub async fn task_actions(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<Json<TaskActionList>, ApiError> {
    store::tasks::get(&state.db, job_id, task_id).await?;
    let actions = store::control::task_actions(&state.db, task_id)
        .await?
        .into_iter()
        .map(|record| TaskActionView {
            action: record.action,
            actor: record.actor,
            note: record.note,
            time: crate::db::rfc3339(record.time),
        })
        .collect();
    Ok(Json(TaskActionList { actions }))
}

/// `DELETE /api/v1/jobs/{id}`: stop its running tasks, then remove the job, its tasks and logs.
#[utoipa::path(
    delete,
    operation_id = "delete_job",
    path = "/api/v1/jobs/{job_id}",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 204, description = "Deleted"), super::openapi::Errors)
)]
pub async fn delete(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let record = store::jobs::get(&state.db, job_id).await?;
    let stopped = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        let stopped = store::control::delete(transaction, job_id).await?;
        Ok::<_, ApiError>(stopped)
    })
    .await?;
    stop_attempts(&state, stopped, "the job was deleted").await;
    if let Some(mailer) = state.mailer.clone() {
        let db = state.db.clone();
        tokio::spawn(async move {
            if let Err(error) = mailer.job_event(&db, &record, "deleted").await {
                tracing::warn!(job_id, error = %error, "cannot email a job's users");
            }
        });
    }
    state.dispatcher.job_changed(job_id);
    tracing::info!(job_id, "job deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The requirement part of a job's change, checked.
fn requirements(patch: &JobPatch) -> Result<store::jobs::RequirementChange, ApiError> {
    for (field, value) in [
        ("timeout", patch.timeout.flatten()),
        ("ram_max", patch.ram_max.flatten()),
        ("ram_warning", patch.ram_warning.flatten()),
    ] {
        super::jobs::check_positive(field, value)?;
    }
    if let Some(requeue) = patch.requeue {
        super::jobs::check_requeue(requeue)?;
    }
    if let Some(environ) = &patch.environ {
        super::jobs::check_environ(environ)?;
    }
    for (field, value, minimum) in [("cpus", patch.cpus, -1), ("ram", patch.ram, -1)] {
        if value.is_some_and(|value| value < minimum) {
            return Err(ApiError::invalid(
                field,
                format!("`{field}` must be -1 (whole host) or at least 0"),
            ));
        }
    }
    let tag_requirements = patch
        .tag_requirements
        .as_ref()
        .map(|inputs| super::jobs::split_tag_requirements(inputs.clone()));
    if let Some((required, negated)) = &tag_requirements {
        for tag in required.iter().chain(negated) {
            warren_shared::requirements::validate_tag(tag)
                .map_err(|error| ApiError::invalid("tag_requirements", error))?;
        }
    }
    if patch.gpus.is_some_and(|gpus| !(0..=64).contains(&gpus)) {
        return Err(ApiError::invalid("gpus", "`gpus` must be between 0 and 64"));
    }
    if patch.gpu_ram.is_some_and(|ram| ram < 0) {
        return Err(ApiError::invalid(
            "gpu_ram",
            "`gpu_ram` must not be negative",
        ));
    }
    Ok(store::jobs::RequirementChange {
        cpus: patch.cpus,
        ram: patch.ram,
        gpus: patch.gpus,
        gpu_ram: patch.gpu_ram,
        tag_requirements,
        software_requirements: patch
            .software_requirements
            .clone()
            .map(super::jobs::parse_software)
            .transpose()?,
        tags: patch
            .tags
            .clone()
            .map(super::jobs::display_tags)
            .transpose()?,
        limits: patch
            .limits
            .clone()
            .map(|limits| limits.into_iter().map(String::from).collect()),
        timeout_secs: patch.timeout,
        ram_max: patch.ram_max,
        ram_warning: patch.ram_warning,
        requeue: patch.requeue,
        environ: patch.environ.clone(),
        jobtype_version: patch.jobtype_version,
        restart_running: patch.restart_running,
    })
}

/// `PATCH /api/v1/jobs/{id}`: title, priority, weight, notes, hidden, queue, minimum and maximum
/// agents; the frame range (`start`, `end`, `by`, `batch`) while no task of the job has run;
/// what its tasks need (`cpus`, `ram`, `tag_requirements`, `software_requirements`, `limits`)
/// and carry (`timeout`, `ram_max`, `ram_warning`, `requeue`, `environ`, `jobtype_version`).
/// Queued tasks move to the new requirements at once; tasks already published to RabbitMQ are
/// withdrawn (workers drop them unstarted) and published again; running tasks finish with what
/// they started with unless `restart_running` is true. Scheduling changes apply from the next
/// dispatch round.
#[utoipa::path(
    patch,
    operation_id = "patch_job",
    path = "/api/v1/jobs/{job_id}",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    request_body = JobPatch,
    responses((status = 200, description = "The changed job", body = JobView), super::openapi::Errors)
)]
pub async fn patch(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
    ApiJson(patch): ApiJson<JobPatch>,
) -> Result<Json<JobView>, ApiError> {
    let patch = &patch;
    let requirements = &requirements(patch)?;
    if let Some(software) = &requirements.software_requirements {
        super::catalog::check_known_software(&state.db, software).await?;
    }
    let steered = write_transaction(&state.db, |transaction| async move {
        let transaction = &*transaction;
        let row = store::jobs::row(transaction, job_id).await?;
        if let Some(queue) = &patch.queue {
            warren_broker::validate_queue_name(queue)
                .map_err(|error| ApiError::invalid("queue", error))?;
        }
        let mut frames = None;
        if patch.start.is_some()
            || patch.end.is_some()
            || patch.by.is_some()
            || patch.batch.is_some()
        {
            let range = FrameRange::new(
                patch.start.unwrap_or(row.frame_start),
                patch.end.unwrap_or(row.frame_end),
                patch.by.unwrap_or(row.frame_by),
            )
            .map_err(|error| ApiError::invalid("end", error))?;
            let batch = patch.batch.unwrap_or(row.batch);
            if batch < 1 {
                return Err(ApiError::invalid("batch", "`batch` must be at least 1"));
            }
            frames = Some((range, batch));
        }
        if patch
            .autodelete_time
            .is_some_and(|autodelete| autodelete < 1)
        {
            return Err(ApiError::invalid(
                "autodelete_time",
                "`autodelete_time` must be positive",
            ));
        }
        let change = store::jobs::JobChange {
            title: patch.title.as_ref().map(|title| title.as_str().to_owned()),
            priority: patch.priority.map(Priority::get),
            weight: patch.weight.map(Weight::get),
            notes: patch.notes.clone(),
            hidden: patch.hidden,
            minimum_agents: patch.minimum_agents.map(AgentCount::get),
            maximum_agents: patch.maximum_agents.map(AgentCount::get),
            queue: patch.queue.clone(),
            frames,
            autodelete_secs: patch.autodelete_time,
            log_retention_days: patch
                .log_retention_days
                .map(|days| days.map(RetentionDays::get)),
            data: patch.data.clone(),
            parents: patch.parents.clone(),
            rerun_whole_batch: patch.rerun_whole_batch,
            requirements: requirements.clone(),
        };
        let steered = store::jobs::update(transaction, row, change).await?;
        Ok::<_, ApiError>(steered)
    })
    .await?;
    // The dispatcher must not publish with what it knew of the job before the change.
    state.dispatcher.job_changed(job_id);
    if !steered.withdrawn.is_empty() {
        tracing::info!(
            job_id,
            withdrawn = steered.withdrawn.len(),
            "the job's tasks changed: published ones are withdrawn"
        );
        let withdraw = state.control.withdraw(steered.withdrawn);
        state.control.send(vec![withdraw]).await;
    }
    stop_attempts(
        &state,
        steered.stopped,
        "the job's requirements changed: the task runs again",
    )
    .await;
    state.dispatcher.job_changed(job_id);
    job_view(&state, job_id).await
}

/// Check a notified user: an email address, or a name (sent to the user's address, or to
/// `name@WARREN_MAIL_DOMAIN`).
fn validate_notified_user(user: &str) -> Result<(), ApiError> {
    let valid = !user.is_empty()
        && user.len() <= 255
        && !user
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ',' | '<' | '>'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "user",
            format!("`{user}` is not a user name or email address"),
        ))
    }
}

async fn notified_users_of(state: &AppState, job_id: i64) -> Result<Vec<String>, ApiError> {
    let row = store::jobs::row(&state.db, job_id).await?;
    Ok(store::jobs::notified_users(&row)?)
}

/// Answer of the notified-users endpoints.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NotifiedUsers {
    /// User names and email addresses emailed when the job ends.
    notified_users: Vec<String>,
}

/// `GET /api/v1/jobs/{job_id}/notified_users`: who is emailed when the job ends.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{job_id}/notified_users",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The notified users", body = NotifiedUsers), super::openapi::Errors)
)]
pub async fn notified_users(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<NotifiedUsers>, ApiError> {
    let notified_users = notified_users_of(&state, job_id).await?;
    Ok(Json(NotifiedUsers { notified_users }))
}

/// Body of `POST /api/v1/jobs/{job_id}/notified_users`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifiedUser {
    /// A user name or an email address.
    #[schema(pattern = "^[^\\s,<>]{1,255}$")]
    user: String,
}

/// `POST /api/v1/jobs/{job_id}/notified_users`: email one more user when the job ends.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{job_id}/notified_users",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    request_body = NotifiedUser,
    responses((status = 201, description = "The notified users", body = NotifiedUsers), super::openapi::Errors)
)]
pub async fn add_notified_user(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
    ApiJson(added): ApiJson<NotifiedUser>,
) -> Result<(StatusCode, Json<NotifiedUsers>), ApiError> {
    validate_notified_user(&added.user)?;
    let mut users = notified_users_of(&state, job_id).await?;
    if users.contains(&added.user) {
        return Err(ApiError::Conflict(format!(
            "`{}` is already notified about job {job_id}",
            added.user
        )));
    }
    users.push(added.user);
    store::jobs::set_notified_users(&state.db, job_id, &users).await?;
    Ok((
        StatusCode::CREATED,
        Json(NotifiedUsers {
            notified_users: users,
        }),
    ))
}

/// `DELETE /api/v1/jobs/{job_id}/notified_users/{user}`.
#[utoipa::path(
    delete,
    path = "/api/v1/jobs/{job_id}/notified_users/{user}",
    tag = "jobs",
    params(
        ("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"),
        ("user" = String, Path, description = "The notified user")
    ),
    responses((status = 204, description = "No longer notified"), super::openapi::Errors)
)]
pub async fn remove_notified_user(
    State(state): State<AppState>,
    ApiPath((job_id, user)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let mut users = notified_users_of(&state, job_id).await?;
    let before = users.len();
    users.retain(|notified| *notified != user);
    if users.len() == before {
        return Err(ApiError::NotFound(format!(
            "`{user}` is not notified about job {job_id}"
        )));
    }
    store::jobs::set_notified_users(&state.db, job_id, &users).await?;
    Ok(StatusCode::NO_CONTENT)
}

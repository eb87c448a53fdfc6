//! Job, task and log endpoints.

use std::collections::{BTreeMap, BTreeSet};
pub use warren_api::{JobPage, JobView, TaskCountsView, TaskPage, TaskView};

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use warren_shared::{
    FrameBatch, FrameRange, JobState, Requirements, RequirementsError, SoftwareRequirement,
    TaskState,
};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::db::rfc3339;
use crate::entities::task;
use crate::store::jobs::{self, JobCursor, JobFilter, JobRecord, JobSortKey, NewJob};
use crate::store::{logs, scheduling, tasks};
use warren_api::domain::{
    AgentCount, DEFAULT_WEIGHT, LimitName, Priority, RetentionDays, Title, Weight,
};

pub use warren_api::requests::{SoftwareRequirementInput, TagRequirementInput};

fn default_jobtype() -> String {
    "command".to_owned()
}
const fn default_one() -> i64 {
    1
}
const fn default_requeue() -> i32 {
    3
}
const fn default_weight() -> Weight {
    DEFAULT_WEIGHT
}
fn default_queue() -> String {
    "root".to_owned()
}

/// The body of `POST /api/v1/jobs`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobSubmission {
    /// 1 to 512 characters.
    #[schema(value_type = String, min_length = 1, max_length = 512, pattern = "\\S")]
    title: Title,
    /// Job type name (default `command`).
    #[serde(default = "default_jobtype")]
    jobtype: String,
    /// Job type version to pin (default: the newest).
    #[serde(default)]
    #[schema(minimum = 1)]
    jobtype_version: Option<i32>,
    /// First frame.
    start: i64,
    /// Last frame (at least `start`).
    end: i64,
    /// Step between frames (default 1).
    #[serde(default = "default_one")]
    #[schema(minimum = 1)]
    by: i64,
    /// Frames per task (default 1).
    #[serde(default = "default_one")]
    #[schema(minimum = 1)]
    batch: i64,
    /// A JSON object for the job type's templates (`{data.key}`).
    #[serde(default)]
    data: Value,
    /// Extra environment variables.
    #[serde(default)]
    environ: BTreeMap<String, String>,
    /// CPUs each task needs (default 1; -1 takes the whole host).
    #[serde(default = "default_one")]
    #[schema(minimum = -1)]
    cpus: i64,
    /// RAM each task needs, MB.
    #[serde(default)]
    #[schema(minimum = 0)]
    ram: i64,
    /// GPUs each task needs (the worker reserves that many and names them in `WARREN_GPUS`
    /// and `CUDA_VISIBLE_DEVICES`).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 64)]
    gpus: i64,
    /// Memory each of those GPUs must have, MB.
    #[serde(default)]
    #[schema(minimum = 1)]
    gpu_ram: Option<i64>,
    /// Warn when a task's memory passes this, MB.
    #[serde(default)]
    #[schema(minimum = 1)]
    ram_warning: Option<i64>,
    /// Kill a task whose memory passes this, MB.
    #[serde(default)]
    #[schema(minimum = 1)]
    ram_max: Option<i64>,
    /// Kill a task running longer than this, seconds.
    #[serde(default)]
    #[schema(minimum = 1)]
    timeout: Option<i64>,
    /// -1000 to 1000 (default 0).
    #[serde(default)]
    #[schema(value_type = i32, minimum = -1000, maximum = 1000)]
    priority: Priority,
    /// Share among jobs of the same priority (default 10).
    #[serde(default = "default_weight")]
    #[schema(value_type = i32, minimum = 1)]
    weight: Weight,
    /// Retries of a failed task: a count, 0 never, -1 forever (default 3).
    #[serde(default = "default_requeue")]
    #[schema(minimum = -1)]
    requeue: i32,
    /// Tags shown on the job (not requirements).
    #[serde(default)]
    tags: Vec<String>,
    /// Tags an agent must have (`"gpu"`) or must not have (`"!windows"`).
    #[serde(default)]
    tag_requirements: Vec<TagRequirementInput>,
    /// Software with optional version bounds.
    #[serde(default)]
    software_requirements: Vec<SoftwareRequirementInput>,
    /// Job queue (default `root`).
    #[serde(default = "default_queue")]
    queue: String,
    /// Owner (default: the caller; operators may name someone else).
    #[serde(default)]
    user: Option<String>,
    /// Free-form notes.
    #[serde(default)]
    notes: String,
    /// Users or addresses emailed when the job ends.
    #[serde(default)]
    notified_users: Vec<String>,
    /// Delete the job this many seconds after it ends.
    #[serde(default)]
    #[schema(minimum = 1)]
    autodelete_time: Option<i64>,
    /// Keep its logs this many days after it ends (default: its queue's, else the farm's).
    #[serde(default)]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 36500)]
    log_retention_days: Option<RetentionDays>,
    /// Left out of job lists unless asked for.
    #[serde(default)]
    hidden: bool,
    /// Task slots kept for this job while it has work.
    #[serde(default)]
    #[schema(value_type = Option<i32>, minimum = 0)]
    minimum_agents: Option<AgentCount>,
    /// Most task slots it may use.
    #[serde(default)]
    #[schema(value_type = Option<i32>, minimum = 0)]
    maximum_agents: Option<AgentCount>,
    /// Jobs that must be done before this one starts.
    #[serde(default)]
    parents: Vec<i64>,
    /// A job whose frames this job's frames wait for.
    #[serde(default)]
    depends_on: Option<DependsOn>,
    /// Tiles per frame (1 to 10000): one task per tile.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    num_tiles: Option<i32>,
    /// OS group a root worker runs the tasks with.
    #[serde(default)]
    run_as_group: Option<String>,
    /// Job group id.
    #[serde(default)]
    group: Option<i64>,
    /// Limits (licences) each task holds while it runs.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    limits: Vec<LimitName>,
    /// Run a failed batch again from its first frame, not from the frame that failed.
    #[serde(default)]
    rerun_whole_batch: bool,
}

/// A dependency on another job: `{"job": 12, "mode": "frame"}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DependsOn {
    /// The job waited for.
    job: i64,
    /// How (default `frame`).
    #[serde(default)]
    mode: DependencyMode,
}

/// How a job waits for the job it depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DependencyMode {
    /// Each frame waits for the same frame of that job.
    #[default]
    Frame,
    /// The whole job waits for that job to be done (as `parents`).
    Job,
}

impl JobSubmission {
    /// Check every field and build the job to store.
    fn validate(self) -> Result<NewJob, ApiError> {
        let title = String::from(self.title);
        let frames = FrameRange::new(self.start, self.end, self.by).map_err(|error| {
            let field = match error {
                warren_shared::FrameRangeError::StepNotPositive { .. } => "by",
                _ => "end",
            };
            ApiError::invalid(field, error)
        })?;
        if self.batch < 1 {
            return Err(ApiError::invalid(
                "batch",
                format!("`batch` must be at least 1, got {}", self.batch),
            ));
        }
        if !self.data.is_object() && !self.data.is_null() {
            return Err(ApiError::invalid("data", "`data` must be a JSON object"));
        }
        let data = if self.data.is_null() {
            json!({})
        } else {
            self.data
        };
        check_requeue(self.requeue)?;
        for (field, value) in [
            ("ram_warning", self.ram_warning),
            ("ram_max", self.ram_max),
            ("timeout", self.timeout),
            ("autodelete_time", self.autodelete_time),
        ] {
            check_positive(field, value)?;
        }
        check_environ(&self.environ)?;
        let (required, negated) = split_tag_requirements(self.tag_requirements);
        let software = parse_software(self.software_requirements)?;
        let requirements = Requirements::new(required, negated, software, self.cpus, self.ram)
            .and_then(|requirements| {
                requirements.with_gpus(self.gpus, self.gpu_ram.unwrap_or_default())
            })
            .map_err(|error| ApiError::invalid(requirements_field(&error), error))?;
        let tags = display_tags(self.tags)?;
        warren_broker::validate_queue_name(&self.queue)
            .map_err(|error| ApiError::invalid("queue", error))?;
        if let Some(tiles) = self.num_tiles
            && !(1..=10_000).contains(&tiles)
        {
            return Err(ApiError::invalid(
                "num_tiles",
                format!("`num_tiles` must be between 1 and 10000, got {tiles}"),
            ));
        }
        let mut parents = self.parents;
        parents.sort_unstable();
        parents.dedup();
        let frame_parent = match self.depends_on {
            None => None,
            Some(DependsOn {
                job,
                mode: DependencyMode::Frame,
            }) => Some(job),
            Some(DependsOn {
                job,
                mode: DependencyMode::Job,
            }) => {
                if !parents.contains(&job) {
                    parents.push(job);
                }
                None
            }
        };
        Ok(NewJob {
            title,
            jobtype: self.jobtype,
            jobtype_version: self.jobtype_version,
            frames,
            batch: self.batch,
            data,
            environ: self.environ,
            requirements,
            ram_warning: self.ram_warning,
            ram_max: self.ram_max,
            timeout_secs: self.timeout,
            priority: self.priority.get(),
            weight: self.weight.get(),
            requeue: self.requeue,
            tags,
            queue: self.queue,
            user: self.user,
            notes: self.notes,
            notified_users: self.notified_users,
            autodelete_secs: self.autodelete_time,
            log_retention_days: self.log_retention_days.map(RetentionDays::get),
            hidden: self.hidden,
            minimum_agents: self.minimum_agents.map(AgentCount::get),
            maximum_agents: self.maximum_agents.map(AgentCount::get),
            parents,
            frame_parent,
            num_tiles: self.num_tiles,
            run_group: self.run_as_group,
            group_id: self.group,
            limits: self.limits.into_iter().map(String::from).collect(),
            rerun_whole_batch: self.rerun_whole_batch,
        })
    }
}

/// `requeue`: -1 (forever), 0 (never) or a count.
pub(super) fn check_requeue(requeue: i32) -> Result<(), ApiError> {
    if requeue < -1 {
        return Err(ApiError::invalid(
            "requeue",
            format!("`requeue` must be -1 (forever), 0 (never) or a count, got {requeue}"),
        ));
    }
    Ok(())
}

/// A setting that must be positive when it is given.
pub(super) fn check_positive(field: &'static str, value: Option<i64>) -> Result<(), ApiError> {
    if value.is_some_and(|value| value < 1) {
        return Err(ApiError::invalid(
            field,
            format!("`{field}` must be positive when given"),
        ));
    }
    Ok(())
}

/// Environment variable names: not empty, without `=` or NUL.
pub(super) fn check_environ(environ: &BTreeMap<String, String>) -> Result<(), ApiError> {
    for name in environ.keys() {
        if name.is_empty() || name.contains('=') || name.contains('\0') {
            return Err(ApiError::invalid(
                "environ",
                format!("invalid environment variable name `{name}`"),
            ));
        }
    }
    Ok(())
}

/// Tag requirements as (required, excluded) tag names.
pub(super) fn split_tag_requirements(
    inputs: Vec<TagRequirementInput>,
) -> (Vec<String>, Vec<String>) {
    let mut required = Vec::new();
    let mut negated = Vec::new();
    for requirement in inputs {
        match requirement {
            TagRequirementInput::Name(name) => match name.strip_prefix('!') {
                Some(tag) => negated.push(tag.to_owned()),
                None => required.push(name),
            },
            TagRequirementInput::Object { tag, negate: true } => negated.push(tag),
            TagRequirementInput::Object { tag, negate: false } => required.push(tag),
        }
    }
    (required, negated)
}

/// Software requirements in either form, checked.
pub(super) fn parse_software(
    inputs: Vec<SoftwareRequirementInput>,
) -> Result<Vec<SoftwareRequirement>, ApiError> {
    inputs
        .into_iter()
        .map(|input| match input {
            SoftwareRequirementInput::Compact(text) => SoftwareRequirement::parse(&text),
            SoftwareRequirementInput::Object {
                software,
                min_version,
                max_version,
            } => {
                let requirement = SoftwareRequirement {
                    software,
                    min_version: min_version
                        .as_deref()
                        .map(warren_shared::Version::parse)
                        .transpose()?,
                    max_version: max_version
                        .as_deref()
                        .map(warren_shared::Version::parse)
                        .transpose()?,
                };
                requirement.validate()?;
                Ok(requirement)
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ApiError::invalid("software_requirements", error))
}

/// The request field a requirements error is about.
pub(super) const fn requirements_field(error: &RequirementsError) -> &'static str {
    match error {
        RequirementsError::CpusOutOfRange(_) => "cpus",
        RequirementsError::RamOutOfRange(_) => "ram",
        RequirementsError::GpusOutOfRange(_) => "gpus",
        RequirementsError::GpuRamOutOfRange(_) => "gpu_ram",
        RequirementsError::InvalidTag(_) | RequirementsError::ContradictoryTag(_) => {
            "tag_requirements"
        }
        RequirementsError::InvalidSoftwareName(_)
        | RequirementsError::InvalidVersion(_)
        | RequirementsError::EmptyVersionRange { .. }
        | RequirementsError::InvalidSoftwareRequirement(_) => "software_requirements",
        _ => "requirements",
    }
}

/// Tags shown on a job, checked.
pub(super) fn display_tags(tags: Vec<String>) -> Result<BTreeSet<String>, ApiError> {
    let tags: BTreeSet<String> = tags.into_iter().collect();
    for tag in &tags {
        warren_shared::requirements::validate_tag(tag)
            .map_err(|error| ApiError::invalid("tags", error))?;
    }
    Ok(tags)
}

/// Why a job with queued tasks cannot run, or `None` when some online, enabled agent qualifies.
fn blocked_reason(
    record: &JobRecord,
    capabilities: &[warren_shared::AgentCapabilities],
) -> Result<Option<String>, crate::store::StoreError> {
    let job = &record.job;
    if job.n_queued == 0 || !matches!(jobs::state_of(job)?, JobState::Queued | JobState::Running) {
        return Ok(None);
    }
    let requirements: Requirements = jobs::requirements(job)?;
    if capabilities
        .iter()
        .any(|agent| requirements.satisfied_by(agent))
    {
        return Ok(None);
    }
    if capabilities.is_empty() {
        return Ok(Some("no agent is online".to_owned()));
    }
    let mut needs = Vec::new();
    if !requirements.tags.is_empty() {
        needs.push(format!(
            "tags {}",
            requirements
                .tags
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !requirements.negated_tags.is_empty() {
        needs.push(format!(
            "none of the tags {}",
            requirements
                .negated_tags
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !requirements.software.is_empty() {
        needs.push(format!(
            "software {}",
            requirements
                .software
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if requirements.cpus > 0 {
        needs.push(format!("{} CPUs", requirements.cpus));
    }
    if requirements.ram_mb > 0 {
        needs.push(format!("{} MB of RAM", requirements.ram_mb));
    }
    if requirements.gpus > 0 {
        needs.push(if requirements.gpu_ram_mb > 0 {
            format!(
                "{} GPUs of {} MB",
                requirements.gpus, requirements.gpu_ram_mb
            )
        } else {
            format!("{} GPUs", requirements.gpus)
        });
    }
    Ok(Some(format!(
        "no online, enabled agent satisfies class `{}` (it needs {})",
        record.class_key,
        if needs.is_empty() {
            "a whole host".to_owned()
        } else {
            needs.join("; ")
        }
    )))
}

/// A job as the API shows it; `capabilities` are the online agents', to say why it may be blocked.
///
/// # Errors
/// [`StoreError::Corrupt`](crate::store::StoreError::Corrupt) when a stored JSON column does
/// not parse.
pub fn job_json(
    record: &JobRecord,
    capabilities: &[warren_shared::AgentCapabilities],
) -> Result<JobView, crate::store::StoreError> {
    let job = &record.job;
    let requirements =
        serde_json::to_value(jobs::requirements(job)?).expect("requirements serialize to JSON");
    let field = |name: &str| requirements.get(name).cloned().unwrap_or(Value::Null);
    let number = |name: &str| requirements.get(name).and_then(Value::as_i64).unwrap_or(0);
    Ok(JobView {
        id: job.id,
        title: job.title.clone(),
        jobtype: record.jobtype.clone(),
        jobtype_version: record.jobtype_version,
        queue: record.queue.clone(),
        state: job.state.clone(),
        priority: job.priority,
        weight: job.weight,
        requeue: job.requeue,
        start: job.frame_start,
        end: job.frame_end,
        by: job.frame_by,
        batch: job.batch,
        data: jobs::data(job)?,
        environ: serde_json::to_value(jobs::environ(job)?)
            .expect("an environment serializes to JSON"),
        cpus: job.cpus,
        ram: job.ram,
        rerun_whole_batch: job.rerun_whole_batch,
        gpus: number("gpus"),
        gpu_ram: Some(number("gpu_ram_mb")).filter(|ram| *ram > 0),
        ram_warning: job.ram_warning,
        ram_max: job.ram_max,
        timeout: job.timeout_secs,
        tags: record.tags.clone(),
        tag_requirements: field("tags"),
        negated_tag_requirements: field("negated_tags"),
        software_requirements: field("software"),
        class: record.class_key.clone(),
        user: job.user.clone(),
        notes: job.notes.clone(),
        notified_users: jobs::notified_users(job)?,
        hidden: job.hidden,
        minimum_agents: job.minimum_agents,
        maximum_agents: job.maximum_agents,
        autodelete_time: job.autodelete_secs,
        log_retention_days: job.log_retention_days,
        logs_pruned_at: job.logs_pruned_at.map(rfc3339),
        time_submitted: rfc3339(job.time_submitted),
        time_started: job.time_started.map(rfc3339),
        time_finished: job.time_finished.map(rfc3339),
        progress: if job.n_tasks > 0 {
            job.n_done as f64 / job.n_tasks as f64
        } else {
            0.0
        },
        tasks: TaskCountsView {
            total: job.n_tasks,
            queued: job.n_queued,
            dispatched: job.n_dispatched,
            running: job.n_running,
            done: job.n_done,
            failed: job.n_failed,
            paused: job.n_paused,
            cancelled: job.n_cancelled,
        },
        parents: record.parents.clone(),
        children: None,
        depends_on: job
            .frame_parent_id
            .map(|parent| json!({"job": parent, "mode": "frame"})),
        num_tiles: job.num_tiles,
        run_as_group: job.run_group.clone(),
        group: job.group_id,
        limits: record.limits.clone(),
        blocked_reason: blocked_reason(record, capabilities)?,
    })
}

/// A job as the API shows it, with the full answer to "why isn't it running?" (which needs
/// the database: parents, limits, maximums).
pub async fn job_view(
    state: &AppState,
    record: &JobRecord,
    capabilities: &[warren_shared::AgentCapabilities],
) -> Result<JobView, ApiError> {
    let mut view = job_json(record, capabilities)?;
    view.children = Some(children_of(state, record.job.id).await?);
    if view.blocked_reason.is_none() {
        view.blocked_reason = scheduling::hold_reason(&state.db, record).await?;
    } else if let Some(reason) = scheduling::hold_reason(&state.db, record).await?
        && (reason.starts_with("waiting for parent") || reason == "the job is paused")
    {
        view.blocked_reason = Some(reason);
    }
    Ok(view)
}

async fn children_of(state: &AppState, job_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(crate::store::jobs::children(&state.db, job_id).await?)
}

async fn capabilities(state: &AppState) -> Result<Vec<warren_shared::AgentCapabilities>, ApiError> {
    Ok(crate::store::agents::online_capabilities(&state.db).await?)
}

/// `POST /api/v1/jobs`.
#[utoipa::path(
    post,
    operation_id = "submit_job",
    path = "/api/v1/jobs",
    tag = "jobs",
    request_body = JobSubmission,
    responses((status = 201, description = "The job, with all its tasks created", body = JobView), super::openapi::Errors)
)]
pub async fn submit(
    State(state): State<AppState>,
    axum::Extension(principal): axum::Extension<crate::auth::Principal>,
    ApiJson(mut submission): ApiJson<JobSubmission>,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    submission.user = super::auth::submitting_user(&principal, submission.user.take())?;
    let new_job = submission.validate()?;
    super::catalog::check_known_software(&state.db, &new_job.requirements.software).await?;
    let dispatcher = &state.dispatcher;
    let reservations = dispatcher.reservations();
    let reserve = |class_id, queue_id, wanted| reservations.reserve(class_id, queue_id, wanted);
    let mut created = jobs::create(&state.db, &new_job, &reserve).await?;
    let dispatched = created.claimed.is_some();
    if let Some(claimed) = created.claimed.take() {
        dispatcher.hand_over(created.record.job.queue_id, claimed);
    }
    drop(reservations);
    dispatcher.wake();
    // The master runs on one thread: let the dispatcher start its round before this answer is
    // prepared, so the answer's own reads do not delay the job's first tasks.
    tokio::task::yield_now().await;
    tracing::info!(job_id = created.record.job.id, title = %created.record.job.title, n_tasks = created.record.job.n_tasks, class = %created.class.key, "job submitted");
    let view = if dispatched {
        // Agents of its class had room for it: nothing blocks it, no need to read them.
        JobView {
            blocked_reason: None,
            ..job_json(&created.record, &[])?
        }
    } else {
        job_json(&created.record, &capabilities(&state).await?)?
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Filters of `GET /api/v1/jobs`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JobQuery {
    /// Only jobs in these states (comma-separated).
    #[param(
        pattern = "^((queued|running|paused|done|failed|cancelled)(,(queued|running|paused|done|failed|cancelled))*)?$"
    )]
    state: Option<String>,
    /// Most jobs per page (1 to 10000, default 100).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u64>,
    /// The `next_cursor` of the previous page (same filters and sort).
    #[param(pattern = "^[0-9]{1,18}(:.*)?$")]
    cursor: Option<String>,
    /// Only jobs whose title contains this.
    title: Option<String>,
    /// Only jobs of this user.
    user: Option<String>,
    /// Only jobs in this queue (its name).
    queue: Option<String>,
    /// Include hidden jobs.
    #[serde(default)]
    hidden: bool,
    /// `id`, `title`, `priority` or `state`, descending with a leading `-`; default `-id`
    /// (newest first).
    #[param(pattern = "^[-+]?(id|title|priority|state)$")]
    sort: Option<String>,
}

/// A job list cursor: `<id>:<sort value>` as `next_cursor` writes it, or a bare job id, whose
/// sort value is looked up (404 when that job is gone).
async fn job_cursor_from(
    state: &AppState,
    text: &str,
    key: JobSortKey,
) -> Result<JobCursor, ApiError> {
    let bad = || {
        ApiError::invalid(
            "cursor",
            format!("`{text}` is not a `next_cursor` of this list"),
        )
    };
    let (id, value) = match text.split_once(':') {
        Some((id, value)) => (id, Some(value.to_owned())),
        None => (text, None),
    };
    let id = super::paging::parse_number_cursor(id)?;
    let value = match value {
        Some(value) => value,
        None if key == JobSortKey::Id => id.to_string(),
        None => key.value_of(&jobs::get(&state.db, id).await?.job),
    };
    if key == JobSortKey::Priority && value.parse::<i32>().is_err() {
        return Err(bad());
    }
    Ok(JobCursor { id, value })
}

async fn queue_id_by_name(state: &AppState, name: &str) -> Result<Option<i64>, ApiError> {
    Ok(crate::store::queues::id_by_name(&state.db, name).await?)
}

fn job_cursor(row: &crate::entities::job::Model, key: JobSortKey) -> String {
    match key {
        JobSortKey::Id => row.id.to_string(),
        key => format!("{}:{}", row.id, key.value_of(row)),
    }
}

fn parse_states<T: std::str::FromStr<Err = warren_shared::UnknownState>>(
    text: Option<&str>,
) -> Result<Vec<T>, ApiError> {
    text.map(|text| {
        text.split(',')
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.trim()
                    .parse::<T>()
                    .map_err(|error| ApiError::invalid("state", error))
            })
            .collect()
    })
    .transpose()
    .map(Option::unwrap_or_default)
}

/// `GET /api/v1/jobs`: newest first unless `sort` says otherwise; `cursor` continues from the
/// previous page's `next_cursor`.
#[utoipa::path(
    get,
    operation_id = "list_jobs",
    path = "/api/v1/jobs",
    tag = "jobs",
    params(JobQuery),
    responses((status = 200, description = "A page of jobs, newest first, and `next_cursor`", body = JobPage), super::openapi::Errors)
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<JobQuery>,
) -> Result<Json<JobPage>, ApiError> {
    let limit = super::paging::page_size(query.limit)?;
    let states = parse_states::<JobState>(query.state.as_deref())?;
    let (sort, descending) = super::paging::parse_sort(
        query.sort.as_deref(),
        &JobSortKey::ALL,
        (JobSortKey::Id, true),
    )?;
    let after = match query.cursor.as_deref() {
        None => None,
        Some(cursor) => Some(job_cursor_from(&state, cursor, sort).await?),
    };
    let queue_id = match &query.queue {
        None => None,
        Some(name) => match queue_id_by_name(&state, name).await? {
            Some(queue_id) => Some(queue_id),
            None => {
                return Ok(Json(JobPage {
                    jobs: Vec::new(),
                    next_cursor: None,
                }));
            }
        },
    };
    let filter = JobFilter {
        states,
        sort,
        descending,
        after,
        limit,
        include_hidden: query.hidden,
        title_contains: query.title,
        user: query.user,
        queue_id,
    };
    let records = jobs::list(&state.db, &filter).await?;
    let capabilities = capabilities(&state).await?;
    let next_cursor = (records.len() as u64 == limit)
        .then(|| records.last().map(|record| job_cursor(&record.job, sort)))
        .flatten();
    Ok(Json(JobPage {
        jobs: records
            .iter()
            .map(|record| job_json(record, &capabilities))
            .collect::<Result<_, _>>()?,
        next_cursor,
    }))
}

/// `GET /api/v1/jobs/{job_id}`.
#[utoipa::path(
    get,
    operation_id = "get_job",
    path = "/api/v1/jobs/{job_id}",
    tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)")),
    responses((status = 200, description = "The job", body = JobView), super::openapi::Errors)
)]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
) -> Result<Json<JobView>, ApiError> {
    let record = jobs::get(&state.db, job_id).await?;
    let capabilities = capabilities(&state).await?;
    Ok(Json(job_view(&state, &record, &capabilities).await?))
}

/// Each frame's state: done through `done_through` (all of them once the task is done), the
/// task's state for the next frame, `pending` after it.
fn frame_states(frames: &[i64], state: TaskState, done_through: Option<i64>) -> Vec<String> {
    let mut current_seen = false;
    frames
        .iter()
        .map(|frame| {
            if state == TaskState::Done || done_through.is_some_and(|done| *frame <= done) {
                "done".to_owned()
            } else if current_seen {
                "pending".to_owned()
            } else {
                current_seen = true;
                state.as_str().to_owned()
            }
        })
        .collect()
}

fn task_json(task: &task::Model, by: i64) -> Result<TaskView, ApiError> {
    let batch = FrameBatch {
        index: task.idx,
        first: task.frame_first,
        last: task.frame_last,
        by,
    };
    let frames: Vec<i64> = batch.frames().collect();
    let frame_states = frame_states(&frames, tasks::state_of(task)?, task.done_through);
    Ok(TaskView {
        id: task.id,
        job_id: task.job_id,
        index: task.idx,
        frames,
        frame_states,
        done_through: task.done_through,
        frame_first: task.frame_first,
        frame_last: task.frame_last,
        state: task.state.clone(),
        attempts: task.attempts,
        declines: task.declines,
        failures: task.failures,
        agent_id: task.agent_id.clone(),
        progress: task.progress,
        last_error: task.last_error.clone(),
        exit_code: task.exit_code,
        time_dispatched: task.time_dispatched.map(rfc3339),
        time_started: task.time_started.map(rfc3339),
        time_finished: task.time_finished.map(rfc3339),
        tile: task.tile,
        ram_warning: task.ram_warned,
        peak_rss_mb: task.peak_rss_mb,
        waiting_reason: None,
    })
}

/// Filters of `GET /api/v1/jobs/{job_id}/tasks`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// Only tasks in these states (comma-separated).
    #[param(
        pattern = "^((queued|dispatched|running|done|failed|paused|cancelled)(,(queued|dispatched|running|done|failed|paused|cancelled))*)?$"
    )]
    state: Option<String>,
    /// Most tasks per page (1 to 10000); all when omitted.
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
}

/// `GET /api/v1/jobs/{job_id}/tasks`: in frame order; `cursor` continues a previous page.
#[utoipa::path(
    get,
    operation_id = "list_tasks",
    path = "/api/v1/jobs/{job_id}/tasks",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), TaskQuery),
    responses((status = 200, description = "A page of tasks in frame order, and `next_cursor`", body = TaskPage), super::openapi::Errors)
)]
pub async fn list_tasks(
    State(state): State<AppState>,
    ApiPath(job_id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Json<TaskPage>, ApiError> {
    let limit = match query.limit {
        None => super::paging::MAX_PAGE,
        limit => super::paging::page_size(limit)?,
    };
    let record = jobs::get(&state.db, job_id).await?;
    let filter = tasks::TaskFilter {
        states: parse_states::<TaskState>(query.state.as_deref())?,
        after_idx: query
            .cursor
            .as_deref()
            .map(super::paging::parse_number_cursor)
            .transpose()?,
        limit,
    };
    let rows = tasks::list(&state.db, job_id, &filter).await?;
    let next_cursor = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|task| task.idx.to_string()))
        .flatten();
    Ok(Json(TaskPage {
        tasks: rows
            .iter()
            .map(|task| task_json(task, record.job.frame_by))
            .collect::<Result<_, _>>()?,
        next_cursor,
    }))
}

/// `GET /api/v1/jobs/{job_id}/tasks/{task_id}`.
#[utoipa::path(
    get,
    operation_id = "get_task",
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "The task", body = TaskView), super::openapi::Errors)
)]
pub async fn get_task(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
) -> Result<Json<TaskView>, ApiError> {
    let record = jobs::get(&state.db, job_id).await?;
    let task = tasks::get(&state.db, job_id, task_id).await?;
    let mut view = task_json(&task, record.job.frame_by)?;
    view.waiting_reason = waiting_reason(&state, &record, &task).await?;
    Ok(Json(view))
}

/// Why `task` waits, or `None` when it is not queued, paused or handed to the broker: the task's own state and frame
/// dependencies first, then its job's parents, the requirements no online agent meets, and the
/// job's limits and maximums; failing all those, every eligible agent is busy.
async fn waiting_reason(
    state: &AppState,
    record: &JobRecord,
    task: &task::Model,
) -> Result<Option<String>, ApiError> {
    match tasks::state_of(task)? {
        TaskState::Paused => {
            return Ok(Some(
                "the task is paused: resume the job to run it".to_owned(),
            ));
        }
        TaskState::Queued => {}
        TaskState::Dispatched if task.time_started.is_none() => {
            return Ok(Some(
                "handed to the broker: it starts when an eligible agent has a free slot (every eligible agent is busy)"
                    .to_owned(),
            ));
        }
        _ => return Ok(None),
    }
    let hold = scheduling::hold_reason(&state.db, record).await?;
    if let Some(reason) = hold
        .as_deref()
        .filter(|reason| reason.starts_with("waiting for parent"))
    {
        return Ok(Some(reason.to_owned()));
    }
    if let Some(parent_id) = record.job.frame_parent_id {
        let waiting = scheduling::parent_frames_not_done(
            &state.db,
            parent_id,
            task.frame_first,
            task.frame_last,
        )
        .await?;
        if waiting > 0 {
            return Ok(Some(format!(
                "its frames {}-{} wait for the same frames of job {parent_id} ({waiting} of its tasks are not done)",
                task.frame_first, task.frame_last
            )));
        }
    }
    if let Some(reason) = blocked_reason(record, &capabilities(state).await?)? {
        return Ok(Some(reason));
    }
    Ok(hold
        .filter(|reason| !reason.starts_with("its frames wait"))
        .or_else(|| Some("every eligible agent is busy with this or other work".to_owned())))
}

/// Options of the log endpoint.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    attempt: Option<i32>,
    format: Option<String>,
    /// Stream the log as Server-Sent Events until the attempt ends.
    #[serde(default)]
    follow: bool,
    /// With `follow`: lines already seen; the stream starts after them.
    offset: Option<u64>,
}

/// `GET /api/v1/jobs/{job_id}/tasks/{task_id}/log`: the latest attempt's log (or `?attempt=N`)
/// as text, or as CSV with `?format=csv`; with `?follow=true`, as Server-Sent Events that go on
/// until the attempt ends (see `api::logs`).
#[utoipa::path(
    get,
    operation_id = "task_log",
    path = "/api/v1/jobs/{job_id}/tasks/{task_id}/log",
    tag = "tasks",
    params(("job_id" = i64, Path, description = "Job id, or the job's title URL-encoded (409 when several jobs share it)"), ("task_id" = i64, Path, description = "Task id"), LogQuery),
    responses(
        (status = 200, description = "The log: text, CSV (`format=csv`) or Server-Sent Events (`follow=true`)", content(
            (String = "text/plain"),
            (String = "text/csv"),
            (String = "text/event-stream"),
        )),
        super::openapi::Errors
    )
)]
pub async fn task_log(
    State(state): State<AppState>,
    ApiPath((job_id, task_id)): ApiPath<(i64, i64)>,
    ApiQuery(query): ApiQuery<LogQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let task = tasks::get(&state.db, job_id, task_id).await?;
    if query.follow {
        // A task that has not started yet is followed from its first attempt on.
        let attempt = query.attempt.unwrap_or(task.attempts.max(1));
        if attempt < 1 || attempt > task.attempts.max(1) {
            return Err(ApiError::NotFound(format!(
                "task {task_id} has no attempt {attempt} (it has {} so far)",
                task.attempts
            )));
        }
        let resume_after = headers
            .get("last-event-id")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        let seen = resume_after.or(query.offset).unwrap_or(0);
        return Ok(super::logs::follow(
            state.db.clone(),
            state.activity.clone(),
            job_id,
            task_id,
            attempt,
            seen.saturating_add(1),
        )
        .into_response());
    }
    if query.offset.is_some() {
        return Err(ApiError::invalid(
            "offset",
            "`offset` goes with `follow=true`",
        ));
    }
    let attempt = query.attempt.unwrap_or(task.attempts);
    if attempt < 1 || attempt > task.attempts {
        return Err(ApiError::NotFound(format!(
            "task {task_id} has no attempt {attempt} (it has {} so far)",
            task.attempts
        )));
    }
    let lines = logs::lines(&state.db, task_id, attempt).await?;
    if lines.is_empty()
        && let Some(pruned_at) = crate::store::jobs::logs_pruned_at(&state.db, task.job_id).await?
    {
        return Err(ApiError::Gone(format!(
            "the logs of job {} were pruned at {} by the log retention policy",
            task.job_id,
            crate::db::rfc3339(pruned_at)
        )));
    }
    match query.format.as_deref() {
        None | Some("text") => Ok((
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            logs::as_text(&lines),
        )
            .into_response()),
        Some("csv") => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            logs::as_csv(&lines),
        )
            .into_response()),
        Some(other) => Err(ApiError::invalid(
            "format",
            format!("unknown log format `{other}`: use `text` or `csv`"),
        )),
    }
}

//! Creating and reading jobs. A job and all its tasks are written in one transaction, the
//! tasks with multi-row inserts, so a job is either fully there or not at all.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use warren_shared::{FrameRange, JobState, Requirements, SoftwareRequirement, TaskState};

use super::classes::{self, TaskClass};
use super::{Result, StoreError};
use crate::db::{now_us, placeholders, sql, write_transaction};
use crate::entities::{job, job_queue, job_tag, job_type, job_type_version, tag, task_class};
use crate::jobtype::JobTypeSpec;

/// Tasks written per `INSERT` statement.
const TASKS_PER_INSERT: usize = 5_000;

/// A validated job submission.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Title.
    pub title: String,
    /// Job type name.
    pub jobtype: String,
    /// Job type version; the latest when `None`.
    pub jobtype_version: Option<i32>,
    /// Frames.
    pub frames: FrameRange,
    /// Frames per task.
    pub batch: i64,
    /// Job type data.
    pub data: Value,
    /// Extra environment.
    pub environ: BTreeMap<String, String>,
    /// Scheduling requirements.
    pub requirements: Requirements,
    /// RAM warning threshold, MB.
    pub ram_warning: Option<i64>,
    /// RAM kill threshold, MB.
    pub ram_max: Option<i64>,
    /// Per-task timeout, seconds.
    pub timeout_secs: Option<i64>,
    /// Priority, -1000..=1000.
    pub priority: i32,
    /// Weight among equal priorities.
    pub weight: i32,
    /// Retries: 0 never, -1 forever.
    pub requeue: i32,
    /// Labels for filtering.
    pub tags: BTreeSet<String>,
    /// Job queue name.
    pub queue: String,
    /// Submitting user.
    pub user: Option<String>,
    /// Notes.
    pub notes: String,
    /// Users to notify.
    pub notified_users: Vec<String>,
    /// Seconds after the end to delete the job.
    pub autodelete_secs: Option<i64>,
    /// Days its logs are kept after it ends (`None`: its queue's or the farm's policy).
    pub log_retention_days: Option<i32>,
    /// Hidden from default listings.
    pub hidden: bool,
    /// Agents to reserve.
    pub minimum_agents: Option<i32>,
    /// Agents never to exceed.
    pub maximum_agents: Option<i32>,
    /// Jobs that must be done before this one starts.
    pub parents: Vec<i64>,
    /// Job whose frame N must be done before this job's frame N starts.
    pub frame_parent: Option<i64>,
    /// Tasks per frame batch, one per tile; `None` for untiled jobs.
    pub num_tiles: Option<i32>,
    /// Group to run as (with `user`) when the worker runs as root.
    pub run_group: Option<String>,
    /// Job group.
    pub group_id: Option<i64>,
    /// Names of the limits each task holds while it runs.
    pub limits: Vec<String>,
    /// Run a failed batch again from its first frame, not from the frame that failed.
    pub rerun_whole_batch: bool,
}

/// A job with the names its ids stand for.
#[derive(Debug, Clone)]
pub struct JobRecord {
    /// The row.
    pub job: job::Model,
    /// Job queue name.
    pub queue: String,
    /// Job type name.
    pub jobtype: String,
    /// Job type version.
    pub jobtype_version: i32,
    /// Class key.
    pub class_key: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Jobs that must be done before this one starts.
    pub parents: Vec<i64>,
    /// Limits its tasks hold.
    pub limits: Vec<String>,
}

/// What `create` made.
#[derive(Debug, Clone)]
pub struct Created {
    /// The job.
    pub record: JobRecord,
    /// Its class (possibly new).
    pub class: TaskClass,
    /// Its tasks claimed for dispatch in its submission, if any.
    pub claimed: Option<Claimed>,
}

/// A job's first tasks, claimed for dispatch by its submission, with what the dispatcher needs
/// to publish them.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The job, as [`for_dispatch`] reads it.
    pub job: DispatchJob,
    /// Its claimed tasks, in index order.
    pub tasks: Vec<super::tasks::ClaimedTask>,
}

/// The ids a submission names, resolved in one query.
struct Target {
    queue_id: i64,
    version_id: i64,
    version: i32,
    spec: String,
}

async fn resolve_target(connection: &impl ConnectionTrait, new_job: &NewJob) -> Result<Target> {
    let backend = connection.get_database_backend();
    let mut values = vec![
        new_job.queue.as_str().into(),
        new_job.jobtype.as_str().into(),
    ];
    let mut text = String::from(
        "SELECT q.id AS queue_id, v.id AS version_id, v.version, v.spec FROM job_types t \
         JOIN job_type_versions v ON v.job_type_id = t.id LEFT JOIN job_queues q ON q.name = ? WHERE t.name = ?",
    );
    if let Some(version) = new_job.jobtype_version {
        text.push_str(" AND v.version = ?");
        values.push(version.into());
    }
    text.push_str(" ORDER BY v.version DESC LIMIT 1");
    let Some(row) = TargetRow::find_by_statement(sql(backend, &text, values))
        .one(connection)
        .await?
    else {
        return Err(match new_job.jobtype_version {
            Some(version) => StoreError::invalid(
                "jobtype_version",
                format!("job type `{}` has no version {version}", new_job.jobtype),
            ),
            None => {
                StoreError::invalid("jobtype", format!("unknown job type `{}`", new_job.jobtype))
            }
        });
    };
    let queue_id = row.queue_id.ok_or_else(|| {
        StoreError::invalid("queue", format!("unknown job queue `{}`", new_job.queue))
    })?;
    Ok(Target {
        queue_id,
        version_id: row.version_id,
        version: row.version,
        spec: row.spec,
    })
}

/// The job's requirements plus the software its job type needs (the job's own bound wins for
/// software both name).
fn with_jobtype_software(requirements: &Requirements, spec: &JobTypeSpec) -> Result<Requirements> {
    if spec.software_requirements.is_empty() {
        return Ok(requirements.clone());
    }
    let mut software = requirements.software.clone();
    for text in &spec.software_requirements {
        let needed = SoftwareRequirement::parse(text).map_err(|error| {
            StoreError::Corrupt(format!("job type software requirement: {error}"))
        })?;
        if !software.iter().any(|have| have.software == needed.software) {
            software.push(needed);
        }
    }
    Requirements::new(
        requirements.tags.iter().cloned(),
        requirements.negated_tags.iter().cloned(),
        software,
        requirements.cpus,
        requirements.ram_mb,
    )
    .and_then(|rebuilt| rebuilt.with_gpus(requirements.gpus, requirements.gpu_ram_mb))
    .map_err(|error| StoreError::invalid("software_requirements", error))
}

/// Tag ids for names, creating missing tags.
pub async fn tag_ids(
    connection: &impl ConnectionTrait,
    names: &BTreeSet<String>,
) -> Result<Vec<i64>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut insert = Query::insert()
        .into_table(tag::Entity)
        .columns([tag::Column::Name])
        .to_owned();
    for name in names {
        insert.values_panic([name.as_str().into()]);
    }
    insert.on_conflict(
        OnConflict::column(tag::Column::Name)
            .do_nothing_on([tag::Column::Name])
            .to_owned(),
    );
    connection.execute(&insert).await?;
    Ok(tag::Entity::find()
        .filter(tag::Column::Name.is_in(names.iter().map(String::as_str)))
        .all(connection)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// The queue and job type version a submission names.
#[derive(FromQueryResult)]
struct TargetRow {
    queue_id: Option<i64>,
    version_id: i64,
    version: i32,
    spec: String,
}

#[derive(FromQueryResult)]
struct JobTagName {
    job_id: i64,
    name: String,
}

/// A job's parent or one of its limits (the other column is null).
#[derive(FromQueryResult)]
struct ParentOrLimit {
    job_id: i64,
    parent_id: Option<i64>,
    name: Option<String>,
}

#[derive(FromQueryResult)]
struct ParentId {
    parent_id: i64,
}

#[derive(FromQueryResult)]
struct ChildId {
    job_id: i64,
}

#[derive(FromQueryResult)]
struct Tiles {
    num_tiles: Option<i32>,
}

/// Create a job and all its tasks.
///
/// `reserve(class_id, queue_id, tasks)` says how many of the job's first tasks may be claimed
/// for dispatch in the same transaction (see
/// [`crate::dispatcher::Reservations::reserve`]); it is asked only for jobs that wait on
/// nothing (no parents, no limits, no maximum of agents). They come back in
/// [`Created::claimed`], dispatched, for the dispatcher to publish.
pub async fn create(
    connection: &DatabaseConnection,
    new_job: &NewJob,
    reserve: &(dyn Fn(i64, i64, i64) -> i64 + Sync),
) -> Result<Created> {
    write_transaction(connection, |transaction| async move {
        create_in(&transaction, new_job, reserve).await
    })
    .await
}

/// Create a job and all its tasks in `transaction`.
async fn create_in(
    transaction: &DatabaseTransaction,
    new_job: &NewJob,
    reserve: &(dyn Fn(i64, i64, i64) -> i64 + Sync),
) -> Result<Created> {
    let target = resolve_target(transaction, new_job).await?;
    let spec =
        JobTypeSpec::parse(&target.spec).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let phases = spec
        .phase_templates(&new_job.data)
        .map_err(|error| StoreError::invalid("data", error))?;
    crate::jobtype::validate_templates(&phases, &new_job.data)
        .map_err(|error| StoreError::invalid("data", error))?;
    let requirements = with_jobtype_software(&new_job.requirements, &spec)?;
    if let Some(max_batch) = spec.max_batch
        && new_job.batch > max_batch
    {
        return Err(StoreError::invalid(
            "batch",
            format!(
                "job type `{}` takes at most {max_batch} frames per task",
                new_job.jobtype
            ),
        ));
    }
    let class =
        classes::get_or_create(transaction, target.queue_id, &new_job.queue, &requirements).await?;

    check_references(transaction, new_job).await?;
    let limit_ids = limit_ids(transaction, &new_job.limits, &spec.limits).await?;
    let waits_on_nothing = limit_ids.is_empty()
        && new_job.parents.is_empty()
        && new_job.frame_parent.is_none()
        && new_job.maximum_agents.is_none();
    let n_tasks = task_count(&new_job.frames, new_job.batch, new_job.num_tiles);
    let now = now_us();
    let mut job_row = job::ActiveModel {
        id: ActiveValue::NotSet,
        title: ActiveValue::Set(new_job.title.clone()),
        queue_id: ActiveValue::Set(target.queue_id),
        job_type_version_id: ActiveValue::Set(target.version_id),
        class_id: ActiveValue::Set(class.id),
        state: ActiveValue::Set(JobState::Queued.as_str().to_owned()),
        priority: ActiveValue::Set(new_job.priority),
        weight: ActiveValue::Set(new_job.weight),
        minimum_agents: ActiveValue::Set(new_job.minimum_agents),
        maximum_agents: ActiveValue::Set(new_job.maximum_agents),
        requeue: ActiveValue::Set(new_job.requeue),
        frame_start: ActiveValue::Set(new_job.frames.start()),
        frame_end: ActiveValue::Set(new_job.frames.end()),
        frame_by: ActiveValue::Set(new_job.frames.by()),
        batch: ActiveValue::Set(new_job.batch),
        data: ActiveValue::Set(new_job.data.to_string()),
        environ: ActiveValue::Set(
            serde_json::to_string(&new_job.environ).expect("a string map serializes"),
        ),
        requirements: ActiveValue::Set(
            serde_json::to_string(&requirements).expect("requirements serialize"),
        ),
        cpus: ActiveValue::Set(requirements.cpus as i32),
        ram: ActiveValue::Set(requirements.ram_mb),
        ram_warning: ActiveValue::Set(new_job.ram_warning),
        ram_max: ActiveValue::Set(new_job.ram_max),
        timeout_secs: ActiveValue::Set(new_job.timeout_secs),
        user: ActiveValue::Set(new_job.user.clone()),
        notes: ActiveValue::Set(new_job.notes.clone()),
        notified_users: ActiveValue::Set(
            serde_json::to_string(&new_job.notified_users).expect("a string list serializes"),
        ),
        autodelete_secs: ActiveValue::Set(new_job.autodelete_secs),
        log_retention_days: ActiveValue::Set(new_job.log_retention_days),
        logs_pruned_at: ActiveValue::Set(None),
        hidden: ActiveValue::Set(new_job.hidden),
        time_submitted: ActiveValue::Set(now),
        time_started: ActiveValue::Set(None),
        time_finished: ActiveValue::Set(None),
        n_tasks: ActiveValue::Set(n_tasks),
        n_queued: ActiveValue::Set(n_tasks),
        n_dispatched: ActiveValue::Set(0),
        n_running: ActiveValue::Set(0),
        n_done: ActiveValue::Set(0),
        n_failed: ActiveValue::Set(0),
        n_paused: ActiveValue::Set(0),
        n_cancelled: ActiveValue::Set(0),
        frame_parent_id: ActiveValue::Set(new_job.frame_parent),
        num_tiles: ActiveValue::Set(new_job.num_tiles),
        run_group: ActiveValue::Set(new_job.run_group.clone()),
        group_id: ActiveValue::Set(new_job.group_id),
        notified_state: ActiveValue::Set(None),
        requirements_changed_at: ActiveValue::Set(None),
        rerun_whole_batch: ActiveValue::Set(new_job.rerun_whole_batch),
    }
    .insert(transaction)
    .await?;

    let tag_ids = tag_ids(transaction, &new_job.tags).await?;
    if !tag_ids.is_empty() {
        let mut insert = Query::insert()
            .into_table(job_tag::Entity)
            .columns([job_tag::Column::JobId, job_tag::Column::TagId])
            .to_owned();
        for tag_id in tag_ids {
            insert.values_panic([job_row.id.into(), tag_id.into()]);
        }
        transaction.execute(&insert).await?;
    }

    for parent in &new_job.parents {
        transaction
            .execute_raw(sql(
                transaction.get_database_backend(),
                "INSERT INTO job_parents (job_id, parent_id) VALUES (?, ?)",
                vec![job_row.id.into(), (*parent).into()],
            ))
            .await?;
    }
    for limit_id in limit_ids {
        transaction
            .execute_raw(sql(
                transaction.get_database_backend(),
                "INSERT INTO job_limits (job_id, limit_id) VALUES (?, ?)",
                vec![job_row.id.into(), limit_id.into()],
            ))
            .await?;
    }
    insert_tasks(
        transaction,
        job_row.id,
        &new_job.frames,
        new_job.batch,
        new_job.num_tiles,
    )
    .await?;
    let granted = if waits_on_nothing {
        reserve(class.id, target.queue_id, n_tasks)
    } else {
        0
    };
    let mut claimed = None;
    if granted > 0 {
        let mut deltas = super::counters::CountDeltas::default();
        let grant = super::tasks::Grant {
            job_id: job_row.id,
            frame_parent: None,
            count: granted,
        };
        let tasks = super::tasks::claim(transaction, &[grant], now, &mut deltas).await?;
        deltas.apply(transaction).await?;
        let moved = tasks.len() as i64;
        job_row.n_queued -= moved;
        job_row.n_dispatched += moved;
        // What the dispatcher would read back to publish them, as it would read it.
        let job = dispatch_job(DispatchRow {
            id: job_row.id,
            title: job_row.title.clone(),
            data: job_row.data.clone(),
            environ: job_row.environ.clone(),
            spec: target.spec.clone(),
            class_id: job_row.class_id,
            ram_max: job_row.ram_max,
            ram_warning: job_row.ram_warning,
            timeout_secs: job_row.timeout_secs,
            priority: job_row.priority,
            frame_by: job_row.frame_by,
            user: job_row.user.clone(),
            run_group: job_row.run_group.clone(),
            frame_parent_id: job_row.frame_parent_id,
            rerun_whole_batch: job_row.rerun_whole_batch,
            requirements_changed_at: job_row.requirements_changed_at,
        })?;
        claimed = Some(Claimed { job, tasks });
    }

    let record = JobRecord {
        job: job_row,
        queue: new_job.queue.clone(),
        jobtype: new_job.jobtype.clone(),
        jobtype_version: target.version,
        class_key: class.key.to_string(),
        tags: new_job.tags.iter().cloned().collect(),
        parents: new_job.parents.clone(),
        limits: {
            let mut names: Vec<String> =
                new_job.limits.iter().chain(&spec.limits).cloned().collect();
            names.sort();
            names.dedup();
            names
        },
    };
    Ok(Created {
        record,
        class,
        claimed,
    })
}

/// Tasks a job has: one per frame batch, times its tiles.
#[must_use]
pub fn task_count(frames: &FrameRange, batch: i64, num_tiles: Option<i32>) -> i64 {
    frames.batch_count(batch) as i64 * i64::from(Ord::max(num_tiles.unwrap_or(1), 1))
}

/// Every parent, frame parent and group a submission names must exist.
async fn check_references(connection: &impl ConnectionTrait, new_job: &NewJob) -> Result<()> {
    let backend = connection.get_database_backend();
    let mut wanted: Vec<(&'static str, i64)> = new_job
        .parents
        .iter()
        .map(|parent| ("parents", *parent))
        .collect();
    if let Some(parent) = new_job.frame_parent {
        wanted.push(("depends_on", parent));
    }
    for (field, job_id) in wanted {
        let found = connection
            .query_one_raw(sql(
                backend,
                "SELECT id FROM jobs WHERE id = ?",
                vec![job_id.into()],
            ))
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                field,
                format!("unknown parent job {job_id}"),
            ));
        }
    }
    if let Some(group_id) = new_job.group_id {
        let found = connection
            .query_one_raw(sql(
                backend,
                "SELECT id FROM job_groups WHERE id = ?",
                vec![group_id.into()],
            ))
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                "group",
                format!("unknown job group {group_id}"),
            ));
        }
    }
    Ok(())
}

/// Ids of the named limits (the job's and its job type's); unknown names are refused.
async fn limit_ids(
    connection: &impl ConnectionTrait,
    job_limits: &[String],
    jobtype_limits: &[String],
) -> Result<Vec<i64>> {
    let names: BTreeSet<&String> = job_limits.iter().chain(jobtype_limits).collect();
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let id = super::first_id(
            connection,
            sql(
                connection.get_database_backend(),
                "SELECT id FROM limits WHERE name = ?",
                vec![name.as_str().into()],
            ),
        )
        .await?
        .ok_or_else(|| StoreError::invalid("limits", format!("unknown limit `{name}`")))?;
        ids.push(id);
    }
    Ok(ids)
}

/// Insert the job's tasks in multi-row statements. Every value is an integer computed here, so
/// the rows are written as literals: no parameter limit, no injection surface.
async fn insert_tasks(
    connection: &impl ConnectionTrait,
    job_id: i64,
    frames: &FrameRange,
    batch: i64,
    num_tiles: Option<i32>,
) -> Result<()> {
    let queued = TaskState::Queued.as_str();
    let mut statement = String::new();
    let mut rows_in_statement = 0;
    let batches = frames
        .batches(batch)
        .map_err(|error| StoreError::invalid("batch", error))?;
    let tiles: Vec<Option<i32>> = match num_tiles {
        Some(count) if count > 0 => (0..count).map(Some).collect(),
        _ => vec![None],
    };
    let mut idx: i64 = 0;
    for frame_batch in batches {
        for tile in &tiles {
            if rows_in_statement == 0 {
                statement.clear();
                statement.push_str(
                    "INSERT INTO tasks (job_id, idx, frame_first, frame_last, state, tile) VALUES ",
                );
            } else {
                statement.push(',');
            }
            let tile = tile.map_or_else(|| "NULL".to_owned(), |tile| tile.to_string());
            statement.push_str(&format!(
                "({job_id},{idx},{},{},'{queued}',{tile})",
                frame_batch.first, frame_batch.last
            ));
            idx += 1;
            rows_in_statement += 1;
            if rows_in_statement == TASKS_PER_INSERT {
                connection.execute_unprepared(&statement).await?;
                rows_in_statement = 0;
            }
        }
    }
    if rows_in_statement > 0 {
        connection.execute_unprepared(&statement).await?;
    }
    Ok(())
}

/// What a job list is ordered by; ties are broken by id in the same direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JobSortKey {
    /// Submission order.
    #[default]
    Id,
    /// Title.
    Title,
    /// Priority.
    Priority,
    /// State name.
    State,
}

impl JobSortKey {
    /// Every key, by its name in `?sort=`.
    pub const ALL: [(&'static str, Self); 4] = [
        ("id", Self::Id),
        ("title", Self::Title),
        ("priority", Self::Priority),
        ("state", Self::State),
    ];

    fn column(self) -> job::Column {
        match self {
            Self::Id => job::Column::Id,
            Self::Title => job::Column::Title,
            Self::Priority => job::Column::Priority,
            Self::State => job::Column::State,
        }
    }

    /// The sort value of `row`, as a cursor carries it.
    #[must_use]
    pub fn value_of(self, row: &job::Model) -> String {
        match self {
            Self::Id => row.id.to_string(),
            Self::Title => row.title.clone(),
            Self::Priority => row.priority.to_string(),
            Self::State => row.state.clone(),
        }
    }
}

/// Where the previous page ended: its last job's id and sort value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCursor {
    /// Last job's id.
    pub id: i64,
    /// Last job's sort value (as [`JobSortKey::value_of`] writes it).
    pub value: String,
}

/// Filters for listing jobs.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    /// Only jobs in these states.
    pub states: Vec<JobState>,
    /// Order.
    pub sort: JobSortKey,
    /// Largest first.
    pub descending: bool,
    /// Continue after this job.
    pub after: Option<JobCursor>,
    /// Page size.
    pub limit: u64,
    /// Include hidden jobs.
    pub include_hidden: bool,
    /// Only jobs whose title contains this.
    pub title_contains: Option<String>,
    /// Only jobs of this user.
    pub user: Option<String>,
    /// Only jobs in this queue.
    pub queue_id: Option<i64>,
}

/// Jobs in the filter's order, after its cursor.
pub async fn list(connection: &DatabaseConnection, filter: &JobFilter) -> Result<Vec<JobRecord>> {
    let order = if filter.descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let column = filter.sort.column();
    let mut query = job::Entity::find().order_by(column, order.clone());
    if filter.sort != JobSortKey::Id {
        query = query.order_by(job::Column::Id, order);
    }
    query = query.limit(filter.limit);
    if !filter.states.is_empty() {
        query = query
            .filter(job::Column::State.is_in(filter.states.iter().map(|state| state.as_str())));
    }
    if let Some(cursor) = &filter.after {
        query = query.filter(keyset_after(filter.sort, filter.descending, cursor)?);
    }
    if !filter.include_hidden {
        query = query.filter(job::Column::Hidden.eq(false));
    }
    if let Some(text) = &filter.title_contains {
        query = query.filter(job::Column::Title.contains(text.as_str()));
    }
    if let Some(user) = &filter.user {
        query = query.filter(job::Column::User.eq(user.as_str()));
    }
    if let Some(queue_id) = filter.queue_id {
        query = query.filter(job::Column::QueueId.eq(queue_id));
    }
    let rows = query.all(connection).await?;
    records(connection, rows).await
}

/// `(key, id)` strictly after the cursor in the list's direction.
fn keyset_after(
    key: JobSortKey,
    descending: bool,
    cursor: &JobCursor,
) -> Result<sea_orm::Condition> {
    use sea_orm::Condition;
    let value: sea_orm::Value = match key {
        JobSortKey::Id => {
            return Ok(Condition::all().add(if descending {
                job::Column::Id.lt(cursor.id)
            } else {
                job::Column::Id.gt(cursor.id)
            }));
        }
        JobSortKey::Priority => cursor
            .value
            .parse::<i32>()
            .map_err(|_| StoreError::Invalid {
                field: "cursor",
                message: format!(
                    "`{}` does not continue a list sorted by priority",
                    cursor.value
                ),
            })?
            .into(),
        JobSortKey::Title | JobSortKey::State => cursor.value.clone().into(),
    };
    let column = key.column();
    let (beyond, id_beyond) = if descending {
        (column.lt(value.clone()), job::Column::Id.lt(cursor.id))
    } else {
        (column.gt(value.clone()), job::Column::Id.gt(cursor.id))
    };
    Ok(Condition::any()
        .add(beyond)
        .add(Condition::all().add(column.eq(value)).add(id_beyond)))
}

/// One job.
pub async fn get(connection: &DatabaseConnection, job_id: i64) -> Result<JobRecord> {
    let row = job::Entity::find_by_id(job_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("job {job_id} not found")))?;
    let mut records = records(connection, vec![row]).await?;
    records
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("job {job_id} not found")))
}

/// Attach names to job rows with one query per lookup table.
async fn records(connection: &DatabaseConnection, rows: Vec<job::Model>) -> Result<Vec<JobRecord>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let queues: HashMap<i64, String> = job_queue::Entity::find()
        .all(connection)
        .await?
        .into_iter()
        .map(|queue| (queue.id, queue.name))
        .collect();
    let jobtypes: HashMap<i64, String> = job_type::Entity::find()
        .all(connection)
        .await?
        .into_iter()
        .map(|jobtype| (jobtype.id, jobtype.name))
        .collect();
    let version_ids: BTreeSet<i64> = rows.iter().map(|row| row.job_type_version_id).collect();
    let versions: HashMap<i64, job_type_version::Model> = job_type_version::Entity::find()
        .filter(job_type_version::Column::Id.is_in(version_ids))
        .all(connection)
        .await?
        .into_iter()
        .map(|version| (version.id, version))
        .collect();
    let class_ids: BTreeSet<i64> = rows.iter().map(|row| row.class_id).collect();
    let class_keys: HashMap<i64, String> = task_class::Entity::find()
        .filter(task_class::Column::Id.is_in(class_ids))
        .all(connection)
        .await?
        .into_iter()
        .map(|class| (class.id, class.key))
        .collect();
    let job_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let tag_rows = JobTagName::find_by_statement(
        connection.get_database_backend().build(
            &Query::select()
                .column((job_tag::Entity, job_tag::Column::JobId))
                .column((tag::Entity, tag::Column::Name))
                .from(job_tag::Entity)
                .inner_join(
                    tag::Entity,
                    Expr::col((tag::Entity, tag::Column::Id))
                        .equals((job_tag::Entity, job_tag::Column::TagId)),
                )
                .and_where(
                    Expr::col((job_tag::Entity, job_tag::Column::JobId)).is_in(job_ids.clone()),
                )
                .to_owned(),
        ),
    )
    .all(connection)
    .await?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for row in tag_rows {
        tags.entry(row.job_id).or_default().push(row.name);
    }
    let backend = connection.get_database_backend();
    let id_list = placeholders(backend, 1, job_ids.len());
    let id_values: Vec<sea_orm::Value> = job_ids.iter().map(|id| (*id).into()).collect();
    // Parents and limits in one round trip.
    let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut limits: HashMap<i64, Vec<String>> = HashMap::new();
    let mut values = id_values.clone();
    values.extend(id_values);
    for row in ParentOrLimit::find_by_statement(sql(
            backend,
            &format!(
                "SELECT job_id, parent_id, NULL AS name FROM job_parents WHERE job_id IN ({id_list}) \
                 UNION ALL SELECT jl.job_id, NULL, l.name FROM job_limits jl JOIN limits l ON l.id = jl.limit_id \
                 WHERE jl.job_id IN ({}) ORDER BY 1, 2, 3",
                placeholders(backend, job_ids.len() + 1, job_ids.len())
            ),
            values,
        ))
        .all(connection)
        .await?
    {
        if let Some(parent) = row.parent_id {
            parents.entry(row.job_id).or_default().push(parent);
        }
        if let Some(name) = row.name {
            limits.entry(row.job_id).or_default().push(name);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let version = versions.get(&row.job_type_version_id);
            JobRecord {
                queue: queues.get(&row.queue_id).cloned().unwrap_or_default(),
                jobtype: version
                    .and_then(|version| jobtypes.get(&version.job_type_id))
                    .cloned()
                    .unwrap_or_default(),
                jobtype_version: version.map_or(0, |version| version.version),
                class_key: class_keys.get(&row.class_id).cloned().unwrap_or_default(),
                tags: {
                    let mut job_tags = tags.remove(&row.id).unwrap_or_default();
                    job_tags.sort();
                    job_tags
                },
                parents: parents.remove(&row.id).unwrap_or_default(),
                limits: limits.remove(&row.id).unwrap_or_default(),
                job: row,
            }
        })
        .collect())
}

/// Check new job type data of a job against its job type version (from the next attempt on,
/// tasks run with it).
pub async fn check_data(
    connection: &impl ConnectionTrait,
    version_id: i64,
    data: &Value,
) -> Result<()> {
    if !data.is_object() {
        return Err(StoreError::invalid("data", "`data` must be a JSON object"));
    }
    let version = job_type_version::Entity::find_by_id(version_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("job type version {version_id} is missing")))?;
    let spec = JobTypeSpec::parse(&version.spec)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let phases = spec
        .phase_templates(data)
        .map_err(|error| StoreError::invalid("data", error))?;
    crate::jobtype::validate_templates(&phases, data)
        .map_err(|error| StoreError::invalid("data", error))
}

/// Replace a job's parents. Unknown parents and dependency cycles are refused.
pub async fn set_parents(
    connection: &impl ConnectionTrait,
    job_id: i64,
    parents: &[i64],
) -> Result<()> {
    let backend = connection.get_database_backend();
    let mut parents: Vec<i64> = parents.to_vec();
    parents.sort_unstable();
    parents.dedup();
    for parent in &parents {
        if *parent == job_id {
            return Err(StoreError::invalid(
                "parents",
                "a job cannot depend on itself",
            ));
        }
        if connection
            .query_one_raw(sql(
                backend,
                "SELECT id FROM jobs WHERE id = ?",
                vec![(*parent).into()],
            ))
            .await?
            .is_none()
        {
            return Err(StoreError::invalid(
                "parents",
                format!("unknown parent job {parent}"),
            ));
        }
        if depends_on(connection, *parent, job_id).await? {
            return Err(StoreError::invalid(
                "parents",
                format!("job {parent} already depends on job {job_id}: that would be a cycle"),
            ));
        }
    }
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM job_parents WHERE job_id = ?",
            vec![job_id.into()],
        ))
        .await?;
    for parent in parents {
        connection
            .execute_raw(sql(
                backend,
                "INSERT INTO job_parents (job_id, parent_id) VALUES (?, ?)",
                vec![job_id.into(), parent.into()],
            ))
            .await?;
    }
    Ok(())
}

/// Whether `job_id` depends on `ancestor`, directly or through other jobs (job or frame
/// dependencies).
async fn depends_on(connection: &impl ConnectionTrait, job_id: i64, ancestor: i64) -> Result<bool> {
    let backend = connection.get_database_backend();
    let mut seen = BTreeSet::new();
    let mut frontier = vec![job_id];
    while let Some(current) = frontier.pop() {
        if current == ancestor {
            return Ok(true);
        }
        if !seen.insert(current) {
            continue;
        }
        for row in ParentId::find_by_statement(sql(
            backend,
            "SELECT parent_id FROM job_parents WHERE job_id = ? \
             UNION SELECT frame_parent_id FROM jobs WHERE id = ? AND frame_parent_id IS NOT NULL",
            vec![current.into(), current.into()],
        ))
        .all(connection)
        .await?
        {
            frontier.push(row.parent_id);
        }
    }
    Ok(false)
}

/// The queue and class of a job in `queue` with `requirements`.
pub async fn move_target(
    connection: &impl ConnectionTrait,
    queue: &str,
    requirements: &Requirements,
) -> Result<(i64, i64)> {
    let queue_row = job_queue::Entity::find()
        .filter(job_queue::Column::Name.eq(queue))
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::invalid("queue", format!("unknown job queue `{queue}`")))?;
    let class =
        classes::get_or_create(connection, queue_row.id, &queue_row.name, requirements).await?;
    Ok((queue_row.id, class.id))
}

/// Replace a job's tasks with the batches of a new frame range; refused once any task has run.
pub async fn replace_frames(
    connection: &impl ConnectionTrait,
    job_id: i64,
    frames: &FrameRange,
    batch: i64,
) -> Result<()> {
    let backend = connection.get_database_backend();
    let started = super::count(
        connection,
        sql(
            backend,
            "SELECT COUNT(*) AS n FROM tasks WHERE job_id = ? AND (time_started IS NOT NULL OR state IN ('running', 'done', 'failed'))",
            vec![job_id.into()],
        ),
    )
    .await?;
    if started > 0 {
        return Err(StoreError::Conflict(format!(
            "the frame range of job {job_id} can change only while none of its tasks has run ({started} have)"
        )));
    }
    for statement in [
        "DELETE FROM task_actions WHERE task_id IN (SELECT id FROM tasks WHERE job_id = ?)",
        "DELETE FROM tasks WHERE job_id = ?",
    ] {
        connection
            .execute_raw(sql(backend, statement, vec![job_id.into()]))
            .await?;
    }
    let num_tiles = Tiles::find_by_statement(sql(
        backend,
        "SELECT num_tiles FROM jobs WHERE id = ?",
        vec![job_id.into()],
    ))
    .one(connection)
    .await?
    .and_then(|row| row.num_tiles);
    insert_tasks(connection, job_id, frames, batch, num_tiles).await?;
    let n_tasks = task_count(frames, batch, num_tiles);
    connection
        .execute_raw(sql(
            backend,
            "UPDATE jobs SET n_tasks = ?, n_queued = ?, n_dispatched = 0, n_running = 0, n_done = 0, n_failed = 0, \
             n_paused = 0, n_cancelled = 0, state = 'queued', time_started = NULL, time_finished = NULL WHERE id = ?",
            vec![n_tasks.into(), n_tasks.into(), job_id.into()],
        ))
        .await?;
    Ok(())
}

/// What the dispatcher needs of a job to publish its tasks.
#[derive(Debug, Clone)]
pub struct DispatchJob {
    /// Title.
    pub title: String,
    /// The submission's data.
    pub data: Value,
    /// The submission's environment variables.
    pub environ: BTreeMap<String, String>,
    /// The job type version's specification.
    pub spec: JobTypeSpec,
    /// Its requirement class.
    pub class_id: i64,
    /// Memory limit, MB.
    pub ram_max: Option<i64>,
    /// Memory warning, MB.
    pub ram_warning: Option<i64>,
    /// Run-time limit per attempt, seconds.
    pub timeout_secs: Option<i64>,
    /// Priority.
    pub priority: i32,
    /// Frame step.
    pub frame_by: i64,
    /// User its tasks run as.
    pub user: Option<String>,
    /// Group its tasks run as.
    pub run_group: Option<String>,
    /// The job whose frames gate this one's.
    pub frame_parent_id: Option<i64>,
    /// Run a failed batch again from its first frame.
    pub rerun_whole_batch: bool,
    /// When its requirements last changed.
    pub requirements_changed_at: Option<i64>,
}

/// The row behind a [`DispatchJob`].
#[derive(Debug, FromQueryResult)]
struct DispatchRow {
    id: i64,
    title: String,
    data: String,
    environ: String,
    spec: String,
    class_id: i64,
    ram_max: Option<i64>,
    ram_warning: Option<i64>,
    timeout_secs: Option<i64>,
    priority: i32,
    frame_by: i64,
    user: Option<String>,
    run_group: Option<String>,
    frame_parent_id: Option<i64>,
    rerun_whole_batch: bool,
    requirements_changed_at: Option<i64>,
}

/// Jobs as the dispatcher publishes them, read in one statement; a job that does not exist is
/// left out, and a job whose stored JSON does not parse is [`StoreError::Corrupt`].
pub async fn for_dispatch(
    connection: &impl ConnectionTrait,
    job_ids: &[i64],
) -> Result<Vec<(i64, Result<DispatchJob>)>> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = crate::db::backend_of(connection);
    let rows = DispatchRow::find_by_statement(sql(
        backend,
        &format!(
            "SELECT j.id, j.title, j.data, j.environ, j.class_id, j.ram_max, j.ram_warning, j.timeout_secs, j.priority, \
             j.frame_by, j.user, j.run_group, j.frame_parent_id, j.rerun_whole_batch, j.requirements_changed_at, v.spec \
             FROM jobs j JOIN job_type_versions v ON v.id = j.job_type_version_id WHERE j.id IN ({})",
            crate::db::placeholders(backend, 1, job_ids.len())
        ),
        job_ids.iter().map(|id| (*id).into()).collect(),
    ))
    .all(connection)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, dispatch_job(row)))
        .collect())
}

fn dispatch_job(row: DispatchRow) -> Result<DispatchJob> {
    let job_id = row.id;
    let owner = format!("job {job_id}");
    Ok(DispatchJob {
        data: super::json_column(&owner, "data", &row.data)?,
        environ: super::json_column(&owner, "environment", &row.environ)?,
        spec: JobTypeSpec::parse(&row.spec).map_err(|error| {
            StoreError::Corrupt(format!("the job type of job {job_id}: {error}"))
        })?,
        title: row.title,
        class_id: row.class_id,
        ram_max: row.ram_max,
        ram_warning: row.ram_warning,
        timeout_secs: row.timeout_secs,
        priority: row.priority,
        frame_by: row.frame_by,
        user: row.user,
        run_group: row.run_group,
        frame_parent_id: row.frame_parent_id,
        rerun_whole_batch: row.rerun_whole_batch,
        requirements_changed_at: row.requirements_changed_at,
    })
}

/// A job row's state.
///
/// # Errors
/// [`StoreError::Corrupt`] when the stored name is no state.
pub fn state_of(job: &job::Model) -> Result<JobState> {
    job.state
        .parse()
        .map_err(|error| StoreError::Corrupt(format!("the state of job {}: {error}", job.id)))
}

/// The users to notify of a job's end, as stored with it.
pub fn notified_users(job: &job::Model) -> Result<Vec<String>> {
    super::json_column(
        format!("job {}", job.id),
        "notified users",
        &job.notified_users,
    )
}

/// A job's requirements, as stored with it.
pub fn requirements(job: &job::Model) -> Result<Requirements> {
    super::json_column(format!("job {}", job.id), "requirements", &job.requirements)
}

/// A job's data for its job type's templates, as stored with it.
pub fn data(job: &job::Model) -> Result<serde_json::Value> {
    super::json_column(format!("job {}", job.id), "data", &job.data)
}

/// A job's extra environment variables, as stored with it.
pub fn environ(job: &job::Model) -> Result<BTreeMap<String, String>> {
    super::json_column(format!("job {}", job.id), "environment", &job.environ)
}

/// Up to `limit` ended jobs whose users have not been told of their state yet.
pub async fn awaiting_notice(connection: &impl ConnectionTrait, limit: u64) -> Result<Vec<i64>> {
    ids(
        connection,
        "SELECT id FROM jobs WHERE state IN ('done', 'failed') AND notified_users <> '[]' \
         AND (notified_state IS NULL OR notified_state <> state) LIMIT ?",
        vec![i64::try_from(limit).unwrap_or(i64::MAX).into()],
    )
    .await
}

/// Record that a job's users were told of `state`.
pub async fn mark_notified(
    connection: &impl ConnectionTrait,
    job_id: i64,
    state: &str,
) -> Result<()> {
    connection
        .execute_raw(sql(
            crate::db::backend_of(connection),
            "UPDATE jobs SET notified_state = ? WHERE id = ?",
            vec![state.into(), job_id.into()],
        ))
        .await?;
    Ok(())
}

/// Up to `limit` ended jobs whose autodelete time is up at `now` (µs).
pub async fn past_autodelete(
    connection: &impl ConnectionTrait,
    now: i64,
    limit: u64,
) -> Result<Vec<i64>> {
    ids(
        connection,
        "SELECT id FROM jobs WHERE autodelete_secs IS NOT NULL AND time_finished IS NOT NULL \
         AND state IN ('done', 'failed', 'cancelled') AND time_finished + autodelete_secs * 1000000 <= ? LIMIT ?",
        vec![now.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
    )
    .await
}

/// When the job's logs were pruned by the retention policy, if they were.
pub async fn logs_pruned_at(connection: &impl ConnectionTrait, job_id: i64) -> Result<Option<i64>> {
    Ok(job::Entity::find_by_id(job_id)
        .one(connection)
        .await?
        .and_then(|job| job.logs_pruned_at))
}

/// The `id` column of a query's rows.
async fn ids(
    connection: &impl ConnectionTrait,
    text: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<i64>> {
    Ok(super::ids(
        connection,
        sql(crate::db::backend_of(connection), text, values),
    )
    .await?)
}

/// The jobs that wait for `job_id`: as a parent, or for its frames.
pub async fn children(connection: &impl ConnectionTrait, job_id: i64) -> Result<Vec<i64>> {
    let rows = ChildId::find_by_statement(sql(
        crate::db::backend_of(connection),
        "SELECT job_id FROM job_parents WHERE parent_id = ? \
         UNION SELECT id AS job_id FROM jobs WHERE frame_parent_id = ? ORDER BY job_id",
        vec![job_id.into(), job_id.into()],
    ))
    .all(connection)
    .await?;
    Ok(rows.into_iter().map(|row| row.job_id).collect())
}

/// A job's row.
pub async fn row(connection: &impl ConnectionTrait, job_id: i64) -> Result<job::Model> {
    job::Entity::find_by_id(job_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("job {job_id} not found")))
}

/// Who submitted a job (`None` inside: nobody in particular); `None` when there is no such job.
pub async fn owner(
    connection: &impl ConnectionTrait,
    job_id: i64,
) -> Result<Option<Option<String>>> {
    Ok(job::Entity::find_by_id(job_id)
        .select_only()
        .column(job::Column::User)
        .into_tuple()
        .one(connection)
        .await?)
}

/// The ids of up to `limit` jobs titled `title`.
pub async fn titled(
    connection: &impl ConnectionTrait,
    title: &str,
    limit: u64,
) -> Result<Vec<i64>> {
    Ok(job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(job::Column::Title.eq(title))
        .limit(limit)
        .into_tuple()
        .all(connection)
        .await?)
}

/// Changes to a submitted job; `None` leaves a setting as it is. Frames change only while no
/// task of the job has run.
#[derive(Debug, Clone, Default)]
pub struct JobChange {
    /// New title.
    pub title: Option<String>,
    /// New priority.
    pub priority: Option<i32>,
    /// New weight.
    pub weight: Option<i32>,
    /// New notes.
    pub notes: Option<String>,
    /// Hidden from job lists or not.
    pub hidden: Option<bool>,
    /// New minimum task slots.
    pub minimum_agents: Option<i32>,
    /// New maximum task slots.
    pub maximum_agents: Option<i32>,
    /// The job queue to move it to.
    pub queue: Option<String>,
    /// New frames and frames per task.
    pub frames: Option<(FrameRange, i64)>,
    /// Delete it this many seconds after it ends.
    pub autodelete_secs: Option<i64>,
    /// New log retention in days (`Some(None)`: its queue's or the farm's policy).
    pub log_retention_days: Option<Option<i32>>,
    /// New job type data.
    pub data: Option<Value>,
    /// New parent jobs.
    pub parents: Option<Vec<i64>>,
    /// Run failed batches again from their first frame (or from the frame that failed).
    pub rerun_whole_batch: Option<bool>,
    /// What its tasks need and carry.
    pub requirements: RequirementChange,
}

/// A change of what a job's tasks need (their class) and carry (limits, timeouts, environment,
/// job type version); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct RequirementChange {
    /// CPUs per task (-1: the whole host).
    pub cpus: Option<i64>,
    /// RAM per task, MB (-1: the whole host).
    pub ram: Option<i64>,
    /// GPUs per task.
    pub gpus: Option<i64>,
    /// Memory each of those GPUs must have, MB (0: any).
    pub gpu_ram: Option<i64>,
    /// Tags an agent must have, and tags it must not have.
    pub tag_requirements: Option<(Vec<String>, Vec<String>)>,
    /// Software with version bounds (the job type's own requirements are added).
    pub software_requirements: Option<Vec<SoftwareRequirement>>,
    /// Tags shown on the job.
    pub tags: Option<BTreeSet<String>>,
    /// Limits each task holds (the job type's are added).
    pub limits: Option<Vec<String>>,
    /// Seconds before a task is killed; `Some(None)` removes the timeout.
    pub timeout_secs: Option<Option<i64>>,
    /// MB of memory at which a task is killed; `Some(None)` removes it.
    pub ram_max: Option<Option<i64>>,
    /// MB of memory at which a task's log warns; `Some(None)` removes it.
    pub ram_warning: Option<Option<i64>>,
    /// Retries of a failed task.
    pub requeue: Option<i32>,
    /// Extra environment variables (replacing the old ones).
    pub environ: Option<BTreeMap<String, String>>,
    /// Job type version to pin.
    pub jobtype_version: Option<i32>,
    /// Stop running tasks and run them again under the new requirements (not a failure).
    pub restart_running: bool,
}

/// What a job change did to tasks already handed out.
#[derive(Debug, Default)]
pub struct Steered {
    /// Published attempts taken back (their tasks are published again): workers must drop them.
    pub withdrawn: Vec<warren_shared::AttemptRef>,
    /// Running attempts stopped to run again (`restart_running`).
    pub stopped: Vec<super::control::StoppedAttempt>,
}

/// The id of version `version` of the job type of version `version_id`.
async fn sibling_version(
    connection: &impl ConnectionTrait,
    version_id: i64,
    version: i32,
) -> Result<(i64, JobTypeSpec)> {
    #[derive(FromQueryResult)]
    struct Sibling {
        id: i64,
        spec: String,
    }
    let row = Sibling::find_by_statement(sql(
        connection.get_database_backend(),
        "SELECT v.id, v.spec FROM job_type_versions v JOIN job_type_versions pinned \
         ON pinned.job_type_id = v.job_type_id WHERE pinned.id = ? AND v.version = ?",
        vec![version_id.into(), version.into()],
    ))
    .one(connection)
    .await?
    .ok_or_else(|| {
        StoreError::invalid(
            "jobtype_version",
            format!("the job's job type has no version {version}"),
        )
    })?;
    let spec =
        JobTypeSpec::parse(&row.spec).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok((row.id, spec))
}

/// A job type version's spec.
async fn version_spec(connection: &impl ConnectionTrait, version_id: i64) -> Result<JobTypeSpec> {
    let row = job_type_version::Entity::find_by_id(version_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("job type version {version_id} is missing")))?;
    JobTypeSpec::parse(&row.spec).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Change a submitted job, read as `row` in the same transaction.
pub async fn update(
    connection: &DatabaseTransaction,
    row: job::Model,
    change: JobChange,
) -> Result<Steered> {
    let job_id = row.id;
    let mut active: job::ActiveModel = row.clone().into();
    let steering = change.requirements;
    // Whether tasks already published carry something that changed: then they are withdrawn.
    let mut republish = false;
    let mut version_id = row.job_type_version_id;
    let mut spec = None;
    // The job type version the job leaves, when it changes: its software and limits go.
    let mut old_spec = None;
    if let Some(version) = steering.jobtype_version {
        let (id, pinned_spec) =
            sibling_version(connection, row.job_type_version_id, version).await?;
        if id != row.job_type_version_id {
            let data = match &change.data {
                Some(data) => data.clone(),
                None => data(&row)?,
            };
            check_data(connection, id, &data).await?;
            old_spec = Some(version_spec(connection, row.job_type_version_id).await?);
            active.job_type_version_id = ActiveValue::Set(id);
            version_id = id;
            republish = true;
        }
        spec = Some(pinned_spec);
    }
    let spec = match spec {
        Some(spec) => spec,
        None => version_spec(connection, version_id).await?,
    };
    let current = requirements(&row)?;
    // What the job asks for itself, without its (old) job type's software.
    let own_software: Vec<SoftwareRequirement> = match &old_spec {
        Some(old) => {
            let names = jobtype_software_names(old);
            current
                .software
                .iter()
                .filter(|requirement| !names.contains(&requirement.software))
                .cloned()
                .collect()
        }
        None => current.software.clone(),
    };
    let mut new_requirements = None;
    if steering.cpus.is_some()
        || steering.ram.is_some()
        || steering.gpus.is_some()
        || steering.gpu_ram.is_some()
        || steering.tag_requirements.is_some()
        || steering.software_requirements.is_some()
        || old_spec.is_some()
    {
        let (tags, negated) = steering.tag_requirements.clone().unwrap_or_else(|| {
            (
                current.tags.iter().cloned().collect(),
                current.negated_tags.iter().cloned().collect(),
            )
        });
        let software = steering
            .software_requirements
            .clone()
            .unwrap_or(own_software);
        let requirements = Requirements::new(
            tags,
            negated,
            software,
            steering.cpus.unwrap_or(current.cpus),
            steering.ram.unwrap_or(current.ram_mb),
        )
        .and_then(|requirements| {
            let gpus = steering.gpus.unwrap_or(current.gpus);
            // Without GPUs there is no GPU memory to ask for.
            let gpu_ram = if gpus == 0 {
                0
            } else {
                steering.gpu_ram.unwrap_or(current.gpu_ram_mb)
            };
            requirements.with_gpus(gpus, gpu_ram)
        })
        .map_err(|error| {
            let field = match error {
                warren_shared::RequirementsError::GpusOutOfRange(_) => "gpus",
                warren_shared::RequirementsError::GpuRamOutOfRange(_) => "gpu_ram",
                _ => "requirements",
            };
            StoreError::invalid(field, error)
        })?;
        let requirements = with_jobtype_software(&requirements, &spec)?;
        if requirements != current {
            active.requirements = ActiveValue::Set(
                serde_json::to_string(&requirements).expect("requirements serialize"),
            );
            active.cpus = ActiveValue::Set(i32::try_from(requirements.cpus).unwrap_or(i32::MAX));
            active.ram = ActiveValue::Set(requirements.ram_mb);
            new_requirements = Some(requirements);
        }
    }
    if new_requirements.is_some() || change.queue.is_some() {
        let requirements = new_requirements.as_ref().unwrap_or(&current);
        let queue = match &change.queue {
            Some(queue) => queue.clone(),
            None => queue_name(connection, row.queue_id).await?,
        };
        let (queue_id, class_id) = move_target(connection, &queue, requirements).await?;
        if class_id != row.class_id || queue_id != row.queue_id {
            republish = true;
        }
        active.queue_id = ActiveValue::Set(queue_id);
        active.class_id = ActiveValue::Set(class_id);
    }
    if let Some(timeout) = steering.timeout_secs {
        republish |= timeout != row.timeout_secs;
        active.timeout_secs = ActiveValue::Set(timeout);
    }
    if let Some(ram_max) = steering.ram_max {
        republish |= ram_max != row.ram_max;
        active.ram_max = ActiveValue::Set(ram_max);
    }
    if let Some(ram_warning) = steering.ram_warning {
        republish |= ram_warning != row.ram_warning;
        active.ram_warning = ActiveValue::Set(ram_warning);
    }
    if let Some(environ) = &steering.environ {
        let text = serde_json::to_string(environ).expect("a string map serializes");
        republish |= text != row.environ;
        active.environ = ActiveValue::Set(text);
    }
    if let Some(requeue) = steering.requeue {
        active.requeue = ActiveValue::Set(requeue);
    }
    if let Some(tags) = &steering.tags {
        replace_tags(connection, job_id, tags).await?;
    }
    let limits = match (&steering.limits, &old_spec) {
        (Some(limits), _) => Some(limits.clone()),
        // A new job type version brings its own limits instead of the old one's.
        (None, Some(old)) => Some(
            limit_names(connection, job_id)
                .await?
                .into_iter()
                .filter(|name| !old.limits.contains(name))
                .collect(),
        ),
        (None, None) => None,
    };
    if let Some(limits) = &limits {
        let ids = limit_ids(connection, limits, &spec.limits).await?;
        replace_limits(connection, job_id, &ids).await?;
    }
    let mut steered = Steered::default();
    if republish || steering.restart_running {
        let mut deltas = super::counters::CountDeltas::default();
        if republish {
            steered.withdrawn =
                super::control::withdraw_published(connection, job_id, &mut deltas).await?;
            active.requirements_changed_at = ActiveValue::Set(Some(now_us()));
        }
        if steering.restart_running {
            steered.stopped =
                super::control::restart_running(connection, job_id, &mut deltas).await?;
        }
        deltas.apply(connection).await?;
    }
    if let Some(title) = change.title {
        active.title = ActiveValue::Set(title);
    }
    if let Some(priority) = change.priority {
        active.priority = ActiveValue::Set(priority);
    }
    if let Some(weight) = change.weight {
        active.weight = ActiveValue::Set(weight);
    }
    if let Some(notes) = change.notes {
        active.notes = ActiveValue::Set(notes);
    }
    if let Some(hidden) = change.hidden {
        active.hidden = ActiveValue::Set(hidden);
    }
    if let Some(minimum) = change.minimum_agents {
        active.minimum_agents = ActiveValue::Set(Some(minimum));
    }
    if let Some(maximum) = change.maximum_agents {
        active.maximum_agents = ActiveValue::Set(Some(maximum));
    }
    if let Some((frames, batch)) = change.frames {
        replace_frames(connection, job_id, &frames, batch).await?;
        active.frame_start = ActiveValue::Set(frames.start());
        active.frame_end = ActiveValue::Set(frames.end());
        active.frame_by = ActiveValue::Set(frames.by());
        active.batch = ActiveValue::Set(batch);
    }
    if let Some(autodelete) = change.autodelete_secs {
        active.autodelete_secs = ActiveValue::Set(Some(autodelete));
    }
    if let Some(days) = change.log_retention_days {
        active.log_retention_days = ActiveValue::Set(days);
    }
    if let Some(data) = change.data {
        check_data(connection, row.job_type_version_id, &data).await?;
        active.data = ActiveValue::Set(data.to_string());
    }
    if let Some(parents) = change.parents {
        set_parents(connection, job_id, &parents).await?;
    }
    if let Some(whole) = change.rerun_whole_batch {
        active.rerun_whole_batch = ActiveValue::Set(whole);
    }
    active.update(connection).await?;
    Ok(steered)
}

/// The name of a job queue.
async fn queue_name(connection: &impl ConnectionTrait, queue_id: i64) -> Result<String> {
    Ok(job_queue::Entity::find_by_id(queue_id)
        .one(connection)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("job queue {queue_id} is missing")))?
        .name)
}

/// Replace the tags shown on a job.
async fn replace_tags(
    connection: &impl ConnectionTrait,
    job_id: i64,
    tags: &BTreeSet<String>,
) -> Result<()> {
    connection
        .execute_raw(sql(
            connection.get_database_backend(),
            "DELETE FROM job_tags WHERE job_id = ?",
            vec![job_id.into()],
        ))
        .await?;
    let tag_ids = tag_ids(connection, tags).await?;
    if !tag_ids.is_empty() {
        let mut insert = Query::insert()
            .into_table(job_tag::Entity)
            .columns([job_tag::Column::JobId, job_tag::Column::TagId])
            .to_owned();
        for tag_id in tag_ids {
            insert.values_panic([job_id.into(), tag_id.into()]);
        }
        connection.execute(&insert).await?;
    }
    Ok(())
}

/// The names of the software a job type version requires.
fn jobtype_software_names(spec: &JobTypeSpec) -> BTreeSet<String> {
    spec.software_requirements
        .iter()
        .filter_map(|text| SoftwareRequirement::parse(text).ok())
        .map(|requirement| requirement.software)
        .collect()
}

/// The names of the limits a job's tasks hold.
async fn limit_names(connection: &impl ConnectionTrait, job_id: i64) -> Result<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Name {
        name: String,
    }
    Ok(Name::find_by_statement(sql(
        connection.get_database_backend(),
        "SELECT l.name FROM job_limits jl JOIN limits l ON l.id = jl.limit_id WHERE jl.job_id = ?",
        vec![job_id.into()],
    ))
    .all(connection)
    .await?
    .into_iter()
    .map(|row| row.name)
    .collect())
}

/// Replace the limits a job's tasks hold.
async fn replace_limits(
    connection: &impl ConnectionTrait,
    job_id: i64,
    limit_ids: &[i64],
) -> Result<()> {
    let backend = connection.get_database_backend();
    connection
        .execute_raw(sql(
            backend,
            "DELETE FROM job_limits WHERE job_id = ?",
            vec![job_id.into()],
        ))
        .await?;
    for limit_id in limit_ids {
        connection
            .execute_raw(sql(
                backend,
                "INSERT INTO job_limits (job_id, limit_id) VALUES (?, ?)",
                vec![job_id.into(), (*limit_id).into()],
            ))
            .await?;
    }
    Ok(())
}

/// Replace the users notified of a job's end.
pub async fn set_notified_users(
    connection: &impl ConnectionTrait,
    job_id: i64,
    users: &[String],
) -> Result<()> {
    let mut active: job::ActiveModel = row(connection, job_id).await?.into();
    active.notified_users =
        ActiveValue::Set(serde_json::to_string(users).expect("a string list serializes"));
    active.update(connection).await?;
    Ok(())
}

//! The dispatcher: moves ready tasks to `dispatched` and publishes them to their class queues.
//!
//! It keeps only a bounded window of tasks in each class queue (what eligible workers can take
//! at once plus a margin), chosen by job priority, so priority changes, pauses and
//! cancellations apply within a window rather than after a whole backlog. A task's move to
//! `dispatched` is committed before it is published; the `published` flag, set once the
//! broker confirms, is the outbox: after a crash or a broker failure, dispatched tasks whose
//! publication was never confirmed are published again with the same attempt number.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::Notify;
use warren_broker::{Outgoing, Publisher, Shutdown, error_chain, reconnect_backoff};
use warren_shared::{
    AgentId, FrameBatch, Message, Requirements, Subscribe, TaskAssignment, TaskId,
};

use crate::control::Control;
use crate::db::{begin_write, now_us};
use crate::jobtype::expand_phases;
use crate::store::classes::{self, TaskClass};
use crate::store::counters::CountDeltas;
use crate::store::failures;
use crate::store::scheduling;
use crate::store::tasks::{self, ClaimedTask};

/// Most tasks claimed per class per round.
const MAX_CLAIM: i64 = 2_000;
/// How often dispatches left unpublished are looked for besides at start and after a failure
/// (a submission's claim handed to a dispatcher that stopped leading before publishing it), and
/// how old they must be.
const SWEEP_EVERY: Duration = Duration::from_secs(30);
/// Offers of idle room are skipped on farms where working them out (classes times agents)
/// would cost more than the round they save.
const MAX_IDLE_OFFER_WORK: usize = 100_000;
/// How long the agent capacity snapshot is trusted.
const CAPACITY_TTL: Duration = Duration::from_secs(2);
/// Tasks a class may have in flight beyond its slots and margin are what its workers consume in
/// this long, so fast classes keep their workers busy while slow ones keep a short queue.
const RATE_HORIZON: Duration = Duration::from_millis(300);
/// The window over which a class's dispatch rate is measured.
const RATE_WINDOW: Duration = Duration::from_secs(2);

/// Tasks dispatched per class in the last [`RATE_WINDOW`], to size windows by consumption.
#[derive(Debug, Default)]
struct DispatchRate {
    recent: std::collections::VecDeque<(Instant, i64)>,
}

impl DispatchRate {
    fn record(&mut self, count: i64) {
        self.recent.push_back((Instant::now(), count));
    }

    /// Tasks per second over the window.
    fn per_second(&mut self) -> f64 {
        while self
            .recent
            .front()
            .is_some_and(|(at, _)| at.elapsed() > RATE_WINDOW)
        {
            self.recent.pop_front();
        }
        self.recent.iter().map(|(_, count)| *count).sum::<i64>() as f64 / RATE_WINDOW.as_secs_f64()
    }
}

/// Tasks whose slots turn over faster than this (on average) get extra tasks waiting in
/// RabbitMQ; slower ones do not need them, and every waiting task blurs fair share.
const SHORT_TASK: Duration = Duration::from_millis(500);

/// The number of tasks of a class to keep dispatched but not started: what its eligible workers
/// can take at once, plus the larger of the margin and, for short tasks, what the workers
/// consume in [`RATE_HORIZON`]. Nothing when no online agent can run the class.
#[must_use]
pub fn window(slots: i64, margin: i64, rate_per_second: f64) -> i64 {
    if slots <= 0 {
        return 0;
    }
    let turnover = slots as f64 / rate_per_second.max(f64::MIN_POSITIVE);
    let by_rate = if turnover < SHORT_TASK.as_secs_f64() {
        (rate_per_second * RATE_HORIZON.as_secs_f64()).ceil() as i64
    } else {
        0
    };
    slots + margin.max(by_rate)
}

/// Highest AMQP message priority used; class queues are declared with it.
pub const MAX_MESSAGE_PRIORITY: u8 = 9;

/// Errors of one dispatch round; the loop logs them and retries with backoff.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The database failed.
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    /// Reading stored data failed.
    #[error("store error")]
    Store(#[from] crate::store::StoreError),
    /// The broker failed.
    #[error("broker error")]
    Broker(#[from] warren_broker::Error),
}

/// Wakes the dispatcher when there may be work: a submission, a finished or started task.
#[derive(Debug, Clone)]
pub struct DispatcherHandle {
    wake: Arc<Notify>,
    /// Counts wakes, so room offered by a round is withdrawn once anything may have changed.
    wakes: Arc<AtomicU64>,
    /// Room the last round left on an idle farm (see [`Reservations::reserve`]).
    idle: Arc<std::sync::Mutex<Option<IdleRoom>>>,
    /// Tasks claimed by submissions, waiting for the dispatcher to publish them.
    handed: Arc<std::sync::Mutex<Vec<Handed>>>,
    /// Room reserved by submissions not yet handed over, by class: counted as dispatched by
    /// the rounds, which cannot see an uncommitted claim.
    reserved: Arc<std::sync::Mutex<HashMap<i64, i64>>>,
    /// Set when job queues or limits change, so the next round reads them afresh.
    settings_changed: Arc<std::sync::atomic::AtomicBool>,
    /// Jobs changed by a user since the dispatcher last looked (priority, queue, frames).
    changed_jobs: Arc<std::sync::Mutex<Vec<i64>>>,
}

impl DispatcherHandle {
    /// Ask for a dispatch round soon; wakes are coalesced.
    pub fn wake(&self) {
        self.wakes.fetch_add(1, Ordering::AcqRel);
        self.wake.notify_one();
    }

    /// A submission's reservations (see [`Reservations::reserve`]).
    #[must_use]
    pub fn reservations(&self) -> Reservations<'_> {
        Reservations {
            handle: self,
            taken: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Room for up to `wanted` tasks of a new job of class `class_id` in job queue `queue_id`,
    /// to claim in the job's own submission. There is room only while the last round left the
    /// class's window with room and no job waiting anywhere, and nothing has woken the
    /// dispatcher since: then the round the submission would wake would give the new job that
    /// room anyway, and claiming in the submission saves the round's reads and a commit on the
    /// way to the first task. Returns how many tasks may be claimed (often 0); the caller claims
    /// them in its transaction and hands them over with [`DispatcherHandle::hand_over`].
    #[must_use]
    fn reserve(&self, class_id: i64, queue_id: i64, wanted: i64) -> i64 {
        let mut idle = self
            .idle
            .lock()
            .expect("the idle-room lock is never poisoned");
        let Some(room) = idle.as_mut() else {
            return 0;
        };
        if room.wakes != self.wakes.load(Ordering::Acquire) || !room.open_queues.contains(&queue_id)
        {
            return 0;
        }
        let rooms = &mut room.rooms;
        let pool = rooms.class_pool.get(&class_id).copied();
        let in_pool = pool
            .and_then(|pool| rooms.pool_room.get(pool).copied())
            .unwrap_or(0);
        let in_class = rooms.class_room.get(&class_id).copied().unwrap_or(0);
        let granted = wanted.min(in_class).min(in_pool).max(0);
        if granted > 0 {
            if let Some(class_room) = rooms.class_room.get_mut(&class_id) {
                *class_room -= granted;
            }
            if let Some(pool_room) = pool.and_then(|pool| rooms.pool_room.get_mut(pool)) {
                *pool_room -= granted;
            }
            *self
                .reserved
                .lock()
                .expect("the reserved-room lock is never poisoned")
                .entry(class_id)
                .or_default() += granted;
        }
        granted
    }

    /// Give the dispatcher the tasks a submission to job queue `queue_id` claimed (after its
    /// commit) to publish now. Should the dispatcher stop first, they are published as
    /// unconfirmed dispatches are.
    pub fn hand_over(&self, queue_id: i64, claimed: crate::store::jobs::Claimed) {
        self.handed
            .lock()
            .expect("the handed-tasks lock is never poisoned")
            .push(Handed { queue_id, claimed });
        self.wake();
    }

    /// Tell the dispatcher job queues, limits or agents changed, or a task failed (which may
    /// ban an agent from a job): its next round reads them afresh.
    pub fn settings_changed(&self) {
        self.settings_changed.store(true, Ordering::Release);
        self.wake();
    }

    /// Tell the dispatcher a job changed, so its next round reads it afresh.
    pub fn job_changed(&self, job_id: i64) {
        self.changed_jobs
            .lock()
            .expect("the changed-jobs lock is never poisoned")
            .push(job_id);
        self.wake();
    }
}

/// The room one submission reserved, released when dropped: by then its claim is committed and
/// handed over (or failed), and rounds see it in the database.
#[derive(Debug)]
pub struct Reservations<'a> {
    handle: &'a DispatcherHandle,
    taken: std::sync::Mutex<Vec<(i64, i64)>>,
}

impl Reservations<'_> {
    /// Room for up to `wanted` tasks of a new job of class `class_id` in job queue `queue_id`,
    /// to claim in the job's own submission (see [`DispatcherHandle`]'s offer): how many may be
    /// claimed, often 0. The caller claims them in its transaction and hands them over with
    /// [`DispatcherHandle::hand_over`] before dropping the reservations. A transaction run
    /// again reserves again; what the first run reserved is only lost until the next round.
    #[must_use]
    pub fn reserve(&self, class_id: i64, queue_id: i64, wanted: i64) -> i64 {
        let granted = self.handle.reserve(class_id, queue_id, wanted);
        if granted > 0 {
            self.taken
                .lock()
                .expect("the reservations lock is never poisoned")
                .push((class_id, granted));
        }
        granted
    }
}

impl Drop for Reservations<'_> {
    fn drop(&mut self) {
        let taken = std::mem::take(
            self.taken
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if taken.is_empty() {
            return;
        }
        let mut reserved = self
            .handle
            .reserved
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (class_id, count) in taken {
            if let Some(held) = reserved.get_mut(&class_id) {
                *held -= count;
                if *held <= 0 {
                    reserved.remove(&class_id);
                }
            }
        }
    }
}

/// Room a round left on a farm where no job waits: what each class's window (and each pool of
/// classes sharing agents) may still take, for the job queues without a maximum above them.
#[derive(Debug)]
struct IdleRoom {
    /// The wake count when the round started; any wake since withdraws the offer.
    wakes: u64,
    rooms: Rooms,
    open_queues: HashSet<i64>,
}

/// Tasks a submission claimed, for the dispatcher to publish.
#[derive(Debug)]
struct Handed {
    queue_id: i64,
    claimed: crate::store::jobs::Claimed,
}

/// Room in each class's window and in each pool of classes that share agents.
#[derive(Debug, Default)]
struct Rooms {
    class_room: HashMap<i64, i64>,
    class_pool: HashMap<i64, usize>,
    pool_room: Vec<i64>,
}

/// What the dispatcher needs to turn a task of a job into a message; loaded once per job.
#[derive(Debug)]
struct JobInfo {
    title: String,
    class: TaskClass,
    phases: Vec<Vec<String>>,
    progress_regex: Option<String>,
    error_regexes: Vec<String>,
    data: Value,
    env: BTreeMap<String, String>,
    cwd: Option<String>,
    success_codes: Vec<i32>,
    cpus: i64,
    ram_mb: i64,
    gpus: i64,
    gpu_ram_mb: i64,
    ram_max_mb: Option<i64>,
    ram_warning_mb: Option<i64>,
    timeout_secs: Option<u64>,
    message_priority: u8,
    by: i64,
    run_as_user: Option<String>,
    run_as_group: Option<String>,
    frame_parent_id: Option<i64>,
    rerun_whole_batch: bool,
    /// When the job's requirements last changed, as loaded.
    requirements_changed_at: Option<i64>,
}

/// Map a job priority (-1000..=1000) to an AMQP message priority (0..=9).
#[must_use]
pub fn message_priority(job_priority: i32) -> u8 {
    let clamped = job_priority.clamp(-1000, 1000) + 1000;
    (clamped as u32 * u32::from(MAX_MESSAGE_PRIORITY) / 2000) as u8
}

/// Job queues with no maximum of agents on them or above them.
fn unbounded_queues(queues: &[crate::scheduler::QueueNode]) -> HashSet<i64> {
    let by_id: HashMap<i64, &crate::scheduler::QueueNode> =
        queues.iter().map(|queue| (queue.id, queue)).collect();
    queues
        .iter()
        .filter(|queue| {
            let mut at: Option<&crate::scheduler::QueueNode> = Some(queue);
            for _ in 0..=queues.len() {
                match at {
                    None => return true,
                    Some(node) if node.maximum.is_some() => return false,
                    Some(node) => at = node.parent_id.and_then(|id| by_id.get(&id).copied()),
                }
            }
            false
        })
        .map(|queue| queue.id)
        .collect()
}

/// How many tasks of a class one agent can run at once.
fn slots(requirements: &Requirements, capabilities: &warren_shared::AgentCapabilities) -> i64 {
    if !requirements.satisfied_by(capabilities) {
        return 0;
    }
    if requirements.is_exclusive() {
        return 1;
    }
    let by_cpu = if requirements.cpus > 0 {
        i64::from(capabilities.cpus) / requirements.cpus
    } else {
        i64::MAX
    };
    let by_ram = if requirements.ram_mb > 0 {
        capabilities.ram_mb as i64 / requirements.ram_mb
    } else {
        i64::MAX
    };
    let by_gpu = if requirements.gpus > 0 {
        requirements.usable_gpus(&capabilities.gpus) / requirements.gpus
    } else {
        i64::MAX
    };
    let slots = by_cpu.min(by_ram).min(by_gpu);
    if slots == i64::MAX {
        i64::from(capabilities.cpus.max(1))
    } else {
        slots
    }
}

/// Classes grouped by the agents they share. An agent takes only so many tasks whichever class
/// queues they come from, so classes served by the same agents draw on one window: sized to the
/// agents' slots, it is what fair share divides among them. Without it, every class would hold
/// a window of all the agents' slots, and with many job queues (each with its own classes) the
/// tasks waiting in RabbitMQ, not the weights, would decide what runs.
#[derive(Debug, Default, PartialEq)]
struct Pools {
    /// The pool of each class that some agent can run.
    class_pool: HashMap<i64, usize>,
    /// The classes of each pool.
    classes: Vec<Vec<i64>>,
    /// The slots of each pool: per agent, the most tasks of one of its classes it runs at once.
    slots: Vec<i64>,
}

impl Pools {
    /// Group classes given, for each, how many of its tasks each agent runs at once (in the
    /// same agent order for every class). Two classes are in one pool when an agent runs both,
    /// directly or through a chain of such classes.
    fn of(per_agent: &[(i64, Vec<i64>)]) -> Self {
        let mut parent: Vec<usize> = (0..per_agent.len()).collect();
        fn root(parent: &mut [usize], mut at: usize) -> usize {
            while parent[at] != at {
                parent[at] = parent[parent[at]];
                at = parent[at];
            }
            at
        }
        let agents = per_agent
            .iter()
            .map(|(_, slots)| slots.len())
            .max()
            .unwrap_or(0);
        for agent in 0..agents {
            let mut first: Option<usize> = None;
            for (index, (_, slots)) in per_agent.iter().enumerate() {
                if slots.get(agent).copied().unwrap_or(0) <= 0 {
                    continue;
                }
                match first {
                    None => first = Some(index),
                    Some(first) => {
                        let (a, b) = (root(&mut parent, first), root(&mut parent, index));
                        parent[b] = a;
                    }
                }
            }
        }
        let mut pools = Self::default();
        let mut pool_of_root: HashMap<usize, usize> = HashMap::new();
        for (index, (class_id, slots)) in per_agent.iter().enumerate() {
            if slots.iter().all(|slots| *slots <= 0) {
                continue;
            }
            let next = pools.classes.len();
            let pool = *pool_of_root.entry(root(&mut parent, index)).or_insert(next);
            if pool == next {
                pools.classes.push(Vec::new());
            }
            pools.classes[pool].push(*class_id);
            pools.class_pool.insert(*class_id, pool);
        }
        let mut most = vec![vec![0_i64; agents]; pools.classes.len()];
        for (class_id, slots) in per_agent {
            if let Some(&pool) = pools.class_pool.get(class_id) {
                for (most, slots) in most[pool].iter_mut().zip(slots) {
                    *most = (*most).max(*slots);
                }
            }
        }
        pools.slots = most.iter().map(|slots| slots.iter().sum()).collect();
        pools
    }
}

/// What a dispatch round knows of per-host limits: each one's room for tasks that may start on
/// a new host and the hosts holding it, and the limits of each job.
#[derive(Debug, Default)]
struct RoundPins {
    limits: HashMap<usize, crate::scheduler::LimitPins>,
    job_limits: HashMap<i64, Vec<usize>>,
    /// Rotates pins among the holders.
    turn: usize,
}

impl RoundPins {
    /// The agent a task of `job_id` must be pinned to, if a per-host limit of it has no room
    /// for a new host: one holding every such limit. Takes the room the task uses.
    fn pin(&mut self, job_id: i64) -> Option<String> {
        let limits = self.job_limits.get(&job_id)?;
        let mut full = Vec::new();
        for limit in limits {
            if let Some(pins) = self.limits.get_mut(limit) {
                if pins.unpinned_room > 0 {
                    pins.unpinned_room -= 1;
                } else {
                    full.push(*limit);
                }
            }
        }
        let first = full.first()?;
        let candidates: Vec<&String> = self.limits[first]
            .holders
            .iter()
            .filter(|holder| {
                full.iter()
                    .all(|limit| self.limits[limit].holders.contains(holder))
            })
            .collect();
        if candidates.is_empty() {
            return None;
        }
        self.turn = self.turn.wrapping_add(1);
        Some(candidates[self.turn % candidates.len()].clone())
    }
}

/// The dispatcher loop's state.
pub struct Dispatcher {
    db: DatabaseConnection,
    publisher: Arc<Publisher>,
    control: Control,
    /// Gives agents read access to a new class's queue before they hear of it.
    identities: Arc<crate::identities::Identities>,
    wake: Arc<Notify>,
    margin: i64,
    /// Failed tasks of one job in a row after which an agent no longer gets that job; 0 never.
    agent_failure_limit: i32,
    /// Classes this process declared and announced to every worker.
    declared_classes: HashSet<i64>,
    classes: HashMap<i64, TaskClass>,
    jobs: HashMap<i64, Arc<JobInfo>>,
    /// This round's per-host limits and the limits of each job with waiting tasks.
    pins: RoundPins,
    /// Online, enabled agents: id and capabilities.
    capacity: Vec<(String, warren_shared::AgentCapabilities)>,
    capacity_loaded: Option<Instant>,
    rates: HashMap<i64, DispatchRate>,
    /// Set at start and after a failed publication: publish unconfirmed dispatches first.
    recover: bool,
    changed_jobs: Arc<std::sync::Mutex<Vec<i64>>>,
    /// The farm's path maps, sent with every task; re-read with the settings.
    path_maps: Vec<warren_shared::PathMap>,
    settings_changed: Arc<std::sync::atomic::AtomicBool>,
    /// Job queues and whether any limit exists, with when they were read.
    settings: Option<(Instant, Vec<crate::scheduler::QueueNode>, bool)>,
    /// Agents banned from jobs (failure streaks at the limit), with when they were read.
    banned: Option<(Instant, HashMap<i64, Vec<String>>)>,
    /// How long rounds that published took, from their start to the broker's confirms.
    latency: Arc<warren_shared::metrics::Histogram>,
    /// Tasks granted lately, by queue and job (see [`crate::scheduler::Served`]).
    served: crate::scheduler::Served,
    /// When `served` was last halved.
    served_halved_at: Instant,
    wakes: Arc<AtomicU64>,
    idle: Arc<std::sync::Mutex<Option<IdleRoom>>>,
    handed: Arc<std::sync::Mutex<Vec<Handed>>>,
    reserved: Arc<std::sync::Mutex<HashMap<i64, i64>>>,
    /// When dispatches left unpublished were last looked for.
    swept_at: Instant,
    /// Tasks the broker confirmed whose `published` flag could not be written yet.
    unmarked: Vec<i64>,
}

impl Dispatcher {
    /// A dispatcher and the handle that wakes it.
    #[must_use]
    pub fn new(
        db: DatabaseConnection,
        publisher: Arc<Publisher>,
        control: Control,
        identities: Arc<crate::identities::Identities>,
        margin: u32,
    ) -> (Self, DispatcherHandle) {
        let wake = Arc::new(Notify::new());
        let changed_jobs = Arc::new(std::sync::Mutex::new(Vec::new()));
        let settings_changed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let wakes = Arc::new(AtomicU64::new(0));
        let idle = Arc::new(std::sync::Mutex::new(None));
        let handed = Arc::new(std::sync::Mutex::new(Vec::new()));
        let reserved = Arc::new(std::sync::Mutex::new(HashMap::new()));
        let dispatcher = Self {
            db,
            publisher,
            control,
            identities,
            wake: wake.clone(),
            margin: i64::from(margin),
            agent_failure_limit: 3,
            declared_classes: HashSet::new(),
            classes: HashMap::new(),
            jobs: HashMap::new(),
            pins: RoundPins::default(),
            capacity: Vec::new(),
            capacity_loaded: None,
            rates: HashMap::new(),
            recover: true,
            changed_jobs: changed_jobs.clone(),
            settings_changed: settings_changed.clone(),
            settings: None,
            banned: None,
            path_maps: Vec::new(),
            latency: Arc::new(warren_shared::metrics::Histogram::new(
                warren_shared::metrics::SECONDS_BOUNDS,
            )),
            served: crate::scheduler::Served::default(),
            served_halved_at: Instant::now(),
            wakes: wakes.clone(),
            idle: idle.clone(),
            handed: handed.clone(),
            reserved: reserved.clone(),
            swept_at: Instant::now(),
            unmarked: Vec::new(),
        };
        (
            dispatcher,
            DispatcherHandle {
                wake,
                wakes,
                idle,
                handed,
                reserved,
                changed_jobs,
                settings_changed,
            },
        )
    }

    /// The histogram of dispatch rounds that published, from start to the broker's confirms.
    #[must_use]
    pub fn latency(&self) -> Arc<warren_shared::metrics::Histogram> {
        self.latency.clone()
    }

    /// Stop giving a job to an agent after it failed this many of the job's tasks in a row
    /// (0: never).
    #[must_use]
    pub fn with_agent_failure_limit(mut self, limit: u32) -> Self {
        self.agent_failure_limit = i32::try_from(limit).unwrap_or(i32::MAX);
        self
    }

    /// Dispatch whenever woken (and at least every second) until shutdown. May run again later
    /// (when this master leads again): each run starts from the database, as after a restart.
    pub async fn run(&mut self, mut shutdown: Shutdown) {
        self.forget();
        let mut backoff = reconnect_backoff();
        loop {
            let started = Instant::now();
            match self.run_once().await {
                Ok(published) => {
                    if published > 0 {
                        self.latency.observe(started.elapsed().as_secs_f64());
                    }
                    backoff = reconnect_backoff();
                    if published > 0 {
                        continue;
                    }
                }
                Err(error) => {
                    let delay = backoff.next().unwrap_or(Duration::from_secs(5));
                    tracing::warn!(error = %error_chain(&error), delay_ms = delay.as_millis() as u64, "dispatch round failed");
                    tokio::select! {
                        () = shutdown.wait() => break,
                        () = tokio::time::sleep(delay) => continue,
                    }
                }
            }
            tokio::select! {
                () = shutdown.wait() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        self.withdraw_idle_room();
        self.drop_handed();
        tracing::debug!("dispatcher stopped");
    }

    /// Drop everything remembered from an earlier run: another master may have dispatched
    /// meanwhile, so classes are declared and announced again and unconfirmed dispatches
    /// published again.
    fn forget(&mut self) {
        self.withdraw_idle_room();
        self.drop_handed();
        self.recover = true;
        self.declared_classes.clear();
        self.classes.clear();
        self.jobs.clear();
        self.capacity.clear();
        self.capacity_loaded = None;
        self.rates.clear();
        self.settings = None;
        self.banned = None;
        self.served = crate::scheduler::Served::default();
    }

    /// One round: republish unconfirmed dispatches if needed, then fill every class window
    /// with the tasks fair share picks. Returns how many tasks were published.
    pub async fn run_once(&mut self) -> Result<usize, DispatchError> {
        let changed: Vec<i64> = std::mem::take(
            &mut *self
                .changed_jobs
                .lock()
                .expect("the changed-jobs lock is never poisoned"),
        );
        for job_id in changed {
            self.jobs.remove(&job_id);
        }
        let wakes = self.wakes.load(Ordering::Acquire);
        self.withdraw_idle_room();
        // Claims not committed yet, which the snapshot may not see: none can be added until
        // the round offers room again.
        let reserved = self
            .reserved
            .lock()
            .expect("the reserved-room lock is never poisoned")
            .clone();
        if !self.unmarked.is_empty() {
            tasks::mark_published(&self.db, &self.unmarked).await?;
            self.unmarked.clear();
        }
        let mut published = self.publish_handed().await?;
        if self.recover || self.swept_at.elapsed() >= SWEEP_EVERY {
            // At start and after a failure, every unconfirmed dispatch; otherwise those left
            // long enough that no submission or round of this process is still publishing them.
            let older_than = (!self.recover)
                .then(|| now_us() - i64::try_from(SWEEP_EVERY.as_micros()).unwrap_or(i64::MAX));
            published += self.republish_unconfirmed(older_than).await?;
            self.recover = false;
            self.swept_at = Instant::now();
        }
        let (queues, with_limits) = self.settings().await?;
        let (mut snapshot, mut class_dispatched) =
            scheduling::snapshot(&self.db, queues, with_limits).await?;
        for (class_id, count) in reserved {
            *class_dispatched.entry(class_id).or_default() += count;
        }
        self.pins = RoundPins {
            limits: snapshot.limit_pins.clone(),
            job_limits: if snapshot.limit_pins.is_empty() {
                HashMap::new()
            } else {
                snapshot
                    .jobs
                    .iter()
                    .filter(|job| {
                        job.limits
                            .iter()
                            .any(|limit| snapshot.limit_pins.contains_key(limit))
                    })
                    .map(|job| (job.id, job.limits.clone()))
                    .collect()
            },
            turn: self.pins.turn,
        };
        if snapshot.jobs.is_empty() {
            self.offer_idle_room(wakes, &class_dispatched).await?;
            return Ok(published);
        }
        if self.served_halved_at.elapsed() >= crate::scheduler::Served::HALF_LIFE {
            self.served.halve();
            self.served_halved_at = Instant::now();
        }
        // The snapshot holds at most so many jobs per job queue: a full one may leave more out.
        let complete = snapshot.jobs.len() < scheduling::CANDIDATES_PER_QUEUE as usize;
        snapshot.served = std::mem::take(&mut self.served);
        let filled = self
            .fill_windows(&mut snapshot, &mut class_dispatched, published)
            .await;
        self.served = std::mem::take(&mut snapshot.served);
        let (published, all_granted) = filled?;
        if complete && all_granted {
            self.offer_idle_room(wakes, &class_dispatched).await?;
        }
        Ok(published)
    }

    /// Withdraw the room offered to submissions: a round is starting, or the dispatcher stops.
    fn withdraw_idle_room(&self) {
        *self
            .idle
            .lock()
            .expect("the idle-room lock is never poisoned") = None;
    }

    /// Forget claims handed over but not published: they are in the database, dispatched and
    /// unconfirmed, and the next leader's first round publishes them from there (by then they
    /// may have been published, or even run, by another).
    fn drop_handed(&self) {
        self.handed
            .lock()
            .expect("the handed-tasks lock is never poisoned")
            .clear();
    }

    /// After a round that left no job waiting, offer what room every announced class's window
    /// has left to submissions (see [`Reservations::reserve`]), given the tasks each class
    /// has dispatched but not started.
    async fn offer_idle_room(
        &mut self,
        wakes: u64,
        dispatched: &HashMap<i64, i64>,
    ) -> Result<(), DispatchError> {
        let class_ids: BTreeSet<i64> = self.declared_classes.iter().copied().collect();
        if class_ids.is_empty() || class_ids.len() * self.capacity.len() > MAX_IDLE_OFFER_WORK {
            return Ok(());
        }
        let rooms = self.rooms(&class_ids, dispatched).await?;
        let queues = self
            .settings
            .as_ref()
            .map(|(_, queues, _)| queues.as_slice())
            .unwrap_or_default();
        *self
            .idle
            .lock()
            .expect("the idle-room lock is never poisoned") = Some(IdleRoom {
            wakes,
            rooms,
            open_queues: unbounded_queues(queues),
        });
        Ok(())
    }

    /// Publish the tasks submissions claimed and handed over, counted as a round's grants.
    async fn publish_handed(&mut self) -> Result<usize, DispatchError> {
        let handed = std::mem::take(
            &mut *self
                .handed
                .lock()
                .expect("the handed-tasks lock is never poisoned"),
        );
        if handed.is_empty() {
            return Ok(0);
        }
        let queues = self
            .settings
            .as_ref()
            .map(|(_, queues, _)| queues.clone())
            .unwrap_or_default();
        let mut tasks = Vec::new();
        for Handed { queue_id, claimed } in handed {
            let count = claimed.tasks.len() as i64;
            let Some(job_id) = claimed.tasks.first().map(|task| task.job_id) else {
                continue;
            };
            self.rates
                .entry(claimed.job.class_id)
                .or_default()
                .record(count);
            self.served
                .record_job(&queues, job_id, queue_id, count as f64);
            self.remember_job(job_id, claimed.job).await?;
            tasks.extend(claimed.tasks);
        }
        match self.publish(&tasks).await {
            Ok(published) => Ok(published),
            Err(error) => {
                // Still dispatched and unconfirmed: the next round publishes them again.
                self.recover = true;
                Err(error)
            }
        }
    }

    /// Fill every class window of the round's snapshot with the tasks fair share picks.
    /// Also returns whether every job of the snapshot got all its waiting tasks; counts what it
    /// claims into `class_dispatched`.
    async fn fill_windows(
        &mut self,
        snapshot: &mut crate::scheduler::Snapshot,
        class_dispatched: &mut HashMap<i64, i64>,
        mut published: usize,
    ) -> Result<(usize, bool), DispatchError> {
        let class_ids: BTreeSet<i64> = snapshot.jobs.iter().map(|job| job.class_id).collect();
        for class_id in &class_ids {
            let class = self.class(*class_id).await?;
            // Declared as soon as it has work, so it shows in RabbitMQ and workers learn of it
            // even while none of them qualifies.
            self.ensure_class(&class).await?;
        }
        let rooms = self.rooms(&class_ids, class_dispatched).await?;
        snapshot.class_room = rooms.class_room;
        snapshot.pool_room = rooms.pool_room;
        snapshot.class_pool = rooms.class_pool;
        let mut all_granted = true;
        // Jobs may yield fewer tasks than granted (frame dependencies, declined tasks waiting
        // out their pause); those are dropped and the rest shared again.
        for _ in 0..3 {
            let sequence = crate::scheduler::allocate(snapshot);
            if sequence.is_empty() {
                break;
            }
            snapshot
                .served
                .record(&snapshot.queues, &snapshot.jobs, &sequence);
            let grants = crate::scheduler::counts(&sequence);
            let (claimed, short) = self.claim(&grants).await?;
            let mut by_job: HashMap<i64, std::collections::VecDeque<ClaimedTask>> = HashMap::new();
            for task in claimed {
                by_job.entry(task.job_id).or_default().push_back(task);
            }
            let ordered: Vec<ClaimedTask> = sequence
                .iter()
                .filter_map(|job_id| by_job.get_mut(job_id).and_then(|tasks| tasks.pop_front()))
                .collect();
            for task in &ordered {
                let class_id = self.job_info(task.job_id).await?.class.id;
                self.rates.entry(class_id).or_default().record(1);
                *class_dispatched.entry(class_id).or_default() += 1;
                if let Some(room) = snapshot.class_room.get_mut(&class_id) {
                    *room -= 1;
                }
                if let Some(room) = snapshot
                    .class_pool
                    .get(&class_id)
                    .and_then(|pool| snapshot.pool_room.get_mut(*pool))
                {
                    *room -= 1;
                }
                if let Some(job) = snapshot.jobs.iter_mut().find(|job| job.id == task.job_id) {
                    job.active += 1;
                    job.queued -= 1;
                    for limit in &job.limits {
                        if let Some(room) = snapshot.limit_room.get_mut(*limit) {
                            *room -= 1;
                        }
                    }
                    *snapshot.queue_active.entry(job.queue_id).or_default() += 1;
                }
            }
            if !ordered.is_empty() {
                published += self.publish(&ordered).await?;
            }
            if short.is_empty() {
                break;
            }
            all_granted = false;
            snapshot.jobs.retain(|job| !short.contains(&job.id));
        }
        all_granted &= snapshot.jobs.iter().all(|job| job.queued <= 0);
        Ok((published, all_granted))
    }

    /// Room in the windows of `class_ids`, given the tasks each has dispatched but not started:
    /// what their online agents can take at once plus the margin, per class and per pool of
    /// classes sharing agents.
    async fn rooms(
        &mut self,
        class_ids: &BTreeSet<i64>,
        class_dispatched: &HashMap<i64, i64>,
    ) -> Result<Rooms, DispatchError> {
        self.refresh_capacity().await?;
        let mut rooms = Rooms::default();
        let mut per_agent: Vec<(i64, Vec<i64>)> = Vec::with_capacity(class_ids.len());
        for class_id in class_ids {
            let class = self.class(*class_id).await?;
            let agent_slots: Vec<i64> = self
                .capacity
                .iter()
                .map(|(_, agent)| slots(&class.requirements, agent))
                .collect();
            let rate = self.rates.entry(*class_id).or_default().per_second();
            let dispatched = class_dispatched.get(class_id).copied().unwrap_or(0);
            let room =
                (window(agent_slots.iter().sum(), self.margin, rate) - dispatched).min(MAX_CLAIM);
            rooms.class_room.insert(*class_id, room.max(0));
            per_agent.push((*class_id, agent_slots));
        }
        let pools = Pools::of(&per_agent);
        rooms.pool_room = pools
            .slots
            .iter()
            .zip(&pools.classes)
            .map(|(slots, classes)| {
                let rate: f64 = classes
                    .iter()
                    .map(|id| self.rates.entry(*id).or_default().per_second())
                    .sum();
                let dispatched: i64 = classes
                    .iter()
                    .map(|id| class_dispatched.get(id).copied().unwrap_or(0))
                    .sum();
                (window(*slots, self.margin, rate) - dispatched).max(0)
            })
            .collect();
        rooms.class_pool = pools.class_pool;
        Ok(rooms)
    }

    /// Job queues and whether limits exist: read again when the API changed them, and at
    /// least every [`CAPACITY_TTL`] (another master process may share the database).
    async fn settings(
        &mut self,
    ) -> Result<(Vec<crate::scheduler::QueueNode>, bool), DispatchError> {
        let changed = self.settings_changed.swap(false, Ordering::AcqRel);
        if changed {
            self.banned = None;
            self.capacity_loaded = None;
        }
        match &self.settings {
            Some((loaded, queues, with_limits)) if !changed && loaded.elapsed() < CAPACITY_TTL => {
                Ok((queues.clone(), *with_limits))
            }
            _ => {
                let queues = scheduling::queues(&self.db).await?;
                let with_limits = scheduling::any_limits(&self.db).await?;
                self.path_maps = crate::store::pathmaps::all(&self.db).await?;
                self.settings = Some((Instant::now(), queues.clone(), with_limits));
                Ok((queues, with_limits))
            }
        }
    }

    async fn refresh_capacity(&mut self) -> Result<(), DispatchError> {
        // An empty farm is looked at every round, so the first worker gets work at once.
        if !self.capacity.is_empty()
            && self
                .capacity_loaded
                .is_some_and(|loaded| loaded.elapsed() < CAPACITY_TTL)
        {
            return Ok(());
        }
        self.capacity = crate::store::agents::online_agents(&self.db).await?;
        self.capacity_loaded = Some(Instant::now());
        Ok(())
    }

    /// Forget cached agent capacity, e.g. after an agent joined or left.
    pub fn invalidate_capacity(&mut self) {
        self.capacity_loaded = None;
    }

    async fn class(&mut self, class_id: i64) -> Result<TaskClass, DispatchError> {
        if let Some(class) = self.classes.get(&class_id) {
            return Ok(class.clone());
        }
        let class = classes::by_id(&self.db, class_id).await?;
        self.classes.insert(class_id, class.clone());
        Ok(class)
    }

    /// Move the granted number of each job's queued tasks to `dispatched`, in one transaction.
    /// Also returns the jobs that yielded fewer tasks than granted.
    async fn claim(
        &mut self,
        grants: &[(i64, i64)],
    ) -> Result<(Vec<ClaimedTask>, HashSet<i64>), DispatchError> {
        let job_ids: Vec<i64> = grants.iter().map(|(job_id, _)| *job_id).collect();
        self.load_jobs(&job_ids).await?;
        let mut claims = Vec::with_capacity(grants.len());
        for (job_id, count) in grants {
            claims.push(tasks::Grant {
                job_id: *job_id,
                frame_parent: self.job_info(*job_id).await?.frame_parent_id,
                count: *count,
            });
        }
        let transaction = begin_write(&self.db).await?;
        let now = now_us();
        let mut deltas = CountDeltas::default();
        let mut claimed = tasks::claim(&transaction, &claims, now, &mut deltas).await?;
        let mut taken: HashMap<i64, i64> = HashMap::new();
        for task in &claimed {
            *taken.entry(task.job_id).or_default() += 1;
        }
        let short: HashSet<i64> = grants
            .iter()
            .filter(|(job_id, count)| taken.get(job_id).copied().unwrap_or(0) < *count)
            .map(|(job_id, _)| *job_id)
            .collect();
        if !deltas.is_empty() {
            deltas.apply(&transaction).await?;
        }
        transaction.commit().await?;
        claimed.sort_by_key(|task| (task.job_id, task.idx));
        Ok((claimed, short))
    }

    /// Publish dispatched tasks whose publication was never confirmed (all of them, or those
    /// dispatched before `older_than`, in microseconds since the epoch).
    async fn republish_unconfirmed(
        &mut self,
        older_than: Option<i64>,
    ) -> Result<usize, DispatchError> {
        let tasks = tasks::unconfirmed(&self.db, older_than).await?;
        if !tasks.is_empty() {
            tracing::info!(
                n_tasks = tasks.len(),
                "publishing dispatched tasks whose publication was not confirmed"
            );
        }
        let mut published = 0;
        for chunk in tasks.chunks(MAX_CLAIM as usize) {
            published += self.publish(chunk).await?;
        }
        Ok(published)
    }

    /// Agents each task should avoid: those it failed on and those that failed too many of its
    /// job's tasks in a row, but only while some other online agent could run it.
    async fn avoid_lists(
        &mut self,
        claimed: &[ClaimedTask],
    ) -> Result<HashMap<i64, Vec<AgentId>>, DispatchError> {
        let retried: Vec<i64> = claimed
            .iter()
            .filter(|task| task.failures > 0)
            .map(|task| task.id)
            .collect();
        let mut avoid = failures::failed_agents(&self.db, &retried).await?;
        if self.agent_failure_limit > 0 {
            let banned = self.banned_agents().await?;
            for task in claimed {
                if let Some(agents) = banned.get(&task.job_id) {
                    avoid
                        .entry(task.id)
                        .or_default()
                        .extend(agents.iter().cloned());
                }
            }
        }
        if avoid.is_empty() {
            return Ok(HashMap::new());
        }
        self.refresh_capacity().await?;
        let mut lists = HashMap::new();
        for task in claimed {
            let Some(agents) = avoid.remove(&task.id) else {
                continue;
            };
            let class = self.job_info(task.job_id).await?.class.clone();
            let other_exists = self.capacity.iter().any(|(agent_id, capabilities)| {
                !agents.contains(agent_id) && slots(&class.requirements, capabilities) > 0
            });
            if other_exists {
                lists.insert(
                    task.id,
                    agents
                        .iter()
                        .filter_map(|agent| agent.parse::<uuid::Uuid>().ok().map(AgentId))
                        .collect(),
                );
            }
        }
        Ok(lists)
    }

    /// Agents that failed `agent_failure_limit` tasks of a job in a row, by job; read at most
    /// every [`CAPACITY_TTL`], so a ban applies within that long.
    async fn banned_agents(&mut self) -> Result<HashMap<i64, Vec<String>>, DispatchError> {
        if let Some((loaded, banned)) = &self.banned
            && loaded.elapsed() < CAPACITY_TTL
        {
            return Ok(banned.clone());
        }
        let banned = failures::banned(&self.db, self.agent_failure_limit).await?;
        self.banned = Some((Instant::now(), banned.clone()));
        Ok(banned)
    }

    /// Publish claimed tasks and record the broker's confirmation.
    async fn publish(&mut self, claimed: &[ClaimedTask]) -> Result<usize, DispatchError> {
        // A job whose requirements changed since it was loaded (on this master or another) is
        // loaded again: its tasks must not go out under the old class. The claim read the time
        // of the job's last change; a change after the claim withdraws the claimed attempts.
        for task in claimed {
            if self
                .jobs
                .get(&task.job_id)
                .is_some_and(|info| info.requirements_changed_at != task.requirements_changed_at)
            {
                self.jobs.remove(&task.job_id);
            }
        }
        let mut avoid = self.avoid_lists(claimed).await?;
        let mut pinned: Vec<(i64, String)> = Vec::new();
        let mut messages = Vec::with_capacity(claimed.len());
        let mut published_ids = Vec::with_capacity(claimed.len());
        let now = OffsetDateTime::now_utc();
        for task in claimed {
            let info = self.job_info(task.job_id).await?;
            self.ensure_class(&info.class).await?;
            // A batch that failed part-way resumes after the frames it finished.
            let first = match task.done_through {
                Some(done)
                    if !info.rerun_whole_batch
                        && done >= task.frame_first
                        && done < task.frame_last =>
                {
                    done + info.by.max(1)
                }
                _ => task.frame_first,
            };
            let batch = FrameBatch {
                index: task.idx,
                first,
                last: task.frame_last,
                by: info.by,
            };
            let commands = match expand_phases(&info.phases, &info.data, &batch, task.tile) {
                Ok(commands) => commands,
                Err(error) => {
                    tracing::error!(task_id = task.id, job_id = task.job_id, error = %error, "task cannot be expanded; it will fail when started");
                    Vec::new()
                }
            };
            let assignment = TaskAssignment {
                task_id: TaskId(task.id),
                attempt: task.attempts.max(0) as u32,
                job_id: warren_shared::JobId(task.job_id),
                job_title: info.title.clone(),
                queue: info.class.queue.clone(),
                class: info.class.key.clone(),
                frames: batch.frames().collect(),
                commands,
                env: info.env.clone(),
                cwd: info.cwd.clone(),
                cpus: info.cpus,
                ram_mb: info.ram_mb,
                gpus: info.gpus,
                gpu_ram_mb: info.gpu_ram_mb,
                ram_max_mb: info.ram_max_mb,
                timeout_secs: info.timeout_secs,
                success_exit_codes: info.success_codes.clone(),
                ram_warning_mb: info.ram_warning_mb,
                avoid_agents: avoid.remove(&task.id).unwrap_or_default(),
                only_agent: match self.pins.pin(task.job_id) {
                    Some(agent) => {
                        let only = uuid::Uuid::parse_str(&agent).ok().map(AgentId);
                        pinned.push((task.id, agent));
                        only
                    }
                    None => None,
                },
                run_as_user: info.run_as_user.clone(),
                run_as_group: info.run_as_group.clone(),
                progress_regex: info.progress_regex.clone(),
                error_regexes: info.error_regexes.clone(),
                path_maps: self.path_maps.clone(),
                published_at: now,
                agent_failure_limit: u32::try_from(self.agent_failure_limit).unwrap_or(0),
            };
            let names = self.publisher.broker().names();
            messages.push(
                Outgoing::new(
                    names.queue_exchange(&info.class.queue),
                    info.class.key.as_str(),
                    &Message::Task(assignment),
                )
                .with_priority(info.message_priority)
                .mandatory(),
            );
            published_ids.push(task.id);
        }
        // Counted as their hosts' before anyone can start them.
        tasks::pin(&self.db, &pinned).await?;
        if let Err(error) = self.publisher.publish_batch(&messages).await {
            self.recover = true;
            if matches!(error, warren_broker::Error::Unroutable { .. }) {
                self.declared_classes.clear();
            }
            return Err(error.into());
        }
        let published = published_ids.len();
        if let Err(error) = tasks::mark_published(&self.db, &published_ids).await {
            // Published: marked at the next round's start, not published again by a sweep.
            self.unmarked.extend(published_ids);
            return Err(error.into());
        }
        Ok(published)
    }

    /// Declare a class's exchange, queue and binding, and tell workers it exists.
    async fn ensure_class(&mut self, class: &TaskClass) -> Result<(), DispatchError> {
        if self.declared_classes.contains(&class.id) {
            return Ok(());
        }
        self.control
            .declare_classes(std::slice::from_ref(class))
            .await?;
        let names = self.publisher.broker().names().clone();
        self.identities.sync_all().await;
        let subscribe = Message::Subscribe(Subscribe {
            classes: vec![class.subscription(&names)],
            tags: None,
            agent_id: None,
            issued_at: None,
        });
        self.control
            .send(vec![self.control.to_all(&subscribe)])
            .await;
        self.declared_classes.insert(class.id);
        tracing::info!(class = %class.key, queue = %class.queue, "announced requirement class");
        Ok(())
    }

    async fn job_info(&mut self, job_id: i64) -> Result<Arc<JobInfo>, DispatchError> {
        if let Some(info) = self.jobs.get(&job_id) {
            return Ok(info.clone());
        }
        self.load_jobs(&[job_id]).await?;
        self.jobs.get(&job_id).cloned().ok_or_else(|| {
            crate::store::StoreError::NotFound(format!("job {job_id} not found")).into()
        })
    }

    /// Read the jobs not cached yet, a few hundred per statement: a round that grants tasks to
    /// a thousand new jobs reads them in a handful of statements, not a thousand.
    async fn load_jobs(&mut self, job_ids: &[i64]) -> Result<(), DispatchError> {
        let missing: Vec<i64> = job_ids
            .iter()
            .copied()
            .filter(|id| !self.jobs.contains_key(id))
            .collect();
        for chunk in missing.chunks(500) {
            let jobs = crate::store::jobs::for_dispatch(&self.db, chunk).await?;
            if self.jobs.len() + jobs.len() > 10_000 {
                self.jobs.clear();
            }
            for (job_id, job) in jobs {
                self.remember_job(job_id, job?).await?;
            }
        }
        Ok(())
    }

    /// Keep what publishing a job's tasks needs of it.
    async fn remember_job(
        &mut self,
        job_id: i64,
        job: crate::store::jobs::DispatchJob,
    ) -> Result<(), DispatchError> {
        if self.jobs.len() >= 10_000 {
            self.jobs.clear();
        }
        let spec = &job.spec;
        let data = job.data.clone();
        let mut env: BTreeMap<String, String> = spec.env.clone();
        env.extend(job.environ.clone());
        let phases = spec.phase_templates(&data).unwrap_or_else(|error| {
            tracing::error!(job_id, error = %error, "the job's command cannot be resolved; its tasks will fail when started");
            Vec::new()
        });
        let class = self.class(job.class_id).await?;
        let info = Arc::new(JobInfo {
            title: job.title.clone(),
            phases,
            progress_regex: spec.progress_regex.clone(),
            error_regexes: spec.error_regexes.clone(),
            data,
            env,
            cwd: spec.cwd.clone(),
            success_codes: spec.success_codes(),
            cpus: class.requirements.cpus,
            ram_mb: class.requirements.ram_mb,
            gpus: class.requirements.gpus,
            gpu_ram_mb: class.requirements.gpu_ram_mb,
            ram_max_mb: job.ram_max,
            ram_warning_mb: job.ram_warning,
            timeout_secs: job.timeout_secs.and_then(|secs| u64::try_from(secs).ok()),
            message_priority: message_priority(job.priority),
            by: job.frame_by,
            run_as_user: job.user,
            run_as_group: job.run_group,
            frame_parent_id: job.frame_parent_id,
            rerun_whole_batch: job.rerun_whole_batch,
            requirements_changed_at: job.requirements_changed_at,
            class,
        });
        self.jobs.insert(job_id, info);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::AgentCapabilities;

    #[test]
    fn job_priorities_map_onto_message_priorities() {
        assert_eq!(message_priority(-1000), 0);
        assert_eq!(message_priority(-5000), 0);
        assert_eq!(message_priority(0), 4);
        assert_eq!(message_priority(1000), 9);
        assert_eq!(message_priority(7000), 9);
    }

    #[test]
    fn windows_grow_with_consumption_and_stay_small_for_slow_classes() {
        assert_eq!(window(4, 0, 0.0), 4);
        assert_eq!(window(4, 2, 0.0), 6);
        // Four slots turning over every 0.8 s: no extra tasks.
        assert_eq!(window(4, 0, 5.0), 4);
        // Two thousand tasks a second: what they consume in 300 ms waits in the queue.
        assert_eq!(window(4, 0, 2000.0), 604);
        assert_eq!(window(0, 32, 100.0), 0);
    }

    #[test]
    fn tasks_beyond_a_per_host_limits_room_are_pinned_to_the_hosts_holding_it() {
        let mut pins = RoundPins {
            limits: HashMap::from([
                (
                    0,
                    crate::scheduler::LimitPins {
                        unpinned_room: 1,
                        holders: vec!["a".to_owned(), "b".to_owned()],
                    },
                ),
                (
                    1,
                    crate::scheduler::LimitPins {
                        unpinned_room: 0,
                        holders: vec!["b".to_owned()],
                    },
                ),
            ]),
            job_limits: HashMap::from([(1, vec![0]), (2, vec![0, 1]), (3, Vec::new())]),
            turn: 0,
        };
        assert_eq!(pins.pin(1), None, "the room for a new host comes first");
        let pinned = pins.pin(1).expect("then a holder");
        assert!(pinned == "a" || pinned == "b");
        assert_eq!(
            pins.pin(2).as_deref(),
            Some("b"),
            "a host holding both full limits"
        );
        assert_eq!(pins.pin(3), None, "no per-host limit, no pin");
        assert_eq!(pins.pin(4), None);
    }

    #[test]
    fn classes_that_share_an_agent_share_a_pool_sized_to_the_agents() {
        // Agents 0..3. Classes 1 and 2 share agent 1; class 3 runs on agent 3 only; class 4
        // on no agent.
        let pools = Pools::of(&[
            (1, vec![4, 2, 0, 0]),
            (2, vec![0, 4, 1, 0]),
            (3, vec![0, 0, 0, 8]),
            (4, vec![0, 0, 0, 0]),
        ]);
        assert_eq!(pools.classes, vec![vec![1, 2], vec![3]]);
        assert_eq!(pools.class_pool, HashMap::from([(1, 0), (2, 0), (3, 1)]));
        // Per agent, the most of any one of the pool's classes: 4 + 4 + 1, and 8.
        assert_eq!(pools.slots, vec![9, 8]);
        assert_eq!(Pools::of(&[]), Pools::default());
    }

    #[test]
    fn an_agent_offers_as_many_slots_as_fit() {
        let capabilities = AgentCapabilities {
            cpus: 8,
            ram_mb: 16384,
            ..AgentCapabilities::default()
        };
        let requirements = |cpus, ram| {
            Requirements::new(Vec::new(), Vec::new(), Vec::new(), cpus, ram)
                .expect("valid requirements")
        };
        assert_eq!(slots(&requirements(1, 0), &capabilities), 8);
        assert_eq!(slots(&requirements(2, 0), &capabilities), 4);
        assert_eq!(slots(&requirements(1, 6144), &capabilities), 2);
        assert_eq!(slots(&requirements(0, 0), &capabilities), 8);
        assert_eq!(slots(&requirements(-1, -1), &capabilities), 1);
        assert_eq!(slots(&requirements(16, 0), &capabilities), 0);
    }
}

//! The worker process: `Worker::build` learns the host and its identity; `Worker::run` is the
//! loop that owns capacity and classes, starts one executor unit per delivery that fits, keeps
//! each class channel's prefetch equal to what still fits, and sends hello and heartbeats.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use warren_broker::{
    Broker, BrokerConfig, DeadLetter, Names, Publisher, QueueDefaults, QueueType, Shutdown,
    Topology, shutdown_channel,
};
use warren_shared::{
    AgentCapabilities, AgentId, AttemptRef, Bye, ClassSubscription, DiskInfo, Envelope, Heartbeat,
    Hello, JobId, Message, TaskAssignment, TaskDeclined, Version,
};

use crate::capacity::{Capacity, Need};
use crate::config::{Identity, Settings};
use crate::consumers::{
    ClassCommand, ClassDelivery, Consumption, ControlInput, DeliveryRef, run_class_consumer,
    run_control_consumer, sleep_until_or_never,
};
use crate::events::{EventPublisher, EventSender, event_queue};
use crate::executor::{UnitContext, UnitReport, UnitRequest, run_simulated_unit, run_unit};
use crate::metrics::Refusal;
use crate::metrics::WorkerMetrics;
use crate::probe::{HostInfo, Probe};
use crate::trust::Trust;
use crate::{identity, probe, software};

/// Highest prefetch set on a class channel.
const MAX_PREFETCH: u64 = 1_000;
/// How often free RAM is measured, so RAM taken by other programs shrinks what fits.
const RAM_PROBE_PERIOD: Duration = Duration::from_secs(2);

/// A simulated agent runs no processes: each task "runs" for `task` plus up to `jitter`, then
/// reports success. It speaks the real protocol, for measuring the master with many agents.
#[derive(Debug, Clone, Copy)]
pub struct Simulation {
    /// How long every task takes.
    pub task: Duration,
    /// Up to this much longer, varying by task.
    pub jitter: Duration,
}

impl Simulation {
    /// The simulated run time of `task_id`'s attempt.
    fn duration(&self, task_id: i64, attempt: u32) -> Duration {
        let jitter_ms = self.jitter.as_millis() as u64;
        if jitter_ms == 0 {
            return self.task;
        }
        // A cheap mix of the ids, so durations spread without a random number generator.
        let mixed = (task_id as u64 ^ u64::from(attempt).rotate_left(32))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self.task + Duration::from_millis(mixed % (jitter_ms + 1))
    }
}

/// A built worker, ready to run.
pub struct Worker {
    settings: Settings,
    agent_id: AgentId,
    host: HostInfo,
    addresses: Vec<String>,
    disks: Vec<DiskInfo>,
    gpus: Vec<String>,
    /// The GPUs offered to tasks.
    gpu_devices: Vec<warren_shared::GpuDevice>,
    capabilities: AgentCapabilities,
    /// The farm's software catalogue as last received; its checks run besides the local ones.
    catalogue: Vec<warren_api::SoftwareDefinition>,
    /// Software checks started, and the newest whose result was taken.
    software_generation: u64,
    software_reported: u64,
    broker: Broker,
    publisher: Arc<Publisher>,
    events: EventSender,
    /// Taken by `run`.
    event_publisher: Option<EventPublisher>,
    /// The host's live figures; `None` for a simulated agent, which reports its reservations.
    probe: Option<Probe>,
    simulation: Option<Simulation>,
    metrics: Arc<WorkerMetrics>,
    /// The keys whose signatures the worker obeys.
    trust: Trust,
    /// When this process started.
    started_at: OffsetDateTime,
    /// The release, with the build of the binary it runs.
    version: String,
}

/// The variables that name a task's GPUs: Warren's own, then NVIDIA's, AMD's (HIP and ROCr) and
/// Intel's (Level Zero).
const GPU_VARIABLES: &[&str] = &[
    "WARREN_GPUS",
    "CUDA_VISIBLE_DEVICES",
    "HIP_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES",
    "ZE_AFFINITY_MASK",
];

/// How far the master's clock may be from this host's when a restart's age is judged.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// How a worker's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It was stopped (a signal).
    Stopped,
    /// The master asked it to restart: run the binary on disk again, with the same settings.
    Restart,
}

/// The release and the build of the binary this process runs: `0.1.0+20261207T101500` (the
/// binary's modification time), so an agent shows the change when its binary is replaced.
fn running_version() -> String {
    let release = env!("CARGO_PKG_VERSION");
    let built = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|metadata| metadata.modified())
        .ok()
        .map(OffsetDateTime::from);
    match built {
        Some(built) => format!(
            "{release}+{:04}{:02}{:02}T{:02}{:02}{:02}",
            built.year(),
            u8::from(built.month()),
            built.day(),
            built.hour(),
            built.minute(),
            built.second()
        ),
        None => release.to_owned(),
    }
}

/// One class this worker has consumed.
struct ClassSlot {
    /// The channel it is consumed on (and what its tasks need).
    group: GroupKey,
    commands: mpsc::UnboundedSender<ClassCommand>,
    /// Whether the worker still satisfies the class (tags and software can change).
    eligible: bool,
    /// Deliveries received whose task has not started yet (RabbitMQ counts them as unacked).
    unacked: u64,
    /// Tasks of this class declined in a row (this agent must avoid them).
    declines: u32,
    /// While set, the class is not consumed: a declining agent that is idle would otherwise
    /// take every task it must avoid straight back, ahead of the agents that can run it.
    paused_until: Option<tokio::time::Instant>,
}

/// Which channel a class is consumed on: classes whose tasks need the same resources share
/// one, whose prefetch is how many such tasks still fit, whichever class queue they come from.
/// (Quorum queues take no channel-wide prefetch, so there each class has its own channel.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    need: Need,
    queue: Option<String>,
}

impl std::fmt::Display for GroupKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Need {
            cpus,
            ram_mb,
            gpus,
            gpu_ram_mb,
        } = self.need;
        if self.need.is_exclusive() {
            write!(formatter, "whole host")?;
        } else {
            write!(formatter, "cpus {cpus}, ram {ram_mb} MB")?;
        }
        if gpus > 0 {
            write!(formatter, ", gpus {gpus} of {gpu_ram_mb} MB")?;
        }
        if let Some(queue) = &self.queue {
            write!(formatter, ", {queue}")?;
        }
        Ok(())
    }
}

/// One channel consuming the class queues of a [`GroupKey`].
struct ClassGroup {
    commands: mpsc::UnboundedSender<ClassCommand>,
    /// What it was last asked to consume.
    asked: Consumption,
}

/// How long a class rests after `declines` declines in a row: 1 s, doubling up to 16 s.
fn decline_pause(declines: u32) -> Duration {
    Duration::from_secs(1 << declines.saturating_sub(1).min(4))
}

/// Whether a state-setting message issued at `issued_at` is newer than the last one applied
/// (`held`), which it then becomes; one without a time counts only when none was applied.
fn newer(issued_at: Option<OffsetDateTime>, held: &mut Option<OffsetDateTime>) -> bool {
    match (issued_at, *held) {
        (Some(issued_at), Some(applied)) if issued_at < applied => false,
        (Some(issued_at), _) => {
            *held = Some(issued_at);
            true
        }
        (None, held) => held.is_none(),
    }
}

/// One running attempt.
struct UnitSlot {
    requests: mpsc::UnboundedSender<UnitRequest>,
    need: Need,
    /// The GPUs the attempt holds.
    gpus: Vec<u32>,
    job_id: JobId,
    /// The job's `agent_failure_limit`.
    failure_limit: u32,
    amqp_queue: String,
    delivery: DeliveryRef,
    started: bool,
}

/// A finished attempt whose `TaskStarted` the broker has not confirmed yet: its delivery is
/// acked when the confirm arrives.
struct AwaitingAck {
    amqp_queue: String,
    delivery: DeliveryRef,
}

/// The loop's state.
struct State {
    capacity: Capacity,
    /// Every class the master announced, eligible or not, so a change of tags or software can
    /// start or stop consuming it.
    known_classes: BTreeMap<String, ClassSubscription>,
    classes: HashMap<String, ClassSlot>,
    groups: HashMap<GroupKey, ClassGroup>,
    units: HashMap<AttemptRef, UnitSlot>,
    awaiting_ack: HashMap<AttemptRef, AwaitingAck>,
    /// Jobs whose last attempts here failed.
    job_streaks: JobStreaks,
    /// Jobs whose tasks published before a time are withdrawn.
    withdrawn: Withdrawals,
    /// Drained by the master (agent disabled) or stopping.
    draining: bool,
    stopping: bool,
    /// Stopping to restart (the master asked).
    restarting: bool,
    /// A stop signal came.
    signalled: bool,
    /// When the drain and the tags last obeyed were issued: older ones (replays) are ignored.
    drain_issued_at: Option<OffsetDateTime>,
    tags_issued_at: Option<OffsetDateTime>,
}

/// A job's attempts that failed here since its last success here.
#[derive(Debug, Default)]
struct JobStreak {
    failures: u32,
    /// When the failures reached the job's `agent_failure_limit`. The master bans this agent
    /// from the job once it has counted them, but tasks it published before then may still
    /// come: the agent declines those itself, so a host that fails every task at once does
    /// not swallow the tasks waiting in RabbitMQ meanwhile.
    limit_reached_at: Option<OffsetDateTime>,
}

/// Most jobs whose failure streaks a worker remembers.
const MAX_JOB_STREAKS: usize = 1_000;

/// This agent's failure streaks, by job.
#[derive(Debug, Default)]
struct JobStreaks(HashMap<JobId, JobStreak>);

impl JobStreaks {
    /// Count an attempt's end against (or for) this agent's streak on the job.
    fn record(&mut self, job_id: JobId, limit: u32, failed: bool) {
        if !failed {
            self.0.remove(&job_id);
            return;
        }
        if limit == 0 {
            return;
        }
        if self.0.len() >= MAX_JOB_STREAKS && !self.0.contains_key(&job_id) {
            self.0.retain(|_, streak| streak.limit_reached_at.is_some());
            if self.0.len() >= MAX_JOB_STREAKS {
                self.0.clear();
            }
        }
        let streak = self.0.entry(job_id).or_default();
        streak.failures += 1;
        if streak.failures == limit {
            streak.limit_reached_at = Some(OffsetDateTime::now_utc());
        }
    }

    /// Why this agent must give `assignment` back, if it must.
    fn must_decline(&self, assignment: &TaskAssignment, agent_id: AgentId) -> Option<String> {
        if assignment.only_agent.is_some_and(|only| only != agent_id) {
            return Some(
                "the task is for the host that holds its per-host limit, not this one".to_owned(),
            );
        }
        if assignment.avoid_agents.contains(&agent_id) {
            return Some("the task failed on this agent before, or this agent failed too many of the job's tasks in a row".to_owned());
        }
        let streak = self.0.get(&assignment.job_id)?;
        let reached = streak.limit_reached_at?;
        (assignment.published_at <= reached).then(|| {
            format!(
                "this agent failed {} of the job's tasks in a row (published before the master knew)",
                streak.failures
            )
        })
    }
}

/// Most withdrawn attempts a worker remembers; the oldest are forgotten first (a copy withdrawn
/// but forgotten still never runs long: the master stops its attempt when it starts).
const MAX_WITHDRAWALS: usize = 100_000;

/// Attempts the master withdrew: copies of them are dropped unstarted.
#[derive(Debug, Default)]
struct Withdrawals {
    attempts: std::collections::HashSet<AttemptRef>,
    order: VecDeque<AttemptRef>,
}

impl Withdrawals {
    /// Remember a withdrawn attempt.
    fn add(&mut self, attempt: AttemptRef) {
        if !self.attempts.insert(attempt) {
            return;
        }
        self.order.push_back(attempt);
        while self.order.len() > MAX_WITHDRAWALS {
            if let Some(oldest) = self.order.pop_front() {
                self.attempts.remove(&oldest);
            }
        }
    }

    /// Whether `attempt` was withdrawn.
    fn covers(&self, attempt: &AttemptRef) -> bool {
        self.attempts.contains(attempt)
    }
}

/// Channels the loop hands out.
struct Links {
    deliveries_tx: mpsc::UnboundedSender<ClassDelivery>,
    software_tx: mpsc::UnboundedSender<(u64, BTreeMap<String, Vec<Version>>)>,
    shutdown: Shutdown,
}

impl Worker {
    /// Read the identity and the trusted keys, probe the host and prepare the broker handle
    /// (connected lazily).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let names = Names::new(&settings.namespace)?;
        let agent_id = match &settings.identity {
            Identity::Enrolled { agent_id, .. } => *agent_id,
            Identity::Shared { .. } => {
                tracing::warn!(
                    "--insecure-shared-broker-credentials: this worker shares the farm's broker credentials; anyone holding them can pose as it"
                );
                identity::load_or_create(&settings.dir).with_context(|| {
                    format!(
                        "cannot read or create the agent id in {}",
                        settings.dir.display()
                    )
                })?
            }
            Identity::NotEnrolled => {
                anyhow::bail!(crate::config::not_enrolled_message(&settings.dir))
            }
        };
        let trust = Trust::load(Some(&settings.dir), &settings.farm_keys)?;
        let probe = Probe::new().context("cannot read the host's resources")?;
        let host = probe.host_info();
        let broker = Self::broker(
            &settings,
            names,
            format!("warren-worker {} {agent_id}", host.hostname),
        )?;
        Self::assemble(settings, agent_id, host, broker, trust, Some(probe), None)
    }

    /// A simulated agent with a fresh id, on a broker handle it may share with other simulated
    /// agents (see [`Worker::broker`]). It checks signatures like any worker, with the keys of
    /// `--farm-key`.
    pub fn simulated(
        settings: Settings,
        host: HostInfo,
        broker: Broker,
        simulation: Simulation,
    ) -> anyhow::Result<Self> {
        let trust = Trust::load(None, &settings.farm_keys)?;
        Self::assemble(
            settings,
            AgentId::new_random(),
            host,
            broker,
            trust,
            None,
            Some(simulation),
        )
    }

    /// A broker handle for workers of these settings, connected lazily. Workers declare no
    /// topology: the master does.
    pub fn broker(
        settings: &Settings,
        names: Names,
        connection_name: String,
    ) -> anyhow::Result<Broker> {
        let queue_defaults = QueueDefaults {
            queue_type: settings.queue_type,
            expires_ms: settings.queue_expires_ms,
        };
        Ok(Broker::new(
            BrokerConfig {
                urls: settings.amqp_urls.clone(),
                heartbeat: settings.amqp_heartbeat,
                names,
                connection_name,
                queue_defaults,
            },
            Topology::default(),
        )?)
    }

    fn assemble(
        settings: Settings,
        agent_id: AgentId,
        mut host: HostInfo,
        broker: Broker,
        trust: Trust,
        probe: Option<Probe>,
        simulation: Option<Simulation>,
    ) -> anyhow::Result<Self> {
        if let Some(hostname) = &settings.hostname {
            host.hostname = hostname.clone();
        }
        let cpus = settings.cpus.unwrap_or_else(|| {
            ((f64::from(host.cpus) * settings.cpu_allocation).floor() as u32).max(1)
        });
        let ram_mb = settings
            .ram
            .unwrap_or_else(|| (host.ram_mb as f64 * settings.ram_allocation).floor() as u64);
        let capabilities = AgentCapabilities {
            tags: settings.tags.iter().cloned().collect(),
            software: BTreeMap::new(),
            cpus,
            ram_mb,
            gpus: Vec::new(),
        };
        let publisher = Arc::new(Publisher::for_agent(
            broker.clone(),
            &settings.broker_user(),
        )?);
        let metrics = Arc::new(WorkerMetrics::default());
        let (events, event_publisher) = event_queue(
            publisher.clone(),
            settings.dir.join("spill"),
            settings.event_memory_kib,
            settings.event_linger,
            metrics.clone(),
        );
        if simulation.is_none() {
            tracing::info!(%agent_id, hostname = %host.hostname, cpus, ram_mb, namespace = %broker.names().namespace(), keys = ?trust.ids(), "worker ready");
        }
        Ok(Self {
            settings,
            agent_id,
            host,
            addresses: probe
                .as_ref()
                .map(|_| probe::addresses())
                .unwrap_or_default(),
            disks: probe.as_ref().map(|_| probe::disks()).unwrap_or_default(),
            gpus: Vec::new(),
            gpu_devices: Vec::new(),
            capabilities,
            catalogue: Vec::new(),
            software_generation: 0,
            software_reported: 0,
            broker,
            publisher,
            events,
            event_publisher: Some(event_publisher),
            probe,
            simulation,
            metrics,
            trust,
            started_at: OffsetDateTime::now_utc(),
            version: running_version(),
        })
    }

    /// This worker's agent id.
    #[must_use]
    pub const fn agent_id(&self) -> AgentId {
        self.agent_id
    }

    /// Run until `shutdown` or until the master asks for a restart; then take no new work, let
    /// running tasks finish (or hand them back), say goodbye and flush the remaining events.
    pub async fn run(mut self, mut shutdown: Shutdown) -> anyhow::Result<Exit> {
        if self.simulation.is_none() {
            self.gpus = probe::gpus().await;
            self.capabilities.software = software::discover(&self.settings.software).await;
        }
        self.gpu_devices = match &self.settings.gpus {
            Some(gpus) => gpus.clone(),
            None if self.simulation.is_none() => probe::gpu_devices().await,
            None => Vec::new(),
        };
        self.capabilities.gpus = self.gpu_devices.iter().map(|gpu| gpu.ram_mb).collect();
        let (loops_trigger, loops_shutdown) = shutdown_channel();
        let (publisher_trigger, publisher_shutdown) = shutdown_channel();
        let event_publisher = self
            .event_publisher
            .take()
            .context("a worker runs only once")?;
        let event_publisher =
            tokio::spawn(event_publisher.run(publisher_shutdown, Duration::from_secs(10)));
        if let Some(address) = self.settings.metrics_listen {
            let listener = crate::metrics::bind(address)
                .await
                .with_context(|| format!("cannot serve metrics on {address}"))?;
            tokio::spawn(crate::metrics::serve(
                listener,
                self.metrics.clone(),
                self.broker.clone(),
                loops_shutdown.clone(),
            ));
        }
        let (control_tx, mut control_rx) = mpsc::unbounded_channel();
        tokio::spawn(run_control_consumer(
            self.broker.clone(),
            self.agent_id.0,
            matches!(self.settings.identity, Identity::Shared { .. }),
            control_tx,
            loops_shutdown.clone(),
        ));
        let (deliveries_tx, mut deliveries_rx) = mpsc::unbounded_channel::<ClassDelivery>();
        let (reports_tx, mut reports_rx) = mpsc::unbounded_channel::<UnitReport>();
        let (software_tx, mut software_rx) = mpsc::unbounded_channel();
        let links = Links {
            deliveries_tx,
            software_tx,
            shutdown: loops_shutdown,
        };
        let unit_context = Arc::new(UnitContext {
            agent_id: self.agent_id,
            events: self.events.clone(),
            log_flush_lines: self.settings.log_flush_lines,
            log_flush: self.settings.log_flush,
            log_max_bytes: self.settings.log_max_bytes,
            kill_grace: self.settings.kill_grace,
            allow_root_tasks: self.settings.allow_root_tasks,
        });
        let mut state = State {
            capacity: Capacity::new(u64::from(self.capabilities.cpus), self.capabilities.ram_mb)
                .with_gpus(self.gpu_devices.iter().map(|gpu| (gpu.index, gpu.ram_mb))),
            known_classes: BTreeMap::new(),
            classes: HashMap::new(),
            groups: HashMap::new(),
            units: HashMap::new(),
            awaiting_ack: HashMap::new(),
            job_streaks: JobStreaks::default(),
            withdrawn: Withdrawals::default(),
            draining: false,
            stopping: false,
            restarting: false,
            signalled: false,
            drain_issued_at: None,
            tags_issued_at: None,
        };
        let mut heartbeat = tokio::time::interval(self.settings.heartbeat_interval);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ram_probe = tokio::time::interval(RAM_PROBE_PERIOD);
        ram_probe.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

        loop {
            if state.stopping && state.units.is_empty() && state.awaiting_ack.is_empty() {
                break;
            }
            let resume_at = state
                .classes
                .values()
                .filter_map(|class| class.paused_until)
                .min();
            tokio::select! {
                () = shutdown.wait(), if !state.signalled => {
                    // A signal wins over a restart under way: the worker stops for good.
                    state.signalled = true;
                    state.restarting = false;
                    let hand_back = self.settings.requeue_on_stop;
                    self.begin_stop(&mut state, hand_back, "the worker is stopping (--requeue-on-stop)");
                }
                Some(input) = control_rx.recv() => match input {
                    ControlInput::Connected => self.send_hello(&state),
                    ControlInput::Message { payload, signature } => self.handle_control(&mut state, &payload, signature.as_deref(), &links).await,
                },
                Some(delivery) = deliveries_rx.recv() => self.handle_delivery(&mut state, delivery, &unit_context, &reports_tx).await,
                Some(report) = reports_rx.recv() => self.handle_report(&mut state, report),
                Some((generation, found)) = software_rx.recv() => {
                    // A check started earlier that ends later does not undo a newer one.
                    if generation < self.software_reported {
                        continue;
                    }
                    self.software_reported = generation;
                    self.capabilities.software = found;
                    self.reevaluate_classes(&mut state, &links);
                    self.send_hello(&state);
                }
                _ = heartbeat.tick() => self.send_heartbeat(&state),
                () = sleep_until_or_never(resume_at) => self.update_prefetch(&mut state),
                _ = ram_probe.tick(), if self.probe.is_some() => {
                    if let Some(probe) = &mut self.probe {
                        state.capacity.set_measured_free_ram(probe.free_ram_mb());
                    }
                    self.update_prefetch(&mut state);
                }
            }
        }

        let exit = if state.restarting {
            Exit::Restart
        } else {
            Exit::Stopped
        };
        self.events.send(&Message::Bye(Bye {
            agent_id: self.agent_id,
            reason: match exit {
                Exit::Restart => "worker restarting".to_owned(),
                Exit::Stopped => "worker stopped".to_owned(),
            },
        }));
        loops_trigger.trigger();
        publisher_trigger.trigger();
        let _ = event_publisher.await;
        self.broker.close();
        tracing::info!(?exit, "worker stopped");
        Ok(exit)
    }

    /// Take no new work, and hand running tasks back (`hand_back`) or let them finish; the loop
    /// ends once none is left.
    fn begin_stop(&mut self, state: &mut State, hand_back: bool, reason: &str) {
        state.stopping = true;
        if hand_back {
            tracing::info!(
                running = state.units.len(),
                "stopping: handing running tasks back to the master"
            );
            for unit in state.units.values() {
                let _ = unit.requests.send(UnitRequest::HandBack {
                    reason: reason.to_owned(),
                });
            }
        } else {
            tracing::info!(
                running = state.units.len(),
                "stopping: taking no new work, waiting for running tasks"
            );
        }
        self.update_prefetch(state);
    }

    fn running_attempts(state: &State) -> Vec<AttemptRef> {
        let mut running: Vec<AttemptRef> = state
            .units
            .iter()
            .filter(|(_, unit)| unit.started)
            .map(|(attempt, _)| *attempt)
            .collect();
        running.sort();
        running
    }

    /// Free RAM as the host reports it, or what reservations leave on a simulated agent.
    fn free_ram_mb(&mut self, state: &State) -> u64 {
        match &mut self.probe {
            Some(probe) => probe.free_ram_mb(),
            None => state.capacity.free_ram_mb(),
        }
    }

    fn send_hello(&mut self, state: &State) {
        let hello = Hello {
            agent_id: self.agent_id,
            hostname: self.host.hostname.clone(),
            addresses: self.addresses.clone(),
            os: self.host.os.clone(),
            os_name: self.host.os_name.clone(),
            cpu_name: self.host.cpu_name.clone(),
            cpus: self.capabilities.cpus,
            ram_mb: self.capabilities.ram_mb,
            free_ram_mb: self.free_ram_mb(state),
            tags: self.settings.tags.clone(),
            software: self.capabilities.software.clone(),
            version: self.version.clone(),
            disks: self.disks.clone(),
            gpus: self.gpus.clone(),
            gpu_devices: self.gpu_devices.clone(),
            running: Self::running_attempts(state),
            sent_at: OffsetDateTime::now_utc(),
            started_at: Some(self.started_at),
            catalogue_digest: Some(warren_shared::message::catalogue_digest(&self.catalogue)),
        };
        self.events.send(&Message::Hello(hello));
    }

    fn send_heartbeat(&mut self, state: &State) {
        let free_ram_mb = self.free_ram_mb(state);
        self.metrics
            .free_ram_mb
            .store(free_ram_mb, std::sync::atomic::Ordering::Relaxed);
        self.events.send(&Message::Heartbeat(Heartbeat {
            agent_id: self.agent_id,
            free_ram_mb,
            load: self
                .probe
                .as_ref()
                .map_or(state.capacity.running() as f32, Probe::load),
            running: Self::running_attempts(state),
            sent_at: OffsetDateTime::now_utc(),
        }));
    }

    /// Obey a control message, if the farm's key signed it and it is for this agent.
    async fn handle_control(
        &mut self,
        state: &mut State,
        payload: &[u8],
        signature: Option<&str>,
        links: &Links,
    ) {
        let source = self.broker.names().agent_queue(self.agent_id.0);
        if let Err(error) = self.trust.verify(payload, signature) {
            self.refuse(&source, Refusal::of(&error), &error.to_string(), payload)
                .await;
            return;
        }
        let message = match Envelope::decode(payload) {
            Ok(message) => message,
            Err(error) => {
                let reason = warren_broker::error_chain(&error);
                self.refuse(&source, Refusal::Malformed, &reason, payload)
                    .await;
                return;
            }
        };
        if let Some(reason) = self.misaddressed(&message) {
            self.refuse(&source, Refusal::Misaddressed, &reason, payload)
                .await;
            return;
        }
        match message {
            Message::Subscribe(subscribe) => {
                if let Some(tags) = subscribe.tags {
                    if newer(subscribe.issued_at, &mut state.tags_issued_at) {
                        let tags: BTreeSet<String> = tags.into_iter().collect();
                        if tags != self.capabilities.tags {
                            tracing::info!(?tags, "the master set this worker's tags");
                            self.capabilities.tags = tags;
                        }
                    } else {
                        tracing::warn!(
                            "ignoring tags older than those applied (a replayed message)"
                        );
                    }
                }
                let names = self.broker.names().clone();
                for class in subscribe.classes {
                    if class.amqp_queue == names.class_queue(class.class.as_str()) {
                        state.known_classes.insert(class.amqp_queue.clone(), class);
                    } else {
                        tracing::warn!(queue = %class.amqp_queue, "ignoring a class whose queue is outside this farm's namespace");
                    }
                }
                self.reevaluate_classes(state, links);
                // A class queue refused a moment ago (this agent's access was granted just
                // after it heard of the class) is tried again now rather than after its rest.
                for group in state.groups.values() {
                    let _ = group.commands.send(ClassCommand::Retry);
                }
            }
            Message::Cancel(cancel) => {
                let attempt = AttemptRef {
                    task_id: cancel.task_id,
                    attempt: cancel.attempt,
                };
                if let Some(unit) = state.units.get(&attempt) {
                    let _ = unit.requests.send(UnitRequest::Cancel {
                        reason: cancel.reason,
                    });
                }
            }
            Message::Restart(restart) => {
                // A restart issued before this process started is a replay; the master's clock
                // may differ from this host's by a few minutes.
                let current = restart
                    .issued_at
                    .is_some_and(|issued| issued >= self.started_at - CLOCK_SKEW);
                if state.stopping {
                    tracing::info!("ignoring a restart: the worker is stopping");
                } else if current {
                    tracing::info!(
                        now = restart.now,
                        running = state.units.len(),
                        "restart requested"
                    );
                    state.restarting = true;
                    self.begin_stop(state, restart.now, "the worker is restarting");
                } else {
                    tracing::warn!(
                        "ignoring a restart older than this process (a replayed message)"
                    );
                }
            }
            Message::Withdraw(withdraw) => {
                for attempt in withdraw.attempts {
                    state.withdrawn.add(attempt);
                }
            }
            Message::Drain(drain) => {
                if newer(drain.issued_at, &mut state.drain_issued_at) {
                    state.draining = !drain.resume;
                    tracing::info!(draining = state.draining, "drain requested");
                    self.update_prefetch(state);
                } else {
                    tracing::warn!(
                        "ignoring a drain older than the one applied (a replayed message)"
                    );
                }
            }
            Message::CheckSoftware(check) => {
                let unchanged = check
                    .catalogue
                    .as_ref()
                    .is_some_and(|catalogue| *catalogue == self.catalogue);
                if let Some(catalogue) = check.catalogue {
                    self.catalogue = catalogue;
                }
                // A check asked for without a new catalogue always runs (and answers with a
                // hello); simulated agents run no catalogue checks.
                if !unchanged {
                    let checks = self.settings.software.clone();
                    let catalogue = if self.simulation.is_none() {
                        self.catalogue.clone()
                    } else {
                        Vec::new()
                    };
                    let run_as = software::catalogue_user(self.settings.allow_root_tasks);
                    let software_tx = links.software_tx.clone();
                    self.software_generation += 1;
                    let generation = self.software_generation;
                    tokio::spawn(async move {
                        let local = software::discover(&checks).await;
                        let central = match &run_as {
                            Ok(run_as) => {
                                software::discover_catalogue(&catalogue, run_as.as_ref()).await
                            }
                            Err(error) => {
                                tracing::warn!(
                                    error,
                                    "not running the software catalogue's checks"
                                );
                                BTreeMap::new()
                            }
                        };
                        let _ = software_tx.send((generation, software::merge(local, central)));
                    });
                }
            }
            Message::FarmKeys(keys) => match self.trust.update(&keys.keys, keys.issued_at) {
                Ok(true) => {
                    tracing::info!(keys = ?self.trust.ids(), "the farm's signing keys changed")
                }
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(error = %warren_broker::error_chain(&error), "cannot keep the farm's new keys")
                }
            },
            Message::Joined(_) | Message::JoinRefused(_) => {}
            other => tracing::warn!(
                kind = other.kind(),
                "ignoring a control message this worker does not handle"
            ),
        }
    }

    /// Why a control message is not for this agent, if it is not: messages that change one
    /// agent name it, so a message captured for one node cannot be replayed to another.
    fn misaddressed(&self, message: &Message) -> Option<String> {
        let me = self.agent_id;
        let target = match message {
            Message::Cancel(cancel) => cancel.agent_id,
            Message::Drain(drain) => drain.agent_id,
            Message::Joined(joined) => Some(joined.agent_id),
            Message::JoinRefused(refused) => Some(refused.agent_id),
            Message::Subscribe(subscribe) => match (subscribe.agent_id, &subscribe.tags) {
                (None, None) => return None,
                (target, _) => target,
            },
            Message::Restart(restart) => restart.agent_id,
            Message::FarmKeys(_) | Message::CheckSoftware(_) | Message::Withdraw(_) => {
                return None;
            }
            other => {
                return Some(format!(
                    "a `{}` message is not a control message",
                    other.kind()
                ));
            }
        };
        match target {
            Some(target) if target == me => None,
            Some(target) => Some(format!(
                "a `{}` addressed to agent {target}, not to this agent ({me})",
                message.kind()
            )),
            None => Some(format!(
                "a `{}` must name the agent it is for",
                message.kind()
            )),
        }
    }

    /// Refuse a message: log it, count it, and park it in the dead letters with the reason.
    async fn refuse(&self, source: &str, refusal: Refusal, reason: &str, payload: &[u8]) -> bool {
        tracing::warn!(
            source,
            reason = refusal.as_str(),
            detail = reason,
            "refusing a message"
        );
        self.metrics.refuse(refusal);
        self.dead_letter(source, reason, payload).await
    }

    /// Consume every known class the worker satisfies, and stop taking tasks of those it no
    /// longer satisfies (running ones finish).
    fn reevaluate_classes(&self, state: &mut State, links: &Links) {
        for (amqp_queue, class) in &state.known_classes {
            let eligible = class.requirements.satisfied_by(&self.capabilities);
            match state.classes.get_mut(amqp_queue) {
                Some(slot) => {
                    if slot.eligible != eligible {
                        tracing::info!(queue = %amqp_queue, eligible, "class eligibility changed");
                    }
                    slot.eligible = eligible;
                }
                None if eligible => {
                    let need = Need {
                        cpus: class.requirements.cpus,
                        ram_mb: class.requirements.ram_mb,
                        gpus: class.requirements.gpus,
                        gpu_ram_mb: class.requirements.gpu_ram_mb,
                    };
                    let group = GroupKey {
                        need,
                        queue: (self.broker.queue_defaults().queue_type == QueueType::Quorum)
                            .then(|| amqp_queue.clone()),
                    };
                    let commands = state
                        .groups
                        .entry(group.clone())
                        .or_insert_with(|| {
                            let (commands, commands_rx) = mpsc::unbounded_channel();
                            tokio::spawn(run_class_consumer(
                                self.broker.clone(),
                                group.to_string(),
                                commands_rx,
                                links.deliveries_tx.clone(),
                                links.shutdown.clone(),
                            ));
                            ClassGroup {
                                commands,
                                asked: Consumption::default(),
                            }
                        })
                        .commands
                        .clone();
                    tracing::info!(queue = %amqp_queue, channel = %group, "consuming requirement class");
                    state.classes.insert(
                        amqp_queue.clone(),
                        ClassSlot {
                            group,
                            commands,
                            eligible: true,
                            unacked: 0,
                            declines: 0,
                            paused_until: None,
                        },
                    );
                }
                None => {}
            }
        }
        self.update_prefetch(state);
    }

    /// Ask each class channel to consume the classes taking tasks now, with a prefetch of the
    /// deliveries its classes hold plus how many more of their tasks fit.
    fn update_prefetch(&self, state: &mut State) {
        let now = tokio::time::Instant::now();
        let mut wanted: HashMap<GroupKey, (Vec<String>, u64)> = HashMap::new();
        for (amqp_queue, class) in &mut state.classes {
            if class.paused_until.is_some_and(|until| until <= now) {
                class.paused_until = None;
            }
            let resting = class.paused_until.is_some();
            let (queues, unacked) = wanted.entry(class.group.clone()).or_default();
            *unacked += class.unacked;
            if !(state.draining || state.stopping || !class.eligible || resting) {
                queues.push(amqp_queue.clone());
            }
        }
        for (key, group) in &mut state.groups {
            let (mut queues, unacked) = wanted.remove(key).unwrap_or_default();
            queues.sort();
            let prefetch = if queues.is_empty() {
                0
            } else {
                (unacked + state.capacity.fits(key.need)).min(MAX_PREFETCH) as u16
            };
            let asked = Consumption { queues, prefetch };
            if asked != group.asked {
                group.asked = asked.clone();
                let _ = group.commands.send(ClassCommand::Consume(asked));
            }
        }
    }

    async fn handle_delivery(
        &mut self,
        state: &mut State,
        class_delivery: ClassDelivery,
        context: &Arc<UnitContext>,
        reports_tx: &mpsc::UnboundedSender<UnitReport>,
    ) {
        let delivery_ref = DeliveryRef {
            generation: class_delivery.generation,
            tag: class_delivery.delivery.delivery_tag,
        };
        let Some(class) = state.classes.get_mut(&class_delivery.amqp_queue) else {
            return;
        };
        let commands = class.commands.clone();
        let source = class_delivery.amqp_queue.clone();
        let payload = &class_delivery.delivery.data;
        let signature = warren_broker::signature(&class_delivery.delivery.properties);
        if let Err(error) = self.trust.verify(payload, signature.as_deref()) {
            self.refuse_delivery(
                &commands,
                delivery_ref,
                &source,
                Refusal::of(&error),
                &error.to_string(),
                payload,
            )
            .await;
            return;
        }
        let mut assignment = match Envelope::decode(payload) {
            Ok(Message::Task(assignment)) => assignment,
            Ok(other) => {
                let reason = format!("unexpected message kind `{}` on a task queue", other.kind());
                self.refuse_delivery(
                    &commands,
                    delivery_ref,
                    &source,
                    Refusal::Malformed,
                    &reason,
                    payload,
                )
                .await;
                return;
            }
            Err(error) => {
                let reason = warren_broker::error_chain(&error);
                self.refuse_delivery(
                    &commands,
                    delivery_ref,
                    &source,
                    Refusal::Malformed,
                    &reason,
                    payload,
                )
                .await;
                return;
            }
        };
        let home = self.broker.names().class_queue(assignment.class.as_str());
        if home != source {
            let reason = format!("a task of the queue `{home}` delivered on `{source}`");
            self.refuse_delivery(
                &commands,
                delivery_ref,
                &source,
                Refusal::Misaddressed,
                &reason,
                payload,
            )
            .await;
            return;
        }
        assignment.map_paths(std::env::consts::OS, &self.capabilities.tags);
        let attempt = AttemptRef {
            task_id: assignment.task_id,
            attempt: assignment.attempt,
        };
        if state.units.contains_key(&attempt) {
            let _ = commands.send(ClassCommand::Ack(delivery_ref));
            return;
        }
        if state.withdrawn.covers(&attempt) {
            // The master fenced this attempt and publishes the task again under the job's new
            // requirements: drop this copy without running it.
            tracing::info!(task_id = %assignment.task_id, attempt = assignment.attempt, "dropping a withdrawn task (its job's requirements changed)");
            self.metrics
                .tasks_withdrawn
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let _ = commands.send(ClassCommand::Ack(delivery_ref));
            return;
        }
        if let Some(reason) = state
            .job_streaks
            .must_decline(&assignment, context.agent_id)
        {
            // Give it back through the master, which queues it for another agent; the delivery
            // is acked only once the broker holds the decline.
            tracing::info!(task_id = %assignment.task_id, attempt = assignment.attempt, reason, "declining a task this agent must avoid");
            let confirmed = context
                .events
                .send_confirmed(&Message::TaskDeclined(TaskDeclined {
                    agent_id: context.agent_id,
                    task_id: assignment.task_id,
                    attempt: assignment.attempt,
                    reason,
                }));
            class.declines += 1;
            let pause = decline_pause(class.declines);
            class.paused_until = Some(tokio::time::Instant::now() + pause);
            tracing::debug!(queue = %class_delivery.amqp_queue, pause_ms = pause.as_millis() as u64, "resting the class after a decline");
            tokio::spawn(async move {
                if confirmed.await.is_ok() {
                    let _ = commands.send(ClassCommand::Ack(delivery_ref));
                } else {
                    let _ = commands.send(ClassCommand::Reject {
                        delivery: delivery_ref,
                        requeue: true,
                    });
                }
            });
            self.update_prefetch(state);
            return;
        }
        let need = Need {
            cpus: assignment.cpus,
            ram_mb: assignment.ram_mb,
            gpus: assignment.gpus,
            gpu_ram_mb: assignment.gpu_ram_mb,
        };
        let takes_work = !(state.draining || state.stopping) && class.eligible;
        let Some(gpus) = takes_work.then(|| state.capacity.reserve(need)).flatten() else {
            let _ = commands.send(ClassCommand::Reject {
                delivery: delivery_ref,
                requeue: true,
            });
            self.update_prefetch(state);
            return;
        };
        // On a host that offers GPUs every task is told which it may use (none when it asked for
        // none), numbered as `nvidia-smi` numbers them.
        if !self.gpu_devices.is_empty() {
            let list = gpus
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            for variable in GPU_VARIABLES {
                assignment.env.insert((*variable).to_owned(), list.clone());
            }
            assignment
                .env
                .insert("CUDA_DEVICE_ORDER".to_owned(), "PCI_BUS_ID".to_owned());
        }
        class.unacked += 1;
        class.declines = 0;
        let (requests_tx, requests_rx) = mpsc::unbounded_channel();
        state.units.insert(
            attempt,
            UnitSlot {
                requests: requests_tx,
                need,
                gpus,
                job_id: assignment.job_id,
                failure_limit: assignment.agent_failure_limit,
                amqp_queue: class_delivery.amqp_queue,
                delivery: delivery_ref,
                started: false,
            },
        );
        self.metrics.running.store(
            state.units.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        self.metrics
            .tasks_started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::debug!(task_id = %assignment.task_id, attempt = assignment.attempt, job = %assignment.job_title, "starting task");
        match self.simulation {
            None => {
                let span = tracing::info_span!(
                    "task",
                    job_id = %assignment.job_id,
                    task_id = %assignment.task_id,
                    attempt = assignment.attempt
                );
                tokio::spawn(tracing::Instrument::instrument(
                    run_unit(context.clone(), assignment, requests_rx, reports_tx.clone()),
                    span,
                ));
            }
            Some(simulation) => {
                let duration = simulation.duration(assignment.task_id.0, assignment.attempt);
                tokio::spawn(run_simulated_unit(
                    context.clone(),
                    assignment,
                    duration,
                    requests_rx,
                    reports_tx.clone(),
                ));
            }
        }
        self.update_prefetch(state);
    }

    fn handle_report(&self, state: &mut State, report: UnitReport) {
        match report {
            UnitReport::Started(attempt) => {
                let (amqp_queue, delivery) = if let Some(unit) = state.units.get_mut(&attempt) {
                    if unit.started {
                        return;
                    }
                    unit.started = true;
                    (unit.amqp_queue.clone(), unit.delivery)
                } else if let Some(awaiting) = state.awaiting_ack.remove(&attempt) {
                    (awaiting.amqp_queue, awaiting.delivery)
                } else {
                    return;
                };
                if let Some(class) = state.classes.get_mut(&amqp_queue) {
                    class.unacked = class.unacked.saturating_sub(1);
                    let commands = class.commands.clone();
                    // A channel-wide prefetch shrinks before the ack, so no extra delivery
                    // slips in between; a quorum consumer's own limit leaves out the deliveries
                    // still held, so there the ack goes first or the limit comes out one short.
                    if self.broker.queue_defaults().queue_type == QueueType::Quorum {
                        let _ = commands.send(ClassCommand::Ack(delivery));
                        self.update_prefetch(state);
                    } else {
                        self.update_prefetch(state);
                        let _ = commands.send(ClassCommand::Ack(delivery));
                    }
                }
            }
            UnitReport::Finished { attempt, failed } => {
                let Some(unit) = state.units.remove(&attempt) else {
                    return;
                };
                if let Some(failed) = failed {
                    state
                        .job_streaks
                        .record(unit.job_id, unit.failure_limit, failed);
                }
                self.metrics
                    .tasks_finished
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.metrics.running.store(
                    state.units.len() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                state.capacity.release(unit.need, &unit.gpus);
                if !unit.started {
                    state.awaiting_ack.insert(
                        attempt,
                        AwaitingAck {
                            amqp_queue: unit.amqp_queue,
                            delivery: unit.delivery,
                        },
                    );
                }
                self.update_prefetch(state);
            }
        }
    }

    /// Park a message in the farm's dead letters with the reason; whether that worked.
    async fn dead_letter(&self, source: &str, reason: &str, payload: &[u8]) -> bool {
        match self
            .publisher
            .publish_dead_letter(&DeadLetter {
                source,
                reason,
                payload,
            })
            .await
        {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(error = %warren_broker::error_chain(&error), "cannot dead-letter a message");
                false
            }
        }
    }

    /// Refuse a task delivery: dead-letter it with the reason and ack it, or, if the dead
    /// letter cannot be published, reject it so RabbitMQ dead-letters it without the reason.
    async fn refuse_delivery(
        &self,
        commands: &mpsc::UnboundedSender<ClassCommand>,
        delivery: DeliveryRef,
        source: &str,
        refusal: Refusal,
        reason: &str,
        payload: &[u8],
    ) {
        let command = if self.refuse(source, refusal, reason, payload).await {
            ClassCommand::Ack(delivery)
        } else {
            ClassCommand::Reject {
                delivery,
                requeue: false,
            }
        };
        let _ = commands.send(command);
    }
}

#[cfg(test)]
mod tests {
    use super::{JobStreaks, TaskAssignment};
    use warren_shared::{AgentId, JobId};

    fn assignment(job_id: i64, published_at: &str) -> TaskAssignment {
        serde_json::from_value(serde_json::json!({
            "task_id": 1, "attempt": 1, "job_id": job_id, "job_title": "shot", "queue": "root",
            "class": "cpu1", "frames": [1], "commands": [], "cpus": 1, "ram_mb": 0,
            "success_exit_codes": [0], "published_at": published_at, "agent_failure_limit": 3,
        }))
        .expect("a valid assignment")
    }

    #[test]
    fn after_the_limit_of_failures_in_a_row_older_tasks_of_the_job_are_declined() {
        let me = AgentId::new_random();
        let mut streaks = JobStreaks::default();
        let before = assignment(7, "2000-01-01T00:00:00Z");
        streaks.record(JobId(7), 3, true);
        streaks.record(JobId(7), 3, true);
        assert_eq!(
            streaks.must_decline(&before, me),
            None,
            "two failures are not three"
        );
        streaks.record(JobId(7), 3, true);
        let reason = streaks
            .must_decline(&before, me)
            .expect("declined after three");
        assert!(reason.contains("failed 3"), "{reason}");
        // Tasks the master published after it knew carry its own decision (avoid_agents).
        assert_eq!(
            streaks.must_decline(&assignment(7, "2999-01-01T00:00:00Z"), me),
            None
        );
        // Other jobs are not affected, and a success ends the streak.
        assert_eq!(
            streaks.must_decline(&assignment(8, "2000-01-01T00:00:00Z"), me),
            None
        );
        streaks.record(JobId(7), 3, false);
        assert_eq!(streaks.must_decline(&before, me), None);
        // A limit of 0 never bans.
        for _ in 0..5 {
            streaks.record(JobId(9), 0, true);
        }
        assert_eq!(
            streaks.must_decline(&assignment(9, "2000-01-01T00:00:00Z"), me),
            None
        );
    }

    #[test]
    fn tasks_listing_this_agent_in_avoid_agents_are_declined() {
        let me = AgentId::new_random();
        let mut task = assignment(7, "2000-01-01T00:00:00Z");
        task.avoid_agents.push(me);
        assert!(JobStreaks::default().must_decline(&task, me).is_some());
    }
    #[test]
    fn a_declining_class_rests_longer_each_time_up_to_16_seconds() {
        let pauses: Vec<u64> = (1..=7)
            .map(|declines| super::decline_pause(declines).as_secs())
            .collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 16, 16]);
    }
}

//! Broker messages: one versioned JSON envelope `{"v": 1, "kind": .., ..}` for every kind that
//! travels between the master and the workers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AgentId, JobId, TaskId};
use crate::requirements::{ClassKey, Requirements, Version};

/// The envelope version this build writes and understands.
pub const WIRE_VERSION: u32 = 1;

/// A message as it travels: the wire version and the message, flattened into one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Wire version; only [`WIRE_VERSION`] is accepted.
    pub v: u32,
    /// The message, tagged by `kind`.
    #[serde(flatten)]
    pub message: Message,
}

/// Why a payload is not a message this build understands.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The payload is not a JSON envelope of a known kind.
    #[error("malformed message: {0}")]
    Malformed(#[source] serde_json::Error),
    /// The envelope's version is not [`WIRE_VERSION`].
    #[error("unsupported message version {0} (this build speaks version {WIRE_VERSION})")]
    UnsupportedVersion(u32),
}

#[derive(Serialize)]
struct EnvelopeRef<'a> {
    v: u32,
    #[serde(flatten)]
    message: &'a Message,
}

#[derive(Deserialize)]
struct VersionProbe {
    v: u32,
}

impl Envelope {
    /// Wrap a message in the current wire version.
    #[must_use]
    pub const fn new(message: Message) -> Self {
        Self {
            v: WIRE_VERSION,
            message,
        }
    }

    /// Serialize to JSON bytes.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        Self::encode_message(&self.message)
    }

    /// Serialize `message` in the current wire version without copying it.
    #[must_use]
    pub fn encode_message(message: &Message) -> Vec<u8> {
        serde_json::to_vec(&EnvelopeRef {
            v: WIRE_VERSION,
            message,
        })
        .expect("messages contain only JSON-representable values")
    }

    /// Parse JSON bytes, checking the wire version.
    pub fn decode(payload: &[u8]) -> Result<Message, DecodeError> {
        match serde_json::from_slice::<Self>(payload) {
            Ok(envelope) if envelope.v == WIRE_VERSION => Ok(envelope.message),
            Ok(envelope) => Err(DecodeError::UnsupportedVersion(envelope.v)),
            Err(error) => match serde_json::from_slice::<VersionProbe>(payload) {
                Ok(probe) if probe.v != WIRE_VERSION => {
                    Err(DecodeError::UnsupportedVersion(probe.v))
                }
                _ => Err(DecodeError::Malformed(error)),
            },
        }
    }
}

/// Every kind of message, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Message {
    /// Master → worker, on a class queue: run this task attempt.
    Task(TaskAssignment),
    /// Worker → master: a worker (re)connected and describes itself.
    Hello(Hello),
    /// Worker → master: still alive; renews the leases of the attempts listed.
    Heartbeat(Heartbeat),
    /// Worker → master: an attempt's process started.
    TaskStarted(TaskStarted),
    /// Worker → master: an attempt made progress.
    TaskProgress(TaskProgress),
    /// Worker → master: a chunk of an attempt's output.
    LogChunk(LogChunk),
    /// Worker → master: an attempt ended.
    TaskFinished(TaskFinished),
    /// Worker → master: the worker gave an attempt back without starting it (it is told to
    /// avoid the task, e.g. because the task failed there before).
    TaskDeclined(TaskDeclined),
    /// Worker → master: the worker is going away.
    Bye(Bye),
    /// Worker → master: several events in order, sent as one message when they queue up.
    EventBatch(EventBatch),
    /// Master → worker: stop this attempt; the worker no longer holds it.
    Cancel(Cancel),
    /// Master → worker: take no new work.
    Drain(Drain),
    /// Master → workers: these requirement classes exist; consume the ones you satisfy.
    Subscribe(Subscribe),
    /// Master → worker: look for installed software again.
    CheckSoftware(CheckSoftware),
    /// Master → worker: drain and restart.
    Restart(Restart),
    /// Master → workers: these task attempts are withdrawn (their jobs' requirements changed); a
    /// worker that receives one acks it without running it.
    Withdraw(Withdraw),
    /// Worker → master: a node joining with a join token asks to become its agent.
    Join(Join),
    /// Master → worker: the node joined; its own password is in force.
    Joined(Joined),
    /// Master → worker: the node may not join, and why.
    JoinRefused(JoinRefused),
    /// Master → workers: the farm's signing keys (after a rotation, or when a worker connects).
    FarmKeys(FarmKeys),
    /// Master → master, through the events queue: once it is consumed, so is everything
    /// published to the events exchange before it (leases are checked only then).
    Marker(Marker),
    /// Master → master, through the events queue: apply a dead-lettered event again, as the
    /// broker user that first published it (an administrator fixed its cause).
    Replay(Replay),
}

impl Message {
    /// Whether this is an event a worker sends the master (not a batch of them).
    #[must_use]
    pub const fn is_event(&self) -> bool {
        matches!(
            self,
            Self::Hello(_)
                | Self::Heartbeat(_)
                | Self::TaskStarted(_)
                | Self::TaskProgress(_)
                | Self::LogChunk(_)
                | Self::TaskFinished(_)
                | Self::TaskDeclined(_)
                | Self::Bye(_)
                | Self::Join(_)
        )
    }

    /// The agent an event speaks for (every event names its sender).
    #[must_use]
    pub const fn event_agent(&self) -> Option<AgentId> {
        match self {
            Self::Hello(Hello { agent_id, .. })
            | Self::Heartbeat(Heartbeat { agent_id, .. })
            | Self::TaskStarted(TaskStarted { agent_id, .. })
            | Self::TaskProgress(TaskProgress { agent_id, .. })
            | Self::LogChunk(LogChunk { agent_id, .. })
            | Self::TaskFinished(TaskFinished { agent_id, .. })
            | Self::TaskDeclined(TaskDeclined { agent_id, .. })
            | Self::Bye(Bye { agent_id, .. })
            | Self::Join(Join { agent_id, .. }) => Some(*agent_id),
            _ => None,
        }
    }

    /// The message's kind, as written in the envelope and the AMQP `type` property.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Task(_) => "Task",
            Self::Hello(_) => "Hello",
            Self::Heartbeat(_) => "Heartbeat",
            Self::TaskStarted(_) => "TaskStarted",
            Self::TaskProgress(_) => "TaskProgress",
            Self::LogChunk(_) => "LogChunk",
            Self::TaskFinished(_) => "TaskFinished",
            Self::TaskDeclined(_) => "TaskDeclined",
            Self::Bye(_) => "Bye",
            Self::EventBatch(_) => "EventBatch",
            Self::Cancel(_) => "Cancel",
            Self::Drain(_) => "Drain",
            Self::Subscribe(_) => "Subscribe",
            Self::CheckSoftware(_) => "CheckSoftware",
            Self::Restart(_) => "Restart",
            Self::Withdraw(_) => "Withdraw",
            Self::Join(_) => "Join",
            Self::Joined(_) => "Joined",
            Self::JoinRefused(_) => "JoinRefused",
            Self::FarmKeys(_) => "FarmKeys",
            Self::Marker(_) => "Marker",
            Self::Replay(_) => "Replay",
        }
    }
}

/// One attempt of one task: the unit of fencing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttemptRef {
    /// The task.
    pub task_id: TaskId,
    /// Its attempt number, from 1.
    pub attempt: u32,
}

/// One process to run: an argv executed directly, never through a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandSpec {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// The frame this run renders, when the job type runs once per frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<i64>,
}

/// A task attempt handed to a worker, fully resolved: the worker needs no job type knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskAssignment {
    /// The task.
    pub task_id: TaskId,
    /// Which attempt this is; events about it carry the same number.
    pub attempt: u32,
    /// The task's job.
    pub job_id: JobId,
    /// The job's title, for logs.
    pub job_title: String,
    /// The job queue the task was published in.
    pub queue: String,
    /// The requirement class it was routed by.
    pub class: ClassKey,
    /// The task's frames.
    pub frames: Vec<i64>,
    /// Processes to run one after the other; the task fails at the first that fails.
    pub commands: Vec<CommandSpec>,
    /// Extra environment for the processes.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Working directory, if not the worker's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// CPUs the task occupies; -1 for the whole host.
    pub cpus: i64,
    /// GPUs the task needs (the worker reserves that many and names them in `WARREN_GPUS`).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub gpus: i64,
    /// Memory each of those GPUs must have, MB (0: any).
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub gpu_ram_mb: i64,
    /// RAM in MB the task occupies; -1 for the whole host.
    pub ram_mb: i64,
    /// Kill the task if its resident memory goes above this many MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ram_max_mb: Option<i64>,
    /// Kill the task if it runs longer than this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// Exit codes that count as success.
    pub success_exit_codes: Vec<i32>,
    /// Flag the task when its resident memory goes above this many MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ram_warning_mb: Option<i64>,
    /// Agents that must not run this attempt (the task failed there, or the agent failed too
    /// many tasks of the job in a row); one of them gives it back with `TaskDeclined`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoid_agents: Vec<AgentId>,
    /// The only agent that may run this attempt (a host already holding one of the task's
    /// per-host limits); others give it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_agent: Option<AgentId>,
    /// User to run the processes as, when the worker runs as root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<String>,
    /// Group to run the processes as, when the worker runs as root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<String>,
    /// A regular expression over output lines giving the task's progress: one capture is a
    /// percentage, two are "done" and "total".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_regex: Option<String>,
    /// Regular expressions over output lines: a matching line fails the task even when its
    /// processes succeed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_regexes: Vec<String>,
    /// The farm's path maps; the worker rewrites paths of other systems into its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_maps: Vec<crate::PathMap>,
    /// When the master published this attempt.
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// An agent that fails this many of the job's tasks in a row is banned from the job (0:
    /// never). The master lists it in `avoid_agents` of the tasks it publishes after it learns
    /// of the failures; the agent itself declines the ones published before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub agent_failure_limit: u32,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
const fn is_zero(value: &u32) -> bool {
    *value == 0
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
const fn is_zero_i64(value: &i64) -> bool {
    *value == 0
}

/// A GPU a worker offers: its index as the driver numbers it, its name and its memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuDevice {
    /// The index tasks are given (`CUDA_VISIBLE_DEVICES` and friends).
    pub index: u32,
    /// Its name.
    pub name: String,
    /// Its memory, MB (0: unknown).
    #[serde(default)]
    pub ram_mb: u64,
}

impl TaskAssignment {
    /// Rewrite the paths in the commands, environment and working directory for an agent on
    /// `os` (as `std::env::consts::OS` names it) with `tags`.
    pub fn map_paths(&mut self, os: &str, tags: &std::collections::BTreeSet<String>) {
        if self.path_maps.is_empty() {
            return;
        }
        let maps = std::mem::take(&mut self.path_maps);
        let translate =
            |text: &mut String| *text = crate::pathmap::translate(text, &maps, os, tags);
        for command in &mut self.commands {
            command.argv.iter_mut().for_each(translate);
        }
        self.env.values_mut().for_each(translate);
        if let Some(cwd) = &mut self.cwd {
            translate(cwd);
        }
        self.path_maps = maps;
    }
}

/// A worker introducing itself after it (re)connects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// The worker.
    pub agent_id: AgentId,
    /// Host name.
    pub hostname: String,
    /// IP addresses of the host.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// OS family: `linux`, `macos`, `windows`, ..
    pub os: String,
    /// Full OS name and version.
    pub os_name: String,
    /// CPU model.
    pub cpu_name: String,
    /// CPUs available to tasks.
    pub cpus: u32,
    /// RAM in MB available to tasks.
    pub ram_mb: u64,
    /// RAM in MB free right now.
    pub free_ram_mb: u64,
    /// The worker's tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Installed software: name to versions.
    #[serde(default)]
    pub software: BTreeMap<String, Vec<Version>>,
    /// The worker's release.
    pub version: String,
    /// Mounted file systems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<DiskInfo>,
    /// GPUs, as the system names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpus: Vec<String>,
    /// The GPUs the worker offers to tasks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpu_devices: Vec<GpuDevice>,
    /// Attempts the worker is running (after a reconnect).
    #[serde(default)]
    pub running: Vec<AttemptRef>,
    /// When the worker sent this.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    /// When the worker process started (a restart shows as a later start).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_at: Option<OffsetDateTime>,
    /// The digest (`catalogue_digest`) of the software catalogue the worker holds; the master
    /// sends the catalogue when its own differs. Absent from workers that predate the catalogue,
    /// which are never sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue_digest: Option<String>,
}

/// A digest of a software catalogue: SHA-256 of its JSON, in hex.
#[must_use]
pub fn catalogue_digest(catalogue: &[warren_api::SoftwareDefinition]) -> String {
    use sha2::Digest as _;
    let json = serde_json::to_vec(catalogue).unwrap_or_default();
    sha2::Sha256::digest(&json)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One mounted file system of a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskInfo {
    /// Mount point.
    pub mount: String,
    /// Size in MB.
    pub total_mb: u64,
    /// Free space in MB.
    pub free_mb: u64,
}

/// A worker's periodic sign of life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The worker.
    pub agent_id: AgentId,
    /// RAM in MB free right now.
    pub free_ram_mb: u64,
    /// One-minute load average.
    pub load: f32,
    /// Attempts the worker is running; their leases are renewed.
    pub running: Vec<AttemptRef>,
    /// When the worker sent this.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
}

/// An attempt's process started; from now on the master holds the attempt's lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStarted {
    /// The worker running it.
    pub agent_id: AgentId,
    /// The task.
    pub task_id: TaskId,
    /// The attempt.
    pub attempt: u32,
    /// Process id of the first process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// When the process started, by the worker's clock.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
}

/// An attempt's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskProgress {
    /// The worker running it.
    pub agent_id: AgentId,
    /// The task.
    pub task_id: TaskId,
    /// The attempt.
    pub attempt: u32,
    /// Fraction done, 0 to 1.
    pub progress: f32,
    /// When measured.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Frames of the batch finished since the last report (their commands all succeeded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frames_done: Vec<i64>,
}

/// Which output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// A line written by the worker itself (process started, exit status, ..).
    Worker,
}

impl LogStream {
    /// The stream's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
            Self::Worker => "worker",
        }
    }
}

/// One output line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// When the worker read the line, in microseconds since the Unix epoch.
    pub t: i64,
    /// Which stream it came from.
    pub s: LogStream,
    /// Process id that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The line, without its line break.
    pub m: String,
}

/// A numbered chunk of an attempt's output; `(task_id, attempt, seq)` makes it idempotent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogChunk {
    /// The worker running it.
    pub agent_id: AgentId,
    /// The task.
    pub task_id: TaskId,
    /// The attempt.
    pub attempt: u32,
    /// Chunk number within the attempt, from 0 without gaps.
    pub seq: u64,
    /// Line number of the chunk's first line within the attempt, from 1.
    pub first_line: u64,
    /// The lines, as JSON objects (empty when `packed` holds them).
    #[serde(default)]
    pub lines: Vec<LogLine>,
    /// The lines packed by [`crate::logcodec::pack`] (column layout, zstd, base64), as
    /// workers send them: a twentieth of the bytes for a render log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packed: Option<String>,
}

impl LogChunk {
    /// Its lines' stored form and how many lines it holds, and its first line's time.
    ///
    /// # Errors
    /// What is wrong with `packed`, when it is not a packed chunk.
    pub fn stored(&self) -> Result<(Vec<u8>, usize, Option<i64>), String> {
        match &self.packed {
            Some(packed) => {
                let (stored, lines) = crate::logcodec::unpack(packed)?;
                if !self.lines.is_empty() {
                    return Err("a log chunk has both lines and packed lines".to_owned());
                }
                Ok((stored, lines.len(), lines.first().map(|line| line.t)))
            }
            None => Ok((
                crate::logcodec::encode(&self.lines),
                self.lines.len(),
                self.lines.first().map(|line| line.t),
            )),
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaskOutcome {
    /// Every process exited; `code` is the last one's exit code.
    Exited {
        /// Exit code.
        code: i32,
    },
    /// A process was killed by a signal it did not handle.
    Signalled {
        /// Signal number.
        signal: i32,
    },
    /// A process could not be started.
    SpawnFailed {
        /// Why.
        error: String,
    },
    /// The attempt ran past its timeout and was stopped.
    TimedOut,
    /// The attempt used more RAM than its maximum and was stopped.
    RamExceeded {
        /// Peak resident memory in MB.
        ram_mb: u64,
    },
    /// The attempt was stopped because the master or a user asked.
    Cancelled,
    /// The worker could not read the process's output.
    OutputError {
        /// Why.
        error: String,
    },
    /// The worker holding the attempt was lost (decided by the master).
    WorkerLost,
    /// The processes succeeded but a line of their output matched one of the job type's error
    /// patterns.
    ErrorInOutput {
        /// The first matching line.
        line: String,
    },
}

impl std::fmt::Display for TaskOutcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exited { code } => write!(formatter, "exited with code {code}"),
            Self::Signalled { signal } => write!(formatter, "killed by signal {signal}"),
            Self::SpawnFailed { error } => write!(formatter, "could not start: {error}"),
            Self::TimedOut => formatter.write_str("killed: it ran past the job's timeout"),
            Self::RamExceeded { ram_mb } => {
                write!(
                    formatter,
                    "killed: its processes used {ram_mb} MB of RAM, more than the job's ram_max"
                )
            }
            Self::Cancelled => formatter.write_str("cancelled"),
            Self::OutputError { error } => {
                write!(formatter, "its output could not be read: {error}")
            }
            Self::WorkerLost => formatter.write_str("worker lost"),
            Self::ErrorInOutput { line } => {
                write!(
                    formatter,
                    "the output matched an error pattern of the job type: {line}"
                )
            }
        }
    }
}

impl TaskOutcome {
    /// The exit code, when the processes exited normally.
    #[must_use]
    pub const fn exit_code(&self) -> Option<i32> {
        match self {
            Self::Exited { code } => Some(*code),
            _ => None,
        }
    }
}

/// An attempt ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskFinished {
    /// The worker that ran it.
    pub agent_id: AgentId,
    /// The task.
    pub task_id: TaskId,
    /// The attempt.
    pub attempt: u32,
    /// How it ended.
    pub outcome: TaskOutcome,
    /// Whether the job type counts the outcome as success.
    pub success: bool,
    /// A human-readable error, if it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Wall time of the attempt in milliseconds.
    pub duration_ms: u64,
    /// Peak resident memory in MB, when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_mb: Option<u64>,
    /// Whether resident memory went above the task's `ram_warning_mb`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ram_warned: bool,
    /// When it ended, by the worker's clock.
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
}

/// A worker giving an attempt back unstarted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDeclined {
    /// The worker.
    pub agent_id: AgentId,
    /// The task.
    pub task_id: TaskId,
    /// The attempt.
    pub attempt: u32,
    /// Why.
    pub reason: String,
}

/// A worker leaving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bye {
    /// The worker.
    pub agent_id: AgentId,
    /// Why it leaves.
    pub reason: String,
}

/// Events sent as one message, applied in order. Batches hold only events, never batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBatch {
    /// The events, oldest first.
    pub events: Vec<Message>,
}

/// Stop an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cancel {
    /// The task.
    pub task_id: TaskId,
    /// The attempt to stop; other attempts of the task are left alone.
    pub attempt: u32,
    /// Why, for the task's log.
    pub reason: String,
    /// The agent the cancel is for: a worker refuses one addressed to another agent, so a
    /// captured cancel cannot be replayed to a different node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

/// Take no new work; finish what runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drain {
    /// Whether to take work again later (`false`) or stay drained.
    #[serde(default)]
    pub resume: bool,
    /// The agent this is for; a worker obeys only a drain addressed to itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// When the master decided it; a worker ignores one older than the last it obeyed, so a
    /// replayed drain cannot undo a newer one.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_at: Option<OffsetDateTime>,
}

/// One requirement class a worker may consume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSubscription {
    /// The job queue.
    pub queue: String,
    /// The class's routing key.
    pub class: ClassKey,
    /// The class's requirements, so the worker can decide whether it qualifies.
    pub requirements: Requirements,
    /// The AMQP queue holding the class's tasks.
    pub amqp_queue: String,
}

/// Requirement classes that exist; workers consume those they satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscribe {
    /// The classes.
    pub classes: Vec<ClassSubscription>,
    /// The tags the master holds for this worker when they were set through the API; they
    /// replace the worker's configured tags for routing. Absent in broadcasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The agent this is for (a worker obeys tags only from a message addressed to itself);
    /// absent in broadcasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// When the master decided it; tags older than the last ones applied are ignored.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_at: Option<OffsetDateTime>,
}

/// Look for installed software again and report it in a new `Hello`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSoftware {
    /// The farm's software catalogue, whose checks the worker runs besides its own. Absent: check
    /// again with the catalogue already held. A worker that already holds this very catalogue
    /// does not check again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<Vec<warren_api::SoftwareDefinition>>,
}

/// Task attempts that must not run: the master fenced them (their job's requirements changed) and
/// publishes the tasks again, as new attempts, under the new requirements. A worker that receives
/// one of these attempts acks it without running it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdraw {
    /// The withdrawn attempts.
    pub attempts: Vec<AttemptRef>,
}

/// Drain, then restart the worker process from its binary on disk (which upgrades it when the
/// binary was replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restart {
    /// Hand running tasks back at once instead of letting them finish.
    #[serde(default)]
    pub now: bool,
    /// The agent this is for; a worker obeys only a restart addressed to itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// When the master decided it; a restart older than the worker process is ignored.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_at: Option<OffsetDateTime>,
}

/// A node with a join token asks to become its agent. It connects as the agent's broker user
/// with the token's one-time secret and names the password it chose, as RabbitMQ stores it, so
/// the password itself never travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    /// The agent of the token.
    pub agent_id: AgentId,
    /// The node's host name.
    pub hostname: String,
    /// The node's new broker password as RabbitMQ stores it (`rabbit_password_hashing_sha256`).
    pub password_hash: String,
}

/// The master accepted a join: the node's own password replaced the token's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// The agent that joined.
    pub agent_id: AgentId,
}

/// The master refused a join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRefused {
    /// The agent of the token.
    pub agent_id: AgentId,
    /// Why, for the person running `warren-worker join`.
    pub reason: String,
}

/// A mark the master's lease checker puts into its own events queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Identifies the mark.
    pub id: String,
    /// When the master published it.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
}

/// A dead letter to apply again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// The dead letter's id.
    pub dead_letter_id: i64,
}

/// The farm's public keys as the master holds them now: workers trust exactly these after
/// checking that a key they already trust signed the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FarmKeys {
    /// The keys.
    pub keys: Vec<crate::signing::FarmKey>,
    /// When the master sent them; a worker ignores a list older than the one it holds, so a
    /// replayed list cannot bring back a retired key.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_version_is_reported_as_such() {
        let payload = br#"{"v":2,"kind":"Bye","agent_id":"6f0f8f70-8c43-4a5e-9a53-0e2f5f3d2a10","reason":"x"}"#;
        assert!(matches!(
            Envelope::decode(payload),
            Err(DecodeError::UnsupportedVersion(2))
        ));
        let payload = br#"{"v":7,"kind":"SomethingNew"}"#;
        assert!(matches!(
            Envelope::decode(payload),
            Err(DecodeError::UnsupportedVersion(7))
        ));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for payload in [
            &b""[..],
            b"{",
            b"null",
            b"[]",
            b"{\"v\":1}",
            b"{\"v\":1,\"kind\":\"Nope\"}",
            b"\xff\xfe",
        ] {
            assert!(
                matches!(Envelope::decode(payload), Err(DecodeError::Malformed(_))),
                "{payload:?}"
            );
        }
    }
}

//! One executor unit per task attempt: it runs the attempt's commands one after the other as
//! child processes (each in its own process group, never through a shell), streams their
//! output in numbered log chunks, and reports start, progress and end.
//!
//! The unit owns its children and is the source of truth for its attempt's state. Output is
//! drained in the same `select!` as `wait()`, the timers and the unit's request channel, so a
//! chatty process can never deadlock on a full pipe while the unit waits for it.

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use time::OffsetDateTime;
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::time::Instant;
use warren_shared::{
    AgentId, AttemptRef, CommandSpec, LogChunk, LogLine, LogStream, Message, TaskAssignment,
    TaskFinished, TaskOutcome, TaskProgress, TaskStarted,
};

use crate::events::EventSender;
use crate::lines::LineReader;
use crate::watch::OutputWatch;

/// How long output may still arrive after a process exited before leftovers of its process
/// group are killed.
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(2);
/// Log bytes that trigger a flush regardless of the line count.
const FLUSH_BYTES: usize = 256 * 1024;

/// What every unit shares.
#[derive(Debug)]
pub struct UnitContext {
    /// This worker.
    pub agent_id: AgentId,
    /// Where events go.
    pub events: EventSender,
    /// Lines per log chunk.
    pub log_flush_lines: usize,
    /// Longest wait before a started chunk is sent.
    pub log_flush: Duration,
    /// Most bytes of output one attempt's log keeps (0: no cap): the first half is sent as it
    /// comes, the last half at the end, and a line in between says what was dropped.
    pub log_max_bytes: u64,
    /// SIGTERM-to-SIGKILL grace when a task is stopped.
    pub kill_grace: Duration,
    /// Whether a task may run as root when the worker runs as root.
    pub allow_root_tasks: bool,
}

/// Requests the worker loop sends a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitRequest {
    /// Stop the attempt.
    Cancel {
        /// Why, for the log.
        reason: String,
    },
    /// Stop the attempt and report nothing: the worker is leaving and the master queues the
    /// task again when it says goodbye.
    HandBack {
        /// Why, for the log.
        reason: String,
    },
}

/// What a unit tells the worker loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitReport {
    /// `TaskStarted` was confirmed by the broker: the delivery may be acked. May arrive before
    /// or after `Finished` for a short task.
    Started(AttemptRef),
    /// The attempt ended and `TaskFinished` is queued: its resources are free. `failed` says
    /// whether it counts against the agent's streak for the job: `Some(true)` for a failure,
    /// `Some(false)` for a success, `None` when handed back or cancelled.
    Finished {
        /// The attempt.
        attempt: AttemptRef,
        /// A failure, a success, or neither.
        failed: Option<bool>,
    },
}

/// Why a running process was stopped by the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StopReason {
    Cancelled,
    HandedBack,
    TimedOut,
    RamExceeded { ram_mb: u64 },
}

/// How often a running task's resident memory is measured.
const MEMORY_SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// The limits an attempt runs under (deadline, memory) and what was measured of it.
#[derive(Debug, Default)]
struct Limits {
    deadline: Option<Instant>,
    max_mb: Option<u64>,
    warning_mb: Option<u64>,
    peak_mb: Option<u64>,
    warned: bool,
}

impl Limits {
    fn new(assignment: &TaskAssignment, deadline: Option<Instant>) -> Self {
        let positive = |mb: Option<i64>| {
            mb.and_then(|mb| u64::try_from(mb).ok())
                .filter(|mb| *mb > 0)
        };
        Self {
            deadline,
            max_mb: positive(assignment.ram_max_mb),
            warning_mb: positive(assignment.ram_warning_mb),
            peak_mb: None,
            warned: false,
        }
    }

    /// Record a sample; true when it passes the maximum.
    fn sample(&mut self, rss_mb: u64) -> bool {
        self.peak_mb = Some(self.peak_mb.map_or(rss_mb, |peak| peak.max(rss_mb)));
        if self.warning_mb.is_some_and(|warning| rss_mb > warning) {
            self.warned = true;
        }
        self.max_mb.is_some_and(|max| rss_mb > max)
    }
}

/// How one process ended.
#[derive(Debug)]
struct ProcessEnd {
    status: Option<ExitStatus>,
    stop: Option<StopReason>,
    output_error: Option<String>,
}

/// Collects output lines into numbered chunks.
struct LogBatcher {
    context: Arc<UnitContext>,
    attempt: AttemptRef,
    seq: u64,
    next_line: u64,
    lines: Vec<LogLine>,
    bytes: usize,
    first_at: Option<Instant>,
    /// The job type's progress and error expressions.
    watch: OutputWatch,
    /// Which command runs now, of how many, so progress covers the whole task.
    command_idx: usize,
    n_commands: usize,
    /// The progress last reported, and when.
    reported: Option<(f32, Instant)>,
    /// Output bytes of this attempt so far (kept or not).
    attempt_bytes: u64,
    /// Past the cap's head: the newest lines, at most half the cap, sent at the end.
    tail: std::collections::VecDeque<LogLine>,
    tail_bytes: u64,
    /// Lines and bytes that fell out between the head and the tail.
    dropped_lines: u64,
    dropped_bytes: u64,
}

/// Least change of progress worth a message, and least time between two.
const PROGRESS_STEP: f32 = 0.01;
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

impl LogBatcher {
    fn new(context: Arc<UnitContext>, assignment: &TaskAssignment) -> Self {
        Self {
            context,
            attempt: AttemptRef {
                task_id: assignment.task_id,
                attempt: assignment.attempt,
            },
            seq: 0,
            next_line: 1,
            lines: Vec::new(),
            bytes: 0,
            first_at: None,
            watch: OutputWatch::new(
                assignment.progress_regex.as_deref(),
                &assignment.error_regexes,
            ),
            command_idx: 0,
            n_commands: assignment.commands.len().max(1),
            reported: None,
            attempt_bytes: 0,
            tail: std::collections::VecDeque::new(),
            tail_bytes: 0,
            dropped_lines: 0,
            dropped_bytes: 0,
        }
    }

    /// Report progress found in a line, at most every [`PROGRESS_EVERY`] and only when it moved.
    fn watch_line(&mut self, text: &str) {
        let Some(within) = self.watch.line(text) else {
            return;
        };
        let progress = (self.command_idx as f32 + within) / self.n_commands as f32;
        let due = self.reported.is_none_or(|(last, at)| {
            (progress - last).abs() >= PROGRESS_STEP && at.elapsed() >= PROGRESS_EVERY
        });
        if due {
            self.reported = Some((progress, Instant::now()));
            self.context
                .events
                .send(&Message::TaskProgress(TaskProgress {
                    frames_done: Vec::new(),
                    agent_id: self.context.agent_id,
                    task_id: self.attempt.task_id,
                    attempt: self.attempt.attempt,
                    progress,
                    at: OffsetDateTime::now_utc(),
                }));
        }
    }

    /// Add a line; true when a chunk should be sent now.
    fn push(&mut self, stream: LogStream, pid: Option<u32>, text: String) -> bool {
        if self.watch.is_active() {
            self.watch_line(&text);
        }
        let line = LogLine {
            t: now_micros(),
            s: stream,
            pid,
            m: text,
        };
        let cap = self.context.log_max_bytes;
        let line_bytes = line.m.len() as u64 + 1;
        self.attempt_bytes += line_bytes;
        if cap > 0 && stream != LogStream::Worker && self.attempt_bytes > cap / 2 {
            // Past the head: keep the newest half-cap of lines for the end.
            self.tail_bytes += line_bytes;
            self.tail.push_back(line);
            while self.tail_bytes > cap / 2 {
                let Some(old) = self.tail.pop_front() else {
                    break;
                };
                let old_bytes = old.m.len() as u64 + 1;
                self.tail_bytes -= old_bytes;
                self.dropped_bytes += old_bytes;
                self.dropped_lines += 1;
            }
            return false;
        }
        self.bytes += line.m.len() + 32;
        self.lines.push(line);
        self.first_at.get_or_insert_with(Instant::now);
        self.lines.len() >= self.context.log_flush_lines || self.bytes >= FLUSH_BYTES
    }

    /// Send what is left at the attempt's end: the note of what the cap dropped, then the tail.
    async fn finish(&mut self) {
        if self.dropped_bytes > 0 {
            let note = format!(
                "[warren] {} bytes ({} lines) of output dropped here: an attempt's log keeps its \
                 first and last {} bytes (--log-max-bytes)",
                self.dropped_bytes,
                self.dropped_lines,
                self.context.log_max_bytes / 2
            );
            self.lines.push(LogLine {
                t: now_micros(),
                s: LogStream::Worker,
                pid: None,
                m: note,
            });
        }
        while !self.tail.is_empty() {
            while let Some(line) = self.tail.pop_front() {
                self.bytes += line.m.len() + 32;
                self.lines.push(line);
                if self.lines.len() >= self.context.log_flush_lines || self.bytes >= FLUSH_BYTES {
                    break;
                }
            }
            self.flush().await;
        }
        self.tail_bytes = 0;
        self.flush().await;
    }

    fn flush_deadline(&self) -> Option<Instant> {
        self.first_at.map(|first| first + self.context.log_flush)
    }

    async fn flush(&mut self) {
        if self.lines.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.lines);
        let n_lines = lines.len() as u64;
        let chunk = Message::LogChunk(LogChunk {
            agent_id: self.context.agent_id,
            task_id: self.attempt.task_id,
            attempt: self.attempt.attempt,
            seq: self.seq,
            first_line: self.next_line,
            lines: Vec::new(),
            packed: Some(warren_shared::logcodec::pack(&lines)),
        });
        self.context.events.send_log(&chunk, self.bytes).await;
        self.seq += 1;
        self.next_line += n_lines;
        self.bytes = 0;
        self.first_at = None;
    }
}

fn now_micros() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000) as i64
}

/// Send `signal` to the process group led by `pid`; a group that is already gone is fine.
fn signal_group(pid: u32, signal: Signal) {
    let Ok(raw) = i32::try_from(pid) else { return };
    if let Err(error) = killpg(Pid::from_raw(raw), signal)
        && error != nix::errno::Errno::ESRCH
    {
        tracing::warn!(pid, ?signal, %error, "cannot signal a task's process group");
    }
}

fn spawn(
    command: &CommandSpec,
    assignment: &TaskAssignment,
    run_as: Option<crate::users::RunAs>,
    agent_id: AgentId,
) -> std::io::Result<Child> {
    let Some((program, arguments)) = command.argv.split_first() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the command is empty",
        ));
    };
    let mut process = Command::new(program);
    process
        .args(arguments)
        .envs(&assignment.env)
        .env("WARREN_TASK_ID", assignment.task_id.to_string())
        .env("WARREN_JOB_ID", assignment.job_id.to_string())
        .env("WARREN_ATTEMPT", assignment.attempt.to_string())
        .env("WARREN_AGENT_ID", agent_id.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    if let Some(frame) = command.frame {
        process.env("WARREN_FRAME", frame.to_string());
    }
    if let Some(cwd) = &assignment.cwd {
        process.current_dir(cwd);
    }
    if let Some(run_as) = run_as {
        process.uid(run_as.uid).gid(run_as.gid);
        if let Some(home) = run_as.home {
            process.env("HOME", home);
        }
        if let Some(user) = &assignment.run_as_user {
            process.env("USER", user).env("LOGNAME", user);
        }
    }
    process.spawn()
}

/// Run one attempt to its end.
pub async fn run_unit(
    context: Arc<UnitContext>,
    assignment: TaskAssignment,
    mut requests: mpsc::UnboundedReceiver<UnitRequest>,
    reports: mpsc::UnboundedSender<UnitReport>,
) {
    let attempt = AttemptRef {
        task_id: assignment.task_id,
        attempt: assignment.attempt,
    };
    let started = Instant::now();
    let deadline = assignment
        .timeout_secs
        .map(|secs| started + Duration::from_secs(secs));
    let mut logs = LogBatcher::new(context.clone(), &assignment);
    let mut announced = false;
    let mut outcome = None;
    let mut error = None;
    let mut requests_open = true;
    let n_commands = assignment.commands.len();

    let mut memory = Limits::new(&assignment, deadline);
    let mut handed_back = false;
    let run_as = match crate::users::resolve(
        assignment.run_as_user.as_deref(),
        assignment.run_as_group.as_deref(),
        context.allow_root_tasks,
    ) {
        Ok(run_as) => run_as,
        Err(refusal) => {
            outcome = Some(TaskOutcome::SpawnFailed { error: refusal });
            None
        }
    };
    if n_commands == 0 {
        outcome = Some(TaskOutcome::SpawnFailed {
            error: "the task has no command".to_owned(),
        });
    }
    for (command_idx, command) in assignment.commands.iter().enumerate() {
        if outcome.is_some() {
            break;
        }
        logs.command_idx = command_idx;
        let mut child = match spawn(command, &assignment, run_as.clone(), context.agent_id) {
            Ok(child) => child,
            Err(spawn_error) => {
                let program = command.argv.first().cloned().unwrap_or_default();
                outcome = Some(TaskOutcome::SpawnFailed {
                    error: format!("`{program}`: {spawn_error}"),
                });
                break;
            }
        };
        let pid = child.id();
        tracing::debug!(
            pid,
            command = command_idx + 1,
            of = n_commands,
            "process started"
        );
        if !announced {
            announce(&context, &assignment, pid, &reports);
            announced = true;
        }
        let end = supervise(
            &mut child,
            pid,
            &context,
            &mut logs,
            &mut requests,
            &mut requests_open,
            &mut memory,
        )
        .await;
        if let Some(output_error) = end.output_error {
            outcome = Some(TaskOutcome::OutputError {
                error: output_error,
            });
            break;
        }
        match end.stop {
            Some(StopReason::Cancelled) => {
                outcome = Some(TaskOutcome::Cancelled);
                break;
            }
            Some(StopReason::HandedBack) => {
                handed_back = true;
                outcome = Some(TaskOutcome::Cancelled);
                break;
            }
            Some(StopReason::TimedOut) => {
                outcome = Some(TaskOutcome::TimedOut);
                break;
            }
            Some(StopReason::RamExceeded { ram_mb }) => {
                outcome = Some(TaskOutcome::RamExceeded { ram_mb });
                break;
            }
            None => {}
        }
        let status_outcome = match end.status {
            Some(status) => match (status.code(), status.signal()) {
                (Some(code), _) => TaskOutcome::Exited { code },
                (None, Some(signal)) => TaskOutcome::Signalled { signal },
                (None, None) => TaskOutcome::OutputError {
                    error: "the process ended without a status".to_owned(),
                },
            },
            None => TaskOutcome::OutputError {
                error: "the process could not be waited for".to_owned(),
            },
        };
        let status_outcome = match (status_outcome, logs.watch.error_line.take()) {
            (TaskOutcome::Exited { code }, Some(line))
                if assignment.success_exit_codes.contains(&code) =>
            {
                TaskOutcome::ErrorInOutput { line }
            }
            (outcome, _) => outcome,
        };
        let succeeded = matches!(status_outcome, TaskOutcome::Exited { code } if assignment.success_exit_codes.contains(&code));
        tracing::debug!(pid, outcome = ?status_outcome, succeeded, "process ended");
        let last = command_idx + 1 == n_commands;
        if !succeeded || last {
            outcome = Some(status_outcome);
            break;
        }
        if n_commands > 1 {
            // A frame is done once the last of its commands (of every phase) succeeded; a later
            // command for the whole batch (no frame) concerns every frame.
            let frames_done: Vec<i64> = command
                .frame
                .filter(|frame| {
                    !assignment.commands[command_idx + 1..]
                        .iter()
                        .any(|later| later.frame.is_none_or(|later| later == *frame))
                })
                .into_iter()
                .collect();
            context.events.send(&Message::TaskProgress(TaskProgress {
                agent_id: context.agent_id,
                task_id: assignment.task_id,
                attempt: assignment.attempt,
                progress: (command_idx + 1) as f32 / n_commands as f32,
                at: OffsetDateTime::now_utc(),
                frames_done,
            }));
        }
    }
    if !announced {
        announce(&context, &assignment, None, &reports);
    }
    logs.finish().await;
    let outcome = outcome.unwrap_or(TaskOutcome::OutputError {
        error: "the task ended without an outcome".to_owned(),
    });
    let success = matches!(outcome, TaskOutcome::Exited { code } if assignment.success_exit_codes.contains(&code));
    if !success {
        error = Some(outcome.to_string());
    }
    if handed_back {
        // The worker's goodbye gives the task back; a TaskFinished would count as a failure.
        let _ = reports.send(UnitReport::Finished {
            attempt,
            failed: None,
        });
        return;
    }
    let failed = (outcome != TaskOutcome::Cancelled).then_some(!success);
    context.events.send(&Message::TaskFinished(TaskFinished {
        agent_id: context.agent_id,
        task_id: assignment.task_id,
        attempt: assignment.attempt,
        outcome,
        success,
        error,
        duration_ms: started.elapsed().as_millis() as u64,
        peak_rss_mb: memory.peak_mb,
        ram_warned: memory.warned,
        finished_at: OffsetDateTime::now_utc(),
    }));
    let _ = reports.send(UnitReport::Finished { attempt, failed });
}

/// A simulated attempt: announced like a real one, "runs" for `duration` without a process, then
/// succeeds (or ends cancelled, or is handed back) with the same events a real unit sends.
pub async fn run_simulated_unit(
    context: Arc<UnitContext>,
    assignment: TaskAssignment,
    duration: Duration,
    mut requests: mpsc::UnboundedReceiver<UnitRequest>,
    reports: mpsc::UnboundedSender<UnitReport>,
) {
    let attempt = AttemptRef {
        task_id: assignment.task_id,
        attempt: assignment.attempt,
    };
    let started = Instant::now();
    announce(&context, &assignment, None, &reports);
    let finish = tokio::time::sleep(duration);
    tokio::pin!(finish);
    let mut requests_open = true;
    let mut stop = None;
    while stop.is_none() {
        tokio::select! {
            () = &mut finish => break,
            request = requests.recv(), if requests_open => match request {
                Some(UnitRequest::Cancel { .. }) => stop = Some(StopReason::Cancelled),
                Some(UnitRequest::HandBack { .. }) => stop = Some(StopReason::HandedBack),
                None => requests_open = false,
            },
        }
    }
    if stop == Some(StopReason::HandedBack) {
        let _ = reports.send(UnitReport::Finished {
            attempt,
            failed: None,
        });
        return;
    }
    let outcome = if stop.is_some() {
        TaskOutcome::Cancelled
    } else {
        TaskOutcome::Exited { code: 0 }
    };
    let success = matches!(outcome, TaskOutcome::Exited { code } if assignment.success_exit_codes.contains(&code));
    let failed = (outcome != TaskOutcome::Cancelled).then_some(!success);
    context.events.send(&Message::TaskFinished(TaskFinished {
        agent_id: context.agent_id,
        task_id: assignment.task_id,
        attempt: assignment.attempt,
        error: (!success).then(|| outcome.to_string()),
        outcome,
        success,
        duration_ms: started.elapsed().as_millis() as u64,
        peak_rss_mb: None,
        ram_warned: false,
        finished_at: OffsetDateTime::now_utc(),
    }));
    let _ = reports.send(UnitReport::Finished { attempt, failed });
}

/// Send `TaskStarted`; report the start once the broker confirmed it. The unit does not wait:
/// the confirm gates only the delivery's ack, never the process.
fn announce(
    context: &UnitContext,
    assignment: &TaskAssignment,
    pid: Option<u32>,
    reports: &mpsc::UnboundedSender<UnitReport>,
) {
    let confirmed = context
        .events
        .send_confirmed(&Message::TaskStarted(TaskStarted {
            agent_id: context.agent_id,
            task_id: assignment.task_id,
            attempt: assignment.attempt,
            pid,
            started_at: OffsetDateTime::now_utc(),
        }));
    let attempt = AttemptRef {
        task_id: assignment.task_id,
        attempt: assignment.attempt,
    };
    let reports = reports.clone();
    tokio::spawn(async move {
        if confirmed.await.is_ok() {
            let _ = reports.send(UnitReport::Started(attempt));
        }
    });
}

/// Drain a process's output while waiting for it, honouring cancellation and the deadline.
async fn supervise(
    child: &mut Child,
    pid: Option<u32>,
    context: &UnitContext,
    logs: &mut LogBatcher,
    requests: &mut mpsc::UnboundedReceiver<UnitRequest>,
    requests_open: &mut bool,
    memory: &mut Limits,
) -> ProcessEnd {
    let deadline = memory.deadline;
    let mut next_sample = Instant::now() + MEMORY_SAMPLE_EVERY;
    let mut stdout = child.stdout.take().map(LineReader::new);
    let mut stderr = child.stderr.take().map(LineReader::new);
    let mut status = None;
    let mut stop = None;
    let mut output_error = None;
    let mut kill_at: Option<Instant> = None;
    let mut drain_until: Option<Instant> = None;
    let far_future = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    loop {
        if status.is_some() && stdout.is_none() && stderr.is_none() {
            break;
        }
        let flush_at = logs.flush_deadline();
        tokio::select! {
            line = async { stdout.as_mut().expect("branch enabled only with stdout").next_line().await }, if stdout.is_some() => match line {
                Ok(Some(text)) => if logs.push(LogStream::Stdout, pid, text) { logs.flush().await },
                Ok(None) => stdout = None,
                Err(read_error) => { output_error = Some(read_error.to_string()); stdout = None; }
            },
            line = async { stderr.as_mut().expect("branch enabled only with stderr").next_line().await }, if stderr.is_some() => match line {
                Ok(Some(text)) => if logs.push(LogStream::Stderr, pid, text) { logs.flush().await },
                Ok(None) => stderr = None,
                Err(read_error) => { output_error = Some(read_error.to_string()); stderr = None; }
            },
            result = child.wait(), if status.is_none() => {
                status = Some(result.ok());
                drain_until = Some(Instant::now() + DRAIN_AFTER_EXIT);
            }
            () = tokio::time::sleep_until(flush_at.unwrap_or(far_future)), if flush_at.is_some() => logs.flush().await,
            request = requests.recv(), if *requests_open && stop.is_none() && status.is_none() => match request {
                Some(UnitRequest::Cancel { reason }) => {
                    tracing::info!(?pid, reason, "stopping a task");
                    stop = Some(StopReason::Cancelled);
                    if let Some(pid) = pid { signal_group(pid, Signal::SIGTERM); }
                    kill_at = Some(Instant::now() + context.kill_grace);
                }
                Some(UnitRequest::HandBack { reason }) => {
                    tracing::info!(?pid, reason, "stopping a task to hand it back");
                    stop = Some(StopReason::HandedBack);
                    if let Some(pid) = pid { signal_group(pid, Signal::SIGTERM); }
                    kill_at = Some(Instant::now() + context.kill_grace);
                }
                None => *requests_open = false,
            },
            () = tokio::time::sleep_until(deadline.unwrap_or(far_future)), if deadline.is_some() && stop.is_none() && status.is_none() => {
                stop = Some(StopReason::TimedOut);
                if let Some(pid) = pid { signal_group(pid, Signal::SIGTERM); }
                kill_at = Some(Instant::now() + context.kill_grace);
            }
            () = tokio::time::sleep_until(next_sample), if pid.is_some() && status.is_none() && stop.is_none() => {
                next_sample = Instant::now() + MEMORY_SAMPLE_EVERY;
                let group = pid.expect("branch enabled only with a pid");
                if let Some(rss_mb) = crate::memory::group_rss_mb(group)
                    && memory.sample(rss_mb)
                {
                    tracing::info!(pid = group, rss_mb, "a task passed its ram_max; killing it");
                    stop = Some(StopReason::RamExceeded { ram_mb: rss_mb });
                    signal_group(group, Signal::SIGKILL);
                    kill_at = Some(Instant::now() + context.kill_grace);
                }
            }
            () = tokio::time::sleep_until(kill_at.unwrap_or(far_future)), if kill_at.is_some() && status.is_none() => {
                if let Some(pid) = pid { signal_group(pid, Signal::SIGKILL); }
                kill_at = None;
            }
            () = tokio::time::sleep_until(drain_until.unwrap_or(far_future)), if drain_until.is_some() => {
                if let Some(pid) = pid { signal_group(pid, Signal::SIGKILL); }
                stdout = None;
                stderr = None;
                drain_until = None;
            }
        }
    }
    if let Some(pid) = pid {
        signal_group(pid, Signal::SIGKILL);
    }
    ProcessEnd {
        status: status.flatten(),
        stop,
        output_error,
    }
}

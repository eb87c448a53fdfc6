//! The worker's configuration, parsed once at start-up from flags and `WARREN_*` variables.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// Warren's render-node daemon: runs the tasks this node can run, as many as fit.
#[derive(Debug, Parser)]
#[command(name = "warren-worker", version, about, long_about = None)]
pub struct Cli {
    /// What to do; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Settings for running (used when no subcommand is given).
    #[command(flatten)]
    pub config: WorkerConfig,
}

/// The worker's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run in the foreground until SIGINT or SIGTERM.
    Run(WorkerConfig),
}

/// Everything a worker needs.
#[derive(Debug, Clone, Args)]
pub struct WorkerConfig {
    /// Directory for the worker's state (its agent id).
    #[arg(
        long = "dir",
        env = "WARREN_WORKER_DIR",
        default_value = "warren-worker"
    )]
    pub dir: PathBuf,

    /// RabbitMQ URL.
    #[arg(
        long,
        env = "WARREN_AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f",
        hide_env_values = true
    )]
    pub amqp_url: String,

    /// Prefix of every exchange and queue; must match the master's.
    #[arg(long, env = "WARREN_NAMESPACE", default_value = "warren")]
    pub namespace: String,

    /// Tags of this worker (repeat the flag, or comma-separate in `WARREN_TAGS`).
    #[arg(long = "tag", env = "WARREN_TAGS", value_delimiter = ',')]
    pub tags: Vec<String>,

    /// CPUs to offer; all of the host's, times `cpu_allocation`, when omitted.
    #[arg(long, env = "WARREN_CPUS")]
    pub cpus: Option<u32>,

    /// RAM in MB to offer; the host's total, times `ram_allocation`, when omitted.
    #[arg(long, env = "WARREN_RAM")]
    pub ram: Option<u64>,

    /// Fraction of the host's CPUs to offer.
    #[arg(long, env = "WARREN_CPU_ALLOCATION", default_value_t = 1.0)]
    pub cpu_allocation: f64,

    /// Fraction of the host's RAM to offer.
    #[arg(long, env = "WARREN_RAM_ALLOCATION", default_value_t = 1.0)]
    pub ram_allocation: f64,

    /// Host name to report; the system's when omitted.
    #[arg(long, env = "WARREN_HOSTNAME")]
    pub hostname: Option<String>,

    /// Seconds between heartbeats.
    #[arg(long, env = "WARREN_HEARTBEAT_INTERVAL", default_value_t = 10.0)]
    pub heartbeat_interval_secs: f64,

    /// Send a log chunk once this many lines are waiting.
    #[arg(long, env = "WARREN_LOG_FLUSH_LINES", default_value_t = 500)]
    pub log_flush_lines: usize,

    /// Send a log chunk at most this many milliseconds after its first line.
    #[arg(long, env = "WARREN_LOG_FLUSH_MS", default_value_t = 250)]
    pub log_flush_ms: u64,

    /// Seconds a task gets between SIGTERM and SIGKILL when it is stopped.
    #[arg(long, env = "WARREN_KILL_GRACE", default_value_t = 10.0)]
    pub kill_grace_secs: f64,

    /// Delete unused queues after this many milliseconds (for throw-away farms such as tests).
    #[arg(long, env = "WARREN_QUEUE_EXPIRES_MS", hide = true)]
    pub queue_expires_ms: Option<u32>,
}

impl WorkerConfig {
    /// The heartbeat period.
    #[must_use]
    pub fn heartbeat_interval(&self) -> Duration {
        Duration::from_secs_f64(self.heartbeat_interval_secs.clamp(0.05, 3600.0))
    }

    /// The log flush period.
    #[must_use]
    pub const fn log_flush(&self) -> Duration {
        Duration::from_millis(self.log_flush_ms)
    }

    /// The SIGTERM-to-SIGKILL grace.
    #[must_use]
    pub fn kill_grace(&self) -> Duration {
        Duration::from_secs_f64(self.kill_grace_secs.clamp(0.0, 3600.0))
    }
}

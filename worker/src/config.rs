//! The worker's configuration: flags, then `WARREN_*` variables, then an optional TOML file, then
//! defaults (Warren's one configuration layer, [`warren_config`]), resolved once at start-up into
//! [`Settings`]. A file key is a flag's name with underscores; `[[software]]` tables list
//! software checks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

/// Warren's render-node daemon: runs the tasks this node can run, as many as fit.
#[derive(Debug, Parser)]
#[command(
    name = "warren-worker",
    version,
    about,
    long_about = None,
    args_conflicts_with_subcommands = true
)]
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
    /// Run in the background; the pid file and log go to the worker's directory.
    Start(WorkerConfig),
    /// Stop a worker started with `start` (running tasks finish first).
    Stop {
        /// The worker's directory.
        #[arg(
            long = "dir",
            env = "WARREN_WORKER_DIR",
            default_value = "warren-worker"
        )]
        dir: PathBuf,
        /// Return at once instead of waiting for the worker to exit.
        #[arg(long)]
        no_wait: bool,
    },
    /// Join a farm with a join token (from `warren agents enroll` or the web UI), keep the
    /// node's identity in `--dir`, then run in the foreground.
    Join(JoinArgs),
    /// Run many simulated agents in this process, for measuring the master: they speak the real
    /// protocol (hello, heartbeats, class consumers, task events) but run no processes.
    Simulate(SimulateArgs),
    /// Print the configuration `run` would use (flags, variables and file resolved; passwords
    /// hidden) as TOML; takes the same settings.
    Config(WorkerConfig),
    /// Say whether a worker started with `start` is running.
    Status {
        /// The worker's directory.
        #[arg(
            long = "dir",
            env = "WARREN_WORKER_DIR",
            default_value = "warren-worker"
        )]
        dir: PathBuf,
    },
}

/// Arguments of `warren-worker join`.
#[derive(Debug, Clone, Args)]
pub struct JoinArgs {
    /// The join token; `-` reads it from standard input.
    pub token: String,
    /// Keep the node's identity in `--dir` and exit instead of running (to start the worker
    /// later, e.g. with systemd).
    #[arg(long)]
    pub no_run: bool,
    /// Settings for running after joining.
    #[command(flatten)]
    pub config: WorkerConfig,
}

/// Flags of `warren-worker simulate`; every simulated agent offers `--cpus` (default 1) and
/// `--ram` (default 4096 MB) and is named `<hostname>-<n>` (default `sim-<n>`).
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Simulated agents.
    #[arg(long, default_value_t = 100)]
    pub agents: usize,
    /// How long each simulated task runs, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub task_ms: u64,
    /// Up to this many milliseconds more, varying by task.
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,
    /// Simulated agents sharing one broker connection pool (channels per connection are
    /// limited, usually to 2047).
    #[arg(long, default_value_t = 100)]
    pub agents_per_pool: usize,
    /// Start at most this many simulated agents per second (0: all at once), as a farm's
    /// nodes come up over time rather than in the same instant.
    #[arg(long, default_value_t = 0)]
    pub start_per_sec: u32,
    /// The worker settings every simulated agent uses.
    #[command(flatten)]
    pub config: WorkerConfig,
}

/// Flags and variables of a running worker; `None` means "not given here".
#[derive(Debug, Clone, Args)]
pub struct WorkerConfig {
    /// A TOML file with any of these settings, keyed by their names with underscores
    /// (`cpus = 8`, `tags = ["gpu"]`), and `[[software]]` checks; flags and variables win over it.
    #[arg(long, env = "WARREN_WORKER_CONFIG")]
    pub config: Option<PathBuf>,

    /// The `[[software]]` checks of the file.
    #[arg(skip)]
    pub software: Vec<SoftwareCheckConfig>,

    /// Directory for the worker's state (its agent id, pid file and log).
    #[arg(
        long = "dir",
        env = "WARREN_WORKER_DIR",
        default_value = "warren-worker"
    )]
    pub dir: PathBuf,

    /// RabbitMQ URLs, comma-separated, tried in turn (the nodes of a cluster) [default: the
    /// join token's, or amqp://guest:guest@127.0.0.1:5672/%2f].
    #[arg(long, env = "WARREN_AMQP_URL", hide_env_values = true)]
    pub amqp_url: Option<SecretString>,

    /// Seconds of the AMQP heartbeat: a broker connection that hears nothing for twice this long
    /// is replaced (0 turns heartbeats off).
    #[arg(long, env = "WARREN_AMQP_HEARTBEAT", default_value_t = warren_broker::DEFAULT_HEARTBEAT.as_secs())]
    pub amqp_heartbeat: u64,

    /// Prefix of every exchange and queue; must match the master's [default: warren].
    #[arg(long, env = "WARREN_NAMESPACE")]
    pub namespace: Option<String>,

    /// Tags of this worker (repeat the flag, or comma-separate in `WARREN_TAGS`).
    #[arg(long = "tag", env = "WARREN_TAGS", value_delimiter = ',')]
    pub tags: Vec<String>,

    /// CPUs to offer; all of the host's, times `cpu_allocation`, when omitted.
    #[arg(long, env = "WARREN_CPUS")]
    pub cpus: Option<u32>,

    /// RAM in MB to offer; the host's total, times `ram_allocation`, when omitted.
    #[arg(long, env = "WARREN_RAM")]
    pub ram: Option<u64>,

    /// A GPU to offer, `NAME[:MEMORY_MB]`, numbered in the order given (repeat the flag, or
    /// comma-separate in `WARREN_GPUS_OFFERED`); the NVIDIA GPUs `nvidia-smi` lists when omitted.
    #[arg(long = "gpu", env = "WARREN_GPUS_OFFERED", value_delimiter = ',')]
    pub gpus: Vec<String>,

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

    /// Milliseconds an event may wait for others to travel with it in one message (0: publish
    /// each at once). Fewer, larger messages spare the broker; the wait delays only what the
    /// master records, never a task.
    #[arg(long, env = "WARREN_EVENT_LINGER_MS", default_value_t = 5)]
    pub event_linger_ms: u64,

    /// Most bytes of output one attempt's log keeps (0: no cap). Beyond it the log keeps the
    /// first and the last half of this, and notes how many bytes were dropped in between.
    #[arg(long, env = "WARREN_LOG_MAX_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub log_max_bytes: u64,

    /// Seconds a task gets between SIGTERM and SIGKILL when it is stopped.
    #[arg(long, env = "WARREN_KILL_GRACE", default_value_t = 10.0)]
    pub kill_grace_secs: f64,

    /// When the worker runs as root, allow tasks to run as root too (tasks of jobs without a
    /// user, or whose user is root). Off by default.
    #[arg(long, env = "WARREN_ALLOW_ROOT_TASKS", value_parser = BoolishValueParser::new(), num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub allow_root_tasks: Option<bool>,

    /// On SIGTERM, stop running tasks and hand them back to be run again elsewhere, instead of
    /// letting them finish.
    #[arg(long, env = "WARREN_REQUEUE_ON_STOP", value_parser = BoolishValueParser::new(), num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub requeue_on_stop: Option<bool>,

    /// KiB of task output kept in memory while it waits for the broker; more is spilled to
    /// files under `--dir`.
    #[arg(long, env = "WARREN_EVENT_MEMORY_KIB", default_value_t = crate::events::DEFAULT_LOG_MEMORY_KIB)]
    pub event_memory_kib: usize,

    /// Delete unused queues after this many milliseconds (for throw-away farms such as tests).
    #[arg(long, env = "WARREN_QUEUE_EXPIRES_MS", hide = true)]
    pub queue_expires_ms: Option<u32>,

    /// Where to broadcast the request for the farm when no broker URL is given anywhere
    /// [default: 255.255.255.255:8421]; a master with `--discovery-listen` answers.
    #[arg(long, env = "WARREN_DISCOVERY_ADDRESS")]
    pub discovery_address: Option<std::net::SocketAddr>,

    /// RabbitMQ queue type, as the master's: `classic` or `quorum` [default: classic].
    #[arg(long, env = "WARREN_QUEUE_TYPE", value_parser = ["classic", "quorum"])]
    pub queue_type: Option<String>,

    /// Serve Prometheus metrics at `http://<address>/metrics` (e.g. `0.0.0.0:9421`; port 0
    /// picks one and logs it); off when omitted.
    #[arg(long, env = "WARREN_METRICS_LISTEN")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Run without joining: connect with the broker URL's credentials, which other workers
    /// share. Anyone holding them can pose as this worker; the master must allow it with the
    /// same flag. Needs `--farm-key`.
    #[arg(long, env = "WARREN_INSECURE_SHARED_BROKER_CREDENTIALS", value_parser = BoolishValueParser::new(), num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub insecure_shared_broker_credentials: Option<bool>,

    /// A farm public key to trust (`ed25519:<base64>`, as `warren-master keys list` shows it),
    /// besides those the node got when it joined; repeat for several.
    #[arg(long = "farm-key", env = "WARREN_FARM_KEY", value_delimiter = ',')]
    pub farm_keys: Vec<String>,
}

/// URLs given comma-separated, trimmed, empty ones left out.
#[must_use]
pub fn split_urls(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How to find one piece of software: run `command`, read the version with `regex`'s first group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoftwareCheckConfig {
    /// Software name, as jobs require it (e.g. `blender`).
    pub name: String,
    /// Program and arguments, run without a shell (e.g. `["blender", "--version"]`).
    pub command: Vec<String>,
    /// Regular expression whose first group is the version (e.g. `Blender (\d+\.\d+)`).
    pub regex: String,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Flags, variables or the file are invalid (or help was asked for).
    #[error(transparent)]
    Layer(#[from] warren_config::ConfigError),
    /// The file's `[[software]]` tables are not software checks.
    #[error("invalid [[software]] in the configuration file")]
    SoftwareTable(#[source] toml::de::Error),
    /// A software check's regular expression does not compile.
    #[error("software `{name}`: invalid regex")]
    Regex {
        /// The software.
        name: String,
        /// Why.
        #[source]
        source: regex::Error,
    },
    /// A software check without a command or with an invalid name.
    #[error("software `{0}`: give a valid name (A-Z, a-z, 0-9, `_`, `-`) and a non-empty command")]
    SoftwareCheck(String),
    /// An invalid tag.
    #[error("invalid tag")]
    Tag(#[from] warren_shared::RequirementsError),
    /// A queue type other than `classic` or `quorum`.
    #[error("unknown queue type `{0}`: use `classic` or `quorum`")]
    QueueType(String),
    /// An allocation fraction outside (0, 1].
    #[error("`{0}` must be above 0 and at most 1")]
    Allocation(&'static str),
    /// A number outside the range the setting allows (refused rather than quietly clamped).
    #[error("`{name}` is {value}, but must be between {min} and {max}")]
    OutOfRange {
        /// The setting.
        name: &'static str,
        /// The value given.
        value: String,
        /// The smallest value allowed.
        min: String,
        /// The largest value allowed.
        max: String,
    },
    /// The enrollment in the directory cannot be read.
    #[error(transparent)]
    Enrollment(#[from] crate::enrollment::EnrollmentError),
    /// A `--gpu` that is not `NAME[:MEMORY_MB]`.
    #[error("invalid --gpu `{0}`: give NAME or NAME:MEMORY_MB")]
    Gpu(String),
    /// A `--farm-key` is not a public key.
    #[error("invalid --farm-key")]
    FarmKey(#[from] warren_shared::signing::SignatureError),
    /// The namespace given is not the one the node joined.
    #[error(
        "this node joined the farm `{joined}`, not `{given}`: leave out the namespace, or join the other farm with a new token"
    )]
    NamespaceMismatch {
        /// The namespace of the enrollment.
        joined: String,
        /// The namespace given.
        given: String,
    },
}

/// How this worker identifies itself to the broker.
#[derive(Clone, PartialEq, Eq)]
pub enum Identity {
    /// It joined: its own agent id and broker user.
    Enrolled {
        /// The agent.
        agent_id: warren_shared::AgentId,
        /// Its broker user.
        user: String,
        /// Its password.
        password: String,
    },
    /// It shares the broker URL's credentials (`--insecure-shared-broker-credentials`).
    Shared {
        /// The URL's user.
        user: String,
    },
    /// It has not joined and may not share credentials: it cannot run.
    NotEnrolled,
}

impl std::fmt::Debug for Identity {
    /// Everything but the password.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Enrolled { agent_id, user, .. } => formatter
                .debug_struct("Enrolled")
                .field("agent_id", agent_id)
                .field("user", user)
                .finish_non_exhaustive(),
            Self::Shared { user } => formatter
                .debug_struct("Shared")
                .field("user", user)
                .finish(),
            Self::NotEnrolled => formatter.write_str("NotEnrolled"),
        }
    }
}

/// What to tell someone running a worker that has not joined.
#[must_use]
pub fn not_enrolled_message(dir: &Path) -> String {
    format!(
        "this worker has not joined a farm ({} holds no enrollment).
         Make a join token on the master (`warren agents enroll`, or Enroll on the web UI's Agents page), then run
           warren-worker join <TOKEN> --dir {}
         (or, on a trusted network only, run with --insecure-shared-broker-credentials --farm-key <key>)",
        dir.display(),
        dir.display()
    )
}

/// A software check ready to run.
#[derive(Debug, Clone)]
pub struct SoftwareCheck {
    /// Software name.
    pub name: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// Version pattern; group 1 is the version.
    pub regex: regex::Regex,
}

/// The resolved configuration the worker runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// State directory.
    pub dir: PathBuf,
    /// RabbitMQ URLs, tried in turn, with this worker's credentials.
    pub amqp_urls: Vec<String>,
    /// The AMQP heartbeat.
    pub amqp_heartbeat: Duration,
    /// Namespace.
    pub namespace: String,
    /// Tags.
    pub tags: Vec<String>,
    /// CPUs to offer, when overridden.
    pub cpus: Option<u32>,
    /// RAM to offer, when overridden.
    pub ram: Option<u64>,
    /// Fraction of CPUs to offer.
    pub cpu_allocation: f64,
    /// Fraction of RAM to offer.
    pub ram_allocation: f64,
    /// Host name override.
    pub hostname: Option<String>,
    /// GPUs given in the settings; `None` to detect them.
    pub gpus: Option<Vec<warren_shared::GpuDevice>>,
    /// Heartbeat period.
    pub heartbeat_interval: Duration,
    /// Lines per log chunk.
    pub log_flush_lines: usize,
    /// Longest wait before a log chunk is sent.
    pub log_flush: Duration,
    /// Longest wait of an event for others to share its message.
    pub event_linger: Duration,
    /// Most output bytes an attempt's log keeps (0: no cap).
    pub log_max_bytes: u64,
    /// SIGTERM-to-SIGKILL grace.
    pub kill_grace: Duration,
    /// Allow tasks to run as root when the worker runs as root.
    pub allow_root_tasks: bool,
    /// Hand running tasks back on SIGTERM.
    pub requeue_on_stop: bool,
    /// KiB of task output kept in memory while it waits for the broker.
    pub event_memory_kib: usize,
    /// Queue expiry for throw-away farms.
    pub queue_expires_ms: Option<u32>,
    /// Classic or quorum queues.
    pub queue_type: warren_broker::QueueType,
    /// Where to serve Prometheus metrics, if anywhere.
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Find the broker by broadcast first: no broker URL was given anywhere.
    pub discovery: Option<Discovery>,
    /// Software checks.
    pub software: Vec<SoftwareCheck>,
    /// Who this worker is to the broker.
    pub identity: Identity,
    /// The enrolled user and password, put into a broker URL found by broadcast.
    pub credentials: Option<(String, String)>,
    /// Farm keys given in flags or the file (the directory's are read when running).
    pub farm_keys: Vec<warren_shared::signing::FarmKey>,
}

impl Settings {
    /// The broker user this worker publishes as (the AMQP `user_id` of its events).
    #[must_use]
    pub fn broker_user(&self) -> String {
        match &self.identity {
            Identity::Enrolled { user, .. } | Identity::Shared { user } => user.clone(),
            Identity::NotEnrolled => url_user(self.amqp_urls.first().map_or("", String::as_str)),
        }
    }
}

/// The user of an AMQP URL (RabbitMQ's default, `guest`, when it has none).
#[must_use]
pub fn url_user(url: &str) -> String {
    warren_config::url_user(url, "guest")
}

/// How to look for the farm on the LAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// Where the request is broadcast.
    pub address: std::net::SocketAddr,
    /// The farm asked for, when the namespace was given; any farm otherwise.
    pub namespace: Option<String>,
}

impl Settings {
    /// What the settings amount to beyond their values, as TOML comments and the
    /// `[[software]]` tables: whether the node joined, how the broker is found.
    #[must_use]
    pub fn render_derived(&self) -> String {
        let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
        let mut lines = vec![
            match &self.discovery {
                Some(discovery) => format!(
                    "# no broker URL is set: the farm is looked for by broadcast on {} first",
                    discovery.address
                ),
                None => format!(
                    "# broker: {}",
                    self.amqp_urls
                        .iter()
                        .map(|url| warren_config::redact_url(url))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            match &self.identity {
                Identity::Enrolled { agent_id, user, .. } => {
                    format!("# joined the farm as agent {agent_id} (broker user {user})")
                }
                Identity::Shared { user } => {
                    format!("# shares the broker user {user} (insecure_shared_broker_credentials)")
                }
                Identity::NotEnrolled => {
                    "# not joined: run `warren-worker join <TOKEN>` first".to_owned()
                }
            },
            format!("# farm: {}", self.namespace),
        ];
        for check in &self.software {
            lines.push(String::new());
            lines.push("[[software]]".to_owned());
            lines.push(format!("name = {}", quote(&check.name)));
            lines.push(format!(
                "command = [{}]",
                check
                    .command
                    .iter()
                    .map(|part| quote(part))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            lines.push(format!("regex = {}", quote(check.regex.as_str())));
        }
        lines.push(String::new());
        lines.join("\n")
    }
}

/// The worker's command line with its configuration file merged in: the settings of the
/// invoked command, and the file's `[[software]]` checks in its [`WorkerConfig`].
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<warren_config::Parsed<Cli>, ConfigError> {
    let mut parsed = warren_config::parse::<Cli>(args, &["software"])?;
    if let Some(value) = parsed.tables.remove("software") {
        #[derive(Deserialize)]
        struct Software {
            software: Vec<SoftwareCheckConfig>,
        }
        let mut table = toml::Table::new();
        table.insert("software".to_owned(), value);
        let software: Software = table.try_into().map_err(ConfigError::SoftwareTable)?;
        if let Some(config) = parsed.cli.worker_config_mut() {
            config.software = software.software;
        }
    }
    Ok(parsed)
}

impl Cli {
    /// The settings of the command that runs a worker, if it is one.
    pub fn worker_config_mut(&mut self) -> Option<&mut WorkerConfig> {
        match &mut self.command {
            None => Some(&mut self.config),
            Some(
                Command::Run(config)
                | Command::Start(config)
                | Command::Config(config)
                | Command::Join(JoinArgs { config, .. })
                | Command::Simulate(SimulateArgs { config, .. }),
            ) => Some(config),
            Some(Command::Stop { .. } | Command::Status { .. }) => None,
        }
    }
}

fn allocation(value: f64, name: &'static str) -> Result<f64, ConfigError> {
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(ConfigError::Allocation(name))
    }
}

/// GPUs given as `NAME[:MEMORY_MB]`, numbered in order.
fn parse_gpus(texts: &[String]) -> Result<Vec<warren_shared::GpuDevice>, ConfigError> {
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let (name, ram_mb) = match text.rsplit_once(':') {
                Some((name, ram)) => (
                    name.trim(),
                    ram.trim()
                        .parse::<u64>()
                        .map_err(|_| ConfigError::Gpu(text.clone()))?,
                ),
                None => (text.trim(), 0),
            };
            if name.is_empty() {
                return Err(ConfigError::Gpu(text.clone()));
            }
            Ok(warren_shared::GpuDevice {
                index: u32::try_from(index).map_err(|_| ConfigError::Gpu(text.clone()))?,
                name: name.to_owned(),
                ram_mb,
            })
        })
        .collect()
}

/// `value` of setting `name` when it lies in `min..=max`.
fn within<T: PartialOrd + std::fmt::Display>(
    value: T,
    name: &'static str,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    if value >= min && value <= max {
        Ok(value)
    } else {
        Err(ConfigError::OutOfRange {
            name,
            value: value.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        })
    }
}

impl WorkerConfig {
    /// The broker URLs given, in order (none when none was given).
    #[must_use]
    pub fn amqp_urls(&self) -> Vec<String> {
        self.amqp_url
            .as_ref()
            .map(|urls| split_urls(urls.expose_secret()))
            .unwrap_or_default()
    }

    /// Check the settings (already merged: flags over variables over the file) and resolve
    /// the defaults, the enrollment and the software checks.
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|tag| tag.trim().to_owned())
            .filter(|tag| !tag.is_empty())
            .collect();
        for tag in &tags {
            warren_shared::requirements::validate_tag(tag)?;
        }
        let software = self
            .software
            .iter()
            .cloned()
            .map(|check| {
                if check.command.is_empty()
                    || warren_shared::requirements::validate_tag(&check.name).is_err()
                {
                    return Err(ConfigError::SoftwareCheck(check.name));
                }
                let regex =
                    regex::Regex::new(&check.regex).map_err(|source| ConfigError::Regex {
                        name: check.name.clone(),
                        source,
                    })?;
                Ok(SoftwareCheck {
                    name: check.name,
                    command: check.command,
                    regex,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let enrollment = crate::enrollment::load(&self.dir)?;
        let insecure = self.insecure_shared_broker_credentials.unwrap_or(false);
        let farm_keys = self
            .farm_keys
            .iter()
            .map(|text| warren_shared::signing::FarmKey::parse(text))
            .collect::<Result<Vec<_>, _>>()?;
        let mut amqp_urls: Option<Vec<String>> =
            Some(self.amqp_urls()).filter(|urls| !urls.is_empty());
        let mut namespace = self.namespace.clone();
        let mut queue_type = self.queue_type.clone();
        let (identity, credentials) = match enrollment {
            Some(enrollment) => {
                if let Some(given) = &namespace
                    && *given != enrollment.namespace
                {
                    return Err(ConfigError::NamespaceMismatch {
                        joined: enrollment.namespace,
                        given: given.clone(),
                    });
                }
                namespace = Some(enrollment.namespace.clone());
                queue_type = queue_type.or(Some(enrollment.queue_type.clone()));
                amqp_urls = amqp_urls
                    .or_else(|| {
                        (!enrollment.amqp_urls.is_empty()).then(|| enrollment.amqp_urls.clone())
                    })
                    .map(|urls| {
                        urls.iter()
                            .map(|url| {
                                crate::enrollment::with_credentials(
                                    url,
                                    &enrollment.broker_user,
                                    &enrollment.broker_password,
                                )
                            })
                            .collect()
                    });
                (
                    Identity::Enrolled {
                        agent_id: enrollment.agent_id,
                        user: enrollment.broker_user.clone(),
                        password: enrollment.broker_password.clone(),
                    },
                    Some((enrollment.broker_user, enrollment.broker_password)),
                )
            }
            None if insecure => (
                Identity::Shared {
                    user: url_user(
                        amqp_urls
                            .as_ref()
                            .and_then(|urls| urls.first())
                            .map_or("amqp://guest@x", String::as_str),
                    ),
                },
                None,
            ),
            None => (Identity::NotEnrolled, None),
        };
        let discovery = amqp_urls.is_none().then(|| Discovery {
            address: self
                .discovery_address
                .unwrap_or(std::net::SocketAddr::from((
                    [255, 255, 255, 255],
                    warren_shared::discovery::DEFAULT_PORT,
                ))),
            namespace: namespace.clone(),
        });
        Ok(Settings {
            dir: self.dir.clone(),
            amqp_urls: amqp_urls
                .unwrap_or_else(|| vec!["amqp://guest:guest@127.0.0.1:5672/%2f".to_owned()]),
            amqp_heartbeat: Duration::from_secs(within(
                self.amqp_heartbeat,
                "amqp_heartbeat",
                0,
                3600,
            )?),
            namespace: namespace.unwrap_or_else(|| "warren".to_owned()),
            discovery,
            tags,
            cpus: self.cpus,
            ram: self.ram,
            cpu_allocation: allocation(self.cpu_allocation, "cpu_allocation")?,
            ram_allocation: allocation(self.ram_allocation, "ram_allocation")?,
            hostname: self.hostname.clone(),
            gpus: if self.gpus.is_empty() {
                None
            } else {
                Some(parse_gpus(&self.gpus)?)
            },
            heartbeat_interval: Duration::from_secs_f64(within(
                self.heartbeat_interval_secs,
                "heartbeat_interval_secs",
                0.05,
                3600.0,
            )?),
            log_flush_lines: within(self.log_flush_lines, "log_flush_lines", 1, usize::MAX)?,
            log_flush: Duration::from_millis(self.log_flush_ms),
            event_linger: Duration::from_millis(within(
                self.event_linger_ms,
                "event_linger_ms",
                0,
                1000,
            )?),
            log_max_bytes: self.log_max_bytes,
            kill_grace: Duration::from_secs_f64(within(
                self.kill_grace_secs,
                "kill_grace_secs",
                0.0,
                3600.0,
            )?),
            allow_root_tasks: self.allow_root_tasks.unwrap_or(false),
            requeue_on_stop: self.requeue_on_stop.unwrap_or(false),
            event_memory_kib: within(self.event_memory_kib, "event_memory_kib", 64, usize::MAX)?,
            queue_expires_ms: self.queue_expires_ms,
            metrics_listen: self.metrics_listen,
            queue_type: match queue_type {
                None => warren_broker::QueueType::Classic,
                Some(text) => {
                    warren_broker::QueueType::parse(&text).ok_or(ConfigError::QueueType(text))?
                }
            },
            software,
            identity,
            credentials,
            farm_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<WorkerConfig, ConfigError> {
        let mut argv = vec!["warren-worker".into()];
        argv.extend(args.iter().map(std::ffi::OsString::from));
        let mut cli = parse(argv)?.cli;
        Ok(cli
            .worker_config_mut()
            .expect("running a worker has settings")
            .clone())
    }

    fn config(args: &[&str]) -> WorkerConfig {
        parsed(args).expect("valid flags")
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("worker.toml");
        std::fs::write(
            &path,
            "tags = [\"gpu\", \"linux\"]\ncpus = 16\nnamespace = \"studio\"\nram_allocation = 0.5\n\n[[software]]\nname = \"blender\"\ncommand = [\"blender\", \"--version\"]\nregex = 'Blender (\\d+\\.\\d+)'\n",
        )
        .expect("write");
        let path_text = path.display().to_string();
        let settings = config(&["--config", &path_text, "--cpus", "4"])
            .resolve()
            .expect("valid configuration");
        assert_eq!(settings.cpus, Some(4));
        assert_eq!(settings.tags, vec!["gpu", "linux"]);
        assert_eq!(settings.namespace, "studio");
        assert!((settings.ram_allocation - 0.5).abs() < f64::EPSILON);
        assert_eq!(settings.software.len(), 1);
        assert!(settings.software[0].regex.is_match("Blender 4.1.0"));
        let settings = config(&["--config", &path_text, "--tag", "cpu-only"])
            .resolve()
            .expect("valid configuration");
        assert_eq!(settings.tags, vec!["cpu-only"]);
        let defaults = config(&[]).resolve().expect("valid configuration");
        assert_eq!(defaults.namespace, "warren");
        assert!(defaults.software.is_empty());
    }

    #[test]
    fn a_bad_configuration_names_the_problem() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("worker.toml");
        std::fs::write(
            &path,
            "[[software]]\nname = \"x\"\ncommand = [\"x\"]\nregex = '('\n",
        )
        .expect("write");
        let error = config(&["--config", &path.display().to_string()])
            .resolve()
            .expect_err("an invalid regex");
        assert!(error.to_string().contains("software `x`"), "{error}");
        std::fs::write(&path, "tagz = []\n").expect("write");
        let error = parsed(&["--config", &path.display().to_string()]).expect_err("no such key");
        assert!(
            error
                .to_string()
                .contains("`tagz` is not a setting of `warren-worker`"),
            "{error}"
        );
        std::fs::write(&path, "[[software]]\nname = \"x\"\n").expect("write");
        assert!(matches!(
            parsed(&["--config", &path.display().to_string()]),
            Err(ConfigError::SoftwareTable(_))
        ));
        assert!(config(&["--tag", "has space"]).resolve().is_err());
        assert!(config(&["--ram-allocation", "1.5"]).resolve().is_err());
        assert!(matches!(
            parsed(&["--config", "/nonexistent/worker.toml"]),
            Err(ConfigError::Layer(warren_config::ConfigError::Read { .. }))
        ));
        let dir_arg = dir.path().display().to_string();
        let error = config(&["--dir", &dir_arg, "--heartbeat-interval-secs", "0.001"])
            .resolve()
            .expect_err("a heartbeat too short");
        assert!(
            error
                .to_string()
                .contains("`heartbeat_interval_secs` is 0.001"),
            "{error}"
        );
        assert!(
            config(&["--dir", &dir_arg, "--event-memory-kib", "8"])
                .resolve()
                .is_err()
        );
    }

    #[test]
    fn a_switch_from_the_file_can_be_turned_off_by_a_flag() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("worker.toml");
        std::fs::write(&path, "requeue_on_stop = true\n").expect("write");
        let path = path.display().to_string();
        let dir_arg = dir.path().display().to_string();
        let resolve = |extra: &[&str]| {
            let mut args = vec!["--dir", &dir_arg, "--config", &path];
            args.extend_from_slice(extra);
            config(&args).resolve().expect("valid settings")
        };
        assert!(resolve(&[]).requeue_on_stop);
        assert!(!resolve(&["--requeue-on-stop=0"]).requeue_on_stop);
        assert!(!resolve(&["--requeue-on-stop=no"]).requeue_on_stop);
        assert!(resolve(&["--requeue-on-stop"]).requeue_on_stop);
        assert!(!resolve(&[]).allow_root_tasks);
        assert!(resolve(&["--allow-root-tasks"]).allow_root_tasks);
    }
}

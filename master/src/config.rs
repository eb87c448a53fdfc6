//! The master's configuration, parsed once at start-up: flags win over `WARREN_*` variables,
//! variables over the TOML file named by `--config`, the file over defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use secrecy::{ExposeSecret as _, SecretString};

/// Warren's master: REST API, dispatcher and event ingester.
#[derive(Debug, Parser)]
#[command(name = "warren-master", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The master's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the master: migrate the database, then serve the API, dispatch and ingest.
    Serve(Box<ServeConfig>),
    /// Print the configuration `serve` would run with, and where each value comes from
    /// (secrets hidden); takes the same flags.
    Config(Box<ServeConfig>),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Report impossible states in the database (and fix them with `--repair`); exits 1 when
    /// something is left unfixed.
    Check(CheckArgs),
    /// Manage users and their API tokens directly in the database (for the first admin, or
    /// when no admin can log in).
    User(UserArgs),
    /// List or rotate the farm's signing keys (with which workers check the master's messages).
    Keys(KeysArgs),
    /// Task logs: run the retention policy now.
    Logs(LogsArgs),
    /// Print the REST API's OpenAPI document (what `/api/v1/openapi.json` serves) and exit.
    Openapi,
}

/// Options of `warren-master logs`.
#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Where the database is.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What to do.
    #[command(subcommand)]
    pub action: LogsAction,
}

/// `warren-master logs` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum LogsAction {
    /// Remove the logs of jobs that ended longer ago than their retention (the job's, its
    /// queue's, or this farm-wide default), in small batches; prints what was removed.
    Prune {
        /// The farm-wide retention in days, as `serve --log-retention-days`.
        #[arg(long, env = "WARREN_LOG_RETENTION_DAYS")]
        log_retention_days: Option<u32>,
    },
}

/// Options of `warren-master keys`.
#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// Where the database is.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What to do.
    #[command(subcommand)]
    pub action: KeysAction,
}

/// `warren-master keys` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum KeysAction {
    /// List the keys: id, public key, when made, when retired.
    List,
    /// Make a new signing key. Running masters sign with it within seconds and tell the
    /// workers; the keys in force so far keep signing alongside it for the grace period, so
    /// workers that were away can still learn it.
    Rotate {
        /// Seconds the old keys keep signing and being trusted.
        #[arg(long, default_value_t = 86_400)]
        grace_secs: u64,
    },
}

/// Options of `warren-master user`.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    /// Where the database is.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What to do.
    #[command(subcommand)]
    pub action: UserAction,
}

/// `warren-master user` actions.
#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Create a user. Without `--password-stdin` or `--password-prompt` the user signs in with
    /// API tokens only.
    Add {
        /// User name.
        name: String,
        /// viewer, submitter, operator or admin.
        #[arg(long, default_value = "submitter")]
        role: String,
        /// Email address for job notifications.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, conflicts_with = "password_prompt")]
        password_stdin: bool,
        /// Ask for the password on the terminal.
        #[arg(long)]
        password_prompt: bool,
    },
    /// Set a user's password (from the terminal, or standard input with `--password-stdin`);
    /// their login sessions end.
    Passwd {
        /// User name.
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make an API token for a user and print it (it is shown only this once).
    Token {
        /// User name.
        name: String,
        /// What the token is for.
        #[arg(long = "name", id = "token_name", default_value = "cli")]
        token_name: String,
    },
    /// List users.
    List,
    /// Delete a user with their tokens and sessions.
    Remove {
        /// User name.
        name: String,
    },
}

/// Options of `warren-master check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Where the database is.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Fix what can be fixed: queue lost tasks again, recount jobs.
    #[arg(long)]
    pub repair: bool,
    /// Tasks on agents silent longer than this many seconds count as lost.
    #[arg(long, env = "WARREN_LEASE_TIMEOUT", default_value_t = 120)]
    pub lease_timeout_secs: u64,
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "WARREN_DATABASE_URL",
        default_value = "sqlite://warren.db?mode=rwc",
        hide_env_values = true
    )]
    pub database_url: SecretString,
}

/// Everything `warren-master serve` needs.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// A TOML file with any of these settings, keyed by their names with underscores
    /// (`database_url = "postgres://..."`); flags and variables win over it.
    #[arg(long, env = "WARREN_MASTER_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address the HTTP API listens on; port 0 picks a free port.
    #[arg(long, env = "WARREN_LISTEN", default_value = "127.0.0.1:8420")]
    pub listen: SocketAddr,

    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// RabbitMQ URLs, comma-separated, tried in turn: the nodes of a cluster, or one load
    /// balancer. The first one's credentials also log in to the management API.
    #[arg(
        long,
        env = "WARREN_AMQP_URL",
        default_value = "amqp://guest:guest@127.0.0.1:5672/%2f",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub amqp_url: Vec<SecretString>,

    /// Seconds of the AMQP heartbeat: a broker connection that hears nothing for twice this long
    /// is replaced, so a hung broker node is noticed (0 turns heartbeats off).
    #[arg(long, env = "WARREN_AMQP_HEARTBEAT", default_value_t = 10)]
    pub amqp_heartbeat: u64,

    /// Prefix of every exchange and queue, so several farms can share one broker.
    #[arg(long, env = "WARREN_NAMESPACE", default_value = "warren")]
    pub namespace: String,

    /// Seconds an agent may stay silent before it is marked offline and its tasks are queued
    /// again. Must exceed a broker restart.
    #[arg(long, env = "WARREN_LEASE_TIMEOUT", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    pub lease_timeout_secs: u64,

    /// Ready tasks kept in each class queue beyond what eligible workers can take at once
    /// (short tasks get more, sized by how fast they are consumed). Every waiting task is
    /// dispatched by the fair share of its moment, so a large margin slows weight changes.
    #[arg(long, env = "WARREN_DISPATCH_MARGIN", default_value_t = 0)]
    pub dispatch_margin: u32,

    /// Failed tasks of one job in a row after which an agent no longer gets that job (0: never).
    #[arg(long, env = "WARREN_AGENT_JOB_FAILURE_LIMIT", default_value_t = 3)]
    pub agent_job_failure_limit: u32,

    /// Serve the API without authentication: everyone is an administrator. For a farm on a
    /// trusted machine only; the master warns at start-up.
    #[arg(long, env = "WARREN_NO_AUTH", value_parser = BoolishValueParser::new())]
    pub no_auth: bool,

    /// LDAP server for logins, e.g. `ldap://ldap.studio:389`: a user without a Warren password
    /// logs in by binding as `--ldap-user-dn` with their password, and is created on first login.
    #[arg(long, env = "WARREN_LDAP_URL", hide_env_values = true)]
    pub ldap_url: Option<SecretString>,

    /// The DN a user binds as; `{username}` is replaced by the login name.
    #[arg(
        long,
        env = "WARREN_LDAP_USER_DN",
        default_value = "uid={username},ou=people,dc=example,dc=com"
    )]
    pub ldap_user_dn: String,

    /// The role of a user created by their first LDAP login (an admin can change it).
    #[arg(long, env = "WARREN_LDAP_DEFAULT_ROLE", default_value = "viewer")]
    pub ldap_default_role: String,

    /// A directory group and the role its members get, `GROUP_DN=ROLE` (repeat; `;` between
    /// them in the variable), e.g. `cn=render-admins,ou=groups,dc=studio=admin`. With any
    /// given, an LDAP user's role is read from the groups at each login: the highest role of
    /// the groups that list them (`member` or `uniqueMember`), else `--ldap-default-role`.
    #[arg(
        long = "ldap-group-role",
        env = "WARREN_LDAP_GROUP_ROLES",
        value_delimiter = ';'
    )]
    pub ldap_group_roles: Vec<String>,

    /// Upgrade an `ldap://` connection to TLS with StartTLS before binding (an `ldaps://`
    /// URL is TLS from the start).
    #[arg(long, env = "WARREN_LDAP_STARTTLS", value_parser = BoolishValueParser::new())]
    pub ldap_starttls: bool,

    /// PEM file of the certificate authorities the LDAP server's certificate must chain to
    /// (default: the system's).
    #[arg(long, env = "WARREN_LDAP_CA_FILE")]
    pub ldap_ca_file: Option<std::path::PathBuf>,

    /// SMTP server for job emails, `smtp://[user:password@]host[:port]`; no email without it.
    #[arg(long, env = "WARREN_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// Sender of job emails.
    #[arg(long, env = "WARREN_SMTP_FROM", default_value = "warren@localhost")]
    pub smtp_from: String,

    /// Domain appended to notified users that are names, not addresses.
    #[arg(long, env = "WARREN_MAIL_DOMAIN")]
    pub mail_domain: Option<String>,

    /// A directory of job email templates: `done.txt`, `failed.txt`, `deleted.txt` for the
    /// farm, and `<jobtype>/<event>.txt` per job type (see the README); checked at start.
    #[arg(long, env = "WARREN_EMAIL_TEMPLATES")]
    pub email_templates: Option<std::path::PathBuf>,

    /// The master's address as users reach it, for links in emails (default: the listen
    /// address).
    #[arg(long, env = "WARREN_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "WARREN_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Delete unused queues after this many milliseconds (for throw-away farms such as tests).
    #[arg(long, env = "WARREN_QUEUE_EXPIRES_MS", hide = true)]
    pub queue_expires_ms: Option<u32>,

    /// RabbitMQ queue type: `classic`, or `quorum` (replicated, for a RabbitMQ cluster). Master
    /// and workers must agree.
    #[arg(long, env = "WARREN_QUEUE_TYPE", default_value = "classic")]
    pub queue_type: warren_broker::QueueType,

    /// Seconds to wait for in-flight work at shutdown.
    #[arg(long, env = "WARREN_SHUTDOWN_GRACE", default_value_t = 10)]
    pub shutdown_grace_secs: u64,

    /// RabbitMQ's management API (and UI), for queue depths on the dashboard; it is reached with
    /// the credentials of the AMQP URL.
    #[arg(
        long,
        env = "WARREN_RABBITMQ_API",
        default_value = "http://127.0.0.1:15672"
    )]
    pub rabbitmq_api: String,

    /// RabbitMQ's management UI as people's browsers reach it, linked from the dashboard
    /// (default: `--rabbitmq-api`).
    #[arg(long, env = "WARREN_RABBITMQ_UI_URL")]
    pub rabbitmq_ui_url: Option<String>,

    /// Seconds between statistics samples (task counts per queue, agents by state, each agent's
    /// free RAM and load).
    #[arg(long, env = "WARREN_STATISTICS_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub statistics_interval_secs: u64,

    /// Answer workers looking for the farm by UDP broadcast on this address (e.g.
    /// `0.0.0.0:8421`); off when omitted. The answer names the broker and the farm's key, and
    /// holds no secret.
    #[arg(long, env = "WARREN_DISCOVERY_LISTEN")]
    pub discovery_listen: Option<SocketAddr>,

    /// The broker URLs workers are told, comma-separated, in join tokens and discovery answers
    /// (default: `--amqp-url`, which must then name the broker as other hosts reach it). Any
    /// credentials in them are left out: each worker has its own.
    #[arg(
        long,
        alias = "discovery-amqp-url",
        env = "WARREN_WORKER_AMQP_URL",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub worker_amqp_url: Vec<SecretString>,

    /// Accept events from workers that share the farm's broker credentials instead of being
    /// enrolled (each with its own broker user). Anyone holding those credentials can then
    /// pose as any such worker; `/health` and `/metrics` say it is on.
    #[arg(long, env = "WARREN_INSECURE_SHARED_BROKER_CREDENTIALS", value_parser = BoolishValueParser::new())]
    pub insecure_shared_broker_credentials: bool,

    /// The master is reached through a reverse proxy that terminates TLS: session cookies get
    /// the `Secure` flag, and a client's address (for login throttling) is the last one in
    /// `X-Forwarded-For`.
    #[arg(long, env = "WARREN_BEHIND_TLS_PROXY", value_parser = BoolishValueParser::new())]
    pub behind_tls_proxy: bool,

    /// Days statistics samples are kept.
    #[arg(long, env = "WARREN_STATISTICS_RETENTION_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..))]
    pub statistics_retention_days: u64,

    /// Keep a job's logs this many days after it ends, unless its job queue (or an ancestor
    /// queue) or the job itself says otherwise; logs are kept for good when omitted.
    #[arg(long, env = "WARREN_LOG_RETENTION_DAYS")]
    pub log_retention_days: Option<u32>,

    /// Seconds between runs of the log retention policy (the leading master runs it).
    #[arg(long, env = "WARREN_LOG_PRUNE_INTERVAL", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub log_prune_interval_secs: u64,

    /// An autoscaling provider, `NAME=COMMAND [ARG...]` (repeat; `;`-separated in the
    /// variable): job queues' autoscalers start and stop nodes with it (see
    /// `deploy/providers/`).
    #[arg(
        long = "autoscale-provider",
        env = "WARREN_AUTOSCALE_PROVIDERS",
        value_delimiter = ';'
    )]
    pub autoscale_providers: Vec<String>,

    /// Seconds between autoscaling rounds (the leading master runs them).
    #[arg(long, env = "WARREN_AUTOSCALE_INTERVAL", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub autoscale_interval_secs: u64,

    /// Seconds a provider command may take before it is killed and the round carries on.
    #[arg(long, env = "WARREN_AUTOSCALE_PROVIDER_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub autoscale_provider_timeout_secs: u64,
}

/// The URLs of a list setting, to connect with.
fn exposed(urls: &[SecretString]) -> Vec<String> {
    urls.iter()
        .map(|url| url.expose_secret().to_owned())
        .collect()
}

impl DatabaseArgs {
    /// The database URL, to connect with.
    #[must_use]
    pub fn url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

impl ServeConfig {
    /// The first broker URL (whose credentials log in to the management API).
    #[must_use]
    pub fn first_amqp_url(&self) -> &str {
        self.amqp_url.first().map_or("", |url| url.expose_secret())
    }

    /// The broker URLs, in turn.
    #[must_use]
    pub fn amqp_urls(&self) -> Vec<String> {
        exposed(&self.amqp_url)
    }

    /// The broker URLs workers are told (credentials are removed before they are).
    #[must_use]
    pub fn worker_amqp_urls(&self) -> Vec<String> {
        if self.worker_amqp_url.is_empty() {
            self.amqp_urls()
        } else {
            exposed(&self.worker_amqp_url)
        }
    }

    /// The lease timeout.
    #[must_use]
    pub const fn lease_timeout(&self) -> Duration {
        Duration::from_secs(self.lease_timeout_secs)
    }

    /// The shutdown grace period.
    #[must_use]
    pub const fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// How often statistics are sampled and how long they are kept.
    #[must_use]
    pub const fn statistics(&self) -> crate::statistics::StatisticsSettings {
        crate::statistics::StatisticsSettings {
            interval: Duration::from_secs(self.statistics_interval_secs),
            retention: Duration::from_secs(self.statistics_retention_days * 24 * 3600),
        }
    }
}

//! `TestFarm`: one master and some workers as real processes, a fresh database and a unique
//! broker namespace, cleaned up when dropped.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, bail};
use lapin::options::{
    BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions, ExchangeDeleteOptions,
    QueueDeleteOptions,
};
use lapin::types::AMQPValue;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Default broker for tests.
const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
/// Default RabbitMQ management API for tests.
const DEFAULT_RABBITMQ_API: &str = "http://127.0.0.1:15672";

/// Which database a farm uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// A SQLite file in the farm's temporary directory.
    Sqlite,
    /// A fresh database on the PostgreSQL server named by `WARREN_TEST_DATABASE_URL`.
    Postgres,
    /// A fresh database on the MariaDB (or MySQL) server named by `WARREN_TEST_MARIADB_URL`.
    MariaDb,
}

/// How to build a farm.
#[derive(Debug, Clone)]
pub struct FarmOptions {
    /// Workers to start.
    pub workers: usize,
    /// Database backend.
    pub database: DatabaseKind,
    /// Extra flags for every worker.
    pub worker_args: Vec<String>,
    /// Extra flags for the master.
    pub master_args: Vec<String>,
    /// Seconds between worker heartbeats.
    pub heartbeat_secs: f64,
    /// Master lease timeout, seconds.
    pub lease_timeout_secs: u64,
    /// `RUST_LOG` for the processes; `WARREN_TEST_LOG` or a debug filter when `None`.
    pub log_filter: Option<String>,
    /// Let workers running as root run tasks as root (tests run as whoever runs them).
    pub allow_root_tasks: bool,
    /// A broker of the test's own (e.g. a [`crate::PrivateRabbit`]) instead of the shared one;
    /// several URLs, comma-separated, for the nodes of a cluster.
    pub amqp_url: Option<String>,
    /// That broker's management API (agents' broker users are made through it).
    pub rabbitmq_api: Option<String>,
    /// Workers share the farm's broker credentials instead of joining with a token each
    /// (`--insecure-shared-broker-credentials` on the master and the workers).
    pub insecure_shared_credentials: bool,
    /// A PostgreSQL server of the test's own (e.g. a [`crate::PrivatePostgres`]) to create the
    /// database on, instead of `WARREN_TEST_DATABASE_URL`.
    pub postgres_admin_url: Option<String>,
    /// Require authentication (the master's default); off (`--no-auth`) unless a test turns it
    /// on.
    pub auth: bool,
    /// Extra environment variables for every process of the farm.
    pub env: Vec<(String, String)>,
    /// The worker binary to run instead of the built one (a copy a test can replace, to
    /// upgrade the farm).
    pub worker_binary: Option<PathBuf>,
}

impl DatabaseKind {
    /// The database of farms whose test does not choose one: `WARREN_TEST_DATABASE` (`sqlite`,
    /// `postgres` or `mariadb`) runs the whole suite on another database; SQLite otherwise.
    #[must_use]
    pub fn default_for_tests() -> Self {
        match std::env::var("WARREN_TEST_DATABASE").as_deref() {
            Ok("postgres") => Self::Postgres,
            Ok("mariadb") => Self::MariaDb,
            _ => Self::Sqlite,
        }
    }
}

impl Default for FarmOptions {
    fn default() -> Self {
        Self {
            workers: 1,
            database: DatabaseKind::default_for_tests(),
            worker_args: Vec::new(),
            master_args: Vec::new(),
            heartbeat_secs: 1.0,
            lease_timeout_secs: 30,
            log_filter: None,
            allow_root_tasks: true,
            amqp_url: None,
            rabbitmq_api: None,
            insecure_shared_credentials: false,
            postgres_admin_url: None,
            auth: false,
            env: Vec::new(),
            worker_binary: None,
        }
    }
}

/// The directory holding the workspace's built binaries (next to the test executable).
pub fn bin_dir() -> anyhow::Result<PathBuf> {
    let executable = std::env::current_exe().context("cannot locate the test executable")?;
    let mut dir = executable
        .parent()
        .context("the test executable has no directory")?
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    Ok(dir)
}

/// The path of a workspace binary, or an error saying how to build it.
pub fn bin_path(name: &str) -> anyhow::Result<PathBuf> {
    let path = bin_dir()?.join(name);
    if !path.exists() {
        bail!(
            "{} is missing: build the workspace binaries first (`cargo build --workspace --bins`)",
            path.display()
        );
    }
    Ok(path)
}

/// Poll `probe` every 25 ms until it yields a value, failing after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last_error = None;
    loop {
        match probe().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last_error = Some(error),
        }
        if tokio::time::Instant::now() >= deadline {
            match last_error {
                Some(error) => {
                    bail!("timed out after {timeout:?} waiting for {what}; last error: {error:#}")
                }
                None => bail!("timed out after {timeout:?} waiting for {what}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A child process started by a test, with its log file.
#[derive(Debug)]
pub struct Process {
    /// What it is, for messages.
    pub name: String,
    /// Where its standard error goes.
    pub log_path: PathBuf,
    child: Child,
}

impl Process {
    /// Its process id.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Send a signal to it.
    pub fn signal(&self, signal: Signal) -> anyhow::Result<()> {
        let pid = self.pid().context("the process already exited")?;
        kill(Pid::from_raw(i32::try_from(pid)?), signal)?;
        Ok(())
    }

    /// Ask it to stop (SIGTERM) and wait for it, up to `timeout`.
    pub async fn stop(&mut self, timeout: Duration) -> anyhow::Result<std::process::ExitStatus> {
        self.signal(Signal::SIGTERM)?;
        tokio::time::timeout(timeout, self.child.wait())
            .await
            .with_context(|| format!("{} did not stop within {timeout:?}", self.name))?
            .context("cannot wait for the process")
    }

    /// Kill it (SIGKILL) and reap it.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// The tail of its log.
    #[must_use]
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

enum TestDatabase {
    Sqlite {
        url: String,
    },
    /// A database created on a server for this farm, dropped with it.
    Server {
        kind: DatabaseKind,
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    fn url(&self) -> &str {
        match self {
            Self::Sqlite { url } | Self::Server { url, .. } => url,
        }
    }
}

/// A running farm.
pub struct TestFarm {
    /// The farm's broker namespace.
    pub namespace: String,
    /// The broker URL (several, comma-separated, for a cluster; the tests' own checks use the
    /// first).
    pub amqp_url: String,
    /// The broker's management API.
    pub rabbitmq_api: String,
    /// The broker URL the master uses: a user of its own (an administrator, as in a
    /// deployment), not the account the tests use for their own checks.
    pub master_amqp_url: String,
    /// The master's base URL, e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    /// An HTTP client.
    pub http: reqwest::Client,
    options: FarmOptions,
    dir: tempfile::TempDir,
    database: TestDatabase,
    master: Option<Process>,
    workers: Vec<Process>,
    /// An admin client for enrolling workers when the farm's own client is not an admin.
    enroller: tokio::sync::OnceCell<reqwest::Client>,
}

impl std::fmt::Debug for TestFarm {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TestFarm")
            .field("namespace", &self.namespace)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn database_url_named(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let (without_query, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let scheme_end = without_query
        .find("://")
        .context("the database URL has no scheme")?
        + 3;
    let path_start = without_query[scheme_end..]
        .find('/')
        .map_or(without_query.len(), |slash| scheme_end + slash);
    let mut url = format!("{}/{name}", &without_query[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    Ok(url)
}

impl TestFarm {
    /// Start a master and `options.workers` workers and wait until every worker is online.
    pub async fn spawn(options: FarmOptions) -> anyhow::Result<Self> {
        let namespace = format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
        let database = match options.database {
            DatabaseKind::Sqlite => TestDatabase::Sqlite {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("warren.db").display()
                ),
            },
            kind @ (DatabaseKind::Postgres | DatabaseKind::MariaDb) => {
                let (variable, create) = if kind == DatabaseKind::Postgres {
                    ("WARREN_TEST_DATABASE_URL", "")
                } else {
                    (
                        "WARREN_TEST_MARIADB_URL",
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                    )
                };
                let admin_url = match &options.postgres_admin_url {
                    Some(url) if kind == DatabaseKind::Postgres => url.clone(),
                    _ => {
                        std::env::var(variable).with_context(|| format!("{variable} is not set"))?
                    }
                };
                let name = format!("warren_{}", namespace.replace('-', "_"));
                let admin = Database::connect(&admin_url).await.with_context(|| {
                    format!("cannot connect to the database server at {admin_url}")
                })?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}{create}"))
                    .await
                    .context("cannot create the test database")?;
                admin.close().await.ok();
                let url = database_url_named(&admin_url, &name)?;
                TestDatabase::Server {
                    kind,
                    admin_url,
                    name,
                    url,
                }
            }
        };
        let amqp_url = options.amqp_url.clone().unwrap_or_else(|| {
            std::env::var("WARREN_TEST_AMQP_URL").unwrap_or_else(|_| DEFAULT_AMQP_URL.to_owned())
        });
        let rabbitmq_api = options.rabbitmq_api.clone().unwrap_or_else(|| {
            std::env::var("WARREN_TEST_RABBITMQ_API")
                .unwrap_or_else(|_| DEFAULT_RABBITMQ_API.to_owned())
        });
        let master_amqp_url = provision_master_user(&rabbitmq_api, &amqp_url, &namespace).await?;
        let mut farm = Self {
            namespace,
            amqp_url,
            rabbitmq_api,
            master_amqp_url,
            base_url: String::new(),
            http: reqwest::Client::new(),
            options: options.clone(),
            dir,
            database,
            master: None,
            workers: Vec::new(),
            enroller: tokio::sync::OnceCell::new(),
        };
        farm.start_master().await?;
        for _ in 0..options.workers {
            farm.start_worker(&[]).await?;
        }
        if options.workers > 0 {
            farm.wait_for_online_agents(options.workers).await?;
        }
        Ok(farm)
    }

    /// The farm's temporary directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The database URL the master uses.
    #[must_use]
    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    fn log_filter(&self) -> String {
        self.options
            .log_filter
            .clone()
            .or_else(|| std::env::var("WARREN_TEST_LOG").ok())
            .unwrap_or_else(|| {
                "info,sqlx=warn,lapin=warn,warren_master=debug,warren_worker=debug".to_owned()
            })
    }

    fn command(&self, program: &Path, log_name: &str) -> anyhow::Result<(Command, PathBuf)> {
        let log_path = self.dir.path().join(format!("{log_name}.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("RUST_LOG", self.log_filter())
            .env("RUST_BACKTRACE", "1")
            .env("WARREN_AMQP_URL", &self.amqp_url)
            .env("WARREN_RABBITMQ_API", &self.rabbitmq_api)
            .env("WARREN_NAMESPACE", &self.namespace)
            .env("WARREN_QUEUE_EXPIRES_MS", "600000")
            .envs(self.options.env.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        Ok((command, log_path))
    }

    /// Start (or restart) the master and wait until its API answers.
    pub async fn start_master(&mut self) -> anyhow::Result<()> {
        let listen = if self.base_url.is_empty() {
            "127.0.0.1:0".to_owned()
        } else {
            self.base_url.trim_start_matches("http://").to_owned()
        };
        let (process, address) = self.spawn_master("master", &listen).await?;
        self.base_url = address;
        self.master = Some(process);
        Ok(())
    }

    /// Start another master on the farm's database and broker (several masters may share a
    /// PostgreSQL database; one dispatches); returns it and its base URL. The farm's helpers
    /// keep talking to the first master unless `base_url` is changed.
    pub async fn start_another_master(&self, name: &str) -> anyhow::Result<(Process, String)> {
        self.spawn_master(name, "127.0.0.1:0").await
    }

    async fn spawn_master(&self, name: &str, listen: &str) -> anyhow::Result<(Process, String)> {
        let (mut command, log_path) = self.command(&bin_path("warren-master")?, name)?;
        command
            .env("WARREN_AMQP_URL", &self.master_amqp_url)
            .arg("serve")
            .arg("--listen")
            .arg(listen)
            .arg("--database-url")
            .arg(self.database.url())
            .arg("--lease-timeout-secs")
            .arg(self.options.lease_timeout_secs.to_string())
            .args((!self.options.auth).then_some("--no-auth"))
            .args(
                self.options
                    .insecure_shared_credentials
                    .then_some("--insecure-shared-broker-credentials"),
            )
            .args(&self.options.master_args);
        let mut child = command.spawn().context("cannot start warren-master")?;
        let stdout = child.stdout.take().context("the master has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut process = Process {
            name: name.to_owned(),
            log_path,
            child,
        };
        let address = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(address) = line.strip_prefix("warren-master listening on ") {
                    return Ok::<_, anyhow::Error>(Some(address.trim().to_owned()));
                }
            }
            Ok(None)
        })
        .await;
        let address = match address {
            Ok(Ok(Some(address))) => address,
            other => {
                let _ = process.kill().await;
                bail!(
                    "warren-master did not start ({other:?}); its log ends with:\n{}",
                    process.log_tail(30)
                );
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok((process, address))
    }

    /// Send `token` with every request the farm's helpers make from now on.
    pub fn authenticate(&mut self, token: &str) -> anyhow::Result<()> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?,
        );
        self.http = reqwest::Client::builder()
            .default_headers(headers)
            .build()?;
        Ok(())
    }

    /// `warren-master user ...` against the farm's database: its output.
    pub async fn master_user(
        &self,
        args: &[&str],
        stdin: Option<&str>,
    ) -> anyhow::Result<std::process::Output> {
        use tokio::io::AsyncWriteExt as _;
        let mut child = Command::new(bin_path("warren-master")?)
            .arg("user")
            .args(args)
            .env("WARREN_DATABASE_URL", self.database.url())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut input = child.stdin.take().context("a piped stdin")?;
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).await?;
        }
        drop(input);
        Ok(child.wait_with_output().await?)
    }

    /// Make an admin with the admin command (with `password`, or tokens only) and a token for
    /// them; returns the token.
    pub async fn first_admin(&self, name: &str, password: Option<&str>) -> anyhow::Result<String> {
        self.user_with_token(name, "admin", password).await
    }

    /// Make a user of `role` with the admin command (with `password`, or tokens only) and a
    /// token for them; returns the token.
    pub async fn user_with_token(
        &self,
        name: &str,
        role: &str,
        password: Option<&str>,
    ) -> anyhow::Result<String> {
        let mut args = vec!["add", name, "--role", role];
        if password.is_some() {
            args.push("--password-stdin");
        }
        let added = self.master_user(&args, password).await?;
        anyhow::ensure!(added.status.success(), "cannot add {name}: {added:?}");
        let token = self
            .master_user(&["token", name, "--name", "tests"], None)
            .await?;
        anyhow::ensure!(token.status.success(), "cannot make a token: {token:?}");
        let token = String::from_utf8(token.stdout)?.trim().to_owned();
        anyhow::ensure!(token.starts_with("wrn_"), "not a token: {token}");
        Ok(token)
    }

    /// Start one more worker with extra flags; returns its index. It joins the farm with a
    /// token of its own, as an enrolled node does (or shares the broker credentials, with
    /// `insecure_shared_credentials`).
    pub async fn start_worker(&mut self, extra_args: &[&str]) -> anyhow::Result<usize> {
        let mut args: Vec<String> = self.options.worker_args.clone();
        args.extend(extra_args.iter().map(|arg| (*arg).to_owned()));
        self.spawn_worker(&args, false).await
    }

    /// Start a worker given no broker URL or namespace: it joins with a token that names no
    /// broker, and finds the farm by broadcasting to `discovery_address`; returns its index.
    pub async fn start_discovering_worker(
        &mut self,
        discovery_address: &str,
    ) -> anyhow::Result<usize> {
        let args = [
            "--discovery-address".to_owned(),
            discovery_address.to_owned(),
        ];
        self.spawn_worker(&args, true).await
    }

    /// A client allowed to enroll agents: the farm's own when it may, or one of an admin made
    /// for the purpose.
    async fn enrolling_client(&self, refused: bool) -> anyhow::Result<reqwest::Client> {
        if !refused {
            return Ok(self.http.clone());
        }
        let client = self
            .enroller
            .get_or_try_init(|| async {
                let token = self.first_admin("farm-enroller", None).await?;
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?,
                );
                Ok::<_, anyhow::Error>(
                    reqwest::Client::builder()
                        .default_headers(headers)
                        .build()?,
                )
            })
            .await?;
        Ok(client.clone())
    }

    /// Enroll an agent named `name` through the API; its join token. `discover` leaves the
    /// broker's address out of the token.
    pub async fn enroll(&self, name: &str, discover: bool) -> anyhow::Result<String> {
        let body = json!({"name": name, "discover": discover});
        let mut refused = false;
        loop {
            let client = self.enrolling_client(refused).await?;
            let response = client
                .post(format!("{}/api/v1/agents/enroll", self.base_url))
                .json(&body)
                .send()
                .await?;
            let status = response.status();
            let answer: Value = response.json().await?;
            if status == StatusCode::CREATED {
                return answer["token"]
                    .as_str()
                    .map(str::to_owned)
                    .context("an enrollment without a token");
            }
            if !refused && matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                refused = true;
                continue;
            }
            bail!("enrolling {name} answered {status}: {answer}");
        }
    }

    /// The farm's public keys, as `--farm-key` takes them.
    pub async fn farm_keys(&self) -> anyhow::Result<Vec<String>> {
        let client = self.enrolling_client(false).await?;
        let mut response = client
            .get(format!("{}/api/v1/keys", self.base_url))
            .send()
            .await?;
        if !response.status().is_success() {
            response = self
                .enrolling_client(true)
                .await?
                .get(format!("{}/api/v1/keys", self.base_url))
                .send()
                .await?;
        }
        let answer: Value = response.json().await?;
        Ok(answer["keys"]
            .as_array()
            .context("a key list")?
            .iter()
            .filter_map(|key| key["public_key"].as_str().map(str::to_owned))
            .collect())
    }

    /// Enroll an agent and store its identity in `dir` with `warren-worker join --no-run`
    /// (for a worker a test starts itself).
    pub async fn join(&self, dir: &Path, name: &str) -> anyhow::Result<()> {
        let token = self.enroll(name, false).await?;
        let output = Command::new(bin_path("warren-worker")?)
            .arg("join")
            .arg(&token)
            .arg("--no-run")
            .arg("--dir")
            .arg(dir)
            .arg("--hostname")
            .arg(name)
            .env("RUST_LOG", "warn")
            .output()
            .await?;
        anyhow::ensure!(
            output.status.success(),
            "warren-worker join failed: {output:?}"
        );
        Ok(())
    }

    /// Start a worker with the farm's usual flags and `args`: `warren-worker join` with a token
    /// of its own, or `run` sharing the broker credentials; `discover` leaves out the broker URL
    /// and namespace.
    async fn spawn_worker(&mut self, args: &[String], discover: bool) -> anyhow::Result<usize> {
        let worker_idx = self.workers.len();
        let hostname = format!("test-node-{worker_idx}");
        let binary = match &self.options.worker_binary {
            Some(binary) => binary.clone(),
            None => bin_path("warren-worker")?,
        };
        let (mut command, log_path) = self.command(&binary, &format!("worker-{worker_idx}"))?;
        if discover {
            command
                .env_remove("WARREN_AMQP_URL")
                .env_remove("WARREN_NAMESPACE");
        }
        if self.options.insecure_shared_credentials {
            command
                .arg("run")
                .arg("--insecure-shared-broker-credentials")
                .arg("--farm-key")
                .arg(self.farm_keys().await?.join(","));
        } else {
            let token = self.enroll(&hostname, discover).await?;
            command.arg("join").arg(token);
        }
        command
            .arg("--dir")
            .arg(self.dir.path().join(format!("worker-{worker_idx}")))
            .arg("--hostname")
            .arg(&hostname)
            .arg("--heartbeat-interval-secs")
            .arg(self.options.heartbeat_secs.to_string())
            .arg("--kill-grace-secs")
            .arg("2")
            .args(
                self.options
                    .allow_root_tasks
                    .then_some("--allow-root-tasks"),
            )
            .args(args)
            .stdout(Stdio::null());
        let child = command.spawn().context("cannot start warren-worker")?;
        self.workers.push(Process {
            name: format!("worker-{worker_idx}"),
            log_path,
            child,
        });
        Ok(worker_idx)
    }

    /// The broker user and password worker `worker_idx` joined with (from its directory).
    pub fn worker_credentials(&self, worker_idx: usize) -> anyhow::Result<(String, String)> {
        let path = self
            .dir
            .path()
            .join(format!("worker-{worker_idx}"))
            .join("enrollment.json");
        let enrollment: Value = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
        )?;
        Ok((
            enrollment["broker_user"]
                .as_str()
                .context("a broker user")?
                .to_owned(),
            enrollment["broker_password"]
                .as_str()
                .context("a broker password")?
                .to_owned(),
        ))
    }

    /// Start `warren-worker simulate` with `agents` simulated agents (each offering one CPU and
    /// 4096 MB unless `extra_args` say otherwise) and wait until it starts them (over time with
    /// `--start-per-sec`); returns its index among the workers. Simulated agents share the broker
    /// credentials: the farm must be made with `insecure_shared_credentials`.
    pub async fn start_simulated_agents(
        &mut self,
        agents: usize,
        extra_args: &[&str],
    ) -> anyhow::Result<usize> {
        let worker_idx = self.workers.len();
        let binary = match &self.options.worker_binary {
            Some(binary) => binary.clone(),
            None => bin_path("warren-worker")?,
        };
        let (mut command, log_path) = self.command(&binary, &format!("worker-{worker_idx}"))?;
        let keys = self.farm_keys().await?.join(",");
        command
            .arg("simulate")
            .arg("--insecure-shared-broker-credentials")
            .arg("--farm-key")
            .arg(keys)
            .arg("--agents")
            .arg(agents.to_string())
            .arg("--dir")
            .arg(self.dir.path().join(format!("worker-{worker_idx}")))
            .arg("--heartbeat-interval-secs")
            .arg(self.options.heartbeat_secs.to_string())
            .args(extra_args);
        let mut child = command
            .spawn()
            .context("cannot start warren-worker simulate")?;
        let stdout = child.stdout.take().context("the simulator has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut process = Process {
            name: format!("worker-{worker_idx}"),
            log_path,
            child,
        };
        let started = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if line.starts_with("warren-worker simulating") {
                    return Ok::<_, anyhow::Error>(true);
                }
            }
            Ok(false)
        })
        .await;
        if !matches!(started, Ok(Ok(true))) {
            let _ = process.kill().await;
            bail!(
                "warren-worker simulate did not start; its log ends with:\n{}",
                process.log_tail(30)
            );
        }
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.workers.push(process);
        Ok(worker_idx)
    }

    /// A worker process.
    pub fn worker(&mut self, worker_idx: usize) -> anyhow::Result<&mut Process> {
        self.workers.get_mut(worker_idx).context("no such worker")
    }

    /// The master process.
    pub fn master(&mut self) -> anyhow::Result<&mut Process> {
        self.master.as_mut().context("the master is not running")
    }

    /// Wait until at least `count` agents are online.
    pub async fn wait_for_online_agents(&self, count: usize) -> anyhow::Result<Vec<Value>> {
        let result = eventually(
            &format!("{count} online agents"),
            Duration::from_secs(30),
            || async {
                let answer = self.get_json("/api/v1/agents").await?;
                let agents: Vec<Value> = answer["agents"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|agent| matches!(agent["state"].as_str(), Some("online" | "running")))
                    .collect();
                Ok((agents.len() >= count).then_some(agents))
            },
        )
        .await;
        if result.is_err() {
            self.dump_logs();
        }
        result
    }

    /// The agent id of worker `worker_idx` (workers report the host name `test-node-<idx>`),
    /// once it has registered.
    pub async fn agent_id_of(&self, worker_idx: usize) -> anyhow::Result<String> {
        let hostname = format!("test-node-{worker_idx}");
        eventually(
            &format!("{hostname} to register"),
            Duration::from_secs(30),
            || async {
                let answer = self
                    .get_json(&format!("/api/v1/agents?hostname={hostname}"))
                    .await?;
                Ok(answer["agents"][0]["id"].as_str().map(str::to_owned))
            },
        )
        .await
    }

    /// Send a JSON body with any method; returns the status and the JSON answer (`null` when empty).
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))?
        };
        Ok((status, body))
    }

    /// Run the `warren` command line client against this farm (no token, no config file).
    pub async fn warren(&self, args: &[&str]) -> anyhow::Result<std::process::Output> {
        Ok(tokio::process::Command::new(bin_path("warren")?)
            .arg("--master")
            .arg(&self.base_url)
            .args(args)
            .env_remove("WARREN_MASTER")
            .env_remove("WARREN_TOKEN")
            .env("WARREN_CONFIG", "/dev/null")
            .output()
            .await?)
    }

    /// GET a JSON document, failing on a non-2xx answer.
    pub async fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            bail!("GET {path} answered {status}: {body}");
        }
        Ok(body)
    }

    /// POST raw bytes with a content type; returns the status and the JSON answer.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let response = self
            .http
            .post(format!("{}{path}", self.base_url))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        let body = serde_json::from_str(&text)
            .with_context(|| format!("the answer ({status}) is not JSON: {text}"))?;
        Ok((status, body))
    }

    /// Submit a job and return it; fails unless the master answers 201.
    pub async fn submit_job(&self, job: &Value) -> anyhow::Result<Value> {
        let (status, body) = self
            .post_raw("/api/v1/jobs", "application/json", serde_json::to_vec(job)?)
            .await?;
        if status != StatusCode::CREATED {
            bail!("submitting {job} answered {status}: {body}");
        }
        Ok(body)
    }

    /// A stand-in `blender` in `<dir>/bin` that prints `Blender <version>` for `--version` and
    /// otherwise echoes how it was called (`called with: ...`), and a worker configuration file
    /// whose software check finds it. Returns the `bin` directory and the configuration file.
    pub fn fake_blender(&self, version: &str) -> anyhow::Result<(PathBuf, PathBuf)> {
        let bin = self.dir().join("bin");
        std::fs::create_dir_all(&bin)?;
        let blender = bin.join("blender");
        std::fs::write(
            &blender,
            format!(
                "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Blender {version}'; else echo \"called with: $*\"; fi\n"
            ),
        )?;
        std::fs::set_permissions(
            &blender,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        let config = self.dir().join("blender-node.toml");
        std::fs::write(
            &config,
            format!(
                "[[software]]\nname = \"blender\"\ncommand = [\"{}\", \"--version\"]\nregex = 'Blender (\\d+\\.\\d+)'\n",
                blender.display()
            ),
        )?;
        Ok((bin, config))
    }

    /// Submit a job and return its id (an error when it is refused or the answer has none).
    pub async fn submit(&self, job: &Value) -> anyhow::Result<warren_shared::JobId> {
        let answer = self.submit_job(job).await?;
        answer["id"]
            .as_i64()
            .map(warren_shared::JobId)
            .with_context(|| format!("the answer to a submission has no job id: {answer}"))
    }

    /// Wait until a job is in one of `states`, then return it.
    pub async fn wait_for_job_state(
        &self,
        job_id: i64,
        states: &[&str],
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let states_text = states.join(" or ");
        let result = eventually(
            &format!("job {job_id} to be {states_text}"),
            timeout,
            || async {
                let job = self.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
                let state = job["state"].as_str().unwrap_or_default().to_owned();
                Ok(states.contains(&state.as_str()).then_some(job))
            },
        )
        .await;
        if result.is_err() {
            self.dump_logs();
            // What the job's unfinished tasks are waiting on, for the failure report.
            if let Ok(tasks) = self.tasks(job_id).await {
                for task in tasks.iter().filter(|task| task["state"] != "done") {
                    eprintln!(
                        "job {job_id} task {}: {} attempts={} agent={} error={}",
                        task["id"],
                        task["state"],
                        task["attempts"],
                        task["agent_id"],
                        task["last_error"]
                    );
                }
            }
            if let Ok(agents) = self.get_json("/api/v1/agents").await {
                eprintln!("agents: {}", agents["agents"]);
            }
        }
        result
    }

    /// The first of a job's tasks to be running, once one is (up to two minutes).
    pub async fn running_task(&self, job_id: i64) -> anyhow::Result<Value> {
        eventually("a task to run", Duration::from_secs(120), || async {
            let tasks = self.tasks(job_id).await?;
            Ok(tasks.into_iter().find(|task| task["state"] == "running"))
        })
        .await
    }

    /// A job's tasks.
    pub async fn tasks(&self, job_id: i64) -> anyhow::Result<Vec<Value>> {
        Ok(self
            .get_json(&format!("/api/v1/jobs/{job_id}/tasks"))
            .await?["tasks"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The latest attempt's log of a task, as text.
    pub async fn task_log(&self, job_id: i64, task_id: i64) -> anyhow::Result<String> {
        let response = self
            .http
            .get(format!(
                "{}/api/v1/jobs/{job_id}/tasks/{task_id}/log",
                self.base_url
            ))
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("the log of task {task_id} answered {status}: {text}");
        }
        Ok(text)
    }

    async fn broker(&self) -> anyhow::Result<Connection> {
        Connection::connect(first_url(&self.amqp_url), ConnectionProperties::default())
            .await
            .context("cannot connect to RabbitMQ")
    }

    /// Publish raw bytes to the farm's events exchange with the farm's own broker account and
    /// no user id, as a broken client would.
    pub async fn publish_raw_event(&self, payload: &[u8]) -> anyhow::Result<()> {
        let connection = self.broker().await?;
        let result = publish_event_on(&connection, &self.namespace, payload, None).await;
        connection.close(200, "done".into()).await.ok();
        result
    }

    /// Publish raw bytes to the farm's events exchange as worker `worker_idx` would: connected
    /// with its own broker credentials, with its user as the message's `user_id`.
    pub async fn publish_event_as(&self, worker_idx: usize, payload: &[u8]) -> anyhow::Result<()> {
        let (user, password) = self.worker_credentials(worker_idx)?;
        let connection = self.connect_as(&user, &password).await?;
        let result = publish_event_on(&connection, &self.namespace, payload, Some(&user)).await;
        connection.close(200, "done".into()).await.ok();
        result
    }

    /// The metrics address of worker `worker_idx`, started with `--metrics-listen
    /// 127.0.0.1:0` (it logs the address it bound).
    pub async fn worker_metrics_url(&self, worker_idx: usize) -> anyhow::Result<String> {
        let process = self.workers.get(worker_idx).context("no such worker")?;
        eventually(
            "the worker's metrics address",
            Duration::from_secs(30),
            || async {
                Ok(process.log_tail(500).lines().find_map(|line| {
                    let address = line.split("worker metrics at ").nth(1)?;
                    Some(address.split_whitespace().next()?.to_owned())
                }))
            },
        )
        .await
    }

    /// The samples a metrics address answers.
    pub async fn metrics(
        &self,
        url: &str,
    ) -> anyhow::Result<std::collections::BTreeMap<String, f64>> {
        let response = reqwest::get(url).await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        Ok(metric_samples(&response.text().await?))
    }

    /// Publish through the management API's publish endpoint (as someone at the RabbitMQ
    /// management UI's "Publish message" form would) with the farm's broker account; whether
    /// the broker routed it.
    pub async fn publish_with_management_api(
        &self,
        exchange: &str,
        routing_key: &str,
        payload: &str,
        headers: &Value,
    ) -> anyhow::Result<bool> {
        let (user, password) = url_credentials(first_url(&self.amqp_url));
        let response = reqwest::Client::new()
            .post(format!(
                "{}/api/exchanges/%2f/{}/publish",
                self.rabbitmq_api,
                percent_encoding::utf8_percent_encode(exchange, percent_encoding::NON_ALPHANUMERIC)
            ))
            .basic_auth(&user, Some(&password))
            .json(&json!({
                "properties": {"headers": headers, "delivery_mode": 2},
                "routing_key": routing_key,
                "payload": payload,
                "payload_encoding": "string",
            }))
            .send()
            .await?;
        let status = response.status();
        let answer: Value = response.json().await?;
        anyhow::ensure!(
            status.is_success(),
            "publishing answered {status}: {answer}"
        );
        Ok(answer["routed"] == json!(true))
    }

    /// The names of the connections the broker holds for `user`.
    pub async fn broker_connections_of(&self, user: &str) -> anyhow::Result<Vec<String>> {
        let (admin, password) = url_credentials(first_url(&self.amqp_url));
        let connections: Vec<Value> = reqwest::Client::new()
            .get(format!(
                "{}/api/connections?columns=name,user",
                self.rabbitmq_api
            ))
            .basic_auth(&admin, Some(&password))
            .send()
            .await?
            .json()
            .await?;
        Ok(connections
            .iter()
            .filter(|connection| connection["user"] == json!(user))
            .filter_map(|connection| connection["name"].as_str().map(str::to_owned))
            .collect())
    }

    /// A connection to the farm's broker as `user`.
    pub async fn connect_as(&self, user: &str, password: &str) -> anyhow::Result<Connection> {
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        let first = first_url(&self.amqp_url);
        let rest = first.split_once("://").map_or(first, |(_, rest)| rest);
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        let url = format!("amqp://{}:{}@{host}", encode(user), encode(password));
        Connection::connect(&url, ConnectionProperties::default())
            .await
            .with_context(|| format!("cannot connect to RabbitMQ as {user}"))
    }

    /// Whether the broker has this queue (a passive declare).
    pub async fn broker_has_queue(&self, name: &str) -> anyhow::Result<bool> {
        let connection = self.broker().await?;
        let channel = connection.create_channel().await?;
        let exists = channel
            .queue_declare(
                name.into(),
                lapin::options::QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                lapin::types::FieldTable::default(),
            )
            .await
            .is_ok();
        connection.close(200, "done".into()).await.ok();
        Ok(exists)
    }

    /// Whether the broker has this exchange (a passive declare).
    pub async fn broker_has_exchange(&self, name: &str) -> anyhow::Result<bool> {
        let connection = self.broker().await?;
        let channel = connection.create_channel().await?;
        let exists = channel
            .exchange_declare(
                name.into(),
                lapin::ExchangeKind::Topic,
                lapin::options::ExchangeDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                lapin::types::FieldTable::default(),
            )
            .await
            .is_ok();
        connection.close(200, "done".into()).await.ok();
        Ok(exists)
    }

    /// Take every message from the farm's dead-letter queue: body and `x-warren-error` header.
    pub async fn take_dead_letters(&self) -> anyhow::Result<Vec<(Vec<u8>, Option<String>)>> {
        let connection = self.broker().await?;
        let channel = connection.create_channel().await?;
        let mut messages = Vec::new();
        while let Some(message) = channel
            .basic_get(
                format!("{}.dead", self.namespace).into(),
                BasicGetOptions { no_ack: true },
            )
            .await?
        {
            let reason = message
                .delivery
                .properties
                .headers()
                .as_ref()
                .and_then(|headers| {
                    headers
                        .inner()
                        .get("x-warren-error")
                        .and_then(|value| match value {
                            AMQPValue::LongString(text) => {
                                Some(String::from_utf8_lossy(text.as_bytes()).into_owned())
                            }
                            _ => None,
                        })
                });
            messages.push((message.delivery.data.clone(), reason));
        }
        connection.close(200, "done".into()).await.ok();
        Ok(messages)
    }

    /// Print every process's log tail to stderr (shown by the test runner for failing tests).
    pub fn dump_logs(&self) {
        for process in self.master.iter().chain(&self.workers) {
            eprintln!(
                "----- {} ({}) -----\n{}",
                process.name,
                process.log_path.display(),
                process.log_tail(60)
            );
        }
    }

    /// A standard job body: `argv` over frames `start..=end` in batches.
    #[must_use]
    pub fn command_job(title: &str, argv: &[&str], start: i64, end: i64, batch: i64) -> Value {
        json!({"title": title, "jobtype": "command", "start": start, "end": end, "by": 1, "batch": batch, "data": {"argv": argv}})
    }
}

impl Drop for TestFarm {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.dump_logs();
        }
        for process in self.workers.iter_mut().chain(self.master.iter_mut()) {
            let _ = process.child.start_kill();
        }
        let namespace = self.namespace.clone();
        let amqp_url = first_url(&self.amqp_url).to_owned();
        let rabbitmq_api = self.rabbitmq_api.clone();
        let database = match &self.database {
            TestDatabase::Server {
                kind,
                admin_url,
                name,
                ..
            } => Some((
                admin_url.clone(),
                match kind {
                    DatabaseKind::Postgres => {
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    }
                    _ => format!("DROP DATABASE IF EXISTS {name}"),
                },
            )),
            TestDatabase::Sqlite { .. } => None,
        };
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(connection) =
                    Connection::connect(&amqp_url, ConnectionProperties::default()).await
                {
                    for queue in [
                        format!("{namespace}.master.events"),
                        format!("{namespace}.dead"),
                    ] {
                        if let Ok(channel) = connection.create_channel().await {
                            let _ = channel
                                .queue_delete(queue.into(), QueueDeleteOptions::default())
                                .await;
                        }
                    }
                    for exchange in [
                        format!("{namespace}.events"),
                        format!("{namespace}.control"),
                        format!("{namespace}.dead"),
                        format!("{namespace}.q.root"),
                    ] {
                        if let Ok(channel) = connection.create_channel().await {
                            let _ = channel
                                .exchange_delete(exchange.into(), ExchangeDeleteOptions::default())
                                .await;
                        }
                    }
                    let _ = connection.close(200, "done".into()).await;
                }
                delete_farm_users(&rabbitmq_api, &amqp_url, &namespace).await;
                if let Some((admin_url, drop)) = database
                    && let Ok(admin) = Database::connect(&admin_url).await
                {
                    let _ = admin.execute_unprepared(&drop).await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// The JSON of an event of `kind` with `fields`, as a worker would send it.
#[must_use]
pub fn event_payload(kind: &str, fields: Value) -> Vec<u8> {
    let mut message = json!({"v": 1, "kind": kind});
    if let (Some(message), Some(fields)) = (message.as_object_mut(), fields.as_object()) {
        message.extend(fields.clone());
    }
    serde_json::to_vec(&message).expect("JSON encodes")
}

/// Samples of a Prometheus text document: `name{labels}` → value.
#[must_use]
pub fn metric_samples(text: &str) -> std::collections::BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// Publish `payload` to the events exchange of `namespace` on `connection`, with `user_id`.
async fn publish_event_on(
    connection: &Connection,
    namespace: &str,
    payload: &[u8],
    user_id: Option<&str>,
) -> anyhow::Result<()> {
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut properties = BasicProperties::default().with_delivery_mode(2);
    if let Some(user_id) = user_id {
        properties = properties.with_user_id(user_id.into());
    }
    let confirmation = channel
        .basic_publish(
            format!("{namespace}.events").into(),
            "events".into(),
            BasicPublishOptions {
                mandatory: true,
                ..BasicPublishOptions::default()
            },
            payload,
            properties,
        )
        .await?
        .await?;
    if !confirmation.is_ack() || confirmation.take_message().is_some() {
        bail!("the broker did not accept the raw event");
    }
    Ok(())
}

/// Make the farm master's own broker user, `<namespace>.master`, an administrator (it makes
/// the agents' users); its URL.
async fn provision_master_user(
    rabbitmq_api: &str,
    amqp_url: &str,
    namespace: &str,
) -> anyhow::Result<String> {
    let (admin, admin_password) = url_credentials(first_url(amqp_url));
    let user = format!("{namespace}.master");
    let password = uuid::Uuid::new_v4().simple().to_string();
    let encoded = percent_encoding::utf8_percent_encode(&user, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let client = reqwest::Client::new();
    for (path, body) in [
        (
            format!("users/{encoded}"),
            json!({"password": password, "tags": "administrator"}),
        ),
        (
            format!("permissions/%2f/{encoded}"),
            json!({"configure": ".*", "write": ".*", "read": ".*"}),
        ),
    ] {
        let response = client
            .put(format!("{rabbitmq_api}/api/{path}"))
            .basic_auth(&admin, Some(&admin_password))
            .json(&body)
            .send()
            .await
            .with_context(|| {
                format!("cannot reach RabbitMQ's management API at {rabbitmq_api} (is the rabbitmq_management plugin enabled?)")
            })?;
        anyhow::ensure!(
            response.status().is_success(),
            "RabbitMQ's management API answered {} to PUT {path}",
            response.status()
        );
    }
    // The namespace and `.master` are URL-safe as they are.
    Ok(amqp_url
        .split(',')
        .map(|url| {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("amqp://{user}:{password}@{host}")
        })
        .collect::<Vec<_>>()
        .join(","))
}

/// Delete the farm's users from the broker: its master's and its agents'.
async fn delete_farm_users(rabbitmq_api: &str, amqp_url: &str, namespace: &str) {
    let (user, password) = url_credentials(amqp_url);
    let client = reqwest::Client::new();
    let Ok(response) = client
        .get(format!("{rabbitmq_api}/api/users?columns=name"))
        .basic_auth(&user, Some(&password))
        .send()
        .await
    else {
        return;
    };
    let Ok(users) = response.json::<Vec<Value>>().await else {
        return;
    };
    let prefix = format!("{namespace}.");
    for name in users
        .iter()
        .filter_map(|user| user["name"].as_str())
        .filter(|name| name.starts_with(&prefix))
    {
        let _ = client
            .delete(format!(
                "{rabbitmq_api}/api/users/{}",
                percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
            ))
            .basic_auth(&user, Some(&password))
            .send()
            .await;
    }
}

/// The first of comma-separated URLs.
fn first_url(urls: &str) -> &str {
    urls.split(',').next().unwrap_or(urls).trim()
}

/// The user and password of an AMQP URL (`guest`/`guest` when it has none).
#[must_use]
pub fn url_credentials(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((credentials, _)) => {
            let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(user), decode(password))
        }
        None => ("guest".to_owned(), "guest".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_get_the_test_database_name() {
        assert_eq!(
            database_url_named("postgres://postgres@127.0.0.1:5432/test", "warren_x")
                .expect("valid URL"),
            "postgres://postgres@127.0.0.1:5432/warren_x"
        );
        assert_eq!(
            database_url_named("postgres://u:p@db/test?sslmode=disable", "w").expect("valid URL"),
            "postgres://u:p@db/w?sslmode=disable"
        );
        assert_eq!(
            database_url_named("postgres://db", "w").expect("valid URL"),
            "postgres://db/w"
        );
    }
}

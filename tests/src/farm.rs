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
    /// A broker of the test's own (e.g. a [`crate::PrivateRabbit`]) instead of the shared one.
    pub amqp_url: Option<String>,
    /// A PostgreSQL server of the test's own (e.g. a [`crate::PrivatePostgres`]) to create the
    /// database on, instead of `WARREN_TEST_DATABASE_URL`.
    pub postgres_admin_url: Option<String>,
    /// Require authentication (the master's default); off (`--no-auth`) unless a test turns it
    /// on.
    pub auth: bool,
    /// Extra environment variables for every process of the farm.
    pub env: Vec<(String, String)>,
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
            postgres_admin_url: None,
            auth: false,
            env: Vec::new(),
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
    /// The broker URL.
    pub amqp_url: String,
    /// The master's base URL, e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    /// An HTTP client.
    pub http: reqwest::Client,
    options: FarmOptions,
    dir: tempfile::TempDir,
    database: TestDatabase,
    master: Option<Process>,
    workers: Vec<Process>,
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
        let mut farm = Self {
            namespace,
            amqp_url,
            base_url: String::new(),
            http: reqwest::Client::new(),
            options: options.clone(),
            dir,
            database,
            master: None,
            workers: Vec::new(),
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
            .arg("serve")
            .arg("--listen")
            .arg(listen)
            .arg("--database-url")
            .arg(self.database.url())
            .arg("--lease-timeout-secs")
            .arg(self.options.lease_timeout_secs.to_string())
            .args((!self.options.auth).then_some("--no-auth"))
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
        let mut args = vec!["add", name, "--role", "admin"];
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

    /// Start one more worker with extra flags; returns its index.
    pub async fn start_worker(&mut self, extra_args: &[&str]) -> anyhow::Result<usize> {
        let mut args: Vec<String> = self.options.worker_args.clone();
        args.extend(extra_args.iter().map(|arg| (*arg).to_owned()));
        self.spawn_worker(&args, false)
    }

    /// Start a worker given no broker URL or namespace, which finds the farm by broadcasting to
    /// `discovery_address`; returns its index.
    pub async fn start_discovering_worker(
        &mut self,
        discovery_address: &str,
    ) -> anyhow::Result<usize> {
        let args = [
            "--discovery-address".to_owned(),
            discovery_address.to_owned(),
        ];
        self.spawn_worker(&args, true)
    }

    /// Start `warren-worker run` with the farm's usual flags and `args`; `discover` leaves out
    /// the broker URL and namespace.
    fn spawn_worker(&mut self, args: &[String], discover: bool) -> anyhow::Result<usize> {
        let worker_idx = self.workers.len();
        let (mut command, log_path) =
            self.command(&bin_path("warren-worker")?, &format!("worker-{worker_idx}"))?;
        if discover {
            command
                .env_remove("WARREN_AMQP_URL")
                .env_remove("WARREN_NAMESPACE");
        }
        command
            .arg("run")
            .arg("--dir")
            .arg(self.dir.path().join(format!("worker-{worker_idx}")))
            .arg("--hostname")
            .arg(format!("test-node-{worker_idx}"))
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

    /// Start `warren-worker simulate` with `agents` simulated agents (each offering one CPU and
    /// 4096 MB unless `extra_args` say otherwise) and wait until it runs them; returns its index
    /// among the workers.
    pub async fn start_simulated_agents(
        &mut self,
        agents: usize,
        extra_args: &[&str],
    ) -> anyhow::Result<usize> {
        let worker_idx = self.workers.len();
        let (mut command, log_path) =
            self.command(&bin_path("warren-worker")?, &format!("worker-{worker_idx}"))?;
        command
            .arg("simulate")
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
        Connection::connect(&self.amqp_url, ConnectionProperties::default())
            .await
            .context("cannot connect to RabbitMQ")
    }

    /// Publish raw bytes to the farm's events exchange, as a broken worker would.
    pub async fn publish_raw_event(&self, payload: &[u8]) -> anyhow::Result<()> {
        let connection = self.broker().await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        let confirmation = channel
            .basic_publish(
                format!("{}.events", self.namespace).into(),
                "events".into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                payload,
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?
            .await?;
        if !confirmation.is_ack() || confirmation.take_message().is_some() {
            bail!("the broker did not accept the raw event");
        }
        connection.close(200, "done".into()).await.ok();
        Ok(())
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
        let amqp_url = self.amqp_url.clone();
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

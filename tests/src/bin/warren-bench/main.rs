//! `warren-bench`: Warren's benchmarks. It starts the real stack (the release binaries next to
//! this one, the local RabbitMQ, SQLite or PostgreSQL), measures throughput and dispatch latency,
//! runs the same workload on Celery for comparison, and prints a table and JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::Parser;
use sea_orm::ConnectionTrait as _;
use serde::Serialize;
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm};

mod cpu;

/// Measure Warren.
#[derive(Debug, Parser)]
#[command(name = "warren-bench", about)]
struct Args {
    /// Runs per measurement; figures are medians with the spread.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Tasks in the throughput workload.
    #[arg(long, default_value_t = 20_000)]
    tasks: i64,
    /// Single-task jobs in the latency measurement.
    #[arg(long, default_value_t = 200)]
    latency_jobs: usize,
    /// Measurements to run (comma-separated): throughput, batch10, latency, scale, logs, agents,
    /// scheduling, celery.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "throughput,batch10,latency,scale,logs,agents,scheduling,celery"
    )]
    only: Vec<String>,
    /// Queued jobs in the scheduling-scale measurement, spread over 100 job queues.
    #[arg(long, default_value_t = 10_000)]
    scheduling_jobs: usize,
    /// Tasks per job in the scheduling-scale measurement.
    #[arg(long, default_value_t = 3)]
    scheduling_tasks_per_job: i64,
    /// Simulated agents in the scheduling-scale measurement.
    #[arg(long, default_value_t = 1000)]
    scheduling_agents: usize,
    /// How long each task of the scheduling-scale measurement runs, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    scheduling_task_ms: u64,
    /// Simulated agents in the many-agents measurement (one CPU each); several, comma-separated,
    /// are measured in turn and compared with the first.
    #[arg(long, value_delimiter = ',', default_value = "1000")]
    agents: Vec<usize>,
    /// How long each simulated agent's task runs, in milliseconds.
    #[arg(long, default_value_t = 500)]
    agent_task_ms: u64,
    /// Simulated agents started per second (0: all at once).
    #[arg(long, default_value_t = 500)]
    agent_start_per_sec: u32,
    /// Lines of Blender output each task prints in the log-ingestion measurement (115 bytes
    /// on average, 4 tasks).
    #[arg(long, default_value_t = 250_000)]
    log_lines: usize,
    /// Frames per job in the submission-scale measurement.
    #[arg(long, default_value_t = 100_000)]
    scale_frames: i64,
    /// Jobs of `scale_frames` frames in the database for the listing measurement.
    #[arg(long, default_value_t = 10)]
    scale_jobs: usize,
    /// Databases for Warren's master, comma-separated: `sqlite`, `postgres` (on
    /// `WARREN_TEST_DATABASE_URL`) and `mariadb` (on `WARREN_TEST_MARIADB_URL`). Throughput and
    /// latency run on each; the other measurements on the first.
    #[arg(
        long,
        env = "WARREN_BENCH_DATABASES",
        value_delimiter = ',',
        default_value = "sqlite"
    )]
    database: Vec<String>,
    /// Write the results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Python interpreter used to create Celery's virtualenv.
    #[arg(long, default_value = "python3")]
    python: String,
    /// Where Celery's virtualenv lives (created when missing).
    #[arg(long, default_value = "/var/tmp/warren-bench/celery-venv")]
    venv: PathBuf,
}

/// One figure over several runs.
#[derive(Debug, Clone, Serialize)]
struct Figure {
    name: String,
    unit: String,
    median: f64,
    min: f64,
    max: f64,
    runs: Vec<f64>,
}

impl Figure {
    fn new(name: &str, unit: &str, mut runs: Vec<f64>) -> Self {
        runs.sort_by(f64::total_cmp);
        let median = if runs.is_empty() {
            f64::NAN
        } else {
            runs[runs.len() / 2]
        };
        Self {
            name: name.to_owned(),
            unit: unit.to_owned(),
            median,
            min: runs.first().copied().unwrap_or(f64::NAN),
            max: runs.last().copied().unwrap_or(f64::NAN),
            runs,
        }
    }
}

fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros() as i64)
}

fn parse_micros(value: &Value) -> anyhow::Result<i64> {
    let text = value.as_str().context("a timestamp")?;
    let moment = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)?;
    Ok((moment.unix_timestamp_nanos() / 1000) as i64)
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn farm_options(database: DatabaseKind, workers: usize) -> FarmOptions {
    FarmOptions {
        workers,
        database,
        log_filter: Some("warn".to_owned()),
        heartbeat_secs: 2.0,
        ..FarmOptions::default()
    }
}

/// Submit `frames` frames of `/bin/true` in batches; seconds from submit to the job's end, the
/// number of tasks, and the CPU each kind of process used meanwhile.
async fn throughput_run(
    database: DatabaseKind,
    frames: i64,
    batch: i64,
) -> anyhow::Result<(f64, i64, cpu::Usage)> {
    let farm = TestFarm::spawn(farm_options(database, 2)).await?;
    tokio::time::sleep(BrokerTotals::STATISTICS_LAG).await;
    let broker_at_start = broker_totals(&farm).await?;
    let cpu_at_start = cpu::Snapshot::take()?;
    let submitted_at = now_micros();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "throughput",
            &["/bin/true"],
            1,
            frames,
            batch,
        ))
        .await?;
    let job_id = job["id"].as_i64().context("a job id")?;
    let n_tasks = job["tasks"]["total"].as_i64().context("a task count")?;
    let job = until_ended(&farm, job_id).await?;
    let usage = cpu::Snapshot::take()?.since(&cpu_at_start);
    if job["state"] != "done" {
        bail!("the throughput job ended {}", job["state"]);
    }
    let finished = parse_micros(&job["time_finished"])?;
    report_master_time(&master_samples(&farm).await?);
    eprintln!("  {}", usage.per_task_line(n_tasks as f64));
    tokio::time::sleep(BrokerTotals::STATISTICS_LAG).await;
    let broker = broker_totals(&farm).await?;
    eprintln!(
        "  {}",
        broker.messages_per_task_line(&broker_at_start, n_tasks as f64)
    );
    Ok(((finished - submitted_at) as f64 / 1e6, n_tasks, usage))
}

/// Print where the master's time went in a run: its ingestion batches (events each, time to
/// apply and commit) and its dispatch rounds.
fn report_master_time(samples: &BTreeMap<String, f64>) {
    let value = |name: &str| samples.get(name).copied().unwrap_or(0.0);
    let batches = value("warren_ingest_apply_seconds_count");
    let rounds = value("warren_dispatch_latency_seconds_count");
    eprintln!(
        "  master: {batches:.0} ingestion batches of {:.1} events, {:.2} ms each ({:.2} s in all); \
         {rounds:.0} dispatch rounds of {:.2} ms ({:.2} s in all)",
        value("warren_ingest_batch_events_sum") / batches.max(1.0),
        value("warren_ingest_apply_seconds_sum") * 1000.0 / batches.max(1.0),
        value("warren_ingest_apply_seconds_sum"),
        value("warren_dispatch_latency_seconds_sum") * 1000.0 / rounds.max(1.0),
        value("warren_dispatch_latency_seconds_sum"),
    );
}

/// The job once it has ended, read every 250 ms: the figures come from the database's own
/// timestamps, and reading a job (a dozen queries) every 25 ms, as the tests do, would load the
/// master the run measures.
async fn until_ended(farm: &TestFarm, job_id: i64) -> anyhow::Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        if job["state"] == "done" || job["state"] == "failed" {
            return Ok(job);
        }
        if Instant::now() >= deadline {
            bail!("job {job_id} did not end within 30 minutes: {job}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What the log-ingestion run measured.
struct LogsResult {
    /// MB of log text stored per second, submit to the job's end.
    rate: f64,
    /// From the last task's process end to its last lines stored, ms.
    delay_ms: f64,
    /// The master's peak RSS, MB.
    peak_rss_mb: f64,
    /// Bytes the database holds per MB of log text.
    stored_per_mb: f64,
}

/// Four tasks printing `lines` lines of Blender's own render output (`bench/blender-render.log`,
/// over and over) as fast as they can, on two workers: MB of log text stored per second
/// (submit to the job's end), how long after the last task's process ended its last lines were
/// stored, the master's peak memory, and the bytes stored per MB of text.
async fn logs_run(database: DatabaseKind, lines: usize) -> anyhow::Result<LogsResult> {
    const TASKS: i64 = 4;
    let replay =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/blender-render.log");
    let source = std::fs::read_to_string(&replay)
        .with_context(|| format!("cannot read {}", replay.display()))?;
    let task_bytes: usize = source
        .lines()
        .cycle()
        .take(lines)
        .map(|line| line.len() + 1)
        .sum();
    let mut farm = TestFarm::spawn(farm_options(database, 2)).await?;
    let fakerender = warren_tests::bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let submitted_at = now_micros();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "log ingestion",
            &[
                &fakerender,
                "--replay",
                &replay.to_string_lossy(),
                "--lines",
                &lines.to_string(),
            ],
            1,
            TASKS,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().context("a job id")?;
    let job = until_ended(&farm, job_id).await?;
    if job["state"] != "done" {
        bail!("the log job ended {}", job["state"]);
    }
    let finished = parse_micros(&job["time_finished"])?;
    let mut last_process_end = 0;
    let mut stored_bytes = 0;
    for task in farm.tasks(job_id).await? {
        last_process_end = last_process_end.max(parse_micros(&task["time_finished"])?);
        let task_id = task["id"].as_i64().context("a task id")?;
        let logs = farm
            .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/logs"))
            .await?;
        for log in logs["logs"].as_array().into_iter().flatten() {
            stored_bytes += log["stored_bytes"].as_i64().context("stored bytes")?;
        }
    }
    let seconds = (finished - submitted_at) as f64 / 1e6;
    let megabytes = (TASKS as usize * task_bytes) as f64 / 1e6;
    // The master's peak resident memory, to show ingestion keeps it bounded.
    let master_pid = farm.master()?.pid().context("the master's pid")?;
    Ok(LogsResult {
        rate: megabytes / seconds,
        delay_ms: (finished - last_process_end) as f64 / 1e3,
        peak_rss_mb: peak_rss_mb(master_pid)?,
        stored_per_mb: stored_bytes as f64 / megabytes,
    })
}

/// A process's peak resident memory (VmHWM) in MB.
fn peak_rss_mb(pid: u32) -> anyhow::Result<f64> {
    let peak_kb: f64 = std::fs::read_to_string(format!("/proc/{pid}/status"))?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .with_context(|| format!("no VmHWM for process {pid}"))?;
    Ok(peak_kb / 1024.0)
}

/// What the many-agents run measured.
struct AgentsResult {
    tasks_per_s: f64,
    master_peak_rss_mb: f64,
    master_cpu_percent: f64,
    simulator_cpu_percent: f64,
    online_at_end: usize,
    register_s: f64,
    /// Master CPU per heartbeat while idle, microseconds.
    heartbeat_us: f64,
    /// Master CPU while idle with every agent online, percent of a core.
    idle_cpu_percent: f64,
    broker_memory_mb: f64,
    broker_memory_added_mb: f64,
    broker_connections: f64,
    broker_channels: f64,
}

/// Seconds of the simulated agents' heartbeats, as real workers send them.
const AGENT_HEARTBEAT_SECS: f64 = 10.0;

/// `agents` simulated agents (one CPU each, 10 s heartbeats as real workers send) on one
/// master: how fast they register, what their heartbeats cost the master while the farm is
/// idle, RabbitMQ's memory and connections with them, the dispatch rate over `tasks` tasks of
/// `task_ms`, the master's peak RSS and CPU, and how many agents are still online at the end.
async fn agents_run(
    database: DatabaseKind,
    agents: usize,
    tasks: i64,
    task_ms: u64,
    start_per_sec: u32,
) -> anyhow::Result<AgentsResult> {
    // A RabbitMQ node of its own, so its memory and connections are the farm's alone.
    let rabbit = warren_tests::PrivateRabbit::start().await?;
    let mut farm = TestFarm::spawn(FarmOptions {
        heartbeat_secs: AGENT_HEARTBEAT_SECS,
        lease_timeout_secs: 60,
        insecure_shared_credentials: true,
        amqp_url: Some(rabbit.amqp_url.clone()),
        rabbitmq_api: Some(rabbit.management_url.clone()),
        ..farm_options(database, 0)
    })
    .await?;
    let broker_before = broker_totals(&farm).await?;
    // Debian's node runs as the rabbitmq user with PAM's limit of open files, 1,024 unless
    // raised (`scripts/lib.sh` does); with fewer files than agents the node stalls for want of
    // them and the run measures that instead.
    if broker_before.file_limit < (agents as f64) * 1.2 {
        bail!(
            "RabbitMQ may open {} files, too few for {agents} agents: raise the rabbitmq user's \
             nofile limit (scripts/lib.sh writes /etc/security/limits.d/rabbitmq.conf)",
            broker_before.file_limit
        );
    }
    let started = Instant::now();
    let simulator = farm
        .start_simulated_agents(
            agents,
            &[
                "--task-ms",
                &task_ms.to_string(),
                "--start-per-sec",
                &start_per_sec.to_string(),
            ],
        )
        .await?;
    warren_tests::eventually(
        &format!("{agents} online agents"),
        Duration::from_secs(300),
        || async { Ok((online_agents(&farm).await? >= agents).then_some(())) },
    )
    .await?;
    let register_s = started.elapsed().as_secs_f64();
    let master_pid = farm.master()?.pid().context("the master's pid")?;
    let simulator_pid = farm
        .worker(simulator)?
        .pid()
        .context("the simulator's pid")?;
    // Two heartbeat rounds of an idle farm: what keeping the agents alive costs the master.
    let idle = Duration::from_secs_f64(2.0 * AGENT_HEARTBEAT_SECS);
    let idle_cpu = cpu::process_seconds(master_pid)?;
    tokio::time::sleep(idle).await;
    let idle_cpu = cpu::process_seconds(master_pid)? - idle_cpu;
    let heartbeats = agents as f64 * idle.as_secs_f64() / AGENT_HEARTBEAT_SECS;
    let broker = broker_totals(&farm).await?;
    let (master_cpu, simulator_cpu) = (
        cpu::process_seconds(master_pid)?,
        cpu::process_seconds(simulator_pid)?,
    );
    let submitted_at = now_micros();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "many agents",
            &["/bin/true"],
            1,
            tasks,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().context("a job id")?;
    let job = until_ended(&farm, job_id).await?;
    if job["state"] != "done" {
        bail!("the many-agents job ended {}", job["state"]);
    }
    let seconds = (parse_micros(&job["time_finished"])? - submitted_at) as f64 / 1e6;
    let master_cpu = cpu::process_seconds(master_pid)? - master_cpu;
    let simulator_cpu = cpu::process_seconds(simulator_pid)? - simulator_cpu;
    Ok(AgentsResult {
        tasks_per_s: tasks as f64 / seconds,
        master_peak_rss_mb: peak_rss_mb(master_pid)?,
        master_cpu_percent: master_cpu / seconds * 100.0,
        simulator_cpu_percent: simulator_cpu / seconds * 100.0,
        online_at_end: online_agents(&farm).await?,
        register_s,
        heartbeat_us: idle_cpu / heartbeats * 1e6,
        idle_cpu_percent: idle_cpu / idle.as_secs_f64() * 100.0,
        broker_memory_mb: broker.memory_mb,
        broker_memory_added_mb: broker.memory_mb - broker_before.memory_mb,
        broker_connections: broker.connections - broker_before.connections,
        broker_channels: broker.channels - broker_before.channels,
    })
}

/// What RabbitMQ holds, from its management API.
struct BrokerTotals {
    memory_mb: f64,
    /// Files the node may open (the least of its nodes).
    file_limit: f64,
    connections: f64,
    channels: f64,
    /// Messages the node has taken from publishers, handed to consumers, had acknowledged by
    /// consumers, and confirmed to publishers, since it started (as of its last statistics
    /// round, every 5 s by default).
    messages: [f64; 4],
}

impl BrokerTotals {
    /// The management API's statistics lag by up to this long.
    const STATISTICS_LAG: Duration = Duration::from_secs(6);

    /// Messages published, delivered, acknowledged and confirmed per task between `earlier` and
    /// now, as one line.
    fn messages_per_task_line(&self, earlier: &Self, tasks: f64) -> String {
        let per_task = |idx: usize| (self.messages[idx] - earlier.messages[idx]) / tasks;
        format!(
            "RabbitMQ messages per task: {:.2} published, {:.2} delivered, {:.2} acknowledged, {:.2} confirmed",
            per_task(0),
            per_task(1),
            per_task(2),
            per_task(3)
        )
    }
}

async fn broker_totals(farm: &TestFarm) -> anyhow::Result<BrokerTotals> {
    let (user, password) =
        warren_tests::url_credentials(farm.amqp_url.split(',').next().unwrap_or_default());
    let get = |path: &str| {
        reqwest::Client::new()
            .get(format!("{}{path}", farm.rabbitmq_api))
            .basic_auth(&user, Some(&password))
            .send()
    };
    let overview: Value = get("/api/overview")
        .await?
        .error_for_status()?
        .json()
        .await?;
    let nodes: Value = get("/api/nodes").await?.error_for_status()?.json().await?;
    let nodes = nodes.as_array().context("a node list")?;
    let memory: f64 = nodes
        .iter()
        .filter_map(|node| node["mem_used"].as_f64())
        .sum();
    let file_limit = nodes
        .iter()
        .filter_map(|node| node["fd_total"].as_f64())
        .fold(f64::INFINITY, f64::min);
    Ok(BrokerTotals {
        memory_mb: memory / 1e6,
        file_limit,
        connections: overview["object_totals"]["connections"]
            .as_f64()
            .context("a connection count")?,
        channels: overview["object_totals"]["channels"]
            .as_f64()
            .context("a channel count")?,
        messages: ["publish", "deliver_get", "ack", "confirm"]
            .map(|name| overview["message_stats"][name].as_f64().unwrap_or(0.0)),
    })
}

/// What the scheduling-scale run measured.
struct SchedulingResult {
    /// Seconds to submit every job.
    submit_s: f64,
    /// Tasks run.
    tasks: usize,
    /// Seconds from the agents' start to the last task's end.
    run_s: f64,
    /// Dispatch rounds that published.
    rounds: f64,
    round_p50_ms: f64,
    round_p99_ms: f64,
    /// Tasks started while every leaf queue still had tasks waiting.
    window_tasks: usize,
    /// The worst top-level queue's distance from its share of those tasks, percent of the share.
    top_worst_pct: f64,
    /// The same for leaf queues.
    leaf_worst_pct: f64,
    /// The leaves' mean distance.
    leaf_mean_pct: f64,
}

/// Weights of the ten top-level queues and of the nine leaves under each.
const TOP_WEIGHTS: [i32; 10] = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
const LEAF_WEIGHTS: [i32; 9] = [1, 2, 1, 2, 1, 2, 1, 2, 1];

/// Scheduling at scale: 100 job queues in a tree (ten top-level queues of nine leaves, weights
/// 1 and 2 at each level), `scheduling_jobs` jobs queued in the leaves in proportion to their
/// shares (so every leaf keeps work until the end), then `scheduling_agents` simulated agents.
/// Measures the dispatch rounds (from the master's histogram) and how close each queue's
/// share of the tasks started while every leaf still waited comes to its weights.
async fn scheduling_run(database: DatabaseKind, args: &Args) -> anyhow::Result<SchedulingResult> {
    let mut farm = TestFarm::spawn(FarmOptions {
        heartbeat_secs: AGENT_HEARTBEAT_SECS,
        lease_timeout_secs: 60,
        insecure_shared_credentials: true,
        ..farm_options(database, 0)
    })
    .await?;
    let top_sum: i32 = TOP_WEIGHTS.iter().sum();
    let leaf_sum: i32 = LEAF_WEIGHTS.iter().sum();
    // (name, its top-level queue's index, share of the farm)
    let mut leaves: Vec<(String, usize, f64)> = Vec::new();
    for (top_idx, top_weight) in TOP_WEIGHTS.iter().enumerate() {
        let top = format!("top{top_idx}");
        create_queue(&farm, &top, "root", *top_weight).await?;
        for (leaf_idx, leaf_weight) in LEAF_WEIGHTS.iter().enumerate() {
            let leaf = format!("top{top_idx}-leaf{leaf_idx}");
            create_queue(&farm, &leaf, &top, *leaf_weight).await?;
            let share = f64::from(*top_weight) / f64::from(top_sum) * f64::from(*leaf_weight)
                / f64::from(leaf_sum);
            leaves.push((leaf, top_idx, share));
        }
    }
    let mut bodies = Vec::with_capacity(args.scheduling_jobs);
    for (leaf, _, share) in &leaves {
        let jobs = ((share * args.scheduling_jobs as f64).round() as usize).max(1);
        for job_idx in 0..jobs {
            let mut job = TestFarm::command_job(
                &format!("{leaf} {job_idx}"),
                &["/bin/true"],
                1,
                args.scheduling_tasks_per_job,
                1,
            );
            job["queue"] = json!(leaf);
            bodies.push(job);
        }
    }
    // Submitted by eight clients at once; nothing is dispatched yet, no agent is online.
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    let chunk = bodies.len().div_ceil(8);
    for part in bodies.chunks(chunk) {
        let (http, url, part) = (
            farm.http.clone(),
            format!("{}/api/v1/jobs", farm.base_url),
            part.to_vec(),
        );
        clients.spawn(async move {
            for body in part {
                let answer = http.post(&url).json(&body).send().await?;
                if answer.status() != reqwest::StatusCode::CREATED {
                    bail!("submitting answered {}", answer.status());
                }
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(result) = clients.join_next().await {
        result??;
    }
    let submit_s = started.elapsed().as_secs_f64();
    let total_tasks = bodies.len() * args.scheduling_tasks_per_job as usize;
    let before = master_samples(&farm).await?;
    let started = Instant::now();
    // Each agent consumes every leaf's class queue (90 of them) on one channel: they all need
    // the same resources.
    farm.start_simulated_agents(
        args.scheduling_agents,
        &[
            "--task-ms",
            &args.scheduling_task_ms.to_string(),
            "--start-per-sec",
            "200",
        ],
    )
    .await?;
    warren_tests::eventually(
        &format!("{total_tasks} tasks done"),
        Duration::from_secs(3600),
        || async {
            let samples = master_samples(&farm).await?;
            let done: f64 = samples
                .iter()
                .filter(|(series, _)| {
                    series.starts_with("warren_tasks{") && series.contains("state=\"done\"")
                })
                .map(|(_, value)| value)
                .sum();
            Ok((done as usize >= total_tasks).then_some(()))
        },
    )
    .await?;
    let run_s = started.elapsed().as_secs_f64();
    let after = master_samples(&farm).await?;
    let (rounds, round_p50_ms, round_p99_ms) =
        histogram_percentiles(&before, &after, "warren_dispatch_latency_seconds")?;

    // Each task's queue and start, from the database.
    let db = sea_orm::Database::connect(farm.database_url()).await?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT q.name AS queue, t.time_started AS started FROM tasks t \
             JOIN jobs j ON j.id = t.job_id JOIN job_queues q ON q.id = j.queue_id \
             WHERE t.time_started IS NOT NULL ORDER BY t.time_started",
        ))
        .await?;
    let mut starts: Vec<(String, i64)> = Vec::with_capacity(rows.len());
    for row in rows {
        starts.push((row.try_get("", "queue")?, row.try_get("", "started")?));
    }
    // The window: until the first leaf started its last task.
    let mut last_start: BTreeMap<&str, i64> = BTreeMap::new();
    for (queue, started) in &starts {
        last_start.insert(queue, *started);
    }
    let window_end = last_start
        .values()
        .copied()
        .min()
        .context("no task started")?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (queue, started) in &starts {
        if *started < window_end {
            *counts.entry(queue).or_default() += 1;
        }
    }
    let window_tasks: usize = counts.values().sum();
    let mut top_counts = [0usize; TOP_WEIGHTS.len()];
    let mut leaf_devs = Vec::new();
    for (leaf, top_idx, share) in &leaves {
        let count = counts.get(leaf.as_str()).copied().unwrap_or(0);
        top_counts[*top_idx] += count;
        leaf_devs.push(off_share(count, window_tasks, *share));
    }
    let top_worst_pct = top_counts
        .iter()
        .zip(TOP_WEIGHTS)
        .map(|(count, weight)| {
            off_share(*count, window_tasks, f64::from(weight) / f64::from(top_sum))
        })
        .fold(0.0, f64::max);
    Ok(SchedulingResult {
        submit_s,
        tasks: starts.len(),
        run_s,
        rounds,
        round_p50_ms,
        round_p99_ms,
        window_tasks,
        top_worst_pct,
        leaf_worst_pct: leaf_devs.iter().copied().fold(0.0, f64::max),
        leaf_mean_pct: leaf_devs.iter().sum::<f64>() / leaf_devs.len() as f64,
    })
}

/// How far `count` of `total` is from `share`, in percent of the share.
fn off_share(count: usize, total: usize, share: f64) -> f64 {
    ((count as f64 / total as f64) / share - 1.0).abs() * 100.0
}

async fn create_queue(
    farm: &TestFarm,
    name: &str,
    parent: &str,
    weight: i32,
) -> anyhow::Result<()> {
    let (status, body) = farm
        .send_json(
            reqwest::Method::POST,
            "/api/v1/jobqueues",
            Some(&json!({"name": name, "parent": parent, "weight": weight})),
        )
        .await?;
    if !status.is_success() {
        bail!("creating queue {name} answered {status}: {body}");
    }
    Ok(())
}

async fn master_samples(farm: &TestFarm) -> anyhow::Result<BTreeMap<String, f64>> {
    let text = farm
        .http
        .get(format!("{}/metrics", farm.base_url))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    Ok(warren_tests::metric_samples(&text))
}

/// The count, p50 and p99 (ms) of a histogram's observations between two scrapes, read from
/// its cumulative buckets with linear interpolation inside a bucket.
fn histogram_percentiles(
    before: &BTreeMap<String, f64>,
    after: &BTreeMap<String, f64>,
    name: &str,
) -> anyhow::Result<(f64, f64, f64)> {
    let prefix = format!("{name}_bucket{{le=\"");
    let mut buckets: Vec<(f64, f64)> = after
        .iter()
        .filter_map(|(series, count)| {
            let bound = series.strip_prefix(&prefix)?.strip_suffix("\"}")?;
            let bound = if bound == "+Inf" {
                f64::INFINITY
            } else {
                bound.parse().ok()?
            };
            Some((bound, count - before.get(series).copied().unwrap_or(0.0)))
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets
        .last()
        .map(|(_, count)| *count)
        .context("no buckets")?;
    let quantile = |fraction: f64| {
        let rank = total * fraction;
        let mut lower = (0.0, 0.0);
        for &(bound, count) in &buckets {
            if count >= rank {
                if bound.is_infinite() {
                    return lower.0 * 1000.0;
                }
                let inside = (rank - lower.1) / (count - lower.1).max(f64::EPSILON);
                return (lower.0 + (bound - lower.0) * inside) * 1000.0;
            }
            lower = (bound, count);
        }
        f64::NAN
    };
    Ok((total, quantile(0.5), quantile(0.99)))
}

/// Online agents (idle or running tasks), from the master's metrics: a list of 10,000 agents
/// polled while they register would load the master more than the agents do.
async fn online_agents(farm: &TestFarm) -> anyhow::Result<usize> {
    let samples = master_samples(farm).await?;
    let count = ["online", "running"]
        .iter()
        .filter_map(|state| samples.get(&format!("warren_agents{{state=\"{state}\"}}")))
        .sum::<f64>();
    Ok(count as usize)
}

/// Submit single-task jobs one at a time on an idle farm; submit → process start, in ms.
/// How long the latency driver waits after a submission before it first reads the job.
const LATENCY_FIRST_LOOK_MS: u64 = 30;

/// One latency run: each job's submit → process started, and the part of it before the claim
/// (submit → the dispatcher's `time_dispatched`), ms.
struct LatencyRun {
    total: Vec<f64>,
    to_claim: Vec<f64>,
}

async fn latency_run(database: DatabaseKind, jobs: usize) -> anyhow::Result<LatencyRun> {
    let farm = TestFarm::spawn(farm_options(database, 2)).await?;
    let mut latencies = Vec::with_capacity(jobs);
    let mut to_claim = Vec::with_capacity(jobs);
    for job_idx in 0..jobs + 10 {
        let submitted_at = now_micros();
        let job = farm
            .submit_job(&TestFarm::command_job("latency", &["/bin/true"], 1, 1, 1))
            .await?;
        let job_id = job["id"].as_i64().context("a job id")?;
        // The first look comes after the task has usually started, so that the driver's own
        // reads do not compete with the dispatch it measures (a `GET` of a job is a dozen
        // queries on the master's one thread).
        tokio::time::sleep(Duration::from_millis(LATENCY_FIRST_LOOK_MS)).await;
        farm.wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
            .await?;
        let tasks = farm.tasks(job_id).await?;
        let started = parse_micros(&tasks[0]["time_started"])?;
        let dispatched = parse_micros(&tasks[0]["time_dispatched"])?;
        if job_idx >= 10 {
            latencies.push((started - submitted_at) as f64 / 1000.0);
            to_claim.push((dispatched - submitted_at) as f64 / 1000.0);
        }
    }
    Ok(LatencyRun {
        total: latencies,
        to_claim,
    })
}

/// Submission scale: how long the API takes to accept big jobs (their tasks exist when it
/// answers), then list/filter page latencies over the resulting database.
struct ScaleResult {
    accept_ms: Vec<f64>,
    page_ms: BTreeMap<&'static str, Vec<f64>>,
}

fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

async fn scale_run(
    database: DatabaseKind,
    frames: i64,
    jobs: usize,
) -> anyhow::Result<ScaleResult> {
    let farm = TestFarm::spawn(farm_options(database, 0)).await?;
    let mut accept_ms = Vec::new();
    let mut job_ids = Vec::new();
    for job_idx in 0..jobs {
        let started = Instant::now();
        let job = farm
            .submit_job(&TestFarm::command_job(
                &format!("scale {job_idx}"),
                &["/bin/true"],
                1,
                frames,
                1,
            ))
            .await?;
        accept_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        if job["tasks"]["total"].as_i64() != Some(frames) {
            bail!(
                "the job answered with {} tasks, not {frames}",
                job["tasks"]["total"]
            );
        }
        job_ids.push(job["id"].as_i64().context("a job id")?);
    }
    let mut random = 0x9e37_79b9_7f4a_7c15_u64;
    let mut page_ms: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    for request_idx in 0..1000 {
        let job_id = job_ids[(next_random(&mut random) % job_ids.len() as u64) as usize];
        let cursor = next_random(&mut random) % (frames as u64);
        let (kind, path) = match request_idx % 5 {
            0 => ("jobs page", "/api/v1/jobs?limit=50".to_owned()),
            1 => (
                "jobs filtered by state",
                "/api/v1/jobs?state=queued,running&limit=50".to_owned(),
            ),
            2 => (
                "tasks page at a random cursor",
                format!("/api/v1/jobs/{job_id}/tasks?limit=100&cursor={cursor}"),
            ),
            3 => (
                "tasks filtered by state",
                format!("/api/v1/jobs/{job_id}/tasks?state=queued&limit=100&cursor={cursor}"),
            ),
            _ => ("one job", format!("/api/v1/jobs/{job_id}")),
        };
        let started = Instant::now();
        farm.get_json(&path).await?;
        page_ms
            .entry(kind)
            .or_default()
            .push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(ScaleResult { accept_ms, page_ms })
}

async fn ensure_celery(args: &Args) -> anyhow::Result<PathBuf> {
    let python = args.venv.join("bin/python");
    let ready = tokio::process::Command::new(&python)
        .args(["-c", "import celery, sqlalchemy, redis"])
        .stderr(Stdio::null())
        .status()
        .await;
    if ready.is_ok_and(|status| status.success()) {
        return Ok(python);
    }
    eprintln!("creating Celery's virtualenv in {}", args.venv.display());
    let status = tokio::process::Command::new(&args.python)
        .arg("-m")
        .arg("venv")
        .arg(&args.venv)
        .status()
        .await?;
    if !status.success() {
        bail!("cannot create a virtualenv with {}", args.python);
    }
    let status = tokio::process::Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "celery[redis]>=5.4,<6",
            "sqlalchemy>=2",
        ])
        .status()
        .await?;
    if !status.success() {
        bail!("cannot install Celery from PyPI");
    }
    Ok(python)
}

/// Run the Celery side of the comparison; returns its JSON report and, for a throughput run, the
/// CPU each kind of process used over its measured window.
async fn celery_run(
    python: &PathBuf,
    mode: &str,
    config: &str,
    tasks: i64,
) -> anyhow::Result<(Value, Option<cpu::Usage>)> {
    use tokio::io::AsyncBufReadExt as _;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/celery_bench.py");
    let mut child = tokio::process::Command::new(python)
        .arg(&script)
        .args([
            "--mode",
            mode,
            "--config",
            config,
            "--tasks",
            &tasks.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run {}", script.display()))?;
    let stdout = child.stdout.take().context("the script's output")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    // The script prints a line as its measured window starts and its report as it ends, before
    // it stops its workers: every process's CPU time is read at both.
    let (mut start, mut usage, mut report) = (None, None, None);
    while let Some(line) = lines.next_line().await? {
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if value["phase"] == "measuring" {
            start = Some(cpu::Snapshot::take()?);
        } else {
            if let Some(start) = &start {
                usage = Some(cpu::Snapshot::take()?.since(start));
            }
            report = Some(value);
        }
    }
    if !child.wait().await?.success() {
        bail!("the Celery benchmark failed ({mode}, {config})");
    }
    Ok((
        report.context("the Celery benchmark printed no report")?,
        usage,
    ))
}

/// A throughput setup's CPU per task over its runs: in all, and RabbitMQ's share of it.
fn cpu_figures(setup: &str, usages: &[(cpu::Usage, f64)]) -> Vec<Figure> {
    if usages.is_empty() {
        return Vec::new();
    }
    vec![
        Figure::new(
            &format!("CPU per task, whole machine ({setup})"),
            "ms",
            usages
                .iter()
                .map(|(usage, tasks)| usage.machine * 1000.0 / tasks)
                .collect(),
        ),
        Figure::new(
            &format!("CPU per task, RabbitMQ ({setup})"),
            "ms",
            usages
                .iter()
                .map(|(usage, tasks)| usage.per_task("RabbitMQ", *tasks))
                .collect(),
        ),
    ]
}

fn print_table(figures: &[Figure]) {
    println!(
        "{:<58} {:>12} {:>12} {:>12}  unit",
        "measurement", "median", "min", "max"
    );
    for figure in figures {
        println!(
            "{:<58} {:>12.2} {:>12.2} {:>12.2}  {}",
            figure.name, figure.median, figure.min, figure.max, figure.unit
        );
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let databases = args
        .database
        .iter()
        .map(|name| {
            Ok(match name.as_str() {
                "sqlite" => (DatabaseKind::Sqlite, "SQLite"),
                "postgres" => (DatabaseKind::Postgres, "PostgreSQL"),
                "mariadb" => (DatabaseKind::MariaDb, "MariaDB"),
                other => bail!("unknown database `{other}`: use sqlite, postgres or mariadb"),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (database, _) = *databases.first().context("name a database")?;
    let wants = |name: &str| args.only.iter().any(|item| item == name);
    let mut figures: Vec<Figure> = Vec::new();
    let mut ratios: BTreeMap<String, f64> = BTreeMap::new();

    if wants("throughput") {
        for (kind, label) in &databases {
            let mut rates = Vec::new();
            let mut usages = Vec::new();
            for run in 0..args.runs {
                let (seconds, n_tasks, usage) = throughput_run(*kind, args.tasks, 1).await?;
                eprintln!(
                    "throughput run {} ({label}): {n_tasks} tasks in {seconds:.2} s",
                    run + 1
                );
                rates.push(n_tasks as f64 / seconds);
                usages.push((usage, n_tasks as f64));
            }
            figures.push(Figure::new(
                &format!(
                    "warren throughput ({label}), {} x /bin/true, 2 workers",
                    args.tasks
                ),
                "tasks/s",
                rates,
            ));
            figures.extend(cpu_figures(&format!("warren, {label}"), &usages));
        }
    }
    if wants("batch10") {
        let mut rates = Vec::new();
        for run in 0..args.runs {
            let (seconds, n_tasks, _) = throughput_run(database, args.tasks, 10).await?;
            eprintln!(
                "batch-10 run {}: {} frames in {n_tasks} tasks in {seconds:.2} s",
                run + 1,
                args.tasks
            );
            rates.push(args.tasks as f64 / seconds);
        }
        figures.push(Figure::new(
            &format!("warren throughput, {} frames in batches of 10", args.tasks),
            "frames/s",
            rates,
        ));
    }
    if wants("latency") {
        for (kind, label) in &databases {
            let (mut p50s, mut p99s, mut maxes) = (Vec::new(), Vec::new(), Vec::new());
            for run in 0..args.runs {
                let LatencyRun {
                    total: mut latencies,
                    mut to_claim,
                } = latency_run(*kind, args.latency_jobs).await?;
                latencies.sort_by(f64::total_cmp);
                to_claim.sort_by(f64::total_cmp);
                eprintln!(
                    "latency run {} ({label}): p50 {:.2} ms, p99 {:.2} ms (p50 of submit -> claimed {:.2} ms)",
                    run + 1,
                    percentile(&latencies, 0.5),
                    percentile(&latencies, 0.99),
                    percentile(&to_claim, 0.5)
                );
                p50s.push(percentile(&latencies, 0.5));
                p99s.push(percentile(&latencies, 0.99));
                maxes.push(latencies.last().copied().unwrap_or(f64::NAN));
            }
            figures.push(Figure::new(
                &format!("warren dispatch latency p50 ({label}; HTTP submit -> process started)"),
                "ms",
                p50s,
            ));
            figures.push(Figure::new(
                &format!("warren dispatch latency p99 ({label})"),
                "ms",
                p99s,
            ));
            figures.push(Figure::new(
                &format!("warren dispatch latency max ({label})"),
                "ms",
                maxes,
            ));
        }
    }
    if wants("logs") {
        let (mut rates, mut delays, mut peaks, mut stored) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for run in 0..args.runs {
            let result = logs_run(database, args.log_lines).await?;
            eprintln!(
                "logs run {}: {:.1} MB/s stored, last lines stored {:.0} ms after the process ended, master peak RSS {:.0} MB, {:.0} bytes stored per MB",
                run + 1,
                result.rate,
                result.delay_ms,
                result.peak_rss_mb,
                result.stored_per_mb
            );
            rates.push(result.rate);
            delays.push(result.delay_ms);
            peaks.push(result.peak_rss_mb);
            stored.push(result.stored_per_mb / 1e4);
        }
        figures.push(Figure::new(
            &format!(
                "warren log ingestion, 4 tasks x {} lines of Blender output",
                args.log_lines
            ),
            "MB/s",
            rates,
        ));
        figures.push(Figure::new(
            "warren log delay: last process end -> its last lines stored",
            "ms",
            delays,
        ));
        figures.push(Figure::new(
            "warren master peak RSS during log ingestion",
            "MB",
            peaks,
        ));
        figures.push(Figure::new(
            "warren log bytes stored per byte of Blender output",
            "%",
            stored,
        ));
    }
    if wants("agents") {
        let mut first_rate: Option<(usize, f64)> = None;
        for &agents in &args.agents {
            let mut results = Vec::new();
            for run in 0..args.runs {
                let result = agents_run(
                    database,
                    agents,
                    args.tasks,
                    args.agent_task_ms,
                    args.agent_start_per_sec,
                )
                .await?;
                eprintln!(
                    "agents run {}: {agents} agents online in {:.1} s, {:.1} tasks/s, master peak RSS {:.0} MB, master CPU {:.0}% (idle {:.1}%, {:.0} us per heartbeat), simulator CPU {:.0}%, RabbitMQ {:.0} MB (+{:.0}), {} connections, {} channels, {} online at the end",
                    run + 1,
                    result.register_s,
                    result.tasks_per_s,
                    result.master_peak_rss_mb,
                    result.master_cpu_percent,
                    result.idle_cpu_percent,
                    result.heartbeat_us,
                    result.simulator_cpu_percent,
                    result.broker_memory_mb,
                    result.broker_memory_added_mb,
                    result.broker_connections,
                    result.broker_channels,
                    result.online_at_end
                );
                if result.online_at_end < agents {
                    bail!(
                        "only {} of {agents} simulated agents were online at the end",
                        result.online_at_end
                    );
                }
                results.push(result);
            }
            let series = |pick: fn(&AgentsResult) -> f64| results.iter().map(pick).collect();
            let rate = Figure::new(
                &format!(
                    "{agents} simulated agents (shared broker user; signatures checked): {} tasks of {} ms",
                    args.tasks, args.agent_task_ms
                ),
                "tasks/s",
                series(|result| result.tasks_per_s),
            );
            match first_rate {
                None => first_rate = Some((agents, rate.median)),
                Some((first_agents, first)) => {
                    ratios.insert(
                        format!("{agents} / {first_agents} simulated agents: throughput"),
                        rate.median / first,
                    );
                }
            }
            figures.push(rate);
            for (name, unit, pick) in [
                (
                    "all online after start",
                    "s",
                    (|result: &AgentsResult| result.register_s) as fn(&AgentsResult) -> f64,
                ),
                ("master peak RSS", "MB", |result| result.master_peak_rss_mb),
                ("master CPU during the run", "%", |result| {
                    result.master_cpu_percent
                }),
                ("master CPU while idle (heartbeats)", "%", |result| {
                    result.idle_cpu_percent
                }),
                ("master CPU per heartbeat", "us", |result| {
                    result.heartbeat_us
                }),
                ("simulator CPU (same host)", "%", |result| {
                    result.simulator_cpu_percent
                }),
                ("RabbitMQ memory (all nodes)", "MB", |result| {
                    result.broker_memory_mb
                }),
                ("RabbitMQ memory added by the farm", "MB", |result| {
                    result.broker_memory_added_mb
                }),
                ("RabbitMQ connections of the farm", "", |result| {
                    result.broker_connections
                }),
                ("RabbitMQ channels of the farm", "", |result| {
                    result.broker_channels
                }),
            ] {
                figures.push(Figure::new(
                    &format!("{agents} simulated agents: {name}"),
                    unit,
                    series(pick),
                ));
            }
        }
        eprintln!(
            "simulated agents share one broker user and connection pools (--insecure-shared-broker-credentials): enrollment and per-agent broker permissions are skipped; signatures are checked"
        );
    }
    if wants("scheduling") {
        let mut results = Vec::new();
        for run in 0..args.runs {
            let result = scheduling_run(database, &args).await?;
            eprintln!(
                "scheduling run {}: {} jobs submitted in {:.1} s; {} tasks in {:.1} s ({:.0} tasks/s); {:.0} rounds, p50 {:.2} ms, p99 {:.2} ms; {} tasks while every queue waited: top-level queues within {:.1}% of their share, leaves within {:.1}% (mean {:.1}%)",
                run + 1,
                args.scheduling_jobs,
                result.submit_s,
                result.tasks,
                result.run_s,
                result.tasks as f64 / result.run_s,
                result.rounds,
                result.round_p50_ms,
                result.round_p99_ms,
                result.window_tasks,
                result.top_worst_pct,
                result.leaf_worst_pct,
                result.leaf_mean_pct
            );
            results.push(result);
        }
        let series = |pick: fn(&SchedulingResult) -> f64| results.iter().map(pick).collect();
        let prefix = format!(
            "scheduling: {} jobs in 100 queues, {} agents",
            args.scheduling_jobs, args.scheduling_agents
        );
        for (name, unit, pick) in [
            (
                "dispatch round p50",
                "ms",
                (|result: &SchedulingResult| result.round_p50_ms) as fn(&SchedulingResult) -> f64,
            ),
            ("dispatch round p99", "ms", |result| result.round_p99_ms),
            ("tasks/s", "tasks/s", |result| {
                result.tasks as f64 / result.run_s
            }),
            ("tasks while every queue waited", "", |result| {
                result.window_tasks as f64
            }),
            ("worst top-level queue off its share", "%", |result| {
                result.top_worst_pct
            }),
            ("worst leaf queue off its share", "%", |result| {
                result.leaf_worst_pct
            }),
            ("mean leaf queue off its share", "%", |result| {
                result.leaf_mean_pct
            }),
        ] {
            figures.push(Figure::new(
                &format!("{prefix}: {name}"),
                unit,
                series(pick),
            ));
        }
    }
    if wants("scale") {
        let (mut accepts, mut p99s) = (Vec::new(), Vec::new());
        let mut by_kind: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
        for run in 0..args.runs {
            let result = scale_run(database, args.scale_frames, args.scale_jobs).await?;
            let mut accept = result.accept_ms.clone();
            accept.sort_by(f64::total_cmp);
            let mut worst_p99 = 0.0_f64;
            for (kind, mut latencies) in result.page_ms {
                latencies.sort_by(f64::total_cmp);
                let p99 = percentile(&latencies, 0.99);
                worst_p99 = worst_p99.max(p99);
                by_kind.entry(kind).or_default().push(p99);
            }
            eprintln!(
                "scale run {}: {}-frame job accepted in {:.0} ms (median of {}), worst page p99 {worst_p99:.1} ms",
                run + 1,
                args.scale_frames,
                percentile(&accept, 0.5),
                accept.len()
            );
            accepts.push(percentile(&accept, 0.5));
            p99s.push(worst_p99);
        }
        let total = args.scale_frames * args.scale_jobs as i64;
        figures.push(Figure::new(
            &format!(
                "{}-frame job: API answer, all tasks created",
                args.scale_frames
            ),
            "ms",
            accepts,
        ));
        for (kind, values) in by_kind {
            figures.push(Figure::new(
                &format!("{total}-task database: {kind}, p99"),
                "ms",
                values,
            ));
        }
        figures.push(Figure::new(
            &format!("{total}-task database: slowest page kind, p99"),
            "ms",
            p99s,
        ));
    }
    if wants("celery") {
        let python = ensure_celery(&args).await?;
        for (config, label) in [
            ("rpc", "acks_late, prefetch 1, rpc:// results, prefork"),
            ("redis", "acks_late, prefetch 1, Redis results, prefork"),
            ("farm", "acks_late, prefetch 1, SQLite results, prefork"),
            ("fast", "early ack, no results, threads"),
        ] {
            let mut rates = Vec::new();
            let mut usages = Vec::new();
            for run in 0..args.runs {
                let (report, usage) = celery_run(&python, "throughput", config, args.tasks).await?;
                let rate = report["tasks_per_s"].as_f64().context("a rate")?;
                eprintln!("celery {config} run {}: {rate:.1} tasks/s", run + 1);
                rates.push(rate);
                if let Some(usage) = usage {
                    eprintln!("  {}", usage.per_task_line(args.tasks as f64));
                    usages.push((usage, args.tasks as f64));
                }
            }
            figures.push(Figure::new(
                &format!("celery throughput ({label})"),
                "tasks/s",
                rates,
            ));
            figures.extend(cpu_figures(&format!("celery, {config}"), &usages));
        }
        let mut p50s = Vec::new();
        for run in 0..args.runs {
            let (report, _) =
                celery_run(&python, "latency", "fast", args.latency_jobs as i64).await?;
            let p50 = report["p50_ms"].as_f64().context("a latency")?;
            eprintln!("celery latency run {}: p50 {p50:.2} ms", run + 1);
            p50s.push(p50);
        }
        figures.push(Figure::new(
            "celery latency p50 (apply_async -> task start)",
            "ms",
            p50s,
        ));
        let find = |prefix: &str| {
            figures
                .iter()
                .find(|figure| figure.name.starts_with(prefix))
                .map(|figure| figure.median)
        };
        // The headline: against the stronger of the two reliable setups with fast results.
        let strongest = find("celery throughput (acks_late, prefetch 1, rpc")
            .into_iter()
            .chain(find("celery throughput (acks_late, prefetch 1, Redis"))
            .fold(None, |best: Option<f64>, rate| {
                Some(best.map_or(rate, |best| best.max(rate)))
            });
        for (_, label) in &databases {
            let Some(warren) = find(&format!("warren throughput ({label})")) else {
                continue;
            };
            if let Some(celery) = strongest {
                ratios.insert(
                    format!("warren ({label}) / strongest reliable celery (rpc or Redis)"),
                    warren / celery,
                );
            }
            if let Some(celery) = find("celery throughput (acks_late, prefetch 1, SQLite") {
                ratios.insert(
                    format!("warren ({label}) / celery with SQLite results"),
                    warren / celery,
                );
            }
            if let Some(celery) = find("celery throughput (early") {
                ratios.insert(
                    format!("warren ({label}) / celery fastest (unreliable)"),
                    warren / celery,
                );
            }
        }
        if let (Some(sqlite), Some(postgres)) = (
            find("warren throughput (SQLite)"),
            find("warren throughput (PostgreSQL)"),
        ) {
            ratios.insert("warren PostgreSQL / SQLite".to_owned(), postgres / sqlite);
        }
    }

    print_table(&figures);
    for (name, ratio) in &ratios {
        println!("{name:<58} {ratio:>12.2}x");
    }
    if let Some(path) = &args.json {
        let report = json!({
            "date": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?,
            "databases": args.database,
            "runs": args.runs,
            "tasks": args.tasks,
            "cpus": std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get),
            "figures": figures,
            "ratios": ratios,
        });
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
        eprintln!("wrote {}", path.display());
    }
    let _ = Instant::now();
    Ok(())
}

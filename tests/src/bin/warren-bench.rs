//! `warren-bench`: Warren's benchmarks. It starts the real stack (the release binaries next to
//! this one, the local RabbitMQ, SQLite or PostgreSQL), measures throughput and dispatch latency,
//! runs the same workload on Celery for comparison, and prints a table and JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use clap::Parser;
use serde::Serialize;
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm};

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
    /// Measurements to run (comma-separated): throughput, batch10, latency, celery.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "throughput,batch10,latency,celery"
    )]
    only: Vec<String>,
    /// Database for Warren's master.
    #[arg(long, default_value = "sqlite")]
    database: String,
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

/// Submit `frames` frames of `/bin/true` in batches; seconds from submit to the job's end.
async fn throughput_run(
    database: DatabaseKind,
    frames: i64,
    batch: i64,
) -> anyhow::Result<(f64, i64)> {
    let farm = TestFarm::spawn(farm_options(database, 2)).await?;
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
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(1800))
        .await?;
    if job["state"] != "done" {
        bail!("the throughput job ended {}", job["state"]);
    }
    let finished = parse_micros(&job["time_finished"])?;
    Ok(((finished - submitted_at) as f64 / 1e6, n_tasks))
}

/// Submit single-task jobs one at a time on an idle farm; submit → process start, in ms.
async fn latency_run(database: DatabaseKind, jobs: usize) -> anyhow::Result<Vec<f64>> {
    let farm = TestFarm::spawn(farm_options(database, 2)).await?;
    let mut latencies = Vec::with_capacity(jobs);
    for job_idx in 0..jobs + 10 {
        let submitted_at = now_micros();
        let job = farm
            .submit_job(&TestFarm::command_job("latency", &["/bin/true"], 1, 1, 1))
            .await?;
        let job_id = job["id"].as_i64().context("a job id")?;
        farm.wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
            .await?;
        let tasks = farm.tasks(job_id).await?;
        let started = parse_micros(&tasks[0]["time_started"])?;
        if job_idx >= 10 {
            latencies.push((started - submitted_at) as f64 / 1000.0);
        }
    }
    Ok(latencies)
}

async fn ensure_celery(args: &Args) -> anyhow::Result<PathBuf> {
    let python = args.venv.join("bin/python");
    let ready = tokio::process::Command::new(&python)
        .args(["-c", "import celery, sqlalchemy"])
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
            "celery>=5.4,<6",
            "sqlalchemy>=2",
        ])
        .status()
        .await?;
    if !status.success() {
        bail!("cannot install Celery from PyPI");
    }
    Ok(python)
}

/// Run the Celery side of the comparison; returns its JSON report.
async fn celery_run(
    python: &PathBuf,
    mode: &str,
    config: &str,
    tasks: i64,
) -> anyhow::Result<Value> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/celery_bench.py");
    let output = tokio::process::Command::new(python)
        .arg(&script)
        .args([
            "--mode",
            mode,
            "--config",
            config,
            "--tasks",
            &tasks.to_string(),
        ])
        .stderr(Stdio::inherit())
        .output()
        .await
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !output.status.success() {
        bail!("the Celery benchmark failed ({mode}, {config})");
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let last = text
        .lines()
        .last()
        .context("the Celery benchmark printed nothing")?;
    Ok(serde_json::from_str(last)?)
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
    let database = match args.database.as_str() {
        "sqlite" => DatabaseKind::Sqlite,
        "postgres" => DatabaseKind::Postgres,
        other => bail!("unknown database `{other}`: use sqlite or postgres"),
    };
    let wants = |name: &str| args.only.iter().any(|item| item == name);
    let mut figures: Vec<Figure> = Vec::new();
    let mut ratios: BTreeMap<String, f64> = BTreeMap::new();

    if wants("throughput") {
        let mut rates = Vec::new();
        for run in 0..args.runs {
            let (seconds, n_tasks) = throughput_run(database, args.tasks, 1).await?;
            eprintln!(
                "throughput run {}: {n_tasks} tasks in {seconds:.2} s",
                run + 1
            );
            rates.push(n_tasks as f64 / seconds);
        }
        figures.push(Figure::new(
            &format!("warren throughput, {} x /bin/true, 2 workers", args.tasks),
            "tasks/s",
            rates,
        ));
    }
    if wants("batch10") {
        let mut rates = Vec::new();
        for run in 0..args.runs {
            let (seconds, n_tasks) = throughput_run(database, args.tasks, 10).await?;
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
        let mut all = Vec::new();
        let (mut p50s, mut p99s, mut maxes) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..args.runs {
            let mut latencies = latency_run(database, args.latency_jobs).await?;
            latencies.sort_by(f64::total_cmp);
            eprintln!(
                "latency run {}: p50 {:.2} ms, p99 {:.2} ms",
                run + 1,
                percentile(&latencies, 0.5),
                percentile(&latencies, 0.99)
            );
            p50s.push(percentile(&latencies, 0.5));
            p99s.push(percentile(&latencies, 0.99));
            maxes.push(latencies.last().copied().unwrap_or(f64::NAN));
            all.extend(latencies);
        }
        figures.push(Figure::new(
            "warren dispatch latency p50 (submit -> process started)",
            "ms",
            p50s,
        ));
        figures.push(Figure::new("warren dispatch latency p99", "ms", p99s));
        figures.push(Figure::new("warren dispatch latency max", "ms", maxes));
    }
    if wants("celery") {
        let python = ensure_celery(&args).await?;
        for (config, label) in [
            ("farm", "acks_late, prefetch 1, result backend"),
            ("fast", "early ack, no results, threads"),
        ] {
            let mut rates = Vec::new();
            for run in 0..args.runs {
                let report = celery_run(&python, "throughput", config, args.tasks).await?;
                let rate = report["tasks_per_s"].as_f64().context("a rate")?;
                eprintln!("celery {config} run {}: {rate:.1} tasks/s", run + 1);
                rates.push(rate);
            }
            figures.push(Figure::new(
                &format!("celery throughput ({label})"),
                "tasks/s",
                rates,
            ));
        }
        let mut p50s = Vec::new();
        for run in 0..args.runs {
            let report = celery_run(&python, "latency", "fast", args.latency_jobs as i64).await?;
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
        if let (Some(warren), Some(celery)) = (
            find("warren throughput, "),
            find("celery throughput (acks_late"),
        ) {
            ratios.insert(
                "warren / celery (farm settings)".to_owned(),
                warren / celery,
            );
        }
        if let (Some(warren), Some(celery)) = (
            find("warren throughput, "),
            find("celery throughput (early"),
        ) {
            ratios.insert(
                "warren / celery (fastest settings)".to_owned(),
                warren / celery,
            );
        }
    }

    print_table(&figures);
    for (name, ratio) in &ratios {
        println!("{name:<58} {ratio:>12.2}x");
    }
    if let Some(path) = &args.json {
        let report = json!({
            "date": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?,
            "database": args.database,
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

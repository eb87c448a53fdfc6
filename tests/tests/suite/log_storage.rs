//! Log storage that stays small: chunks stored compressed (older JSON rows still read), a
//! per-attempt size cap that keeps the head and the tail, and the retention policy run by hand
//! (`warren-master logs prune`) and on the master's schedule.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, bin_path, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(120);

/// Blender's own output of a Cycles render, kept with the benchmarks.
fn blender_log_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/blender-render.log")
}

/// A job whose one task prints `lines` lines of the Blender log, over and over.
fn replay_job(title: &str, lines: usize) -> anyhow::Result<Value> {
    let fakerender = bin_path("warren-fakerender")?
        .to_string_lossy()
        .into_owned();
    let replay = blender_log_path().to_string_lossy().into_owned();
    Ok(TestFarm::command_job(
        title,
        &[
            &fakerender,
            "--replay",
            &replay,
            "--lines",
            &lines.to_string(),
        ],
        1,
        1,
        1,
    ))
}

async fn run_to_done(farm: &TestFarm, job: &Value) -> anyhow::Result<(i64, i64)> {
    let job_id = farm.submit_job(job).await?["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no job id"))?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed", "cancelled"], JOB_TIMEOUT)
        .await?;
    anyhow::ensure!(job["state"] == "done", "job {job_id} ended {job}");
    let task_id = farm.tasks(job_id).await?[0]["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no task id"))?;
    Ok((job_id, task_id))
}

/// The printed lines of a log (the worker adds lines of its own on its `worker` stream, which
/// the text form shows too; the CSV form says which stream each line came from).
async fn printed_lines(farm: &TestFarm, job_id: i64, task_id: i64) -> anyhow::Result<Vec<String>> {
    let csv = farm
        .http
        .get(format!(
            "{}/api/v1/jobs/{job_id}/tasks/{task_id}/log?format=csv",
            farm.base_url
        ))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let mut lines = Vec::new();
    for row in csv.lines().skip(1) {
        // timestamp,stream,line,pid,"message"
        let mut fields = row.splitn(5, ',');
        let stream = fields.nth(1).unwrap_or_default();
        let message = fields.nth(2).unwrap_or_default();
        if stream != "worker" {
            let message = message.strip_prefix('"').and_then(|m| m.strip_suffix('"'));
            lines.push(message.unwrap_or_default().replace("\"\"", "\""));
        }
    }
    Ok(lines)
}

async fn compressed_logs_read_as_printed_and_old_rows_still_read(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database,
        ..FarmOptions::default()
    })
    .await?;
    const LINES: usize = 3000;
    let (job_id, task_id) = run_to_done(&farm, &replay_job("render log", LINES)?).await?;
    let source = std::fs::read_to_string(blender_log_path())?;
    let expected: Vec<String> = source
        .lines()
        .cycle()
        .take(LINES)
        .map(str::to_owned)
        .collect();
    assert_eq!(printed_lines(&farm, job_id, task_id).await?, expected);

    let logs = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/logs"))
        .await?;
    let text_bytes: usize = expected.iter().map(|line| line.len() + 1).sum();
    let stored = logs["logs"][0]["stored_bytes"].as_u64().unwrap_or(u64::MAX);
    println!("{text_bytes} bytes printed, {stored} bytes stored");
    assert!(
        stored * 4 < text_bytes as u64,
        "a render log is stored compressed: {stored} of {text_bytes} bytes ({logs})"
    );

    // A chunk written before logs were compressed (JSON text, no compressed column) reads the
    // same; so does the whole log around it.
    use sea_orm::ConnectionTrait as _;
    let db = sea_orm::Database::connect(farm.database_url()).await?;
    let backend = db.get_database_backend();
    let old_lines: Vec<Value> = expected[..3]
        .iter()
        .enumerate()
        .map(|(idx, text)| json!({"t": 1_765_000_000_000_000_i64 + idx as i64, "s": "stdout", "m": text}))
        .collect();
    let changed = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            if backend == sea_orm::DbBackend::Postgres {
                "UPDATE log_chunks SET zdata = NULL, data = $1, n_lines = 3 WHERE task_id = $2 AND seq = 0"
            } else {
                "UPDATE log_chunks SET zdata = NULL, data = ?, n_lines = 3 WHERE task_id = ? AND seq = 0"
            },
            [Value::Array(old_lines).to_string().into(), task_id.into()],
        ))
        .await?;
    assert_eq!(changed.rows_affected(), 1);
    let text = farm.task_log(job_id, task_id).await?;
    assert!(
        text.starts_with(&format!(
            "{}\n{}\n{}\n",
            expected[0], expected[1], expected[2]
        )),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(
        text.ends_with(&format!("{}\n", expected[LINES - 1]))
            || text.contains(&expected[LINES - 1])
    );
    Ok(())
}

#[tokio::test]
async fn a_render_log_is_stored_compressed_reads_as_printed_and_older_rows_still_read()
-> anyhow::Result<()> {
    compressed_logs_read_as_printed_and_old_rows_still_read(DatabaseKind::default_for_tests()).await
}

database_test!(
    compressed_logs_read_as_printed_on_postgresql,
    postgres,
    compressed_logs_read_as_printed_and_old_rows_still_read
);
database_test!(
    compressed_logs_read_as_printed_on_mariadb,
    mariadb,
    compressed_logs_read_as_printed_and_old_rows_still_read
);

#[tokio::test]
async fn a_log_over_the_cap_keeps_its_head_and_tail_and_says_what_was_dropped() -> anyhow::Result<()>
{
    const CAP: usize = 100_000;
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--log-max-bytes".to_owned(), CAP.to_string()],
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = bin_path("warren-fakerender")?
        .to_string_lossy()
        .into_owned();
    // 5,000 lines of about 100 bytes: almost five times the cap.
    let (job_id, task_id) = run_to_done(
        &farm,
        &TestFarm::command_job(
            "loud",
            &[
                &fakerender,
                "--spew",
                "--lines",
                "5000",
                "--line-bytes",
                "99",
            ],
            1,
            1,
            1,
        ),
    )
    .await?;
    let text = farm.task_log(job_id, task_id).await?;
    let spewed: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("spew "))
        .collect();
    let number = |line: &str| -> u64 {
        line.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX)
    };
    // The first half of the cap from the start, the last half up to the very last line.
    let head = spewed.iter().take_while(|line| number(line) < 2500).count();
    let tail = spewed.len() - head;
    assert_eq!(number(spewed[0]), 0);
    assert_eq!(
        number(spewed[head - 1]),
        head as u64 - 1,
        "the head is whole"
    );
    assert_eq!(
        number(spewed[spewed.len() - 1]),
        4999,
        "the tail reaches the end"
    );
    assert_eq!(
        number(spewed[head]),
        5000 - tail as u64,
        "the tail is whole"
    );
    // Every spewed line has the same length.
    let line_bytes = spewed[0].len() + 1;
    assert_eq!(head, CAP / 2 / line_bytes, "{head} head lines");
    assert_eq!(tail, CAP / 2 / line_bytes, "{tail} tail lines");
    let dropped = 5000 - head - tail;
    let note = text
        .lines()
        .find(|line| line.contains("of output dropped"))
        .ok_or_else(|| anyhow::anyhow!("no note of what was dropped"))?;
    assert!(
        note.contains(&format!("{} bytes ({dropped} lines)", dropped * line_bytes)),
        "{note}"
    );
    // The note sits between the head and the tail.
    let note_at = text.find(note).unwrap_or(0);
    assert!(text[..note_at].contains(spewed[head - 1]) && text[note_at..].contains(spewed[head]));
    Ok(())
}

/// Jobs that end: one in a queue that keeps logs 0 days, one that says 0 days itself, one on
/// the farm's 30 days, and one in the 0-day queue that says 365 days itself.
async fn retention_jobs(farm: &TestFarm) -> anyhow::Result<[(i64, i64); 4]> {
    let (status, body) = farm
        .send_json(
            Method::POST,
            "/api/v1/jobqueues",
            Some(&json!({"name": "dailies", "log_retention_days": 0})),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["log_retention_days"], 0);
    let echo = |title: &str, extra: Value| {
        let mut job = TestFarm::command_job(title, &["echo", title], 1, 1, 1);
        if let (Some(job), Some(extra)) = (job.as_object_mut(), extra.as_object()) {
            job.extend(extra.clone());
        }
        job
    };
    Ok([
        run_to_done(farm, &echo("queue says 0", json!({"queue": "dailies"}))).await?,
        run_to_done(farm, &echo("job says 0", json!({"log_retention_days": 0}))).await?,
        run_to_done(farm, &echo("farm says 30", json!({}))).await?,
        run_to_done(
            farm,
            &echo(
                "job says 365",
                json!({"queue": "dailies", "log_retention_days": 365}),
            ),
        )
        .await?,
    ])
}

async fn log_status(
    farm: &TestFarm,
    (job_id, task_id): (i64, i64),
) -> anyhow::Result<(StatusCode, String)> {
    let response = farm
        .http
        .get(format!(
            "{}/api/v1/jobs/{job_id}/tasks/{task_id}/log",
            farm.base_url
        ))
        .send()
        .await?;
    Ok((response.status(), response.text().await?))
}

#[tokio::test]
async fn pruning_by_hand_removes_logs_past_their_retention_and_leaves_the_rest()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        master_args: vec!["--log-retention-days".to_owned(), "30".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let [queue_zero, job_zero, farm_thirty, job_year] = retention_jobs(&farm).await?;
    let before_thirty = farm.task_log(farm_thirty.0, farm_thirty.1).await?;
    let before_year = farm.task_log(job_year.0, job_year.1).await?;
    assert_eq!(before_thirty, "farm says 30\n");

    let output = tokio::process::Command::new(bin_path("warren-master")?)
        .args(["logs", "prune", "--log-retention-days", "30"])
        .env("WARREN_DATABASE_URL", farm.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("pruned the logs of 2 jobs"), "{stdout}");

    for pruned in [queue_zero, job_zero] {
        let (status, body) = log_status(&farm, pruned).await?;
        assert_eq!(status, StatusCode::GONE, "{body}");
        assert!(body.contains("retention"), "{body}");
        let job = farm.get_json(&format!("/api/v1/jobs/{}", pruned.0)).await?;
        assert!(job["logs_pruned_at"].is_string(), "{job}");
        let logs = farm
            .get_json(&format!(
                "/api/v1/jobs/{}/tasks/{}/logs",
                pruned.0, pruned.1
            ))
            .await?;
        assert_eq!(logs["logs"], json!([]), "{logs}");
    }
    // Inside their window: untouched.
    assert_eq!(
        farm.task_log(farm_thirty.0, farm_thirty.1).await?,
        before_thirty
    );
    assert_eq!(farm.task_log(job_year.0, job_year.1).await?, before_year);
    let job = farm
        .get_json(&format!("/api/v1/jobs/{}", job_year.0))
        .await?;
    assert!(job["logs_pruned_at"].is_null(), "{job}");

    // A second run finds nothing more to do.
    let again = tokio::process::Command::new(bin_path("warren-master")?)
        .args(["logs", "prune", "--log-retention-days", "30"])
        .env("WARREN_DATABASE_URL", farm.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .await?;
    assert!(String::from_utf8_lossy(&again.stdout).contains("pruned the logs of 0 jobs"));
    Ok(())
}

#[tokio::test]
async fn the_master_prunes_on_its_schedule_and_a_retention_can_be_changed_later()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        master_args: vec!["--log-prune-interval-secs".to_owned(), "1".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let [queue_zero, job_zero, kept, job_year] = retention_jobs(&farm).await?;
    for pruned in [queue_zero, job_zero] {
        eventually("the master to prune a 0-day log", JOB_TIMEOUT, || async {
            let (status, _) = log_status(&farm, pruned).await?;
            Ok((status == StatusCode::GONE).then_some(()))
        })
        .await?;
    }
    // The farm keeps logs for good (no farm retention), and a year is a year.
    assert_eq!(farm.task_log(kept.0, kept.1).await?, "farm says 30\n");
    assert_eq!(
        farm.task_log(job_year.0, job_year.1).await?,
        "job says 365\n"
    );
    // Changing a finished job's retention applies on the next run; bad values are refused.
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{}", kept.0),
            Some(&json!({"log_retention_days": -1})),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "log_retention_days", "{body}");
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{}", kept.0),
            Some(&json!({"log_retention_days": 0})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    eventually(
        "the master to prune the changed job's log",
        JOB_TIMEOUT,
        || async {
            let (status, _) = log_status(&farm, kept).await?;
            Ok((status == StatusCode::GONE).then_some(()))
        },
    )
    .await?;
    assert_eq!(
        farm.task_log(job_year.0, job_year.1).await?,
        "job says 365\n"
    );
    Ok(())
}

//! Reliability: workers and the master killed mid-run, late, duplicate and out-of-order events.

use std::time::Duration;

use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, bin_path, event_payload as event, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(120);

async fn attempts(farm: &TestFarm, job_id: i64, task_id: i64) -> anyhow::Result<Vec<Value>> {
    let answer = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/attempts"))
        .await?;
    Ok(answer["attempts"].as_array().cloned().unwrap_or_default())
}

/// The lines `progress 0 ..` to `progress count-1 ..` that `warren-fakerender --lines count`
/// prints, each once and in order.
fn assert_complete_log(log: &str, count: usize) {
    let numbers: Vec<usize> = log
        .lines()
        .filter_map(|line| line.strip_prefix("progress "))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        numbers,
        (0..count).collect::<Vec<_>>(),
        "the log holds every line once, in order:\n{log}"
    );
}

/// Submit `count` jobs of frames 1-12, one task a frame, each printing `lines` lines; their ids.
async fn submit_line_jobs(
    farm: &TestFarm,
    title: &str,
    count: usize,
    lines: usize,
) -> anyhow::Result<Vec<i64>> {
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let lines = lines.to_string();
    let mut jobs = Vec::new();
    for index in 0..count {
        let job = farm
            .submit_job(&TestFarm::command_job(
                &format!("{title} {index}"),
                &[&fakerender, "--lines", &lines, "--duration", "0.3"],
                1,
                12,
                1,
            ))
            .await?;
        jobs.push(job["id"].as_i64().expect("an id"));
    }
    Ok(jobs)
}

/// Wait until the first job has two tasks done.
async fn wait_for_some_progress(farm: &TestFarm, jobs: &[i64]) -> anyhow::Result<()> {
    eventually("some tasks to finish", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{}", jobs[0])).await?;
        Ok((job["tasks"]["done"].as_i64() >= Some(2)).then_some(()))
    })
    .await
}

/// Every job ends done, every task done exactly once with its whole log of `lines` lines.
async fn assert_done_once_with_whole_logs(
    farm: &TestFarm,
    jobs: &[i64],
    lines: usize,
) -> anyhow::Result<()> {
    for job_id in jobs {
        let job = farm
            .wait_for_job_state(*job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?;
        assert_eq!(job["state"], "done", "{job}");
        for task in farm.tasks(*job_id).await? {
            let task_id = task["id"].as_i64().expect("an id");
            let done_attempts = attempts(farm, *job_id, task_id)
                .await?
                .into_iter()
                .filter(|attempt| attempt["state"] == "done")
                .count();
            assert_eq!(done_attempts, 1, "task {task_id} done exactly once");
            // Chunks a killed master had taken but not committed come back to another one, and
            // may be written just after the task's end: wait for them, then check the whole log.
            let whole = eventually("the task's whole log", JOB_TIMEOUT, || async {
                let log = farm.task_log(*job_id, task_id).await?;
                let count = log
                    .lines()
                    .filter(|line| line.starts_with("progress "))
                    .count();
                Ok((count >= lines).then_some(log))
            })
            .await;
            let log = match whole {
                Ok(log) => log,
                Err(_) => farm.task_log(*job_id, task_id).await?,
            };
            assert_complete_log(&log, lines);
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_killed_workers_task_runs_again_elsewhere_and_its_late_events_are_ignored()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        lease_timeout_secs: 3,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(1).await?;
    let doomed = farm.agent_id_of(0).await?;
    let job = farm
        .submit_job(&TestFarm::command_job(
            "survives a crash",
            &["sh", "-c", "echo start; sleep 2; echo end"],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let task = farm.running_task(job_id).await?;
    let task_id = task["id"].as_i64().expect("an id");
    farm.worker(0)?.kill().await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(done["state"], "done");
    let history = attempts(&farm, job_id, task_id).await?;
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(
        (&history[0]["state"], &history[0]["agent_id"]),
        (&json!("lost"), &json!(doomed))
    );
    assert_eq!(history[1]["state"], "done");
    assert_ne!(history[1]["agent_id"], json!(doomed));

    // The dead worker's events for its attempt arrive late: they change nothing.
    let before = farm.tasks(job_id).await?;
    let log_before = farm.task_log(job_id, task_id).await?;
    for payload in [
        event(
            "TaskStarted",
            json!({"agent_id": doomed, "task_id": task_id, "attempt": 1, "started_at": "2026-01-01T00:00:00Z"}),
        ),
        event(
            "LogChunk",
            json!({"agent_id": doomed, "task_id": task_id, "attempt": 2, "seq": 0, "first_line": 1,
                   "lines": [{"t": 0, "s": "stdout", "m": "forged"}]}),
        ),
        event(
            "TaskFinished",
            json!({"agent_id": doomed, "task_id": task_id, "attempt": 1, "outcome": {"type": "exited", "code": 7},
                   "success": false, "duration_ms": 1, "finished_at": "2026-01-01T00:00:01Z"}),
        ),
    ] {
        farm.publish_event_as(0, &payload).await?;
    }
    // A marker event behind them: once its effect is visible, the late ones were processed.
    let marker = farm
        .submit_job(&TestFarm::command_job("marker", &["true"], 1, 1, 1))
        .await?;
    farm.wait_for_job_state(
        marker["id"].as_i64().expect("an id"),
        &["done"],
        JOB_TIMEOUT,
    )
    .await?;
    assert_eq!(farm.tasks(job_id).await?, before);
    assert_eq!(farm.task_log(job_id, task_id).await?, log_before);
    assert!(farm.take_dead_letters().await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_master_killed_mid_run_restarts_and_every_task_is_done_once_with_its_whole_log()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 2,
        worker_args: vec!["--cpus".to_owned(), "2".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let jobs = submit_line_jobs(&farm, "batch", 3, 200).await?;
    wait_for_some_progress(&farm, &jobs).await?;
    farm.master()?.kill().await?;
    farm.start_master().await?;
    assert_done_once_with_whole_logs(&farm, &jobs, 200).await?;
    Ok(())
}

#[tokio::test]
async fn duplicate_and_reordered_events_change_nothing() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let agent = farm.agent_id_of(0).await?;
    let job = farm
        .submit_job(&TestFarm::command_job(
            "echo",
            &["sh", "-c", "echo one; echo two"],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let done = farm
        .wait_for_job_state(job_id, &["done"], JOB_TIMEOUT)
        .await?;
    let tasks_before = farm.tasks(job_id).await?;
    let task_id = tasks_before[0]["id"].as_i64().expect("an id");
    let log_before = farm.task_log(job_id, task_id).await?;
    assert_eq!(log_before.lines().collect::<Vec<_>>(), ["one", "two"]);
    let finished = event(
        "TaskFinished",
        json!({"agent_id": agent, "task_id": task_id, "attempt": 1, "outcome": {"type": "exited", "code": 0},
               "success": true, "duration_ms": 5, "finished_at": "2026-01-01T00:00:01Z"}),
    );
    let started = event(
        "TaskStarted",
        json!({"agent_id": agent, "task_id": task_id, "attempt": 1, "started_at": "2026-01-01T00:00:00Z"}),
    );
    let chunk = event(
        "LogChunk",
        json!({"agent_id": agent, "task_id": task_id, "attempt": 1, "seq": 0, "first_line": 1,
               "lines": [{"t": 0, "s": "stdout", "m": "one"}, {"t": 1, "s": "stdout", "m": "two"}]}),
    );
    // Finished before started, each twice, and the first chunk again.
    for payload in [&finished, &started, &chunk, &finished, &started, &chunk] {
        farm.publish_event_as(0, payload).await?;
    }
    let marker = farm
        .submit_job(&TestFarm::command_job("marker", &["true"], 1, 1, 1))
        .await?;
    farm.wait_for_job_state(
        marker["id"].as_i64().expect("an id"),
        &["done"],
        JOB_TIMEOUT,
    )
    .await?;
    assert_eq!(farm.tasks(job_id).await?, tasks_before);
    assert_eq!(farm.task_log(job_id, task_id).await?, log_before);
    let after = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(after["tasks"], done["tasks"]);
    assert!(farm.take_dead_letters().await?.is_empty());
    Ok(())
}

async fn check(farm: &TestFarm, repair: bool) -> anyhow::Result<(bool, String)> {
    let mut command = tokio::process::Command::new(bin_path("warren-master")?);
    command
        .args(["check", "--lease-timeout-secs", "30", "--database-url"])
        .arg(farm.database_url())
        .env("RUST_LOG", "warn");
    if repair {
        command.arg("--repair");
    }
    let output = command.output().await?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

#[tokio::test]
async fn check_finds_impossible_states_and_repair_fixes_what_it_can() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--log-flush-lines".to_owned(), "100".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "three tasks",
            &[&fakerender, "--lines", "300"],
            1,
            3,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    farm.wait_for_job_state(job_id, &["done"], JOB_TIMEOUT)
        .await?;
    let (clean, report) = check(&farm, false).await?;
    assert!(clean, "a healthy farm checks clean:\n{report}");
    let tasks = farm.tasks(job_id).await?;
    let ids: Vec<i64> = tasks
        .iter()
        .filter_map(|task| task["id"].as_i64())
        .collect();
    farm.master()?.stop(Duration::from_secs(30)).await?;

    // Break things as a crash or a bug could: a task running on an agent that does not exist
    // (counted as running), cancelled tasks counted that do not exist, a log chunk missing.
    let db = sea_orm::Database::connect(farm.database_url()).await?;
    use sea_orm::ConnectionTrait;
    for statement in [
        format!(
            "UPDATE tasks SET state = 'running', agent_id = '00000000-0000-4000-8000-000000000000' WHERE id = {}",
            ids[0]
        ),
        format!(
            "UPDATE jobs SET n_done = n_done - 1, n_running = 1, n_cancelled = 5 WHERE id = {job_id}"
        ),
        format!(
            "DELETE FROM log_chunks WHERE task_id = {} AND seq = 1",
            ids[1]
        ),
    ] {
        db.execute_unprepared(&statement).await?;
    }
    db.close().await?;

    let (clean, report) = check(&farm, false).await?;
    assert!(!clean);
    assert!(
        report.contains(&format!("lost-task: task {}", ids[0])),
        "{report}"
    );
    assert!(
        report.contains(&format!("log-gap: task {}", ids[1])),
        "{report}"
    );
    assert!(
        report.contains(&format!("job-counts: job {job_id}")),
        "{report}"
    );
    let (clean, report) = check(&farm, true).await?;
    assert!(!clean, "a lost log chunk cannot be repaired:\n{report}");
    assert!(report.contains("(repaired)"), "{report}");
    let (_, report) = check(&farm, false).await?;
    assert!(!report.contains("lost-task"), "{report}");
    assert!(!report.contains("job-"), "{report}");
    assert!(report.contains("log-gap"), "{report}");

    // The repaired task is queued again and runs when the master is back.
    farm.start_master().await?;
    let job = farm
        .wait_for_job_state(job_id, &["done"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["tasks"]["done"], 3);
    Ok(())
}

#[tokio::test]
async fn sigterm_lets_running_tasks_finish_or_hands_them_back_with_requeue_on_stop()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(1).await?;
    let first = farm.agent_id_of(0).await?;

    // A plain SIGTERM: the running task finishes on the same worker, then the worker exits.
    let finishing = farm
        .submit_job(&TestFarm::command_job(
            "finishes",
            &["sleep", "1.5"],
            1,
            1,
            1,
        ))
        .await?;
    let finishing_id = finishing["id"].as_i64().expect("an id");
    farm.running_task(finishing_id).await?;
    let status = farm.worker(0)?.stop(Duration::from_secs(30)).await?;
    assert!(status.success(), "{status:?}");
    let job = farm
        .wait_for_job_state(finishing_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done");
    assert_eq!(farm.tasks(finishing_id).await?[0]["agent_id"], json!(first));

    // With --requeue-on-stop the task is stopped at once and runs again elsewhere, not failed.
    farm.start_worker(&["--cpus", "1", "--requeue-on-stop"])
        .await?;
    let leaving = farm.agent_id_of(1).await?;
    let handed = farm
        .submit_job(&TestFarm::command_job(
            "handed back",
            &["sleep", "600"],
            1,
            1,
            1,
        ))
        .await?;
    let handed_id = handed["id"].as_i64().expect("an id");
    let task = farm.running_task(handed_id).await?;
    assert_eq!(task["agent_id"], json!(leaving));
    let status = farm.worker(1)?.stop(Duration::from_secs(30)).await?;
    assert!(status.success(), "{status:?}");
    let task_id = task["id"].as_i64().expect("an id");
    // Queued again (and perhaps already published for the next worker).
    let requeued = eventually("the task to be queued again", JOB_TIMEOUT, || async {
        let tasks = farm.tasks(handed_id).await?;
        Ok(tasks
            .into_iter()
            .find(|task| task["state"] == "queued" || task["state"] == "dispatched"))
    })
    .await?;
    assert_eq!(requeued["failures"], 0, "{requeued}");
    let history = attempts(&farm, handed_id, task_id).await?;
    assert_eq!(history[0]["state"], "lost", "{history:?}");
    farm.start_worker(&["--cpus", "1"]).await?;
    let rerun = farm.running_task(handed_id).await?;
    assert_eq!(rerun["attempts"], 2);
    assert_ne!(rerun["agent_id"], json!(leaving));
    Ok(())
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            != Some("Z")
    })
}

#[tokio::test]
async fn a_worker_cut_off_past_its_lease_stops_its_stale_attempt_when_it_comes_back()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        lease_timeout_secs: 3,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(1).await?;
    let cut_off = farm.agent_id_of(0).await?;
    let pids = farm.dir().join("pids");
    std::fs::create_dir_all(&pids)?;
    // The first attempt would run for a minute; later ones finish at once.
    let script = format!(
        "echo $$ > {}/attempt-$WARREN_ATTEMPT; if [ \"$WARREN_ATTEMPT\" = 1 ]; then exec sleep 60; fi",
        pids.display()
    );
    let job = farm
        .submit_job(&TestFarm::command_job(
            "partitioned",
            &["sh", "-c", &script],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let task = farm.running_task(job_id).await?;
    let task_id = task["id"].as_i64().expect("an id");
    let stale_pid: i32 = eventually("the first attempt's pid", JOB_TIMEOUT, || async {
        Ok(std::fs::read_to_string(pids.join("attempt-1"))
            .ok()
            .and_then(|text| text.trim().parse().ok()))
    })
    .await?;

    // Cut the worker off: frozen, it sends nothing, and its lease runs out.
    farm.worker(0)?.signal(nix::sys::signal::Signal::SIGSTOP)?;
    farm.start_worker(&["--cpus", "1"]).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done");
    assert!(
        alive(stale_pid),
        "the stale attempt still runs while its worker is cut off"
    );

    // Back again: the master tells it the attempt is no longer its own, and it stops it.
    farm.worker(0)?.signal(nix::sys::signal::Signal::SIGCONT)?;
    eventually("the stale attempt to be stopped", JOB_TIMEOUT, || async {
        Ok((!alive(stale_pid)).then_some(()))
    })
    .await?;
    let task = &farm.tasks(job_id).await?[0];
    assert_eq!(
        (task["state"].as_str(), task["failures"].as_i64()),
        (Some("done"), Some(0))
    );
    let history = attempts(&farm, job_id, task_id).await?;
    let done: Vec<&Value> = history
        .iter()
        .filter(|attempt| attempt["state"] == "done")
        .collect();
    assert_eq!(done.len(), 1, "done exactly once: {history:?}");
    assert_ne!(done[0]["agent_id"], json!(cut_off));
    assert_eq!(history[0]["state"], "lost");
    Ok(())
}

#[tokio::test]
async fn a_broker_restart_mid_run_loses_nothing_and_a_running_task_finishes_once_where_it_ran()
-> anyhow::Result<()> {
    let rabbit = warren_tests::PrivateRabbit::start().await?;
    let farm = TestFarm::spawn(FarmOptions {
        workers: 2,
        worker_args: vec!["--cpus".to_owned(), "2".to_owned()],
        lease_timeout_secs: 120,
        amqp_url: Some(rabbit.amqp_url.clone()),
        rabbitmq_api: Some(rabbit.management_url.clone()),
        ..FarmOptions::default()
    })
    .await?;
    let marker = farm.dir().join("long-task-ended");
    let script = format!(
        "echo before; sleep 1; while [ ! -e {0}.go ]; do sleep 0.1; done; echo after; touch {0}",
        marker.display()
    );
    let long = farm
        .submit_job(&TestFarm::command_job(
            "spans the restart",
            &["sh", "-c", &script],
            1,
            1,
            1,
        ))
        .await?;
    let long_id = long["id"].as_i64().expect("an id");
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let many = farm
        .submit_job(&TestFarm::command_job(
            "many",
            &[&fakerender, "--lines", "50", "--duration", "0.2"],
            1,
            30,
            1,
        ))
        .await?;
    let many_id = many["id"].as_i64().expect("an id");
    let running = farm.running_task(long_id).await?;
    let holder = running["agent_id"].clone();
    eventually("some tasks to finish", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{many_id}")).await?;
        Ok((job["tasks"]["done"].as_i64() >= Some(3)).then_some(()))
    })
    .await?;

    rabbit.stop_app().await?;
    // While the broker is away the long task ends; its events wait on the worker.
    std::fs::write(format!("{}.go", marker.display()), b"")?;
    eventually("the long task's process to end", JOB_TIMEOUT, || async {
        Ok(marker.exists().then_some(()))
    })
    .await?;
    let during = farm.get_json(&format!("/api/v1/jobs/{long_id}")).await?;
    assert_eq!(
        during["state"], "running",
        "the API answers while the broker is away"
    );
    rabbit.start_app().await?;

    for job_id in [long_id, many_id] {
        let job = farm
            .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?;
        assert_eq!(job["state"], "done", "{job}");
    }
    let task = &farm.tasks(long_id).await?[0];
    assert_eq!(task["attempts"], 1, "the long task ran once: {task}");
    assert_eq!(task["agent_id"], holder, "on the worker that started it");
    let log = farm
        .task_log(long_id, task["id"].as_i64().expect("an id"))
        .await?;
    assert_eq!(log.lines().collect::<Vec<_>>(), ["before", "after"]);
    for task in farm.tasks(many_id).await? {
        assert_eq!(task["failures"], 0, "{task}");
        let log = farm
            .task_log(many_id, task["id"].as_i64().expect("an id"))
            .await?;
        assert_complete_log(&log, 50);
    }
    Ok(())
}

#[tokio::test]
async fn a_database_outage_gets_503_for_writes_and_ingestion_resumes_with_nothing_lost()
-> anyhow::Result<()> {
    let postgres = warren_tests::PrivatePostgres::start()?;
    let farm = TestFarm::spawn(FarmOptions {
        database: warren_tests::DatabaseKind::Postgres,
        postgres_admin_url: Some(postgres.admin_url.clone()),
        worker_args: vec!["--cpus".to_owned(), "2".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "through an outage",
            &[&fakerender, "--lines", "50", "--duration", "0.4"],
            1,
            12,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    eventually("some tasks to finish", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok((job["tasks"]["done"].as_i64() >= Some(2)).then_some(()))
    })
    .await?;

    postgres.stop()?;
    let (status, answer) = farm
        .post_raw(
            "/api/v1/jobs",
            "application/json",
            serde_json::to_vec(&TestFarm::command_job("refused", &["true"], 1, 1, 1))?,
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap_or_default()
            .contains("database"),
        "{answer}"
    );
    postgres.restart()?;

    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    for task in farm.tasks(job_id).await? {
        let log = farm
            .task_log(job_id, task["id"].as_i64().expect("an id"))
            .await?;
        assert_complete_log(&log, 50);
    }
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "no event was given up on"
    );
    let accepted = farm
        .submit_job(&TestFarm::command_job("after", &["true"], 1, 1, 1))
        .await?;
    farm.wait_for_job_state(
        accepted["id"].as_i64().expect("an id"),
        &["done"],
        JOB_TIMEOUT,
    )
    .await?;
    Ok(())
}

/// Tasks done across `jobs`.
async fn done_tasks(farm: &TestFarm, jobs: &[i64]) -> anyhow::Result<i64> {
    let mut done = 0;
    for job_id in jobs {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        done += job["tasks"]["done"].as_i64().unwrap_or(0);
    }
    Ok(done)
}

/// Seconds of chaos in the soak test: short in CI, longer with `WARREN_SOAK_SECS`.
fn soak_seconds() -> u64 {
    std::env::var("WARREN_SOAK_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .unwrap_or(20)
}

#[tokio::test]
async fn soak_with_workers_killed_the_broker_restarted_and_the_master_killed() -> anyhow::Result<()>
{
    soak(3, true, 25).await
}

#[tokio::test]
async fn soak_with_a_lone_worker_through_broker_restarts_and_master_kills() -> anyhow::Result<()> {
    soak(1, false, 8).await
}

/// Submit jobs and, while they run, deal blows in turn — kill a worker and start another
/// (when `kill_workers`), restart RabbitMQ, kill and restart the master — each once the farm
/// made progress since the last; then check every task was done exactly once, whole.
async fn soak(workers: usize, kill_workers: bool, tasks_per_job: i64) -> anyhow::Result<()> {
    let rabbit = warren_tests::PrivateRabbit::start().await?;
    let mut farm = TestFarm::spawn(FarmOptions {
        workers,
        worker_args: vec!["--cpus".to_owned(), "2".to_owned()],
        lease_timeout_secs: 4,
        heartbeat_secs: 0.5,
        amqp_url: Some(rabbit.amqp_url.clone()),
        rabbitmq_api: Some(rabbit.management_url.clone()),
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let lines = 30;
    let mut jobs = Vec::new();
    for index in 0..6 {
        let job = farm
            .submit_job(&TestFarm::command_job(
                &format!("soak {index}"),
                &[
                    &fakerender,
                    "--lines",
                    &lines.to_string(),
                    "--duration",
                    "0.3",
                    "--jitter",
                    "1",
                ],
                1,
                tasks_per_job,
                1,
            ))
            .await?;
        jobs.push(job["id"].as_i64().expect("an id"));
    }
    let total = 6 * tasks_per_job;
    let started = std::time::Instant::now();
    let mut step = 0usize;
    let mut live_workers: Vec<usize> = (0..workers).collect();
    let kinds = if kill_workers { 3 } else { 2 };
    while started.elapsed() < Duration::from_secs(soak_seconds()) && step < 200 {
        // Act only once the farm made progress since the last blow.
        let before = done_tasks(&farm, &jobs).await?;
        if before >= total {
            break;
        }
        let progress = eventually("progress between blows", JOB_TIMEOUT, || async {
            Ok((done_tasks(&farm, &jobs).await? > before).then_some(()))
        })
        .await;
        if progress.is_err() {
            farm.dump_logs();
            for job_id in &jobs {
                println!(
                    "{}",
                    farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?["tasks"]
                );
            }
        }
        progress?;
        println!("blow {step} after {before} tasks done");
        match step % kinds + usize::from(!kill_workers) {
            0 => {
                let victim = live_workers.remove(0);
                farm.worker(victim)?.kill().await?;
                live_workers.push(farm.start_worker(&[]).await?);
            }
            1 => {
                rabbit.stop_app().await?;
                rabbit.start_app().await?;
            }
            _ => {
                farm.master()?.kill().await?;
                farm.start_master().await?;
            }
        }
        step += 1;
    }
    println!(
        "soak: {step} blows in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    for job_id in &jobs {
        let job = farm
            .wait_for_job_state(*job_id, &["done", "failed"], Duration::from_secs(300))
            .await?;
        assert_eq!(job["state"], "done", "{job}");
        for task in farm.tasks(*job_id).await? {
            assert_eq!(task["state"], "done", "{task}");
            let task_id = task["id"].as_i64().expect("an id");
            let history = attempts(&farm, *job_id, task_id).await?;
            let done = history
                .iter()
                .filter(|attempt| attempt["state"] == "done")
                .count();
            assert_eq!(done, 1, "task {task_id} done exactly once: {history:?}");
            assert_complete_log(&farm.task_log(*job_id, task_id).await?, lines);
        }
    }
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "nothing was dead-lettered"
    );
    Ok(())
}

#[tokio::test]
async fn output_made_while_the_broker_is_away_spills_to_disk_and_arrives_whole()
-> anyhow::Result<()> {
    let rabbit = warren_tests::PrivateRabbit::start().await?;
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--event-memory-kib".to_owned(), "256".to_owned()],
        amqp_url: Some(rabbit.amqp_url.clone()),
        rabbitmq_api: Some(rabbit.management_url.clone()),
        lease_timeout_secs: 120,
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let go = farm.dir().join("go");
    let ended = farm.dir().join("ended");
    let lines = 40_000;
    // Waits for the broker to be gone, prints 4 MB, and ends.
    let script = format!(
        "while [ ! -e {go} ]; do sleep 0.05; done; {fakerender} --spew --lines {lines} --line-bytes 100; touch {ended}",
        go = go.display(),
        ended = ended.display(),
    );
    let job = farm
        .submit_job(&TestFarm::command_job(
            "spills",
            &["sh", "-c", &script],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    farm.running_task(job_id).await?;
    rabbit.stop_app().await?;
    std::fs::write(&go, b"")?;
    eventually("the task's output to end", JOB_TIMEOUT, || async {
        Ok(ended.exists().then_some(()))
    })
    .await?;
    let spill = farm.dir().join("worker-0").join("spill");
    let spilled = std::fs::read_dir(&spill).map_or(0, Iterator::count);
    assert!(spilled > 0, "output beyond 256 KiB went to spill files");
    rabbit.start_app().await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done");
    let task = &farm.tasks(job_id).await?[0];
    let log = farm
        .task_log(job_id, task["id"].as_i64().expect("an id"))
        .await?;
    let numbers: Vec<usize> = log
        .lines()
        .filter_map(|line| line.strip_prefix("spew"))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        numbers,
        (0..lines).collect::<Vec<_>>(),
        "every line once, in order"
    );
    eventually("the spill files to be removed", JOB_TIMEOUT, || async {
        Ok((std::fs::read_dir(&spill).map_or(0, Iterator::count) == 0).then_some(()))
    })
    .await?;
    Ok(())
}

/// Whether the master at `base_url` dispatches (`active`) or stands by (`standby`).
async fn dispatcher_role(farm: &TestFarm, base_url: &str) -> anyhow::Result<String> {
    let health: Value = farm
        .http
        .get(format!("{base_url}/health"))
        .send()
        .await?
        .json()
        .await?;
    Ok(health["dispatcher"].as_str().unwrap_or_default().to_owned())
}

database_test!(
    two_masters_share_postgresql_and_the_standby_takes_over_when_the_dispatching_one_dies,
    postgres,
    standby_takes_over_when_the_dispatching_master_dies
);

database_test!(
    two_masters_share_mariadb_and_the_standby_takes_over_when_the_dispatching_one_dies,
    mariadb,
    standby_takes_over_when_the_dispatching_master_dies
);

async fn standby_takes_over_when_the_dispatching_master_dies(
    database: warren_tests::DatabaseKind,
) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 2,
        database,
        worker_args: vec!["--cpus".to_owned(), "2".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let first_url = farm.base_url.clone();
    let (mut second, second_url) = farm.start_another_master("master-2").await?;
    // One of them leads; the other serves the API and ingests events.
    let roles = eventually("one master to lead", Duration::from_secs(30), || async {
        let roles = (
            dispatcher_role(&farm, &first_url).await?,
            dispatcher_role(&farm, &second_url).await?,
        );
        let one_leads = matches!(
            (roles.0.as_str(), roles.1.as_str()),
            ("active", "standby") | ("standby", "active")
        );
        Ok(one_leads.then_some(roles))
    })
    .await?;
    println!("roles: {roles:?}");
    let first_leads = roles.0 == "active";
    let standby_url = if first_leads { &second_url } else { &first_url };

    // Jobs submitted to the standby are dispatched by the leader.
    farm.base_url.clone_from(standby_url);
    let jobs = submit_line_jobs(&farm, "replicas", 3, 50).await?;
    wait_for_some_progress(&farm, &jobs).await?;

    // The leader dies; the standby takes over within seconds and the run completes.
    if first_leads {
        farm.master()?.kill().await?;
    } else {
        second.kill().await?;
    }
    eventually("the standby to lead", Duration::from_secs(30), || async {
        Ok((dispatcher_role(&farm, standby_url).await? == "active").then_some(()))
    })
    .await?;
    assert_done_once_with_whole_logs(&farm, &jobs, 50).await?;
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "nothing was dead-lettered"
    );
    second.kill().await?;
    Ok(())
}

#[tokio::test]
async fn a_write_caught_in_a_deadlock_is_run_again_and_succeeds() -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait as _, TransactionTrait as _};
    if !crate::postgres_available() {
        return Ok(());
    }
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        database: warren_tests::DatabaseKind::Postgres,
        ..FarmOptions::default()
    })
    .await?;
    let parent = farm
        .submit(&TestFarm::command_job("parent", &["true"], 1, 1, 1))
        .await?
        .0;
    let child = farm
        .submit(&TestFarm::command_job("child", &["true"], 1, 1, 1))
        .await?
        .0;
    let db = sea_orm::Database::connect(farm.database_url()).await?;
    let watcher = sea_orm::Database::connect(farm.database_url()).await?;
    // Another transaction holds the child's job row; it waits 20 s before looking for
    // deadlocks, the master's sessions 1 s, so the master's is the one PostgreSQL rolls back.
    let blocker = db.begin().await?;
    blocker
        .execute_unprepared("SET LOCAL deadlock_timeout = '20s'")
        .await?;
    blocker
        .execute_unprepared(&format!(
            "UPDATE jobs SET notes = 'held' WHERE id = {child}"
        ))
        .await?;
    // The PATCH writes the child's parent row, then waits to change the child's job row.
    let patch = tokio::spawn({
        let http = farm.http.clone();
        let url = format!("{}/api/v1/jobs/{child}", farm.base_url);
        async move {
            let response = http
                .patch(url)
                .json(&json!({"parents": [parent], "notes": "after the parent"}))
                .send()
                .await?;
            let status = response.status();
            anyhow::Ok((status, response.text().await?))
        }
    });
    let waited = eventually(
        "the PATCH to wait for the held row",
        Duration::from_secs(20),
        || async {
            let waiting = watcher
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT COUNT(*) AS n FROM pg_stat_activity \
                     WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%jobs%'",
                ))
                .await?
                .map(|row| row.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or_default();
            Ok((waiting > 0).then_some(()))
        },
    )
    .await;
    if let Err(error) = waited {
        blocker.rollback().await?;
        anyhow::bail!("{error}; the PATCH: {:?}", patch.await?);
    }
    // Now this transaction wants the row the PATCH wrote: a deadlock.
    blocker
        .execute_unprepared(&format!(
            "INSERT INTO job_parents (job_id, parent_id) VALUES ({child}, {parent})"
        ))
        .await?;
    blocker.rollback().await?;
    let (status, body) = patch.await??;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let job = farm.get_json(&format!("/api/v1/jobs/{child}")).await?;
    assert_eq!(job["parents"], json!([parent]), "{job}");
    assert_eq!(job["notes"], "after the parent", "{job}");
    let log = farm.master()?.log_tail(2_000);
    assert!(
        log.contains("a write conflicted with a concurrent one; running it again"),
        "the master ran the PATCH again after the deadlock"
    );
    Ok(())
}

/// The longest time between two of `jobs`' tasks finishing, in seconds.
async fn longest_stall(farm: &TestFarm, jobs: &[i64]) -> anyhow::Result<f64> {
    let mut finished = Vec::new();
    for job_id in jobs {
        for task in farm.tasks(*job_id).await? {
            if let Some(text) = task["time_finished"].as_str() {
                let moment = time::OffsetDateTime::parse(
                    text,
                    &time::format_description::well_known::Rfc3339,
                )?;
                finished.push(moment.unix_timestamp_nanos() as f64 / 1e9);
            }
        }
    }
    finished.sort_by(f64::total_cmp);
    Ok(finished
        .windows(2)
        .map(|pair| pair[1] - pair[0])
        .fold(0.0, f64::max))
}

/// `count` jobs of 12 one-frame tasks, each printing `lines` lines over `seconds`.
async fn submit_slow_line_jobs(
    farm: &TestFarm,
    title: &str,
    count: usize,
    lines: usize,
    seconds: f64,
) -> anyhow::Result<Vec<i64>> {
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let (lines, seconds) = (lines.to_string(), seconds.to_string());
    let mut jobs = Vec::new();
    for index in 0..count {
        let job = farm
            .submit_job(&TestFarm::command_job(
                &format!("{title} {index}"),
                &[&fakerender, "--lines", &lines, "--duration", &seconds],
                1,
                12,
                1,
            ))
            .await?;
        jobs.push(job["id"].as_i64().expect("an id"));
    }
    Ok(jobs)
}

/// No agent went offline and no attempt was lost: every task of `jobs` ran once.
async fn assert_no_worker_was_blamed(farm: &mut TestFarm, jobs: &[i64]) -> anyhow::Result<()> {
    for job_id in jobs {
        for task in farm.tasks(*job_id).await? {
            let task_id = task["id"].as_i64().expect("an id");
            let history = attempts(farm, *job_id, task_id).await?;
            assert_eq!(history.len(), 1, "task {task_id} ran once: {history:?}");
        }
    }
    let agents = farm.get_json("/api/v1/agents").await?;
    for agent in agents["agents"].as_array().cloned().unwrap_or_default() {
        assert!(
            matches!(agent["state"].as_str(), Some("online" | "running")),
            "{agent}"
        );
    }
    let log = std::fs::read_to_string(&farm.master()?.log_path)?;
    assert!(
        !log.contains("agent silent past its lease"),
        "the master blamed a worker"
    );
    Ok(())
}

#[tokio::test]
async fn a_cluster_node_that_hangs_or_stops_costs_a_stall_but_no_rerun_and_no_blamed_worker()
-> anyhow::Result<()> {
    let cluster = warren_tests::PrivateCluster::start().await?;
    let quorum = ["--queue-type".to_owned(), "quorum".to_owned()];
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        amqp_url: Some(cluster.amqp_urls_from(0)),
        rabbitmq_api: Some(cluster.nodes[0].management_url.clone()),
        master_args: quorum.to_vec(),
        lease_timeout_secs: 10,
        ..FarmOptions::default()
    })
    .await?;
    // The workers reach the cluster through its second node first, the master through the
    // first: when the master's node hangs, the workers carry on and their events wait.
    let worker_urls = cluster.amqp_urls_from(1);
    for _ in 0..2 {
        farm.start_worker(&[
            "--queue-type",
            "quorum",
            "--cpus",
            "2",
            "--amqp-url",
            &worker_urls,
        ])
        .await?;
    }
    farm.wait_for_online_agents(2).await?;

    // The master's node hangs (SIGSTOP: its port still accepts connections) for three lease
    // timeouts.
    let jobs = submit_slow_line_jobs(&farm, "through a hung node", 3, 40, 1.0).await?;
    wait_for_some_progress(&farm, &jobs).await?;
    cluster.freeze(0).await?;
    tokio::time::sleep(Duration::from_secs(30)).await;
    cluster.thaw()?;
    assert_done_once_with_whole_logs(&farm, &jobs, 40).await?;
    assert_no_worker_was_blamed(&mut farm, &jobs).await?;
    let hung = longest_stall(&farm, &jobs).await?;
    println!("longest time with no task finishing, the master's node hung for 30 s: {hung:.1} s");

    // The node leading the farm's queues stops; everyone carries on through the other
    // addresses.
    let leader = cluster
        .leader_of(&format!("{}.master.events", farm.namespace))
        .await?;
    let jobs = submit_slow_line_jobs(&farm, "through a stopped node", 2, 40, 1.0).await?;
    wait_for_some_progress(&farm, &jobs).await?;
    cluster.nodes[leader].stop_app().await?;
    assert_done_once_with_whole_logs(&farm, &jobs, 40).await?;
    assert_no_worker_was_blamed(&mut farm, &jobs).await?;
    let stopped = longest_stall(&farm, &jobs).await?;
    println!(
        "longest time with no task finishing, the queues' leader (node {}) stopped: {stopped:.1} s",
        leader + 1
    );
    Ok(())
}

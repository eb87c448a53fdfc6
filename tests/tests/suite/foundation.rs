//! The backbone: a job submitted over REST runs on workers through RabbitMQ, and its results and
//! logs land in the database.

use std::time::Duration;

use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm};

const JOB_TIMEOUT: Duration = Duration::from_secs(60);

async fn framed_job_runs_on_two_workers(database: DatabaseKind) -> anyhow::Result<()> {
    framed_job_runs_on_two_workers_of(FarmOptions {
        workers: 2,
        database,
        ..FarmOptions::default()
    })
    .await
    .map(|_| ())
}

/// The framed job on a farm built from `options` (each worker offering one CPU, so both get
/// work); returns the farm for further checks.
async fn framed_job_runs_on_two_workers_of(mut options: FarmOptions) -> anyhow::Result<TestFarm> {
    options
        .worker_args
        .extend(["--cpus".to_owned(), "1".to_owned()]);
    let farm = TestFarm::spawn(options).await?;
    let agents = farm.get_json("/api/v1/agents").await?;
    assert_eq!(
        agents["agents"].as_array().map(Vec::len),
        Some(2),
        "both workers registered: {agents}"
    );

    let job = farm
        .submit_job(&TestFarm::command_job(
            "echo frames",
            &["sh", "-c", "echo frame-{frame}; sleep 0.2"],
            1,
            12,
            3,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("a job id");
    assert_eq!(job["tasks"]["total"], 4);

    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["tasks"]["done"], 4);

    let tasks = farm.tasks(job_id).await?;
    assert_eq!(tasks.len(), 4);
    for task in &tasks {
        assert_eq!(task["state"], "done", "{task}");
        assert_eq!(task["exit_code"], 0, "{task}");
        assert_eq!(task["attempts"], 1, "{task}");
        assert!(task["agent_id"].is_string(), "{task}");
        let frames: Vec<i64> = task["frames"]
            .as_array()
            .expect("frames")
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        assert_eq!(frames.len(), 3);
        let log = farm
            .task_log(job_id, task["id"].as_i64().expect("a task id"))
            .await?;
        let expected: Vec<String> = frames
            .iter()
            .map(|frame| format!("frame-{frame}"))
            .collect();
        assert_eq!(
            log.lines().collect::<Vec<_>>(),
            expected,
            "log of task {}",
            task["id"]
        );
    }
    let all_frames: Vec<i64> = tasks
        .iter()
        .flat_map(|task| task["frames"].as_array().cloned().unwrap_or_default())
        .filter_map(|frame| frame.as_i64())
        .collect();
    assert_eq!(all_frames, (1..=12).collect::<Vec<_>>());
    let ran_on: std::collections::BTreeSet<&str> = tasks
        .iter()
        .filter_map(|task| task["agent_id"].as_str())
        .collect();
    assert_eq!(ran_on.len(), 2, "both workers ran tasks: {tasks:?}");
    Ok(farm)
}

async fn failing_command_without_requeue_fails_with_its_exit_code(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 1,
        database,
        ..FarmOptions::default()
    })
    .await?;
    let mut body = TestFarm::command_job(
        "exit 3",
        &["sh", "-c", "echo about to fail; exit 3"],
        1,
        1,
        1,
    );
    body["requeue"] = json!(0);
    let job = farm.submit_job(&body).await?;
    let job_id = job["id"].as_i64().expect("a job id");
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "failed", "{job}");
    let tasks = farm.tasks(job_id).await?;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["state"], "failed");
    assert_eq!(tasks[0]["exit_code"], 3);
    assert_eq!(tasks[0]["attempts"], 1);
    assert!(
        tasks[0]["last_error"]
            .as_str()
            .is_some_and(|error| error.contains('3')),
        "{}",
        tasks[0]
    );
    assert_eq!(
        farm.task_log(job_id, tasks[0]["id"].as_i64().expect("a task id"))
            .await?,
        "about to fail\n"
    );
    Ok(())
}

#[tokio::test]
async fn a_framed_job_runs_on_two_workers_and_each_log_holds_its_own_frames() -> anyhow::Result<()>
{
    framed_job_runs_on_two_workers(DatabaseKind::Sqlite).await
}

#[tokio::test]
async fn a_framed_job_runs_on_two_workers_on_quorum_queues() -> anyhow::Result<()> {
    let quorum = vec!["--queue-type".to_owned(), "quorum".to_owned()];
    let farm = framed_job_runs_on_two_workers_of(FarmOptions {
        workers: 2,
        master_args: quorum.clone(),
        worker_args: quorum,
        ..FarmOptions::default()
    })
    .await?;
    // Every queue of the farm is a quorum queue, as RabbitMQ's management API reports.
    let queues: Vec<Value> = farm
        .http
        .get("http://127.0.0.1:15672/api/queues/%2f?columns=name,type")
        .basic_auth("guest", Some("guest"))
        .send()
        .await?
        .json()
        .await?;
    let ours: Vec<&Value> = queues
        .iter()
        .filter(|queue| {
            queue["name"]
                .as_str()
                .is_some_and(|name| name.starts_with(&format!("{}.", farm.namespace)))
        })
        .collect();
    assert!(
        ours.len() >= 5,
        "events, dead letters, a class, two agents: {ours:?}"
    );
    for queue in ours {
        assert_eq!(queue["type"], "quorum", "{queue}");
    }
    Ok(())
}

database_test!(
    a_framed_job_runs_on_two_workers_with_postgresql,
    postgres,
    framed_job_runs_on_two_workers
);

database_test!(
    a_framed_job_runs_on_two_workers_with_mariadb,
    mariadb,
    framed_job_runs_on_two_workers
);

#[tokio::test]
async fn a_command_exiting_3_without_requeue_fails_with_its_exit_code() -> anyhow::Result<()> {
    failing_command_without_requeue_fails_with_its_exit_code(DatabaseKind::Sqlite).await
}

database_test!(
    a_command_exiting_3_without_requeue_fails_with_postgresql,
    postgres,
    failing_command_without_requeue_fails_with_its_exit_code
);

database_test!(
    a_command_exiting_3_without_requeue_fails_with_mariadb,
    mariadb,
    failing_command_without_requeue_fails_with_its_exit_code
);

#[tokio::test]
async fn a_failing_task_is_retried_up_to_its_requeue_count() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let mut body = TestFarm::command_job("always fails", &["sh", "-c", "exit 1"], 1, 1, 1);
    body["requeue"] = json!(2);
    let job_id = farm.submit(&body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "failed");
    let tasks = farm.tasks(job_id).await?;
    assert_eq!(
        tasks[0]["attempts"], 3,
        "one try and two retries: {}",
        tasks[0]
    );
    assert_eq!(tasks[0]["failures"], 3);
    Ok(())
}

#[tokio::test]
async fn a_range_template_runs_once_per_task_with_its_bounds() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let job = farm
        .submit_job(&TestFarm::command_job(
            "range",
            &["echo", "{start}-{end}"],
            10,
            19,
            5,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("a job id");
    assert_eq!(
        farm.wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?["state"],
        "done"
    );
    let tasks = farm.tasks(job_id).await?;
    let mut logs = Vec::new();
    for task in &tasks {
        logs.push(
            farm.task_log(job_id, task["id"].as_i64().expect("a task id"))
                .await?,
        );
    }
    assert_eq!(logs, vec!["10-14\n", "15-19\n"]);
    Ok(())
}

#[tokio::test]
async fn a_job_submitted_before_any_worker_runs_when_one_arrives() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let job_id = farm
        .submit(&TestFarm::command_job("early", &["true"], 1, 3, 1))
        .await?
        .0;
    farm.start_worker(&[]).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    Ok(())
}

#[tokio::test]
async fn output_lines_are_kept_in_order_across_many_chunks() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--log-flush-lines".into(), "7".into()],
        ..FarmOptions::default()
    })
    .await?;
    let script = "i=1; while [ $i -le 500 ]; do echo line-$i; i=$((i+1)); done; echo oops >&2";
    let job_id = farm
        .submit(&TestFarm::command_job(
            "chatty",
            &["sh", "-c", script],
            1,
            1,
            1,
        ))
        .await?
        .0;
    assert_eq!(
        farm.wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?["state"],
        "done"
    );
    let tasks = farm.tasks(job_id).await?;
    let log = farm
        .task_log(job_id, tasks[0]["id"].as_i64().expect("a task id"))
        .await?;
    let stdout: Vec<&str> = log
        .lines()
        .filter(|line| line.starts_with("line-"))
        .collect();
    let expected: Vec<String> = (1..=500).map(|line| format!("line-{line}")).collect();
    assert_eq!(stdout, expected);
    assert!(log.lines().any(|line| line == "oops"), "stderr is kept too");
    let csv = farm
        .http
        .get(format!(
            "{}/api/v1/jobs/{job_id}/tasks/{}/log?format=csv",
            farm.base_url, tasks[0]["id"]
        ))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        csv.starts_with("timestamp,stream,line,pid,message\n"),
        "{csv}"
    );
    let numbers: Vec<u64> = csv
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(2)?.parse().ok())
        .collect();
    assert_eq!(
        numbers,
        (1..=501).collect::<Vec<_>>(),
        "every line is numbered once, in order"
    );
    assert!(
        csv.lines()
            .any(|line| line.contains(",stdout,") && line.ends_with("\"line-500\"")),
        "{csv}"
    );
    Ok(())
}

/// 3,000 lines of 200 bytes: log chunks of 100 KB, more than a 64 KiB text column holds.
async fn a_big_log_is_stored_whole_on(database: DatabaseKind) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database,
        ..FarmOptions::default()
    })
    .await?;
    let fakerender = warren_tests::bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "big log",
            &[
                &fakerender,
                "--spew",
                "--lines",
                "3000",
                "--line-bytes",
                "200",
            ],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("a job id");
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    let task_id = farm.tasks(job_id).await?[0]["id"]
        .as_i64()
        .expect("a task id");
    let log = farm.task_log(job_id, task_id).await?;
    let spewed: Vec<&str> = log
        .lines()
        .filter(|line| line.starts_with("spew "))
        .collect();
    assert_eq!(spewed.len(), 3000, "every line arrived");
    for (position, line) in spewed.iter().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[1], position.to_string(), "in order: {line}");
        assert!(line.len() > 190, "whole: {line}");
    }
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "no dead letters"
    );
    Ok(())
}

#[tokio::test]
async fn a_big_log_is_stored_whole() -> anyhow::Result<()> {
    a_big_log_is_stored_whole_on(DatabaseKind::Sqlite).await
}

database_test!(
    a_big_log_is_stored_whole_with_postgresql,
    postgres,
    a_big_log_is_stored_whole_on
);

database_test!(
    a_big_log_is_stored_whole_with_mariadb,
    mariadb,
    a_big_log_is_stored_whole_on
);

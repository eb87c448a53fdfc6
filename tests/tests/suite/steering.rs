//! Steering submitted work: changing a job's requirements while its tasks sit in RabbitMQ or run.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(120);

async fn patch(farm: &TestFarm, job_id: i64, body: Value) -> anyhow::Result<(StatusCode, Value)> {
    farm.send_json(
        Method::PATCH,
        &format!("/api/v1/jobs/{job_id}"),
        Some(&body),
    )
    .await
}

async fn attempts(farm: &TestFarm, job_id: i64, task_id: &Value) -> anyhow::Result<Vec<Value>> {
    Ok(farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/attempts"))
        .await?["attempts"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

#[tokio::test]
async fn raising_ram_withdraws_published_tasks_from_the_small_worker_and_the_big_one_runs_them()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&[
        "--cpus",
        "2",
        "--ram",
        "1024",
        "--metrics-listen",
        "127.0.0.1:0",
    ])
    .await?;
    farm.wait_for_online_agents(1).await?;
    let small = farm.agent_id_of(0).await?;
    let metrics_url = farm.worker_metrics_url(0).await?;

    // A blocker fills the small worker, so the next job's tasks wait published in RabbitMQ.
    let mut blocker = TestFarm::command_job("blocker", &["sleep", "300"], 1, 1, 1);
    blocker["ram"] = json!(1024);
    let blocker = farm.submit(&blocker).await?.0;
    farm.running_task(blocker).await?;
    let mut body = TestFarm::command_job("needs more ram", &["true"], 1, 4, 1);
    body["ram"] = json!(512);
    body["requeue"] = json!(0);
    let job_id = farm.submit(&body).await?.0;
    let published = eventually("the job's tasks to be published", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        let dispatched = job["tasks"]["dispatched"].as_i64().unwrap_or_default();
        Ok((dispatched > 0).then_some(dispatched))
    })
    .await?;

    // Invalid changes name the field and change nothing.
    for (change, field) in [
        (json!({"ram": -5}), "ram"),
        (json!({"cpus": -2}), "cpus"),
        (
            json!({"tag_requirements": ["no spaces"]}),
            "tag_requirements",
        ),
        (json!({"timeout": 0}), "timeout"),
        (
            json!({"software_requirements": ["blender>=x"]}),
            "software_requirements",
        ),
        (json!({"limits": ["nonexistent"]}), "limits"),
        (json!({"jobtype_version": 99}), "jobtype_version"),
    ] {
        let (status, answer) = patch(&farm, job_id, change.clone()).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {answer}"
        );
        assert_eq!(answer["field"], field, "{change}: {answer}");
    }
    let unchanged = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(unchanged["ram"], 512, "{unchanged}");
    assert_eq!(unchanged["tasks"]["dispatched"], published, "{unchanged}");

    let (status, changed) = patch(&farm, job_id, json!({"ram": 16384})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["ram"], 16384);
    assert!(
        changed["class"]
            .as_str()
            .unwrap_or_default()
            .contains("ram16g"),
        "the job moved to the new class: {changed}"
    );
    assert_eq!(changed["tasks"]["dispatched"], 0, "{changed}");
    assert_eq!(changed["tasks"]["queued"], 4, "{changed}");

    // The small worker frees up and receives the withdrawn copies: it drops them unstarted.
    let (status, _) = farm
        .send_json(
            Method::POST,
            &format!("/api/v1/jobs/{blocker}/cancel"),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    eventually(
        "the small worker to drop the withdrawn tasks",
        JOB_TIMEOUT,
        || async {
            let samples = farm.metrics(&metrics_url).await?;
            let withdrawn = samples
                .get("warren_worker_tasks_withdrawn_total")
                .copied()
                .unwrap_or_default();
            Ok((withdrawn >= published as f64).then_some(()))
        },
    )
    .await?;
    let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(
        job["tasks"]["queued"], 4,
        "nothing ran on the small worker: {job}"
    );
    assert!(
        job["blocked_reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("RAM") || reason.contains("ram")),
        "it waits for RAM nobody has: {job}"
    );
    for task in farm.tasks(job_id).await? {
        assert!(
            attempts(&farm, job_id, &task["id"]).await?.is_empty(),
            "no attempt reached an agent: {task}"
        );
    }

    farm.start_worker(&["--ram", "16384"]).await?;
    farm.wait_for_online_agents(2).await?;
    let big = farm.agent_id_of(1).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    for task in farm.tasks(job_id).await? {
        let attempts = attempts(&farm, job_id, &task["id"]).await?;
        assert_eq!(attempts.len(), 1, "each task ran once: {attempts:?}");
        assert_eq!(attempts[0]["agent_id"], big.as_str(), "{attempts:?}");
        assert_ne!(task["agent_id"], small.as_str(), "{task}");
    }
    Ok(())
}

#[tokio::test]
async fn running_tasks_keep_what_they_started_with_unless_restarted_which_is_no_failure()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    farm.wait_for_online_agents(1).await?;
    let script = "if [ \"$MODE\" = fast ]; then echo fast; exit 0; fi; sleep 300";
    let mut body = TestFarm::command_job("slow until told", &["sh", "-c", script], 1, 1, 1);
    body["requeue"] = json!(0);
    let job_id = farm.submit(&body).await?.0;
    let running = farm.running_task(job_id).await?;

    // Without restart_running the running attempt carries on with what it started with.
    let (status, changed) = patch(&farm, job_id, json!({"environ": {"MODE": "fast"}})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["environ"]["MODE"], "fast");
    let task = &farm.tasks(job_id).await?[0];
    assert_eq!(task["state"], "running", "{task}");
    assert_eq!(task["attempts"], running["attempts"], "{task}");

    // With it, the attempt is stopped and the task runs again with the change.
    let (status, changed) = patch(
        &farm,
        job_id,
        json!({"environ": {"MODE": "fast"}, "timeout": 600, "restart_running": true}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["timeout"], 600);
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    let task = &farm.tasks(job_id).await?[0];
    assert_eq!(task["failures"], 0, "a restart is not a failure: {task}");
    assert!(
        task["attempts"].as_i64() > running["attempts"].as_i64(),
        "it ran again: {task}"
    );
    let log = farm
        .task_log(job_id, task["id"].as_i64().unwrap_or_default())
        .await?;
    assert!(log.contains("fast"), "{log}");

    // `null` removes a timeout.
    let (status, changed) = patch(&farm, job_id, json!({"timeout": null})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["timeout"], Value::Null, "{changed}");
    Ok(())
}

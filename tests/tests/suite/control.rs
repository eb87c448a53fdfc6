//! Job control: cancel, pause and resume, rerun, delete, and changing a job.

use std::path::Path;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(90);

/// Whether a process exists and is not a zombie.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            stat.rsplit(')')
                .next()
                .and_then(|rest| rest.split_whitespace().next())
                != Some("Z")
        }
        Err(_) => false,
    }
}

fn read_pid(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

async fn post(farm: &TestFarm, path: &str) -> anyhow::Result<Value> {
    let (status, body) = farm.send_json(Method::POST, path, None).await?;
    anyhow::ensure!(
        status == StatusCode::OK,
        "POST {path} answered {status}: {body}"
    );
    Ok(body)
}

#[tokio::test]
async fn cancel_kills_a_running_process_tree_and_the_job_ends_cancelled() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let dir = farm.dir().join("pids");
    std::fs::create_dir_all(&dir)?;
    let script = format!(
        "echo $$ > {d}/shell; sleep 600 & echo $! > {d}/grandchild; sleep 600",
        d = dir.display()
    );
    let body = TestFarm::command_job("sleeps forever", &["sh", "-c", &script], 1, 1, 1);
    let job_id = farm.submit(&body).await?.0;
    let pids = eventually(
        "the process tree to start",
        Duration::from_secs(30),
        || async { Ok(read_pid(&dir.join("shell")).zip(read_pid(&dir.join("grandchild")))) },
    )
    .await?;
    assert!(alive(pids.0) && alive(pids.1));

    let job = post(&farm, &format!("/api/v1/jobs/{job_id}/cancel")).await?;
    assert_eq!(job["state"], "cancelled", "{job}");
    // The whole tree is gone within a second of the answer.
    eventually(
        "the shell and its grandchild to die",
        Duration::from_secs(1),
        || async { Ok((!alive(pids.0) && !alive(pids.1)).then_some(())) },
    )
    .await?;
    let tasks = farm.tasks(job_id).await?;
    assert_eq!(tasks[0]["state"], "cancelled");
    // The worker's report of the killed attempt changes nothing.
    let job = farm
        .wait_for_job_state(job_id, &["cancelled"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["tasks"]["cancelled"], 1);
    Ok(())
}

#[tokio::test]
async fn pause_lets_running_tasks_finish_and_resume_runs_the_rest() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--cpus".into(), "1".into()],
        ..FarmOptions::default()
    })
    .await?;
    let marks = farm.dir().join("marks");
    std::fs::create_dir_all(&marks)?;
    let script = format!("touch {d}/$WARREN_TASK_ID; sleep 0.5", d = marks.display());
    let job_id = farm
        .submit(&TestFarm::command_job(
            "pausable",
            &["sh", "-c", &script],
            1,
            4,
            1,
        ))
        .await?
        .0;
    eventually("a task to run", Duration::from_secs(30), || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok((job["tasks"]["running"].as_i64() == Some(1)).then_some(()))
    })
    .await?;
    post(&farm, &format!("/api/v1/jobs/{job_id}/pause")).await?;
    let paused = farm
        .wait_for_job_state(job_id, &["paused"], JOB_TIMEOUT)
        .await?;
    assert_eq!(paused["tasks"]["running"], 0);
    assert!(
        paused["tasks"]["done"].as_i64().unwrap_or(0) >= 1,
        "the running task finished: {paused}"
    );
    let done_while_paused = paused["tasks"]["done"].as_i64().unwrap_or(0);
    assert_eq!(
        paused["tasks"]["paused"].as_i64().unwrap_or(0) + done_while_paused,
        4
    );

    let resumed = post(&farm, &format!("/api/v1/jobs/{job_id}/resume")).await?;
    assert_ne!(resumed["state"], "paused");
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(std::fs::read_dir(&marks)?.count(), 4, "every task ran");
    Ok(())
}

#[tokio::test]
async fn rerun_runs_tasks_again_as_new_attempts_and_delete_removes_a_job() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let flag = farm.dir().join("fixed");
    let script = format!("test -f {}", flag.display());
    let mut body = TestFarm::command_job("fails until fixed", &["sh", "-c", &script], 1, 3, 1);
    body["requeue"] = json!(0);
    let job_id = farm.submit(&body).await?.0;
    assert_eq!(
        farm.wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?["state"],
        "failed"
    );

    std::fs::write(&flag, "")?;
    let tasks = farm.tasks(job_id).await?;
    let first_task = tasks[0]["id"].as_i64().expect("a task id");
    let job = post(
        &farm,
        &format!("/api/v1/jobs/{job_id}/tasks/{first_task}/rerun"),
    )
    .await?;
    assert_eq!(
        job["tasks"]["failed"], 2,
        "only the one task is queued again: {job}"
    );
    eventually("the rerun task to finish", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok((job["tasks"]["done"].as_i64() == Some(1) && job["state"] == "failed").then_some(()))
    })
    .await?;
    post(&farm, &format!("/api/v1/jobs/{job_id}/rerun_failed")).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    for task in farm.tasks(job_id).await? {
        assert_eq!(task["attempts"], 2, "each task ran twice: {task}");
        assert_eq!(
            task["failures"], 0,
            "a rerun starts the failure count afresh"
        );
    }
    post(&farm, &format!("/api/v1/jobs/{job_id}/rerun")).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done");
    assert!(
        farm.tasks(job_id)
            .await?
            .iter()
            .all(|task| task["attempts"] == 3)
    );

    let (status, _) = farm
        .send_json(Method::DELETE, &format!("/api/v1/jobs/{job_id}"), None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = farm
        .send_json(Method::GET, &format!("/api/v1/jobs/{job_id}"), None)
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = farm
        .send_json(Method::POST, &format!("/api/v1/jobs/{job_id}/pause"), None)
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn a_queued_job_can_change_its_frames_priority_and_queue_but_not_its_frames_once_started()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let job_id = farm
        .submit(&TestFarm::command_job("editable", &["true"], 1, 10, 1))
        .await?
        .0;
    let patch = |body: Value| {
        let farm = &farm;
        async move {
            farm.send_json(
                Method::PATCH,
                &format!("/api/v1/jobs/{job_id}"),
                Some(&body),
            )
            .await
        }
    };
    // Published tasks count as not yet run; pause first so the range can be replaced.
    post(&farm, &format!("/api/v1/jobs/{job_id}/pause")).await?;
    let (status, job) =
        patch(json!({"start": 1, "end": 20, "batch": 5, "priority": 50, "title": "edited"}))
            .await?;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(
        (
            job["end"].as_i64(),
            job["tasks"]["total"].as_i64(),
            job["priority"].as_i64()
        ),
        (Some(20), Some(4), Some(50))
    );
    assert_eq!(job["title"], "edited");
    let (status, body) = patch(json!({"priority": 5000})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = patch(json!({"queue": "nope"})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = patch(json!({"end": -5})).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let mut farm = farm;
    farm.start_worker(&[]).await?;
    post(&farm, &format!("/api/v1/jobs/{job_id}/resume")).await?;
    assert_eq!(
        farm.wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?["state"],
        "done"
    );
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{job_id}"),
            Some(&json!({"end": 30})),
        )
        .await?;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    Ok(())
}

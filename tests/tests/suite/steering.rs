//! Steering submitted work: changing a job's requirements while its tasks sit in RabbitMQ or run.

use std::time::Duration;

use anyhow::Context as _;
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
    // The 64 GB agent that joins at the end is a simulated one (this host has less RAM than
    // that, and a real worker never offers more than the host has free), so the farm lets
    // agents share the broker account.
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        insecure_shared_credentials: true,
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

    let (status, changed) = patch(&farm, job_id, json!({"ram": 65536})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["ram"], 65536);
    assert!(
        changed["class"]
            .as_str()
            .unwrap_or_default()
            .contains("ram64g"),
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

    farm.start_simulated_agents(1, &["--ram", "65536", "--cpus", "2", "--task-ms", "50"])
        .await?;
    let agents = farm.wait_for_online_agents(2).await?;
    let big = agents
        .iter()
        .filter_map(|agent| agent["id"].as_str())
        .find(|id| *id != small)
        .context("the 64 GB agent")?
        .to_owned();
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
        .task_log(job_id, task["id"].as_i64().expect("an id"))
        .await?;
    assert!(log.contains("fast"), "{log}");

    // `null` removes a timeout.
    let (status, changed) = patch(&farm, job_id, json!({"timeout": null})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["timeout"], Value::Null, "{changed}");
    Ok(())
}

async fn act(farm: &TestFarm, job_id: i64, body: Value) -> anyhow::Result<(StatusCode, Value)> {
    farm.send_json(
        Method::POST,
        &format!("/api/v1/jobs/{job_id}/tasks/actions"),
        Some(&body),
    )
    .await
}

async fn task(farm: &TestFarm, job_id: i64, task_id: i64) -> anyhow::Result<Value> {
    farm.get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}"))
        .await
}

#[tokio::test]
async fn single_tasks_are_killed_skipped_failed_and_retried_by_role_and_their_history_says_who()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        ..FarmOptions::default()
    })
    .await?;
    let admin = farm.first_admin("boss", None).await?;
    let viewer = farm.user_with_token("watcher", "viewer", None).await?;
    let submitter = farm.user_with_token("artist", "submitter", None).await?;
    farm.authenticate(&admin)?;
    farm.start_worker(&["--cpus", "4"]).await?;
    farm.wait_for_online_agents(1).await?;
    let agent = farm.agent_id_of(0).await?;
    let markers = tempfile::tempdir()?;
    // Frames 1 and 2 run until stopped; 3 and 4 fail until their marker file exists.
    let script = format!(
        "if [ -e {dir}/ok-{{frame}} ]; then exit 0; fi; if [ {{frame}} -le 2 ]; then sleep 300; fi; exit 1",
        dir = markers.path().display()
    );
    let mut body = TestFarm::command_job("steered", &["sh", "-c", &script], 1, 4, 1);
    body["requeue"] = json!(0);
    // A root worker runs a job as its user: one this host has, who can read the markers.
    body["user"] = json!("nobody");
    std::fs::set_permissions(
        markers.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let job_id = farm.submit(&body).await?.0;
    let ids: Vec<i64> = farm
        .tasks(job_id)
        .await?
        .iter()
        .filter_map(|task| task["id"].as_i64())
        .collect();
    let [first, second, third, fourth] = ids[..] else {
        anyhow::bail!("four tasks: {ids:?}");
    };
    eventually("two running and two failed tasks", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok((job["tasks"]["running"] == 2 && job["tasks"]["failed"] == 2).then_some(()))
    })
    .await?;

    // Roles: a viewer may not act, nor a submitter on someone else's job.
    for token in [&viewer, &submitter] {
        let answer = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/jobs/{job_id}/tasks/actions",
                farm.base_url
            ))
            .bearer_auth(token)
            .json(&json!({"action": "skip", "tasks": [third]}))
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    }
    // Bad requests name the field and change nothing.
    for (bad, field) in [
        (json!({"action": "kill", "tasks": []}), "tasks"),
        (json!({"action": "kill", "tasks": [999_999]}), "tasks"),
        (json!({"action": "explode", "tasks": [first]}), "action"),
        (
            json!({"action": "kill", "tasks": [first], "avoid_agent": agent}),
            "avoid_agent",
        ),
        (
            json!({"action": "retry", "tasks": [first], "avoid_agent": "not-a-uuid"}),
            "avoid_agent",
        ),
    ] {
        let (status, answer) = act(&farm, job_id, bad.clone()).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {answer}");
        assert_eq!(answer["field"], field, "{bad}: {answer}");
    }
    assert_eq!(task(&farm, job_id, first).await?["state"], "running");

    // Kill: the running attempt stops and is recorded failed; tasks not running are left alone.
    let (status, answer) = act(
        &farm,
        job_id,
        json!({"action": "kill", "tasks": [first, third], "note": "stuck"}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["changed"], json!([first]), "{answer}");
    assert_eq!(answer["unchanged"][0]["task_id"], third, "{answer}");
    let killed = task(&farm, job_id, first).await?;
    assert_eq!(killed["state"], "failed", "{killed}");
    assert_eq!(killed["last_error"], "killed by boss: stuck", "{killed}");
    let attempts = attempts(&farm, job_id, &json!(first)).await?;
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0]["state"], "failed", "{attempts:?}");

    // Mark failed (a running task) and skip (a failed one), from the CLI.
    let cli = |args: Vec<String>| {
        let base_url = farm.base_url.clone();
        let admin = admin.clone();
        async move {
            tokio::process::Command::new(warren_tests::bin_path("warren")?)
                .arg("--master")
                .arg(base_url)
                .args(args)
                .env("WARREN_TOKEN", admin)
                .env("WARREN_CONFIG", "/dev/null")
                .output()
                .await
                .map_err(anyhow::Error::from)
        }
    };
    let failed = cli(vec![
        "task".into(),
        "fail".into(),
        job_id.to_string(),
        second.to_string(),
    ])
    .await?;
    assert!(failed.status.success(), "{failed:?}");
    assert_eq!(task(&farm, job_id, second).await?["state"], "failed");
    let skipped = cli(vec![
        "task".into(),
        "skip".into(),
        job_id.to_string(),
        third.to_string(),
        "--note".into(),
        "bad plate".into(),
    ])
    .await?;
    assert!(skipped.status.success(), "{skipped:?}");
    assert!(
        String::from_utf8_lossy(&skipped.stdout).contains("1 task(s)"),
        "{skipped:?}"
    );
    let third_task = task(&farm, job_id, third).await?;
    assert_eq!(third_task["state"], "done", "{third_task}");
    assert_eq!(third_task["last_error"], "skipped by boss: bad plate");

    // Retry now: the fourth frame can succeed once its marker exists.
    std::fs::write(markers.path().join("ok-4"), "")?;
    let (status, answer) =
        act(&farm, job_id, json!({"action": "retry", "tasks": [fourth]})).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    eventually("the retried task to finish", JOB_TIMEOUT, || async {
        Ok((task(&farm, job_id, fourth).await?["state"] == "done").then_some(()))
    })
    .await?;
    // Retry avoiding an agent: it runs on another one.
    farm.start_worker(&[]).await?;
    farm.wait_for_online_agents(2).await?;
    let other = farm.agent_id_of(1).await?;
    std::fs::write(markers.path().join("ok-1"), "")?;
    let (status, answer) = act(
        &farm,
        job_id,
        json!({"action": "retry", "tasks": [first], "avoid_agent": agent, "note": "bad node"}),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let retried = eventually(
        "the task retried elsewhere to finish",
        JOB_TIMEOUT,
        || async {
            let retried = task(&farm, job_id, first).await?;
            Ok((retried["state"] == "done").then_some(retried))
        },
    )
    .await?;
    assert_eq!(retried["agent_id"], other.as_str(), "{retried}");
    let avoided = farm
        .get_json(&format!(
            "/api/v1/jobs/{job_id}/tasks/{first}/failed_on_agents"
        ))
        .await?;
    assert!(avoided.to_string().contains(&agent), "{avoided}");

    // Each task's history says who did what.
    let history = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{first}/actions"))
        .await?;
    let actions: Vec<(&str, &str)> = history["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entry| {
            (
                entry["action"].as_str().unwrap_or_default(),
                entry["actor"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(actions, [("kill", "boss"), ("retry", "boss")], "{history}");
    let history = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{third}/actions"))
        .await?;
    assert_eq!(history["actions"][0]["note"], "bad plate", "{history}");
    Ok(())
}

fn moment(value: &Value) -> anyhow::Result<time::OffsetDateTime> {
    let text = value
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("not a time: {value}"))?;
    Ok(time::OffsetDateTime::parse(
        text,
        &time::format_description::well_known::Rfc3339,
    )?)
}

#[tokio::test]
async fn a_rolling_restart_upgrades_three_workers_one_at_a_time_and_every_task_runs_once()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let binary = dir.path().join("warren-worker");
    std::fs::copy(warren_tests::bin_path("warren-worker")?, &binary)?;
    std::fs::File::options()
        .write(true)
        .open(&binary)?
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))?;
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        worker_binary: Some(binary.clone()),
        ..FarmOptions::default()
    })
    .await?;
    for _ in 0..3 {
        farm.start_worker(&["--cpus", "1"]).await?;
    }
    let agents_before = farm.wait_for_online_agents(3).await?;
    let mut body = TestFarm::command_job("through restarts", &["sleep", "0.3"], 1, 60, 1);
    body["requeue"] = json!(0);
    let job_id = farm.submit(&body).await?.0;
    farm.running_task(job_id).await?;

    // Upgrade: a new binary put in place as an installer does (a new file, renamed over).
    let staged = dir.path().join("warren-worker.new");
    std::fs::copy(warren_tests::bin_path("warren-worker")?, &staged)?;
    std::fs::rename(&staged, &binary)?;
    let asked = farm
        .warren(&["agents", "restart", "--all", "--max-at-once", "1"])
        .await?;
    assert!(asked.status.success(), "{asked:?}");
    // While the restarts go on, at least two agents serve at every look: online, and not
    // draining or restarting.
    let fewest_serving = std::cell::Cell::new(usize::MAX);
    let restarts = eventually("every agent to restart", JOB_TIMEOUT, || async {
        let list = farm.get_json("/api/v1/agents/restarts").await?;
        let ours: Vec<Value> = list["restarts"].as_array().cloned().unwrap_or_default();
        anyhow::ensure!(
            !ours.iter().any(|restart| restart["state"] == "failed"),
            "a restart failed: {ours:?}"
        );
        let restarting: Vec<&Value> = ours
            .iter()
            .filter(|restart| !matches!(restart["state"].as_str(), Some("pending" | "done")))
            .map(|restart| &restart["agent_id"])
            .collect();
        let agents = farm.get_json("/api/v1/agents").await?;
        let serving = agents["agents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|agent| matches!(agent["state"].as_str(), Some("online" | "running")))
            .filter(|agent| !restarting.contains(&&agent["id"]))
            .count();
        fewest_serving.set(fewest_serving.get().min(serving));
        Ok(
            (ours.len() == 3 && ours.iter().all(|restart| restart["state"] == "done"))
                .then_some(ours),
        )
    })
    .await?;
    assert!(
        fewest_serving.get() >= 2,
        "two agents served throughout the rolling restart, at worst {}",
        fewest_serving.get()
    );
    assert_eq!(restarts.len(), 3);
    // One at a time: each agent was told only after the one before it came back.
    let mut spans = restarts
        .iter()
        .map(|restart| Ok((moment(&restart["sent_at"])?, moment(&restart["done_at"])?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    spans.sort();
    for pair in spans.windows(2) {
        assert!(
            pair[1].0 >= pair[0].1,
            "two agents restarted at once: {restarts:?}"
        );
    }
    for restart in &restarts {
        assert_ne!(
            restart["version_before"], restart["version_after"],
            "the agent runs the new binary: {restart}"
        );
    }
    // The same agents, online again.
    let agents_after = farm.wait_for_online_agents(3).await?;
    let ids = |agents: &[Value]| {
        let mut ids: Vec<String> = agents
            .iter()
            .filter_map(|agent| agent["id"].as_str().map(str::to_owned))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&agents_before), ids(&agents_after));

    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    for task in farm.tasks(job_id).await? {
        let ran = task["attempts"].as_i64().unwrap_or_default()
            - task["declines"].as_i64().unwrap_or_default();
        assert_eq!(ran, 1, "every task ran once: {task}");
    }
    Ok(())
}

#[tokio::test]
async fn a_restart_with_now_hands_running_tasks_back_and_they_run_again_without_a_failure()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let agents = farm.wait_for_online_agents(1).await?;
    let agent = agents[0]["id"].as_str().context("an agent id")?.to_owned();
    let mut body = TestFarm::command_job("long render", &["sleep", "300"], 1, 1, 1);
    body["requeue"] = json!(0);
    let job_id = farm.submit(&body).await?.0;
    let running = farm.running_task(job_id).await?;
    let task_id = running["id"].as_i64().context("a task id")?;
    let asked = farm.warren(&["agents", "restart", &agent, "--now"]).await?;
    assert!(asked.status.success(), "{asked:?}");
    // The restart completes although the task had five minutes to go.
    eventually("the restart to be done", JOB_TIMEOUT, || async {
        let list = farm.get_json("/api/v1/agents/restarts").await?;
        let restart = list["restarts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|restart| restart["agent_id"] == agent.as_str())
            .cloned();
        anyhow::ensure!(
            restart
                .as_ref()
                .is_none_or(|restart| restart["state"] != "failed"),
            "the restart failed: {restart:?}"
        );
        Ok(restart.filter(|restart| restart["state"] == "done"))
    })
    .await?;
    // The task handed back runs again on the restarted agent, and that was no failure (the job
    // retries none).
    let again =
        eventually("the task to run again", JOB_TIMEOUT, || async {
            let task = farm
                .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}"))
                .await?;
            Ok((task["state"] == "running"
                && task["attempts"].as_i64() > running["attempts"].as_i64())
            .then_some(task))
        })
        .await?;
    assert_eq!(again["failures"], 0, "{again}");
    assert_eq!(again["agent_id"], agent.as_str(), "{again}");
    let (status, _) = farm
        .send_json(Method::POST, &format!("/api/v1/jobs/{job_id}/cancel"), None)
        .await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn gpu_tasks_never_share_a_gpu_and_each_is_told_the_one_it_holds() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    // One worker declares its GPUs with flags, the other in its configuration file.
    farm.start_worker(&[
        "--cpus",
        "8",
        "--gpu",
        "Test GPU:8192",
        "--gpu",
        "Test GPU:8192",
    ])
    .await?;
    let config = farm.dir().join("gpu-node.toml");
    std::fs::write(
        &config,
        "cpus = 8\ngpus = [\"Test GPU:8192\", \"Test GPU:8192\"]\n",
    )?;
    farm.start_worker(&["--config", &config.to_string_lossy()])
        .await?;
    farm.wait_for_online_agents(2).await?;
    let locks = tempfile::tempdir()?;
    // A task holds a lock named after its agent and GPU while it runs: a second holder of the
    // same GPU fails to take it. It also says how many GPUs were held when it started.
    let script = format!(
        "[ -n \"$WARREN_GPUS\" ] || exit 3; lock={dir}/$WARREN_AGENT_ID-gpu$WARREN_GPUS; \
         mkdir \"$lock\" || exit 4; echo \"gpu=$WARREN_GPUS cuda=$CUDA_VISIBLE_DEVICES hip=$HIP_VISIBLE_DEVICES \
         rocr=$ROCR_VISIBLE_DEVICES ze=$ZE_AFFINITY_MASK held=$(ls {dir} | wc -l)\"; \
         sleep 0.5; rmdir \"$lock\"",
        dir = locks.path().display()
    );
    let mut body = TestFarm::command_job("gpu frames", &["sh", "-c", &script], 1, 8, 1);
    body["requeue"] = json!(0);
    body["gpus"] = json!(1);
    body["gpu_ram"] = json!(4096);

    for (field, value) in [("gpus", json!(65)), ("gpu_ram", json!(-1))] {
        let mut bad = body.clone();
        bad[field] = value;
        let (status, answer) = farm
            .send_json(Method::POST, "/api/v1/jobs", Some(&bad))
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let mut too_many = TestFarm::command_job("three gpus", &["true"], 1, 1, 1);
    too_many["gpus"] = json!(3);
    let blocked = farm.submit(&too_many).await?.0;
    let waiting = eventually("the 3-GPU job to say why it waits", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{blocked}")).await?;
        Ok(job["blocked_reason"].as_str().map(str::to_owned))
    })
    .await?;
    assert!(waiting.contains("3 GPUs"), "{waiting}");

    let job_id = farm.submit(&body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "no GPU was held twice: {job}");
    assert_eq!(job["gpus"], 1);
    assert!(
        job["class"].as_str().unwrap_or_default().contains("gpus1"),
        "{job}"
    );
    let mut most_held = 0;
    for task in farm.tasks(job_id).await? {
        let log = farm
            .task_log(job_id, task["id"].as_i64().expect("an id"))
            .await?;
        let line = log
            .lines()
            .find(|line| line.starts_with("gpu="))
            .ok_or_else(|| anyhow::anyhow!("no GPU line: {log}"))?;
        let gpu = line
            .split_whitespace()
            .next()
            .and_then(|field| field.strip_prefix("gpu="))
            .unwrap_or_default();
        assert!(gpu == "0" || gpu == "1", "one of the agent's GPUs: {line}");
        for variable in ["cuda", "hip", "rocr", "ze"] {
            assert!(
                line.contains(&format!("{variable}={gpu} ")),
                "{variable} names the same GPU: {line}"
            );
        }
        let held: u32 = line
            .rsplit("held=")
            .next()
            .and_then(|count| count.trim().parse().ok())
            .unwrap_or_default();
        most_held = most_held.max(held);
    }
    assert!(
        (1..=4).contains(&most_held),
        "at most four GPU tasks ran at once: {most_held}"
    );
    Ok(())
}

/// A 10-frame batch whose frame 7 fails once, with `requeue` 1; the frames that ran, in order.
async fn batch_failing_at_frame_7(
    rerun_whole_batch: bool,
) -> anyhow::Result<(Vec<i64>, String, Value)> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    farm.wait_for_online_agents(1).await?;
    let dir = tempfile::tempdir()?;
    let script = format!(
        "echo rendering frame {{frame}}; echo {{frame}} >> {dir}/ran; \
         if [ {{frame}} = 7 ] && [ ! -e {dir}/fixed ]; then touch {dir}/fixed; exit 1; fi",
        dir = dir.path().display()
    );
    let mut body = TestFarm::command_job("batch of ten", &["sh", "-c", &script], 1, 10, 10);
    body["requeue"] = json!(1);
    body["rerun_whole_batch"] = json!(rerun_whole_batch);
    let job_id = farm.submit(&body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    let task = farm.tasks(job_id).await?.remove(0);
    assert_eq!(task["attempts"], 2, "{task}");
    let log = farm
        .task_log(job_id, task["id"].as_i64().expect("an id"))
        .await?;
    let ran = std::fs::read_to_string(dir.path().join("ran"))?
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect();
    Ok((ran, log, task))
}

#[tokio::test]
async fn a_batch_that_failed_at_frame_7_runs_again_from_frame_7() -> anyhow::Result<()> {
    let (ran, log, task) = batch_failing_at_frame_7(false).await?;
    let expected: Vec<i64> = (1..=7).chain(7..=10).collect();
    assert_eq!(ran, expected, "frames 1 to 6 ran once, 7 to 10 again");
    assert!(
        log.contains("rendering frame 7") && !log.contains("rendering frame 6"),
        "the second attempt's log starts at frame 7: {log}"
    );
    assert_eq!(task["frame_states"], json!(vec!["done"; 10]), "{task}");
    assert_eq!(task["done_through"], 10, "{task}");
    Ok(())
}

#[tokio::test]
async fn with_rerun_whole_batch_a_failed_batch_runs_all_its_frames_again() -> anyhow::Result<()> {
    let (ran, log, _) = batch_failing_at_frame_7(true).await?;
    let expected: Vec<i64> = (1..=7).chain(1..=10).collect();
    assert_eq!(ran, expected);
    assert!(log.contains("rendering frame 1"), "{log}");
    Ok(())
}

#[tokio::test]
async fn a_frame_dependency_releases_each_frame_as_its_parent_frame_is_done() -> anyhow::Result<()>
{
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--cpus".to_owned(), "4".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    farm.wait_for_online_agents(1).await?;
    // The parent renders frames 1 to 6 in one batch, slowly; the child has one task per frame.
    let mut parent = TestFarm::command_job(
        "slow batch",
        &["sh", "-c", "echo parent {frame}; sleep 0.4"],
        1,
        6,
        6,
    );
    parent["requeue"] = json!(0);
    let parent_id = farm.submit(&parent).await?.0;
    let mut child = TestFarm::command_job("per frame", &["echo", "child {frame}"], 1, 6, 1);
    child["depends_on"] = json!({"job": parent_id, "mode": "frame"});
    let child_id = farm.submit(&child).await?.0;
    let parent_task = eventually("the parent to report frames done", JOB_TIMEOUT, || async {
        let task = farm.tasks(parent_id).await?.remove(0);
        Ok((task["state"] == "running"
            && task["frame_states"][0] == "done"
            && task["frame_states"][5] != "done")
            .then_some(task))
    })
    .await?;
    assert_eq!(parent_task["frame_states"][5], "pending", "{parent_task}");
    // The child's first frame finishes while the parent's batch still runs.
    eventually(
        "the child's first frame to be done",
        JOB_TIMEOUT,
        || async {
            let first = farm.tasks(child_id).await?.remove(0);
            Ok((first["state"] == "done").then_some(()))
        },
    )
    .await?;
    let parent_task = farm.tasks(parent_id).await?.remove(0);
    assert_ne!(
        parent_task["state"], "done",
        "the child's frame 1 did not wait for the whole parent batch: {parent_task}"
    );
    let child = farm
        .wait_for_job_state(child_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(child["state"], "done", "{child}");
    Ok(())
}

#[tokio::test]
async fn a_frame_is_done_only_once_every_phase_rendered_it() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    farm.wait_for_online_agents(1).await?;
    let dir = tempfile::tempdir()?;
    let log = dir.path().join("ran");
    let definition = json!({
        "name": "two-pass",
        "phases": [
            {"name": "one", "argv": ["sh", "-c", format!("echo one {{frame}} >> {}", log.display())]},
            {"name": "two", "argv": ["sh", "-c", format!(
                "echo two {{frame}} >> {log}; if [ {{frame}} = 3 ] && [ ! -e {dir}/fixed ]; then touch {dir}/fixed; exit 1; fi",
                log = log.display(),
                dir = dir.path().display()
            )]}
        ]
    });
    let (status, created) = farm
        .send_json(Method::POST, "/api/v1/jobtypes", Some(&definition))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let body = json!({
        "title": "two passes", "jobtype": "two-pass", "start": 1, "end": 5, "batch": 5, "requeue": 1
    });
    let job_id = farm.submit(&body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    let ran: Vec<String> = std::fs::read_to_string(&log)?
        .lines()
        .map(str::to_owned)
        .collect();
    let expected: Vec<String> = [
        "one 1", "one 2", "one 3", "one 4", "one 5", "two 1", "two 2", "two 3", // fails
        "one 3", "one 4", "one 5", "two 3", "two 4", "two 5",
    ]
    .iter()
    .map(|line| (*line).to_owned())
    .collect();
    assert_eq!(
        ran, expected,
        "frames 1 and 2 were done after both passes; the retry redoes both passes from frame 3"
    );
    Ok(())
}

#[tokio::test]
async fn pinning_another_job_type_version_takes_its_software_requirements_instead()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    farm.wait_for_online_agents(1).await?;
    let version = |software: Value| {
        json!({
            "name": "maybe-blender",
            "phases": [{"name": "run", "argv": ["echo", "frame {frame}"]}],
            "software_requirements": software
        })
    };
    let (status, created) = farm
        .send_json(
            Method::POST,
            "/api/v1/jobtypes",
            Some(&version(json!(["blender"]))),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, second) = farm
        .send_json(
            Method::PUT,
            "/api/v1/jobtypes/maybe-blender",
            Some(&version(json!([]))),
        )
        .await?;
    assert!(status.is_success(), "{second}");
    let body = json!({
        "title": "needs blender at first", "jobtype": "maybe-blender", "jobtype_version": 1,
        "start": 1, "end": 2, "requeue": 0
    });
    let job_id = farm.submit(&body).await?.0;
    let waiting = eventually("the job to wait for blender", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok(job["blocked_reason"].as_str().map(str::to_owned))
    })
    .await?;
    assert!(waiting.contains("blender"), "{waiting}");
    let (status, changed) = patch(&farm, job_id, json!({"jobtype_version": 2})).await?;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["jobtype_version"], 2);
    assert_eq!(changed["software_requirements"], json!([]), "{changed}");
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    Ok(())
}

#[tokio::test]
async fn a_per_host_limit_counts_each_host_once() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    for _ in 0..2 {
        farm.start_worker(&["--cpus", "4"]).await?;
    }
    farm.wait_for_online_agents(2).await?;
    let (status, answer) = farm
        .send_json(
            Method::PUT,
            "/api/v1/limits",
            Some(&json!({"nodelocked": {"max": 1, "per_host": true}})),
        )
        .await?;
    assert!(status.is_success(), "{answer}");
    // A first job that holds the limit, run to the end: the dispatcher has taken the new limit
    // into account by then (a round already under way when it was made may not).
    let mut first = TestFarm::command_job("first", &["true"], 1, 1, 1);
    first["limits"] = json!(["nodelocked"]);
    let first = farm.submit(&first).await?.0;
    farm.wait_for_job_state(first, &["done"], JOB_TIMEOUT)
        .await?;
    let dir = tempfile::tempdir()?;
    // Each task marks its host busy while it runs and says how many hosts and how many tasks on
    // its own host were busy when it started.
    let script = format!(
        "mkdir -p {dir}/$WARREN_AGENT_ID; touch {dir}/$WARREN_AGENT_ID/$WARREN_TASK_ID; \
         hosts=$(for host in {dir}/*; do [ -n \"$(ls $host)\" ] && echo $host; done | wc -l); \
         here=$(ls {dir}/$WARREN_AGENT_ID | wc -l); echo \"hosts=$hosts here=$here\"; sleep 0.6; \
         rm {dir}/$WARREN_AGENT_ID/$WARREN_TASK_ID",
        dir = dir.path().display()
    );
    let mut body = TestFarm::command_job("node-locked", &["sh", "-c", &script], 1, 8, 1);
    body["requeue"] = json!(0);
    body["limits"] = json!(["nodelocked"]);
    let job_id = farm.submit(&body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done", "{job}");
    let mut most_here = 0;
    for task in farm.tasks(job_id).await? {
        let log = farm
            .task_log(job_id, task["id"].as_i64().expect("an id"))
            .await?;
        let field = |name: &str| -> u32 {
            log.split_whitespace()
                .find_map(|word| word.strip_prefix(&format!("{name}=")))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or_default()
        };
        assert_eq!(
            field("hosts"),
            1,
            "one host at a time holds the licence: {log} {:?}",
            farm.tasks(job_id)
                .await?
                .iter()
                .map(|task| format!(
                    "{} {} {} {}",
                    task["id"], task["agent_id"], task["time_started"], task["time_finished"]
                ))
                .collect::<Vec<_>>()
        );
        most_here = most_here.max(field("here"));
    }
    assert!(
        most_here >= 2,
        "the host holding the licence ran several of its tasks at once: {most_here}"
    );
    Ok(())
}

//! Routing by tags and software, and capacity that matches each worker's CPUs and RAM.

use std::collections::BTreeSet;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(90);

fn job_body(title: &str, argv: &[&str], frames: i64) -> Value {
    let mut body = TestFarm::command_job(title, argv, 1, frames, 1);
    body["requeue"] = json!(0);
    body
}

async fn run_to_end(farm: &TestFarm, body: &Value) -> anyhow::Result<(Value, Vec<Value>)> {
    let job_id = farm.submit(body).await?.0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    Ok((job, farm.tasks(job_id).await?))
}

fn agents_of(tasks: &[Value]) -> BTreeSet<String> {
    tasks
        .iter()
        .filter_map(|task| task["agent_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_four_cpu_worker_runs_four_one_cpu_tasks_at_once_but_one_four_cpu_task_at_a_time()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--cpus".into(), "4".into(), "--ram".into(), "8192".into()],
        ..FarmOptions::default()
    })
    .await?;
    let barrier = farm.dir().join("barrier");
    std::fs::create_dir_all(&barrier)?;
    // Each task succeeds only if all four are running at the same time.
    let together = format!(
        "touch {dir}/$WARREN_TASK_ID; i=0; while [ $(ls {dir} | wc -l) -lt 4 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; [ $(ls {dir} | wc -l) -ge 4 ]",
        dir = barrier.display()
    );
    let (job, _) = run_to_end(
        &farm,
        &job_body("four at once", &["sh", "-c", &together], 4),
    )
    .await?;
    assert_eq!(
        job["state"], "done",
        "four 1-CPU tasks ran together on a 4-CPU worker: {job}"
    );

    // Each task fails if another one holds the lock: 4-CPU tasks must run one at a time.
    let lock = farm.dir().join("lock");
    let alone = format!(
        "mkdir {lock} || exit 1; sleep 0.3; rmdir {lock}",
        lock = lock.display()
    );
    let mut body = job_body("one at a time", &["sh", "-c", &alone], 3);
    body["cpus"] = json!(4);
    let (job, tasks) = run_to_end(&farm, &body).await?;
    assert_eq!(
        job["state"], "done",
        "4-CPU tasks never overlapped: {job} {tasks:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_16_gb_task_goes_to_the_16_gb_worker_never_to_the_8_gb_one() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--ram", "8192"]).await?;
    farm.start_worker(&["--ram", "16384"]).await?;
    farm.wait_for_online_agents(2).await?;
    let small = farm.agent_id_of(0).await?;
    let big = farm.agent_id_of(1).await?;
    let mut body = job_body("big", &["true"], 6);
    body["ram"] = json!(16384);
    let (job, tasks) = run_to_end(&farm, &body).await?;
    assert_eq!(job["state"], "done");
    assert_eq!(
        agents_of(&tasks),
        BTreeSet::from([big.clone()]),
        "only the 16 GB worker ran them"
    );
    assert!(!agents_of(&tasks).contains(&small));
    Ok(())
}

#[tokio::test]
async fn tags_negated_tags_and_software_decide_who_runs_what() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (_, config) = farm.fake_blender("3.6.2 (hash 1234)")?;
    farm.start_worker(&["--tag", "gpu"]).await?;
    farm.start_worker(&["--tag", "workstation"]).await?;
    farm.start_worker(&["--config", &config.display().to_string()])
        .await?;
    farm.wait_for_online_agents(3).await?;
    let gpu = farm.agent_id_of(0).await?;
    let workstation = farm.agent_id_of(1).await?;
    let blender_node = farm.agent_id_of(2).await?;

    // A node is online from its join; what it found comes with its hello, a moment later.
    let software = eventually(
        "the node's software reported",
        Duration::from_secs(30),
        || {
            let farm = &farm;
            let blender_node = &blender_node;
            async move {
                let software = farm
                    .get_json(&format!("/api/v1/agents/{blender_node}/software"))
                    .await?;
                Ok(software["software"]
                    .as_object()
                    .is_some_and(|found| !found.is_empty())
                    .then_some(software))
            }
        },
    )
    .await?;
    assert_eq!(
        software["software"]["blender"],
        json!(["3.6"]),
        "discovery found the fake blender: {software}"
    );

    let mut gpu_job = job_body("needs gpu", &["true"], 6);
    gpu_job["tag_requirements"] = json!(["gpu"]);
    let (state, tasks) = run_to_end(&farm, &gpu_job).await?;
    assert_eq!(state["state"], "done");
    assert_eq!(agents_of(&tasks), BTreeSet::from([gpu.clone()]));

    let mut not_workstation = job_body("not on workstations", &["true"], 12);
    not_workstation["tag_requirements"] = json!([{"tag": "workstation", "negate": true}]);
    let (state, tasks) = run_to_end(&farm, &not_workstation).await?;
    assert_eq!(state["state"], "done");
    assert!(
        !agents_of(&tasks).contains(&workstation),
        "{:?}",
        agents_of(&tasks)
    );

    let mut blender_job = job_body("needs blender", &["true"], 6);
    blender_job["software_requirements"] = json!(["blender>=3.0"]);
    let (state, tasks) = run_to_end(&farm, &blender_job).await?;
    assert_eq!(state["state"], "done");
    assert_eq!(agents_of(&tasks), BTreeSet::from([blender_node.clone()]));

    let mut too_new = job_body("needs blender 5", &["true"], 1);
    too_new["software_requirements"] = json!([{"software": "blender", "min_version": "5.0"}]);
    let job_id = farm.submit(&too_new).await?.0;
    let blocked = eventually(
        "the job to say why it is blocked",
        Duration::from_secs(10),
        || async {
            let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
            Ok(job["blocked_reason"]
                .as_str()
                .map(str::to_owned)
                .map(|reason| (job, reason)))
        },
    )
    .await?;
    assert_eq!(blocked.0["state"], "queued", "{}", blocked.0);
    assert!(blocked.1.contains("blender>=5"), "{}", blocked.1);
    Ok(())
}

#[tokio::test]
async fn a_new_requirement_class_is_picked_up_without_restarting_workers() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--cpus".into(), "4".into()],
        ..FarmOptions::default()
    })
    .await?;
    let (first, _) = run_to_end(&farm, &job_body("one cpu", &["true"], 2)).await?;
    assert_eq!(first["class"], "cpu1");
    let mut body = job_body("three cpus, 1 GB", &["true"], 2);
    body["cpus"] = json!(3);
    body["ram"] = json!(1000);
    let (second, _) = run_to_end(&farm, &body).await?;
    assert_eq!(second["class"], "cpu3.ram1g");
    assert_eq!(second["state"], "done");
    Ok(())
}

#[tokio::test]
async fn a_job_nobody_can_run_stays_queued_and_says_why_until_a_worker_qualifies()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions::default()).await?;
    let mut body = job_body("needs a render node", &["true"], 3);
    body["tag_requirements"] = json!(["rendernode", "!workstation"]);
    let job_id = farm.submit(&body).await?.0;
    let job = eventually("a blocked reason", Duration::from_secs(10), || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
        Ok(job["blocked_reason"].is_string().then_some(job))
    })
    .await?;
    assert_eq!(job["state"], "queued");
    let reason = job["blocked_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("rendernode") && reason.contains("workstation"),
        "{reason}"
    );

    farm.start_worker(&["--tag", "rendernode"]).await?;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(job["state"], "done");
    assert!(job["blocked_reason"].is_null());
    Ok(())
}

#[tokio::test]
async fn class_queues_and_exchanges_have_the_documented_names() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let mut body = job_body("names", &["true"], 1);
    body["tag_requirements"] = json!(["linux", "!windows"]);
    body["software_requirements"] = json!([]);
    body["cpus"] = json!(1);
    body["ram"] = json!(2048);
    let job_id = farm.submit(&body).await?.0;
    let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(job["class"], "linux.!windows.cpu1.ram2g");
    let namespace = &farm.namespace;
    eventually(
        "the class queue to be declared",
        Duration::from_secs(10),
        || async {
            Ok(farm
                .broker_has_queue(&format!("{namespace}.tasks.linux.!windows.cpu1.ram2g"))
                .await?
                .then_some(()))
        },
    )
    .await?;
    for exchange in [
        format!("{namespace}.q.root"),
        format!("{namespace}.events"),
        format!("{namespace}.control"),
        format!("{namespace}.dead"),
    ] {
        assert!(
            farm.broker_has_exchange(&exchange).await?,
            "{exchange} exists"
        );
    }
    for queue in [
        format!("{namespace}.master.events"),
        format!("{namespace}.dead"),
    ] {
        assert!(farm.broker_has_queue(&queue).await?, "{queue} exists");
    }
    assert!(
        !farm
            .broker_has_queue(&format!("{namespace}.tasks.nothing"))
            .await?,
        "a passive check can fail"
    );
    Ok(())
}

#[tokio::test]
async fn the_agent_api_filters_tags_disables_and_forgets_agents() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--tag", "linux", "--cpus", "2", "--ram", "4096"])
        .await?;
    farm.start_worker(&["--tag", "linux", "--cpus", "8", "--ram", "32768"])
        .await?;
    farm.wait_for_online_agents(2).await?;
    let small = farm.agent_id_of(0).await?;
    let big = farm.agent_id_of(1).await?;

    let count = |answer: &Value| answer["agents"].as_array().map_or(0, Vec::len);
    assert_eq!(count(&farm.get_json("/api/v1/agents?min_cpus=4").await?), 1);
    assert_eq!(
        count(&farm.get_json("/api/v1/agents?max_ram=8192").await?),
        1
    );
    assert_eq!(
        count(
            &farm
                .get_json("/api/v1/agents?tag=linux&state=online")
                .await?
        ),
        2
    );
    assert_eq!(count(&farm.get_json("/api/v1/tags/linux/agents").await?), 2);
    assert_eq!(
        count(&farm.get_json("/api/v1/agents?hostname=test-node-1").await?),
        1
    );
    let (status, _) = farm
        .send_json(Method::GET, "/api/v1/agents/not-a-uuid", None)
        .await?;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    let (status, _) = farm
        .send_json(
            Method::GET,
            &format!("/api/v1/agents/{}", uuid::Uuid::new_v4()),
            None,
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);

    // Tag the big worker `gpu` through the API: a gpu job now runs there, without a restart.
    let (status, agent) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/agents/{big}"),
            Some(&json!({"tags": ["linux", "gpu"], "notes": "rack 4"})),
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::OK, "{agent}");
    assert_eq!(agent["tags"], json!(["gpu", "linux"]));
    assert_eq!(agent["notes"], "rack 4");
    let mut gpu_job = job_body("gpu via the API", &["true"], 4);
    gpu_job["tag_requirements"] = json!(["gpu"]);
    let (state, tasks) = run_to_end(&farm, &gpu_job).await?;
    assert_eq!(state["state"], "done", "{state}");
    assert_eq!(agents_of(&tasks), BTreeSet::from([big.clone()]));
    let held = farm
        .get_json(&format!("/api/v1/agents/{big}/tasks?state=done"))
        .await?;
    assert_eq!(held["tasks"].as_array().map(Vec::len), Some(4));

    // Disable the small worker: new work goes only to the big one; enabled again, it takes work.
    let (status, agent) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/agents/{small}"),
            Some(&json!({"disabled": true})),
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(agent["state"], "disabled");
    let (state, tasks) = run_to_end(&farm, &job_body("while disabled", &["true"], 12)).await?;
    assert_eq!(state["state"], "done");
    assert!(
        !agents_of(&tasks).contains(&small),
        "a disabled agent takes no new work"
    );
    let (status, _) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/agents/{big}"),
            Some(&json!({"disabled": true})),
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::OK);
    farm.send_json(
        Method::PATCH,
        &format!("/api/v1/agents/{small}"),
        Some(&json!({"disabled": false})),
    )
    .await?;
    let (state, tasks) = run_to_end(&farm, &job_body("enabled again", &["true"], 3)).await?;
    assert_eq!(state["state"], "done");
    assert_eq!(agents_of(&tasks), BTreeSet::from([small.clone()]));

    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/agents/{small}"),
            Some(&json!({"tags": ["bad tag"]})),
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/agents/{small}"),
            Some(&json!({"colour": "red"})),
        )
        .await?;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, _) = farm
        .send_json(Method::DELETE, &format!("/api/v1/agents/{big}"), None)
        .await?;
    assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
    // The worker is still alive: its next heartbeat makes it register again.
    eventually(
        "the deleted but living worker to register again",
        Duration::from_secs(30),
        || async {
            let (status, _) = farm
                .send_json(Method::GET, &format!("/api/v1/agents/{big}"), None)
                .await?;
            Ok((status == reqwest::StatusCode::OK).then_some(()))
        },
    )
    .await?;
    Ok(())
}

/// Kills a background worker by its pid file if a test ends before stopping it.
struct BackgroundWorker {
    pid_file: std::path::PathBuf,
}

impl Drop for BackgroundWorker {
    fn drop(&mut self) {
        if let Ok(text) = std::fs::read_to_string(&self.pid_file)
            && let Ok(pid) = text.trim().parse::<i32>()
        {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

#[tokio::test]
async fn worker_start_status_and_stop_manage_a_background_worker() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let dir = farm.dir().join("background");
    farm.join(&dir, "test-node-background").await?;
    let worker = |args: &[&str]| {
        let mut command = tokio::process::Command::new(
            warren_tests::bin_path("warren-worker").expect("built binaries"),
        );
        command
            .args(args)
            .arg("--dir")
            .arg(&dir)
            .env("WARREN_AMQP_URL", &farm.amqp_url)
            .env("WARREN_NAMESPACE", &farm.namespace)
            .env("WARREN_QUEUE_EXPIRES_MS", "600000")
            .env_remove("WARREN_WORKER_DIR");
        command
    };
    let started = worker(&[
        "start",
        "--allow-root-tasks",
        "--hostname",
        "test-node-background",
        "--heartbeat-interval-secs",
        "1",
    ])
    .output()
    .await?;
    let _guard = BackgroundWorker {
        pid_file: dir.join("worker.pid"),
    };
    assert!(started.status.success(), "{started:?}");
    assert!(String::from_utf8_lossy(&started.stdout).contains("started (pid"));
    let again = worker(&["start"]).output().await?;
    assert!(
        !again.status.success(),
        "a second start is refused while one runs"
    );

    let status = worker(&["status"]).output().await?;
    assert_eq!(status.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&status.stdout).contains("running (pid"));
    farm.wait_for_online_agents(1).await?;
    let (job, _) = run_to_end(&farm, &job_body("on the background worker", &["true"], 2)).await?;
    assert_eq!(job["state"], "done");

    let stopped = worker(&["stop"]).output().await?;
    assert!(stopped.status.success(), "{stopped:?}");
    assert!(String::from_utf8_lossy(&stopped.stdout).contains("the worker stopped"));
    let status = worker(&["status"]).output().await?;
    assert_eq!(status.status.code(), Some(3), "not running");
    eventually(
        "the agent to be offline after its goodbye",
        Duration::from_secs(10),
        || async {
            let agents = farm
                .get_json("/api/v1/agents?hostname=test-node-background")
                .await?;
            Ok((agents["agents"][0]["state"] == "offline").then_some(()))
        },
    )
    .await?;
    assert!(
        std::fs::read_to_string(dir.join("worker.log"))?.contains("worker ready"),
        "the log is in the worker's directory"
    );
    Ok(())
}

#[tokio::test]
async fn simulated_agents_speak_the_real_protocol_and_share_a_job() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        insecure_shared_credentials: true,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_simulated_agents(40, &["--task-ms", "200", "--agents-per-pool", "16"])
        .await?;
    let agents = farm.wait_for_online_agents(40).await?;
    let simulated: BTreeSet<String> = agents
        .iter()
        .filter(|agent| {
            agent["hostname"]
                .as_str()
                .is_some_and(|name| name.starts_with("sim-"))
        })
        .filter_map(|agent| agent["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(simulated.len(), 40, "{agents:?}");
    assert!(agents.iter().all(|agent| agent["cpus"] == 1), "{agents:?}");

    // The agent list pages with `limit` and `cursor`, in host name order.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/agents?limit=15&cursor={cursor}"),
            None => "/api/v1/agents?limit=15".to_owned(),
        };
        let page = farm.get_json(&path).await?;
        let names: Vec<String> = page["agents"]
            .as_array()
            .expect("agents")
            .iter()
            .filter_map(|agent| agent["hostname"].as_str().map(str::to_owned))
            .collect();
        assert!(names.len() <= 15, "{page}");
        paged.extend(names);
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = (0..40).map(|n| format!("sim-{n:04}")).collect();
    assert_eq!(paged, expected);
    for query in ["limit=0", "cursor=nope"] {
        let (status, answer) = farm
            .send_json(Method::GET, &format!("/api/v1/agents?{query}"), None)
            .await?;
        assert_eq!(status.as_u16(), 422, "{query}: {answer}");
    }

    let (job, tasks) = run_to_end(&farm, &job_body("simulated", &["/bin/false"], 120)).await?;
    assert_eq!(job["state"], "done", "{job}");
    let used = agents_of(&tasks);
    assert!(used.is_subset(&simulated), "{used:?}");
    assert!(used.len() > 1, "one agent ran everything: {used:?}");
    for task in &tasks {
        let started = time::OffsetDateTime::parse(
            task["time_started"].as_str().expect("a start time"),
            &time::format_description::well_known::Rfc3339,
        )?;
        let finished = time::OffsetDateTime::parse(
            task["time_finished"].as_str().expect("an end time"),
            &time::format_description::well_known::Rfc3339,
        )?;
        assert!(
            finished - started >= time::Duration::milliseconds(200),
            "a simulated task ended before its 200 ms: {task}"
        );
    }
    Ok(())
}

/// The reason `GET /api/v1/jobs/{job}/tasks/{task}` gives for the first task of `job_id`.
async fn task_waiting_reason(farm: &TestFarm, job_id: i64) -> anyhow::Result<String> {
    let tasks = farm.tasks(job_id).await?;
    let task_id = tasks
        .first()
        .and_then(|task| task["id"].as_i64())
        .expect("a task id");
    let task = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}"))
        .await?;
    Ok(task["waiting_reason"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("no reason given for {task}")))
}

#[tokio::test]
async fn a_waiting_task_says_why_it_is_not_running() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 1,
        worker_args: vec!["--cpus".to_owned(), "1".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    // One long task takes the only slot.
    let busy = farm.submit(&job_body("busy", &["sleep", "60"], 1)).await?.0;
    farm.running_task(busy).await?;

    let waiting = farm.submit(&job_body("waiting", &["true"], 1)).await?.0;
    let mut gpu = job_body("gpu", &["true"], 1);
    gpu["tag_requirements"] = json!(["gpu"]);
    let gpu = farm.submit(&gpu).await?.0;
    let mut child = job_body("child", &["true"], 1);
    child["parents"] = json!([busy]);
    let child = farm.submit(&child).await?.0;
    let mut frames = job_body("frames", &["true"], 1);
    frames["depends_on"] = json!({"job": busy, "mode": "frame"});
    let frames = farm.submit(&frames).await?.0;
    let mut capped = job_body("capped", &["true"], 1);
    capped["maximum_agents"] = json!(0);
    let capped = farm.submit(&capped).await?.0;
    let (status, answer) = farm
        .send_json(Method::PUT, "/api/v1/limits", Some(&json!({"licence": 0})))
        .await?;
    assert!(status.is_success(), "{answer}");
    let mut licensed = job_body("licensed", &["true"], 1);
    licensed["limits"] = json!(["licence"]);
    let licensed = farm.submit(&licensed).await?.0;
    let paused = farm.submit(&job_body("paused", &["true"], 1)).await?.0;
    let (status, answer) = farm
        .send_json(Method::POST, &format!("/api/v1/jobs/{paused}/pause"), None)
        .await?;
    assert!(status.is_success(), "{answer}");

    for (job_id, expected) in [
        (waiting, "busy"),
        (gpu, "no online, enabled agent satisfies"),
        (child, "waiting for parent job"),
        (frames, "wait for the same frames of job"),
        (capped, "maximum agents is reached"),
        (licensed, "limit `licence` is full"),
        (paused, "paused"),
    ] {
        let reason = task_waiting_reason(&farm, job_id).await?;
        assert!(reason.contains(expected), "job {job_id}: {reason}");
    }
    // A running task waits for nothing.
    let running = farm.running_task(busy).await?;
    let task = farm
        .get_json(&format!("/api/v1/jobs/{busy}/tasks/{}", running["id"]))
        .await?;
    assert!(task["waiting_reason"].is_null(), "{task}");
    Ok(())
}

/// A task's run as the worker's clock saw it.
fn run_span(task: &Value) -> anyhow::Result<(time::OffsetDateTime, time::OffsetDateTime)> {
    let parse = |key: &str| -> anyhow::Result<time::OffsetDateTime> {
        let text = task[key]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no {key} in {task}"))?;
        Ok(time::OffsetDateTime::parse(
            text,
            &time::format_description::well_known::Rfc3339,
        )?)
    };
    Ok((parse("time_started")?, parse("time_finished")?))
}

#[tokio::test]
async fn a_whole_host_task_runs_alone_on_its_worker() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 1,
        worker_args: vec!["--cpus".to_owned(), "4".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let mut whole = job_body("whole host", &["sleep", "0.3"], 3);
    whole["cpus"] = json!(-1);
    let whole = farm.submit(&whole).await?.0;
    let shared = farm
        .submit(&job_body("one cpu", &["sleep", "0.3"], 6))
        .await?
        .0;
    let mut spans = Vec::new();
    for job_id in [whole, shared] {
        let job = farm
            .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?;
        assert_eq!(job["state"], "done", "{job}");
        for task in farm.tasks(job_id).await? {
            spans.push((job_id, run_span(&task)?));
        }
    }
    // No task ran while a whole-host task did, and the one-CPU tasks shared the host.
    for (job_id, (start, end)) in &spans {
        if *job_id != whole {
            continue;
        }
        for (other_job, (other_start, other_end)) in &spans {
            if (other_start, other_end) == (start, end) {
                continue;
            }
            assert!(
                other_end <= start || other_start >= end,
                "a task of job {other_job} ran {other_start}..{other_end}, during a whole-host task {start}..{end}"
            );
        }
    }
    let overlapping = spans.iter().any(|(job_a, (start_a, end_a))| {
        spans.iter().any(|(job_b, (start_b, end_b))| {
            *job_a == shared
                && *job_b == shared
                && (start_a, end_a) != (start_b, end_b)
                && start_a < end_b
                && start_b < end_a
        })
    });
    assert!(
        overlapping,
        "the one-CPU tasks never ran side by side: {spans:?}"
    );
    Ok(())
}

/// Class queues whose tasks need the same resources share one worker channel. One of them
/// deleted by hand (in RabbitMQ's management UI, say) must not stop the others: the worker
/// leaves the missing queue out and goes on consuming the rest.
#[tokio::test]
async fn a_class_queue_deleted_by_hand_does_not_stop_the_classes_sharing_its_channel()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    // Two classes of the same size (the worker has neither tag): one channel consumes both.
    let with_requirement = |title: &str, requirement: &str, frames: i64| {
        let mut body = job_body(title, &["true"], frames);
        body["tag_requirements"] = json!([requirement]);
        body
    };
    for requirement in ["!windows", "!macos"] {
        let (job, _) = run_to_end(&farm, &with_requirement("first", requirement, 1)).await?;
        assert_eq!(job["state"], "done", "{job}");
    }
    let management = |path: String| {
        farm.http
            .get(format!("http://127.0.0.1:15672/api/{path}"))
            .basic_auth("guest", Some("guest"))
    };
    let queues: Vec<Value> = management("queues/%2f?columns=name".to_owned())
        .send()
        .await?
        .json()
        .await?;
    let class_queue = |tag: &str| -> anyhow::Result<String> {
        let prefix = format!("{}.tasks.{tag}.", farm.namespace);
        let found: Vec<&str> = queues
            .iter()
            .filter_map(|queue| queue["name"].as_str())
            .filter(|name| name.starts_with(&prefix))
            .collect();
        anyhow::ensure!(found.len() == 1, "one class queue of `{tag}`: {found:?}");
        Ok(found[0].to_owned())
    };
    let (deleted, kept) = (class_queue("!windows")?, class_queue("!macos")?);
    // The channel the worker consumes the kept queue on.
    let consumer_channel = || async {
        let queue: Value = management(format!("queues/%2f/{kept}"))
            .send()
            .await?
            .json()
            .await?;
        Ok::<_, anyhow::Error>(
            queue["consumer_details"][0]["channel_details"]["name"]
                .as_str()
                .map(str::to_owned),
        )
    };
    // The management API's figures lag by up to its statistics interval.
    let before = eventually(
        "the worker consumes the kept queue",
        JOB_TIMEOUT,
        consumer_channel,
    )
    .await?;
    let answer = farm
        .http
        .delete(format!("http://127.0.0.1:15672/api/queues/%2f/{deleted}"))
        .basic_auth("guest", Some("guest"))
        .send()
        .await?;
    assert!(answer.status().is_success(), "{}", answer.status());
    // RabbitMQ cancels the deleted queue's consumer; the worker opens its channel again and
    // consumes the kept queue there.
    eventually(
        "the kept queue consumed on a new channel",
        JOB_TIMEOUT,
        || async {
            Ok(consumer_channel()
                .await?
                .filter(|channel| *channel != before)
                .map(|_| ()))
        },
    )
    .await?;
    let (job, tasks) =
        run_to_end(&farm, &with_requirement("after the deletion", "!macos", 3)).await?;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(tasks.len(), 3);
    Ok(())
}

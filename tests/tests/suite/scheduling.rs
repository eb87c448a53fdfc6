//! Scheduling: fair share by weight, priority, minimum and maximum agents, dependencies,
//! retries and blacklisting, timeouts and memory limits, licences, and why a job waits.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, bin_path, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(120);

/// Seconds since the epoch of an RFC 3339 time in a task's JSON.
fn seconds(task: &Value, field: &str) -> anyhow::Result<f64> {
    let text = task[field]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("task has no {field}: {task}"))?;
    let moment = OffsetDateTime::parse(text, &Rfc3339)?;
    Ok(moment.unix_timestamp_nanos() as f64 / 1e9)
}

/// `(start, finish)` of every task of a job, in seconds.
async fn intervals(farm: &TestFarm, job_id: i64) -> anyhow::Result<Vec<(f64, f64)>> {
    let mut spans = Vec::new();
    for task in farm.tasks(job_id).await? {
        spans.push((
            seconds(&task, "time_started")?,
            seconds(&task, "time_finished")?,
        ));
    }
    Ok(spans)
}

/// The most tasks of `spans` running at one moment.
fn max_concurrency(spans: &[(f64, f64)]) -> usize {
    let mut edges: Vec<(f64, i32)> = spans
        .iter()
        .flat_map(|(start, end)| [(*start, 1), (*end, -1)])
        .collect();
    // At equal times, ends come before starts.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut running = 0;
    let mut most = 0;
    for (_, change) in edges {
        running += change;
        most = most.max(running);
    }
    most as usize
}

/// Task-seconds of `spans` that fall between `from` and `to`.
fn busy_between(spans: &[(f64, f64)], from: f64, to: f64) -> f64 {
    spans
        .iter()
        .map(|(start, end)| (end.min(to) - start.max(from)).max(0.0))
        .sum()
}

fn sleep_job(title: &str, seconds: f64, tasks: i64) -> Value {
    TestFarm::command_job(title, &["sleep", &seconds.to_string()], 1, tasks, 1)
}

fn with(mut job: Value, fields: Value) -> Value {
    if let (Some(job), Some(fields)) = (job.as_object_mut(), fields.as_object()) {
        for (key, value) in fields {
            job.insert(key.clone(), value.clone());
        }
    }
    job
}

/// A farm with no workers yet, whose dispatcher keeps no spare tasks in RabbitMQ.
async fn tight_farm() -> anyhow::Result<TestFarm> {
    TestFarm::spawn(FarmOptions {
        workers: 0,
        master_args: vec!["--dispatch-margin".to_owned(), "0".to_owned()],
        ..FarmOptions::default()
    })
    .await
}

async fn submit_id(farm: &TestFarm, job: &Value) -> anyhow::Result<i64> {
    let job = farm.submit_job(job).await?;
    job["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no id in {job}"))
}

async fn done(farm: &TestFarm, job_id: i64) -> anyhow::Result<Value> {
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed", "cancelled"], JOB_TIMEOUT)
        .await?;
    anyhow::ensure!(job["state"] == "done", "job {job_id} ended {}", job);
    Ok(job)
}

#[tokio::test]
async fn weights_1_and_3_share_a_saturated_farm_1_to_3() -> anyhow::Result<()> {
    // The default dispatch margin: tasks wait in RabbitMQ, interleaved by share. Enough tasks
    // that the first and last few (which start wherever a slot happens to be free) move the
    // ratio by less than the tolerance on a loaded machine.
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let light = submit_id(
        &farm,
        &with(sleep_job("weight 1", 0.25, 40), json!({"weight": 1})),
    )
    .await?;
    let heavy = submit_id(
        &farm,
        &with(sleep_job("weight 3", 0.25, 120), json!({"weight": 3})),
    )
    .await?;
    farm.start_worker(&["--cpus", "4"]).await?;
    done(&farm, light).await?;
    done(&farm, heavy).await?;
    let light_spans = intervals(&farm, light).await?;
    let heavy_spans = intervals(&farm, heavy).await?;
    // While both jobs still had tasks to start, the farm was contended.
    let from = light_spans
        .iter()
        .chain(&heavy_spans)
        .map(|span| span.0)
        .fold(f64::MAX, f64::min);
    let last_start = |spans: &[(f64, f64)]| spans.iter().map(|span| span.0).fold(0.0, f64::max);
    let to = last_start(&light_spans).min(last_start(&heavy_spans));
    let light_busy = busy_between(&light_spans, from, to);
    let heavy_busy = busy_between(&heavy_spans, from, to);
    let ratio = light_busy / heavy_busy;
    println!(
        "running slots weight 1 : weight 3 = {light_busy:.2} : {heavy_busy:.2} (ratio {ratio:.3})"
    );
    assert!(
        (1.0 / 3.0 * 0.9..=1.0 / 3.0 * 1.1).contains(&ratio),
        "weights 1 and 3 should hold slots 1:3 within 10%, got {ratio:.3}"
    );
    Ok(())
}

#[tokio::test]
async fn an_urgent_job_submitted_late_starts_before_the_queued_tasks_of_a_normal_one()
-> anyhow::Result<()> {
    let mut farm = tight_farm().await?;
    farm.start_worker(&["--cpus", "2"]).await?;
    farm.wait_for_online_agents(1).await?;
    let normal = submit_id(&farm, &sleep_job("normal", 0.4, 16)).await?;
    eventually("the normal job to run", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{normal}")).await?;
        Ok((job["tasks"]["running"].as_i64() == Some(2)).then_some(()))
    })
    .await?;
    let urgent = submit_id(
        &farm,
        &with(sleep_job("urgent", 0.1, 2), json!({"priority": 1000})),
    )
    .await?;
    let waiting: Vec<i64> = farm
        .tasks(normal)
        .await?
        .iter()
        .filter(|task| task["state"] == "queued")
        .filter_map(|task| task["id"].as_i64())
        .collect();
    assert!(!waiting.is_empty(), "some normal tasks still wait");
    done(&farm, urgent).await?;
    done(&farm, normal).await?;
    let urgent_last_start = farm
        .tasks(urgent)
        .await?
        .iter()
        .map(|task| seconds(task, "time_started"))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .fold(0.0, f64::max);
    for task in farm.tasks(normal).await? {
        if waiting.contains(&task["id"].as_i64().expect("an id")) {
            assert!(
                seconds(&task, "time_started")? >= urgent_last_start,
                "normal task {} started before the urgent job's tasks",
                task["id"]
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_submission_to_an_idle_farm_dispatches_its_job_and_one_to_a_busy_farm_waits_its_turn()
-> anyhow::Result<()> {
    a_submission_to_an_idle_farm_dispatches_its_job_and_one_to_a_busy_farm_waits_its_turn_on(
        DatabaseKind::Sqlite,
    )
    .await
}

database_test!(
    a_submission_to_an_idle_farm_dispatches_its_job_with_postgresql,
    postgres,
    a_submission_to_an_idle_farm_dispatches_its_job_and_one_to_a_busy_farm_waits_its_turn_on
);

database_test!(
    a_submission_to_an_idle_farm_dispatches_its_job_with_mariadb,
    mariadb,
    a_submission_to_an_idle_farm_dispatches_its_job_and_one_to_a_busy_farm_waits_its_turn_on
);

/// On an idle farm the submission's own transaction claims the tasks its room holds (the claim
/// in the same transaction as the job's insert, on each database); on a busy one it does not.
async fn a_submission_to_an_idle_farm_dispatches_its_job_and_one_to_a_busy_farm_waits_its_turn_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        database,
        master_args: vec!["--dispatch-margin".to_owned(), "0".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "2"]).await?;
    farm.wait_for_online_agents(1).await?;
    // The first job of a kind has the dispatcher announce its class to the workers.
    let first = submit_id(&farm, &sleep_job("first", 0.0, 1)).await?;
    done(&farm, first).await?;

    // Nothing waits and the worker has room: the answer to the submission already counts the
    // tasks the room holds as dispatched, and they were dispatched by the submission's own
    // transaction. (Anything that woke the dispatcher just before, a heartbeat say, leaves the
    // choice to its next round instead; a few tries see it.)
    let mut at_once = None;
    for attempt in 0..10 {
        let job = farm
            .submit_job(&sleep_job(&format!("idle {attempt}"), 0.0, 3))
            .await?;
        let id = job["id"].as_i64().context("a job id")?;
        // Well before the 30 s sweep for unpublished dispatches: they went out at once.
        let ended = farm
            .wait_for_job_state(
                id,
                &["done", "failed", "cancelled"],
                Duration::from_secs(25),
            )
            .await?;
        anyhow::ensure!(ended["state"] == "done", "{ended}");
        if job["tasks"]["dispatched"].as_i64() > Some(0) {
            at_once = Some((id, job));
            break;
        }
    }
    let (id, job) = at_once.context("no submission to the idle farm was dispatched by itself")?;
    assert!(job["blocked_reason"].is_null(), "{job}");
    let dispatched = job["tasks"]["dispatched"].as_i64().unwrap_or(0);
    let mut in_submission = 0;
    for task in farm.tasks(id).await? {
        assert_eq!(task["attempts"], 1, "each task ran once: {task}");
        in_submission += i64::from(task["time_dispatched"] == job["time_submitted"]);
    }
    assert_eq!(in_submission, dispatched, "{job}");

    // A job with a maximum of agents waits for a round, whatever room there is.
    let capped = farm
        .submit_job(&with(
            sleep_job("capped", 0.0, 2),
            json!({"maximum_agents": 1}),
        ))
        .await?;
    assert_eq!(capped["tasks"]["dispatched"], 0, "{capped}");
    done(&farm, capped["id"].as_i64().context("a job id")?).await?;

    // A job with more tasks than the worker's slots (and than any window), then another: the
    // second's submission finds no room and leaves its task to the rounds.
    let busy = submit_id(&farm, &sleep_job("busy", 0.2, 12)).await?;
    let late = farm.submit_job(&sleep_job("late", 0.0, 1)).await?;
    assert_eq!(late["tasks"]["queued"], 1, "{late}");
    assert_eq!(late["tasks"]["dispatched"], 0, "{late}");
    let late = late["id"].as_i64().context("a job id")?;
    done(&farm, late).await?;
    done(&farm, busy).await?;
    Ok(())
}

#[tokio::test]
async fn minimum_agents_are_reserved_and_maximum_agents_never_exceeded() -> anyhow::Result<()> {
    let mut farm = tight_farm().await?;
    let capped = submit_id(
        &farm,
        &with(
            sleep_job("capped", 0.4, 8),
            json!({"priority": 100, "maximum_agents": 2}),
        ),
    )
    .await?;
    let reserved = submit_id(
        &farm,
        &with(
            sleep_job("reserved", 0.4, 4),
            json!({"priority": -100, "minimum_agents": 1}),
        ),
    )
    .await?;
    let filler = submit_id(&farm, &sleep_job("filler", 0.4, 12)).await?;
    farm.start_worker(&["--cpus", "4"]).await?;
    for job in [capped, reserved, filler] {
        done(&farm, job).await?;
    }
    let capped_spans = intervals(&farm, capped).await?;
    let reserved_spans = intervals(&farm, reserved).await?;
    let filler_spans = intervals(&farm, filler).await?;
    assert_eq!(
        max_concurrency(&capped_spans),
        2,
        "the capped job runs two at a time, never more"
    );
    // The lowest-priority job got its reserved slot in the first wave, ahead of the filler.
    let first_finish = capped_spans
        .iter()
        .chain(&filler_spans)
        .map(|span| span.1)
        .fold(f64::MAX, f64::min);
    let reserved_first_start = reserved_spans
        .iter()
        .map(|span| span.0)
        .fold(f64::MAX, f64::min);
    assert!(
        reserved_first_start < first_finish,
        "the job with minimum_agents 1 started before any other task finished"
    );
    Ok(())
}

/// Jobs that queued while no agent was online, one of them waiting for another's frames, are
/// claimed together once a worker comes (one claim statement takes several jobs' grants), and
/// every task runs once, frame children after their frames.
async fn jobs_queued_before_any_worker_run_once_each_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        database,
        ..FarmOptions::default()
    })
    .await?;
    let renders = submit_id(&farm, &TestFarm::command_job("renders", &["true"], 1, 3, 1)).await?;
    let other = submit_id(&farm, &TestFarm::command_job("other", &["true"], 1, 2, 1)).await?;
    let comp = submit_id(
        &farm,
        &with(
            TestFarm::command_job("comp", &["true"], 1, 3, 1),
            json!({"depends_on": {"job": renders, "mode": "frame"}}),
        ),
    )
    .await?;
    farm.start_worker(&["--cpus", "8"]).await?;
    for job_id in [renders, other, comp] {
        let job = done(&farm, job_id).await?;
        let tasks = farm.tasks(job_id).await?;
        assert_eq!(
            tasks.len() as i64,
            job["tasks"]["total"].as_i64().unwrap_or(-1),
            "{job}"
        );
        for task in &tasks {
            assert_eq!(task["attempts"], 1, "each task ran once: {task}");
        }
    }
    // When the task holding `frame` reached `field` (`time_started`, `time_finished`).
    let time_of = |tasks: &[Value], frame: i64, field: &str| -> anyhow::Result<OffsetDateTime> {
        let text = tasks
            .iter()
            .find(|task| task["frame_first"] == frame)
            .and_then(|task| task[field].as_str())
            .with_context(|| format!("no {field} for frame {frame}"))?;
        Ok(OffsetDateTime::parse(text, &Rfc3339)?)
    };
    let render_tasks = farm.tasks(renders).await?;
    let comp_tasks = farm.tasks(comp).await?;
    for frame in 1..=3 {
        let finished = time_of(&render_tasks, frame, "time_finished")?;
        let comp_started = time_of(&comp_tasks, frame, "time_started")?;
        assert!(
            comp_started >= finished,
            "comp frame {frame} started {comp_started} before its render finished {finished}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn jobs_queued_before_any_worker_run_once_each() -> anyhow::Result<()> {
    jobs_queued_before_any_worker_run_once_each_on(DatabaseKind::Sqlite).await
}

database_test!(
    jobs_queued_before_any_worker_run_once_each_with_postgresql,
    postgres,
    jobs_queued_before_any_worker_run_once_each_on
);

database_test!(
    jobs_queued_before_any_worker_run_once_each_with_mariadb,
    mariadb,
    jobs_queued_before_any_worker_run_once_each_on
);

#[tokio::test]
async fn children_wait_for_parents_and_frames_for_frames() -> anyhow::Result<()> {
    children_wait_for_parents_frame_children_for_their_frames_and_cycles_are_refused_on(
        DatabaseKind::Sqlite,
    )
    .await
}

database_test!(
    children_wait_for_parents_and_frames_for_frames_with_postgresql,
    postgres,
    children_wait_for_parents_frame_children_for_their_frames_and_cycles_are_refused_on
);

database_test!(
    children_wait_for_parents_and_frames_for_frames_with_mariadb,
    mariadb,
    children_wait_for_parents_frame_children_for_their_frames_and_cycles_are_refused_on
);

async fn children_wait_for_parents_frame_children_for_their_frames_and_cycles_are_refused_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database,
        worker_args: vec!["--cpus".to_owned(), "4".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let parent = submit_id(&farm, &sleep_job("parent", 0.3, 3)).await?;
    let child = submit_id(
        &farm,
        &with(
            TestFarm::command_job("child", &["true"], 1, 2, 1),
            json!({"parents": [parent]}),
        ),
    )
    .await?;
    // Frame N of the renders sleeps N seconds; frame N of the comp may start once it is done.
    let renders = submit_id(
        &farm,
        &TestFarm::command_job("renders", &["sleep", "{frame}"], 1, 3, 1),
    )
    .await?;
    let comp = submit_id(
        &farm,
        &with(
            TestFarm::command_job("comp", &["true"], 1, 3, 1),
            json!({"depends_on": {"job": renders, "mode": "frame"}}),
        ),
    )
    .await?;
    let waiting = farm.get_json(&format!("/api/v1/jobs/{child}")).await?;
    if waiting["state"] == "queued" && waiting["tasks"]["queued"].as_i64() > Some(0) {
        let reason = waiting["blocked_reason"].as_str().unwrap_or_default();
        if farm.get_json(&format!("/api/v1/jobs/{parent}")).await?["state"] != "done" {
            assert!(
                reason.contains(&format!("parent job {parent}")),
                "the child says it waits for its parent: {reason}"
            );
        }
    }
    for job in [parent, child, renders, comp] {
        done(&farm, job).await?;
    }
    let parent_end = intervals(&farm, parent)
        .await?
        .iter()
        .map(|span| span.1)
        .fold(0.0, f64::max);
    for (start, _) in intervals(&farm, child).await? {
        assert!(
            start >= parent_end,
            "a child task started before its parent finished"
        );
    }
    let render_tasks = farm.tasks(renders).await?;
    let comp_tasks = farm.tasks(comp).await?;
    let render_last_end = render_tasks
        .iter()
        .map(|task| seconds(task, "time_finished"))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .fold(0.0, f64::max);
    for (render, comp) in render_tasks.iter().zip(&comp_tasks) {
        assert_eq!(render["frames"], comp["frames"]);
        assert!(
            seconds(comp, "time_started")? >= seconds(render, "time_finished")?,
            "comp frame {} started before its render",
            comp["frames"]
        );
    }
    assert!(
        seconds(&comp_tasks[0], "time_started")? < render_last_end,
        "comp frame 1 ran while later renders were still going"
    );

    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{parent}"),
            Some(&json!({"parents": [child]})),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"].as_str().unwrap_or_default().contains("cycle"),
        "{body}"
    );
    let (status, body) = farm
        .post_raw(
            "/api/v1/jobs",
            "application/json",
            serde_json::to_vec(&with(
                TestFarm::command_job("orphan", &["true"], 1, 1, 1),
                json!({"parents": [987_654]}),
            ))?,
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("987654"),
        "{body}"
    );
    Ok(())
}

#[tokio::test]
async fn a_child_of_a_failed_parent_waits_and_says_so() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let parent = submit_id(
        &farm,
        &with(
            TestFarm::command_job("broken parent", &["false"], 1, 1, 1),
            json!({"requeue": 0}),
        ),
    )
    .await?;
    let child = submit_id(
        &farm,
        &with(
            TestFarm::command_job("child", &["true"], 1, 1, 1),
            json!({"parents": [parent]}),
        ),
    )
    .await?;
    farm.wait_for_job_state(parent, &["failed"], JOB_TIMEOUT)
        .await?;
    let job = farm.get_json(&format!("/api/v1/jobs/{child}")).await?;
    assert_eq!(job["state"], "queued");
    let reason = job["blocked_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("parent job {parent}")) && reason.contains("failed"),
        "{reason}"
    );
    let shown = tokio::process::Command::new(bin_path("warren")?)
        .arg("--master")
        .arg(&farm.base_url)
        .args(["job", &child.to_string()])
        .env_remove("WARREN_MASTER")
        .output()
        .await?;
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("waiting because") && shown.contains(&format!("parent job {parent}")),
        "{shown}"
    );
    Ok(())
}

#[tokio::test]
async fn a_task_that_failed_on_one_agent_is_retried_on_another() -> anyhow::Result<()> {
    a_task_that_failed_on_one_agent_is_retried_on_another_on(DatabaseKind::Sqlite).await
}

database_test!(
    a_task_that_failed_on_one_agent_is_retried_on_another_with_postgresql,
    postgres,
    a_task_that_failed_on_one_agent_is_retried_on_another_on
);

database_test!(
    a_task_that_failed_on_one_agent_is_retried_on_another_with_mariadb,
    mariadb,
    a_task_that_failed_on_one_agent_is_retried_on_another_on
);

async fn a_task_that_failed_on_one_agent_is_retried_on_another_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        database,
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.start_worker(&["--cpus", "1", "--tag", "second"])
        .await?;
    farm.wait_for_online_agents(2).await?;
    let first = farm.agent_id_of(0).await?;
    let second = farm.agent_id_of(1).await?;
    // Keep the second worker busy so the task first lands on the first one, where it fails.
    let blocker = submit_id(
        &farm,
        &with(
            sleep_job("blocker", 2.0, 1),
            json!({"tag_requirements": ["second"]}),
        ),
    )
    .await?;
    eventually("the blocker to run", JOB_TIMEOUT, || async {
        let job = farm.get_json(&format!("/api/v1/jobs/{blocker}")).await?;
        Ok((job["tasks"]["running"].as_i64() == Some(1)).then_some(()))
    })
    .await?;
    let script = format!("test \"$WARREN_AGENT_ID\" != {first}");
    let picky = submit_id(
        &farm,
        &TestFarm::command_job("fails on the first agent", &["sh", "-c", &script], 1, 1, 1),
    )
    .await?;
    let job = done(&farm, picky).await?;
    assert_eq!(job["state"], "done");
    let task = &farm.tasks(picky).await?[0];
    assert_eq!(task["failures"], 1, "{task}");
    assert_eq!(task["agent_id"], second.as_str(), "{task}");
    let task_id = task["id"].as_i64().expect("an id");
    let failed_on = farm
        .get_json(&format!(
            "/api/v1/jobs/{picky}/tasks/{task_id}/failed_on_agents"
        ))
        .await?;
    assert_eq!(failed_on["failed_on_agents"][0]["id"], first.as_str());
    let attempts = farm
        .get_json(&format!("/api/v1/jobs/{picky}/tasks/{task_id}/attempts"))
        .await?;
    let attempts = attempts["attempts"].as_array().cloned().unwrap_or_default();
    let failed = attempts
        .iter()
        .find(|attempt| attempt["state"] == "failed")
        .ok_or_else(|| anyhow::anyhow!("no failed attempt in {attempts:?}"))?;
    assert_eq!(failed["agent_id"], first.as_str());
    assert!(
        failed["error"]
            .as_str()
            .unwrap_or_default()
            .contains("exited with code 1")
    );
    // The first agent may have taken the task back and declined it while the second was busy:
    // declines are counted apart, and the rest of the attempts are the ones in the history.
    let declines = task["declines"].as_i64().unwrap_or(-1);
    println!("declines: {declines}");
    assert!(declines >= 0, "{task}");
    assert_eq!(
        task["attempts"].as_i64().expect("attempts") - declines,
        attempts.len() as i64,
        "{task} {attempts:?}"
    );
    let (status, _) = farm
        .send_json(
            Method::DELETE,
            &format!("/api/v1/jobs/{picky}/tasks/{task_id}/failed_on_agents"),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let failed_on = farm
        .get_json(&format!(
            "/api/v1/jobs/{picky}/tasks/{task_id}/failed_on_agents"
        ))
        .await?;
    assert_eq!(failed_on["failed_on_agents"], json!([]));
    Ok(())
}

#[tokio::test]
async fn requeue_0_fails_at_once_and_minus_1_retries_until_the_command_is_fixed()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let never = submit_id(
        &farm,
        &with(
            TestFarm::command_job("never retried", &["false"], 1, 1, 1),
            json!({"requeue": 0}),
        ),
    )
    .await?;
    farm.wait_for_job_state(never, &["failed"], JOB_TIMEOUT)
        .await?;
    let task = &farm.tasks(never).await?[0];
    assert_eq!(
        (task["attempts"].as_i64(), task["failures"].as_i64()),
        (Some(1), Some(1))
    );

    let forever = submit_id(
        &farm,
        &with(
            TestFarm::command_job("retried forever", &["false"], 1, 1, 1),
            json!({"requeue": -1}),
        ),
    )
    .await?;
    eventually("three failed attempts", JOB_TIMEOUT, || async {
        let task = &farm.tasks(forever).await?[0];
        Ok((task["failures"].as_i64() >= Some(3)).then_some(()))
    })
    .await?;
    let job = farm.get_json(&format!("/api/v1/jobs/{forever}")).await?;
    assert_ne!(job["state"], "failed", "a job with requeue -1 never fails");
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{forever}"),
            Some(&json!({"data": {"argv": ["true"]}})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = farm
        .send_json(Method::POST, &format!("/api/v1/jobs/{forever}/rerun"), None)
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    done(&farm, forever).await?;
    Ok(())
}

#[tokio::test]
async fn timeout_and_ram_max_kill_a_task_and_say_why() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let slow = submit_id(
        &farm,
        &with(
            TestFarm::command_job("too slow", &["sleep", "60"], 1, 1, 1),
            json!({"timeout": 1, "requeue": 0}),
        ),
    )
    .await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy();
    let hungry = submit_id(
        &farm,
        &with(
            TestFarm::command_job(
                "too hungry",
                &[&fakerender, "--ram", "300", "--duration", "60"],
                1,
                1,
                1,
            ),
            json!({"ram_max": 100, "ram_warning": 50, "requeue": 0}),
        ),
    )
    .await?;
    let modest = submit_id(
        &farm,
        &with(
            TestFarm::command_job(
                "warned",
                &[&fakerender, "--ram", "120", "--duration", "1.5"],
                1,
                1,
                1,
            ),
            json!({"ram_max": 1000, "ram_warning": 60, "requeue": 0}),
        ),
    )
    .await?;
    for (job, expected) in [(slow, "timeout"), (hungry, "ram_max")] {
        farm.wait_for_job_state(job, &["failed"], JOB_TIMEOUT)
            .await?;
        let task = &farm.tasks(job).await?[0];
        let error = task["last_error"].as_str().unwrap_or_default();
        assert!(error.contains(expected), "job {job}: {error}");
    }
    let hungry_task = &farm.tasks(hungry).await?[0];
    assert!(
        hungry_task["peak_rss_mb"].as_i64() > Some(100),
        "{hungry_task}"
    );
    done(&farm, modest).await?;
    let modest_task = &farm.tasks(modest).await?[0];
    assert_eq!(modest_task["ram_warning"], true, "{modest_task}");
    Ok(())
}

#[tokio::test]
async fn two_licences_are_never_held_by_more_than_two_tasks_and_a_lost_worker_gives_its_back()
-> anyhow::Result<()> {
    two_licences_are_never_held_by_more_than_two_tasks_and_a_lost_worker_gives_its_back_on(
        DatabaseKind::Sqlite,
    )
    .await
}

database_test!(
    licences_are_counted_and_given_back_with_postgresql,
    postgres,
    two_licences_are_never_held_by_more_than_two_tasks_and_a_lost_worker_gives_its_back_on
);

database_test!(
    licences_are_counted_and_given_back_with_mariadb,
    mariadb,
    two_licences_are_never_held_by_more_than_two_tasks_and_a_lost_worker_gives_its_back_on
);

async fn two_licences_are_never_held_by_more_than_two_tasks_and_a_lost_worker_gives_its_back_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        database,
        workers: 0,
        lease_timeout_secs: 3,
        ..FarmOptions::default()
    })
    .await?;
    let (status, body) = farm
        .send_json(
            Method::PUT,
            "/api/v1/limits",
            Some(&json!({"nuke": 2, "katana": 1})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let a = submit_id(
        &farm,
        &with(sleep_job("comp a", 0.3, 5), json!({"limits": ["nuke"]})),
    )
    .await?;
    let b = submit_id(
        &farm,
        &with(sleep_job("comp b", 0.3, 5), json!({"limits": ["nuke"]})),
    )
    .await?;
    farm.start_worker(&["--cpus", "8"]).await?;
    done(&farm, a).await?;
    done(&farm, b).await?;
    let mut spans = intervals(&farm, a).await?;
    spans.extend(intervals(&farm, b).await?);
    assert_eq!(
        max_concurrency(&spans),
        2,
        "two licences, two tasks at a time"
    );

    let (status, body) = farm
        .post_raw(
            "/api/v1/jobs",
            "application/json",
            serde_json::to_vec(&with(
                sleep_job("unknown", 0.1, 1),
                json!({"limits": ["maya"]}),
            ))?,
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // One licence held by a task on a worker that dies comes back and the other task runs.
    let held = submit_id(
        &farm,
        &with(sleep_job("held", 60.0, 2), json!({"limits": ["katana"]})),
    )
    .await?;
    let first_agent = eventually("a katana task to run", JOB_TIMEOUT, || async {
        let tasks = farm.tasks(held).await?;
        Ok(tasks
            .iter()
            .find(|task| task["state"] == "running")
            .and_then(|task| task["agent_id"].as_str().map(str::to_owned)))
    })
    .await?;
    let job = farm.get_json(&format!("/api/v1/jobs/{held}")).await?;
    assert_eq!(job["tasks"]["running"], 1);
    assert!(
        job["blocked_reason"]
            .as_str()
            .unwrap_or_default()
            .contains("limit `katana` is full"),
        "{job}"
    );
    farm.worker(0)?.kill().await?;
    farm.start_worker(&["--cpus", "8"]).await?;
    eventually(
        "the katana task to run on the new worker",
        JOB_TIMEOUT,
        || async {
            let tasks = farm.tasks(held).await?;
            Ok(tasks
                .iter()
                .any(|task| {
                    task["state"] == "running"
                        && task["agent_id"].as_str() != Some(first_agent.as_str())
                })
                .then_some(()))
        },
    )
    .await?;
    let limits = farm.get_json("/api/v1/limits").await?;
    let katana: BTreeMap<String, Value> = limits["limits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|limit| Some((limit["name"].as_str()?.to_owned(), limit.clone())))
        .collect();
    assert_eq!(katana["katana"]["in_use"], 1, "{limits}");
    Ok(())
}

#[tokio::test]
async fn job_queues_form_a_tree_and_jobs_move_between_them() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (status, body) = farm
        .send_json(
            Method::POST,
            "/api/v1/jobqueues",
            Some(&json!({"name": "lighting", "priority": 10, "weight": 3, "maximum_agents": 8})),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["parent"], "root");
    let (status, body) = farm
        .send_json(
            Method::POST,
            "/api/v1/jobqueues",
            Some(&json!({"name": "lighting-hero", "parent": "lighting"})),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            "/api/v1/jobqueues/lighting",
            Some(&json!({"parent": "lighting-hero"})),
        )
        .await?;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a queue cannot move under its child: {body}"
    );
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            "/api/v1/jobqueues/lighting",
            Some(&json!({"weight": 5, "maximum_agents": null})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["weight"].as_i64(), body["maximum_agents"].is_null()),
        (Some(5), true)
    );
    let job = submit_id(
        &farm,
        &with(sleep_job("shot", 0.1, 1), json!({"queue": "lighting-hero"})),
    )
    .await?;
    let (status, body) = farm
        .send_json(Method::DELETE, "/api/v1/jobqueues/lighting-hero", None)
        .await?;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a queue holding jobs stays: {body}"
    );
    let (status, body) = farm
        .send_json(
            Method::PATCH,
            &format!("/api/v1/jobs/{job}"),
            Some(&json!({"queue": "lighting"})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["queue"], "lighting");
    let (status, _) = farm
        .send_json(Method::DELETE, "/api/v1/jobqueues/lighting-hero", None)
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let queues = farm.get_json("/api/v1/jobqueues").await?;
    let names: Vec<&str> = queues["jobqueues"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|queue| queue["name"].as_str())
        .collect();
    assert_eq!(names, ["lighting", "root"]);
    Ok(())
}

#[tokio::test]
async fn users_get_an_email_when_their_job_ends_and_finished_jobs_delete_themselves()
-> anyhow::Result<()> {
    users_get_an_email_when_their_job_ends_and_finished_jobs_delete_themselves_on(
        DatabaseKind::Sqlite,
    )
    .await
}

database_test!(
    job_emails_and_autodelete_with_postgresql,
    postgres,
    users_get_an_email_when_their_job_ends_and_finished_jobs_delete_themselves_on
);

database_test!(
    job_emails_and_autodelete_with_mariadb,
    mariadb,
    users_get_an_email_when_their_job_ends_and_finished_jobs_delete_themselves_on
);

async fn users_get_an_email_when_their_job_ends_and_finished_jobs_delete_themselves_on(
    database: DatabaseKind,
) -> anyhow::Result<()> {
    let smtp = warren_tests::SmtpSink::start().await?;
    let farm = TestFarm::spawn(FarmOptions {
        database,
        master_args: vec![
            "--smtp-url".to_owned(),
            smtp.url.clone(),
            "--smtp-from".to_owned(),
            "farm@studio.test".to_owned(),
        ],
        ..FarmOptions::default()
    })
    .await?;
    let job = submit_id(
        &farm,
        &with(
            TestFarm::command_job("shot 42 lighting", &["true"], 1, 2, 1),
            json!({"notified_users": ["lead@studio.test"]}),
        ),
    )
    .await?;
    done(&farm, job).await?;
    let mail = eventually("the email about the finished job", JOB_TIMEOUT, || async {
        Ok(smtp.received().into_iter().next())
    })
    .await?;
    let subject = mail.subject().unwrap_or_default().to_owned();
    assert!(subject.contains("shot 42 lighting"), "{subject}");
    assert!(subject.contains("done"), "{subject}");
    assert!(
        mail.to.iter().any(|to| to.contains("lead@studio.test")),
        "{mail:?}"
    );
    assert!(
        mail.data.contains(&format!("/ui/#/jobs/{job}")),
        "the link opens the job page: {}",
        mail.data
    );

    let failing = submit_id(
        &farm,
        &with(
            TestFarm::command_job("shot 43 comp", &["false"], 1, 1, 1),
            json!({"notified_users": ["lead@studio.test"], "requeue": 0, "autodelete_time": 1}),
        ),
    )
    .await?;
    let failed_mail = eventually("the email about the failed job", JOB_TIMEOUT, || async {
        Ok(smtp.received().into_iter().find(|mail| {
            mail.subject()
                .is_some_and(|subject| subject.contains("shot 43"))
        }))
    })
    .await?;
    assert!(failed_mail.subject().unwrap_or_default().contains("failed"));
    assert!(
        failed_mail.data.contains("exited with code 1"),
        "{}",
        failed_mail.data
    );
    assert!(
        failed_mail
            .data
            .contains(&format!("/ui/#/jobs/{failing}?task=0")),
        "the failed task's link selects it on the job page: {}",
        failed_mail.data
    );
    eventually("the failed job to delete itself", JOB_TIMEOUT, || async {
        let (status, _) = farm
            .send_json(Method::GET, &format!("/api/v1/jobs/{failing}"), None)
            .await?;
        Ok((status == StatusCode::NOT_FOUND).then_some(()))
    })
    .await?;
    eventually("the email about the deleted job", JOB_TIMEOUT, || async {
        Ok(smtp.received().into_iter().find(|mail| {
            mail.subject()
                .is_some_and(|subject| subject.contains("shot 43") && subject.contains("deleted"))
        }))
    })
    .await?;

    // A notified user given by name gets the mail at the address of their account.
    let added = farm
        .master_user(
            &[
                "add",
                "dana",
                "--role",
                "viewer",
                "--email",
                "dana@mail.test",
            ],
            None,
        )
        .await?;
    assert!(added.status.success(), "{added:?}");
    let named = submit_id(
        &farm,
        &with(
            TestFarm::command_job("shot 44 grade", &["true"], 1, 1, 1),
            json!({"notified_users": ["dana"]}),
        ),
    )
    .await?;
    done(&farm, named).await?;
    let mail = eventually("the email to a user by name", JOB_TIMEOUT, || async {
        Ok(smtp.received().into_iter().find(|mail| {
            mail.subject()
                .is_some_and(|subject| subject.contains("shot 44"))
        }))
    })
    .await?;
    assert!(
        mail.to.iter().any(|to| to.contains("dana@mail.test")),
        "{mail:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_agent_that_keeps_failing_a_job_stops_getting_it() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(2).await?;
    let broken = farm.agent_id_of(0).await?;
    let script = format!("test \"$WARREN_AGENT_ID\" != {broken} && sleep 0.2");
    let job = submit_id(
        &farm,
        &with(
            TestFarm::command_job("fails on one host", &["sh", "-c", &script], 1, 12, 1),
            json!({"requeue": 12}),
        ),
    )
    .await?;
    done(&farm, job).await?;
    let mut failures_on_broken = 0;
    for task in farm.tasks(job).await? {
        let task_id = task["id"].as_i64().expect("an id");
        let attempts = farm
            .get_json(&format!("/api/v1/jobs/{job}/tasks/{task_id}/attempts"))
            .await?;
        failures_on_broken += attempts["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|attempt| {
                attempt["state"] == "failed" && attempt["agent_id"] == broken.as_str()
            })
            .count();
        assert_eq!(task["agent_id"], farm.agent_id_of(1).await?.as_str());
    }
    // Three failures in a row ban the agent from the job: the master lists it in the tasks'
    // avoid_agents from then on, and the agent declines the ones published before.
    assert_eq!(
        failures_on_broken, 3,
        "the failing agent failed {failures_on_broken} tasks of the job"
    );
    Ok(())
}

#[tokio::test]
async fn tiled_jobs_run_one_task_per_tile() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let job = submit_id(
        &farm,
        &with(
            TestFarm::command_job("tiles", &["echo", "frame {frame} tile {tile}"], 1, 2, 1),
            json!({"num_tiles": 3}),
        ),
    )
    .await?;
    let view = done(&farm, job).await?;
    assert_eq!(view["tasks"]["total"], 6);
    let mut seen = Vec::new();
    for task in farm.tasks(job).await? {
        let task_id = task["id"].as_i64().expect("an id");
        let log = farm.task_log(job, task_id).await?;
        seen.push(log.trim().to_owned());
        assert!(
            log.contains(&format!("tile {}", task["tile"])),
            "{task} {log}"
        );
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "frame 1 tile 0",
            "frame 1 tile 1",
            "frame 1 tile 2",
            "frame 2 tile 0",
            "frame 2 tile 1",
            "frame 2 tile 2"
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_root_worker_runs_tasks_as_the_jobs_user_and_refuses_root() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        allow_root_tasks: false,
        ..FarmOptions::default()
    })
    .await?;
    let as_nobody = submit_id(
        &farm,
        &with(
            TestFarm::command_job("as nobody", &["id", "-u"], 1, 1, 1),
            json!({"user": "nobody", "requeue": 0}),
        ),
    )
    .await?;
    let as_root = submit_id(
        &farm,
        &with(
            TestFarm::command_job("as root", &["id", "-u"], 1, 1, 1),
            json!({"requeue": 0}),
        ),
    )
    .await?;
    let root_worker = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1).map(|uid| uid == "0"))
        .unwrap_or(false);
    let nobody_job = farm
        .wait_for_job_state(as_nobody, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    let root_job = farm
        .wait_for_job_state(as_root, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    let task = &farm.tasks(as_nobody).await?[0];
    let log = farm
        .task_log(as_nobody, task["id"].as_i64().expect("an id"))
        .await?;
    if root_worker {
        assert_eq!(nobody_job["state"], "done", "{task}");
        let nobody_uid = std::fs::read_to_string("/etc/passwd")?
            .lines()
            .find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.first() == Some(&"nobody"))
                    .then(|| fields.get(2).map(|uid| (*uid).to_owned()))
            })
            .flatten()
            .unwrap_or_default();
        assert_eq!(log.trim(), nobody_uid);
        assert_eq!(root_job["state"], "failed");
        let refused = &farm.tasks(as_root).await?[0];
        assert!(
            refused["last_error"]
                .as_str()
                .unwrap_or_default()
                .contains("allow_root_tasks"),
            "{refused}"
        );
    } else {
        // A worker that is not root runs every task as itself.
        assert_eq!(nobody_job["state"], "done");
        assert_eq!(root_job["state"], "done");
    }
    Ok(())
}

/// Templates in `--email-templates`: the farm's `done.txt` for every job type, and the
/// `command` job type's own `failed.txt`; events without a template keep the built-in email.
#[tokio::test]
async fn job_emails_follow_the_farms_and_the_job_types_templates() -> anyhow::Result<()> {
    let smtp = warren_tests::SmtpSink::start().await?;
    let templates = tempfile::tempdir()?;
    std::fs::write(
        templates.path().join("done.txt"),
        "Subject: Rendered: {title} ({done}/{total} tasks)\n\nOpen {link} to see it ({jobtype}).\n",
    )?;
    std::fs::create_dir(templates.path().join("command"))?;
    std::fs::write(
        templates.path().join("command/failed.txt"),
        "Subject: {{command}} job {id} in {queue} failed\n\nWhat failed:\n{failed_tasks}",
    )?;
    let farm = TestFarm::spawn(FarmOptions {
        master_args: vec![
            "--smtp-url".to_owned(),
            smtp.url.clone(),
            "--email-templates".to_owned(),
            templates.path().display().to_string(),
        ],
        ..FarmOptions::default()
    })
    .await?;
    let notified = json!({"notified_users": ["lead@studio.test"], "requeue": 0});
    let ok = submit_id(
        &farm,
        &with(
            TestFarm::command_job("shot 7", &["true"], 1, 2, 1),
            notified.clone(),
        ),
    )
    .await?;
    let failing = submit_id(
        &farm,
        &with(
            TestFarm::command_job("shot 8", &["false"], 1, 1, 1),
            notified,
        ),
    )
    .await?;
    let mails = eventually("both emails", JOB_TIMEOUT, || async {
        let mails = smtp.received();
        Ok((mails.len() >= 2).then_some(mails))
    })
    .await?;
    let subjects: Vec<String> = mails
        .iter()
        .map(|mail| mail.subject().unwrap_or_default().to_owned())
        .collect();
    let done_mail = mails
        .iter()
        .find(|mail| mail.subject().is_some_and(|s| s.starts_with("Rendered")))
        .ok_or_else(|| anyhow::anyhow!("no templated done email in {subjects:?}"))?;
    assert_eq!(done_mail.subject(), Some("Rendered: shot 7 (2/2 tasks)"));
    assert!(
        done_mail
            .data
            .contains(&format!("/ui/#/jobs/{ok} to see it (command).")),
        "{}",
        done_mail.data
    );
    let failed_mail = mails
        .iter()
        .find(|mail| mail.subject().is_some_and(|s| s.contains("failed")))
        .ok_or_else(|| anyhow::anyhow!("no failed email in {subjects:?}"))?;
    assert_eq!(
        failed_mail.subject().map(str::to_owned),
        Some(format!("{{command}} job {failing} in root failed"))
    );
    assert!(
        failed_mail.data.contains("exited with code 1"),
        "{}",
        failed_mail.data
    );
    Ok(())
}

//! The worker plane's security, tried as an attacker would: messages published with the broker's
//! admin account or with another agent's credentials, what an agent's own credentials are
//! refused, revocation, a replayed task, key rotation, and the REST side's remaining openings.

use std::time::Duration;

use lapin::options::{
    BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions,
    QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, bin_path, event_payload as event, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(120);

/// A `Task` message as the master would send it, for a command the attacker chose.
fn forged_task(task_id: i64, job_id: i64, argv: &[&str]) -> String {
    json!({
        "v": 1, "kind": "Task", "task_id": task_id, "attempt": 1, "job_id": job_id,
        "job_title": "forged", "queue": "root", "class": "cpu1", "frames": [1],
        "commands": [{"argv": argv}], "cpus": 1, "ram_mb": 0, "success_exit_codes": [0],
        "run_as_user": "root", "published_at": "2026-12-06T00:00:00Z"
    })
    .to_string()
}

/// Whether an AMQP operation failed because the broker refused access.
fn refused<T>(result: Result<T, lapin::Error>) -> bool {
    match result {
        Ok(_) => false,
        Err(error) => warren_broker::is_access_refused(&error),
    }
}

/// Publish on a fresh confirm-mode channel of `connection`; the confirm's outcome.
async fn publish(
    connection: &Connection,
    exchange: &str,
    routing_key: &str,
    payload: &[u8],
    properties: BasicProperties,
) -> Result<(), lapin::Error> {
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    channel
        .basic_publish(
            exchange.into(),
            routing_key.into(),
            BasicPublishOptions::default(),
            payload,
            properties,
        )
        .await?
        .await?;
    // A refused publish closes the channel; the next operation says why.
    channel
        .basic_qos(1, lapin::options::BasicQosOptions::default())
        .await
}

async fn run_to_done(farm: &TestFarm, job: &Value) -> anyhow::Result<i64> {
    let job = farm.submit_job(job).await?;
    let job_id = job["id"].as_i64().expect("an id");
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    anyhow::ensure!(done["state"] == "done", "{done}");
    Ok(job_id)
}

#[tokio::test]
async fn a_task_published_with_the_brokers_admin_account_is_never_run_and_is_dead_lettered()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let worker = farm
        .start_worker(&["--metrics-listen", "127.0.0.1:0"])
        .await?;
    farm.wait_for_online_agents(1).await?;
    let metrics_url = farm.worker_metrics_url(worker).await?;
    // A genuine job first: the class queue exists and the worker consumes it.
    let job_id = run_to_done(&farm, &TestFarm::command_job("genuine", &["true"], 1, 1, 1)).await?;
    let exchange = format!("{}.q.root", farm.namespace);
    let marker = farm.dir().join("owned");
    let marker_text = marker.display().to_string();
    let touch = forged_task(1, job_id, &["touch", &marker_text]);
    let other_key = warren_shared::signing::SecretKey::from_seed([7; 32]);
    let real_key_id = farm.farm_keys().await?[0].clone();
    let real_key_id = warren_shared::signing::FarmKey::parse(&real_key_id)?.key_id;
    let forged_signature = format!("{real_key_id}:{}", "A".repeat(86) + "==");
    for headers in [
        json!({}),
        json!({"x-warren-signature": forged_signature}),
        json!({"x-warren-signature": other_key.sign(touch.as_bytes())}),
    ] {
        let routed = farm
            .publish_with_management_api(&exchange, "cpu1", &touch, &headers)
            .await?;
        assert!(routed, "the forged task reached the class queue");
    }
    let refused = eventually(
        "the worker to refuse three forged tasks",
        Duration::from_secs(30),
        || async {
            let samples = farm.metrics(&metrics_url).await?;
            let count = |reason: &str| {
                samples
                    .get(&format!(
                        "warren_worker_refused_messages_total{{reason=\"{reason}\"}}"
                    ))
                    .copied()
                    .unwrap_or(0.0)
            };
            let counts = (
                count("unsigned"),
                count("bad_signature"),
                count("unknown_key"),
            );
            Ok((counts == (1.0, 1.0, 1.0)).then_some(counts))
        },
    )
    .await?;
    assert_eq!(refused, (1.0, 1.0, 1.0));
    let parked = std::sync::Mutex::new(Vec::new());
    let reasons = eventually(
        "three dead letters with their reasons",
        Duration::from_secs(30),
        || async {
            let taken = farm.take_dead_letters().await?;
            let mut parked = parked.lock().expect("the test's own lock");
            parked.extend(taken.into_iter().filter_map(|(_, reason)| reason));
            Ok((parked.len() >= 3).then(|| parked.clone()))
        },
    )
    .await?;
    assert!(
        reasons.iter().any(|reason| reason.contains("not signed")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|reason| reason.contains("does not match")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|reason| reason.contains("does not trust")),
        "{reasons:?}"
    );
    assert!(!marker.exists(), "a forged task ran");
    let log = farm.worker(worker)?.log_tail(300);
    assert!(log.contains("refusing a message"), "{log}");
    Ok(())
}

#[tokio::test]
async fn events_for_another_agents_task_published_as_someone_else_change_nothing()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(1).await?;
    let victim = farm.agent_id_of(0).await?;
    let job = farm
        .submit_job(&TestFarm::command_job(
            "real work",
            &["sh", "-c", "echo real; sleep 6; echo end"],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let task = farm.running_task(job_id).await?;
    let task_id = task["id"].as_i64().expect("an id");
    // The other worker joins only now, so the task is the victim's.
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(2).await?;

    let forged = [
        event(
            "TaskStarted",
            json!({"agent_id": victim, "task_id": task_id, "attempt": 1, "started_at": "2026-01-01T00:00:00Z"}),
        ),
        event(
            "LogChunk",
            json!({"agent_id": victim, "task_id": task_id, "attempt": 1, "seq": 0, "first_line": 1,
                   "lines": [{"t": 0, "s": "stdout", "m": "forged"}]}),
        ),
        event(
            "TaskFinished",
            json!({"agent_id": victim, "task_id": task_id, "attempt": 1, "outcome": {"type": "exited", "code": 0},
                   "success": true, "duration_ms": 1, "finished_at": "2026-01-01T00:00:01Z"}),
        ),
    ];
    for payload in &forged {
        // With the other agent's own credentials and user id, and with the farm's account.
        farm.publish_event_as(1, payload).await?;
        farm.publish_raw_event(payload).await?;
    }
    // Claiming to be the victim's broker user is refused by RabbitMQ itself.
    let (user, password) = farm.worker_credentials(1)?;
    let (victim_user, _) = farm.worker_credentials(0)?;
    let connection = farm.connect_as(&user, &password).await?;
    let impersonation = publish(
        &connection,
        &format!("{}.events", farm.namespace),
        "events",
        &forged[2],
        BasicProperties::default().with_user_id(victim_user.as_str().into()),
    )
    .await;
    assert!(
        impersonation
            .as_ref()
            .is_err_and(|error| error.to_string().contains("user_id")),
        "{impersonation:?}"
    );
    connection.close(200, "done".into()).await.ok();

    let unauthorized = eventually(
        "the master to refuse the six forged events",
        Duration::from_secs(30),
        || async {
            let text = farm
                .http
                .get(format!("{}/metrics", farm.base_url))
                .send()
                .await?
                .text()
                .await?;
            let count = warren_tests::metric_samples(&text)
                .get("warren_unauthorized_events_total")
                .copied()
                .unwrap_or(0.0);
            Ok((count >= 6.0).then_some(count))
        },
    )
    .await?;
    assert_eq!(unauthorized, 6.0);
    let running = farm.tasks(job_id).await?;
    assert_eq!(running[0]["state"], "running", "{running:?}");
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(done["state"], "done");
    let log = farm.task_log(job_id, task_id).await?;
    assert_eq!(log.lines().collect::<Vec<_>>(), ["real", "end"], "{log}");
    let tasks = farm.tasks(job_id).await?;
    assert_eq!(tasks[0]["agent_id"], json!(victim));
    let dead = farm.get_json("/api/v1/dead-letters").await?;
    let reasons = dead["dead_letters"].to_string();
    assert!(reasons.contains("is not that agent"), "{reasons}");
    assert!(reasons.contains("without a broker user"), "{reasons}");
    Ok(())
}

#[tokio::test]
async fn an_agents_own_credentials_may_not_publish_tasks_read_others_queues_or_declare()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 2,
        ..FarmOptions::default()
    })
    .await?;
    run_to_done(&farm, &TestFarm::command_job("classes", &["true"], 1, 2, 1)).await?;
    let ns = farm.namespace.clone();
    let (user, password) = farm.worker_credentials(0)?;
    let other = farm.agent_id_of(1).await?;
    let connection = farm.connect_as(&user, &password).await?;
    let task = forged_task(1, 1, &["true"]);
    let as_self = BasicProperties::default().with_user_id(user.as_str().into());
    for (exchange, key) in [
        (format!("{ns}.q.root"), "cpu1".to_owned()),
        (format!("{ns}.control"), "all".to_owned()),
        (format!("{ns}.dead"), String::new()),
    ] {
        let result = publish(
            &connection,
            &exchange,
            &key,
            task.as_bytes(),
            as_self.clone(),
        )
        .await;
        assert!(refused(result), "publishing to {exchange} was not refused");
    }
    for queue in [
        format!("{ns}.master.events"),
        format!("{ns}.agent.{other}"),
        format!("{ns}.dead"),
    ] {
        let channel = connection.create_channel().await?;
        let result = channel
            .basic_consume(
                queue.as_str().into(),
                "thief".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await;
        assert!(refused(result), "consuming {queue} was not refused");
    }
    let channel = connection.create_channel().await?;
    let declared = channel
        .queue_declare(
            format!("{ns}.mine").as_str().into(),
            QueueDeclareOptions::default(),
            FieldTable::default(),
        )
        .await;
    assert!(refused(declared), "declaring a queue was not refused");
    let channel = connection.create_channel().await?;
    let deleted = channel
        .queue_delete(
            format!("{ns}.master.events").as_str().into(),
            QueueDeleteOptions::default(),
        )
        .await;
    assert!(
        refused(deleted),
        "deleting the master's queue was not refused"
    );
    // What an agent may do still works: an event of its own.
    let own = publish(
        &connection,
        &format!("{ns}.events"),
        "events",
        &event(
            "Heartbeat",
            json!({"agent_id": farm.agent_id_of(0).await?, "free_ram_mb": 1, "load": 0.0, "running": [],
                   "sent_at": "2026-12-06T00:00:00Z"}),
        ),
        as_self,
    )
    .await;
    assert!(own.is_ok(), "{own:?}");
    connection.close(200, "done".into()).await.ok();
    Ok(())
}

#[tokio::test]
async fn a_revoked_agent_is_cut_off_within_seconds_and_its_task_finishes_elsewhere()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(1).await?;
    let revoked = farm.agent_id_of(0).await?;
    let (user, password) = farm.worker_credentials(0)?;
    let job = farm
        .submit_job(&TestFarm::command_job(
            "outlives its node",
            &["sh", "-c", "sleep 2; echo done here"],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let task = farm.running_task(job_id).await?;
    let task_id = task["id"].as_i64().expect("an id");
    farm.start_worker(&["--cpus", "1"]).await?;
    farm.wait_for_online_agents(2).await?;

    let (status, answer) = farm
        .send_json(
            Method::POST,
            &format!("/api/v1/agents/{revoked}/revoke"),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["agent"]["state"], "revoked");
    assert_eq!(answer["released_tasks"], 1);
    // Its connections are closed within 5 s, and it cannot connect again.
    eventually(
        "the revoked agent's connections to close",
        Duration::from_secs(5),
        || async {
            Ok(farm
                .broker_connections_of(&user)
                .await?
                .is_empty()
                .then_some(()))
        },
    )
    .await?;
    let again = farm.connect_as(&user, &password).await;
    assert!(
        again
            .as_ref()
            .is_err_and(|error| format!("{error:#}").contains("ACCESS_REFUSED")),
        "{:?}",
        again.map(|_| ())
    );
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(done["state"], "done");
    let history = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/attempts"))
        .await?;
    let attempts = history["attempts"].as_array().cloned().unwrap_or_default();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[0]["agent_id"], json!(revoked));
    assert_eq!(attempts[0]["state"], "lost");
    assert_ne!(attempts[1]["agent_id"], json!(revoked));
    assert_eq!(attempts[1]["state"], "done");
    let agent = farm.get_json(&format!("/api/v1/agents/{revoked}")).await?;
    assert_eq!(agent["state"], "revoked");

    // A token works once; the host joins again only with a new one, as a new agent.
    let token = farm.enroll("test-node-again", false).await?;
    let dir = farm.dir().join("again");
    let amqp_url = farm.amqp_url.clone();
    let join = |token: String, dir: std::path::PathBuf| {
        let amqp_url = amqp_url.clone();
        async move {
            tokio::process::Command::new(bin_path("warren-worker")?)
                .args(["join", &token, "--no-run", "--hostname", "test-node-again"])
                .arg("--dir")
                .arg(dir)
                .env("WARREN_AMQP_URL", &amqp_url)
                .env("RUST_LOG", "warn")
                .output()
                .await
                .map_err(anyhow::Error::from)
        }
    };
    let first = join(token.clone(), dir.clone()).await?;
    assert!(first.status.success(), "{first:?}");
    let second = join(token, farm.dir().join("thief")).await?;
    assert!(!second.status.success(), "a token joins one node only");
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already used"),
        "{second:?}"
    );
    let garbage = join("wrnj_not-a-token".to_owned(), farm.dir().join("garbage")).await?;
    assert_eq!(garbage.status.code(), Some(64), "{garbage:?}");
    assert!(!farm.dir().join("thief").join("enrollment.json").exists());
    let enrollment: Value = serde_json::from_slice(&std::fs::read(dir.join("enrollment.json"))?)?;
    assert_ne!(enrollment["agent_id"], json!(revoked));
    Ok(())
}

#[tokio::test]
async fn a_captured_task_published_again_never_ends_done_twice_and_its_rerun_is_stopped()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let worker = farm
        .start_worker(&["--metrics-listen", "127.0.0.1:0"])
        .await?;
    farm.wait_for_online_agents(1).await?;
    let metrics_url = farm.worker_metrics_url(worker).await?;
    run_to_done(&farm, &TestFarm::command_job("warm", &["true"], 1, 1, 1)).await?;
    // Someone with the broker's admin account taps the class's exchange.
    let admin = Connection::connect(&farm.amqp_url, lapin::ConnectionProperties::default()).await?;
    let tap = admin.create_channel().await?;
    let tap_queue = format!("{}.tap", farm.namespace);
    tap.queue_declare(
        tap_queue.as_str().into(),
        QueueDeclareOptions {
            exclusive: true,
            ..QueueDeclareOptions::default()
        },
        FieldTable::default(),
    )
    .await?;
    tap.queue_bind(
        tap_queue.as_str().into(),
        format!("{}.q.root", farm.namespace).as_str().into(),
        "cpu1".into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await?;
    let runs = farm.dir().join("runs");
    let script = format!(
        "echo started >> {0}; sleep 3; echo finished >> {0}",
        runs.display()
    );
    let job_id = run_to_done(
        &farm,
        &TestFarm::command_job("captured", &["sh", "-c", &script], 1, 1, 1),
    )
    .await?;
    let captured = tap
        .basic_get(tap_queue.as_str().into(), BasicGetOptions { no_ack: true })
        .await?
        .ok_or_else(|| anyhow::anyhow!("the tap caught no task"))?;
    let tasks_before = farm.tasks(job_id).await?;
    let finished_before = farm.metrics(&metrics_url).await?["warren_worker_tasks_finished_total"];
    // The genuine, signed message, published again with its body and signature (without the
    // master's user id, which RabbitMQ would let only the master's user send).
    let headers = captured
        .delivery
        .properties
        .headers()
        .clone()
        .unwrap_or_default();
    publish(
        &admin,
        &format!("{}.q.root", farm.namespace),
        "cpu1",
        &captured.delivery.data,
        BasicProperties::default()
            .with_headers(headers)
            .with_delivery_mode(2),
    )
    .await?;
    eventually(
        "the replayed task to start and be stopped",
        Duration::from_secs(30),
        || async {
            let finished = farm.metrics(&metrics_url).await?["warren_worker_tasks_finished_total"];
            Ok((finished > finished_before).then_some(()))
        },
    )
    .await?;
    let lines = std::fs::read_to_string(&runs)?;
    assert_eq!(
        lines.lines().collect::<Vec<_>>(),
        ["started", "finished", "started"],
        "the replay started, and was stopped before it finished"
    );
    let log = farm.worker(worker)?.log_tail(400);
    assert!(log.contains("not assigned to this worker"), "{log}");
    assert_eq!(farm.tasks(job_id).await?, tasks_before);
    let attempts = farm
        .get_json(&format!(
            "/api/v1/jobs/{job_id}/tasks/{}/attempts",
            tasks_before[0]["id"]
        ))
        .await?;
    let done: Vec<&Value> = attempts["attempts"]
        .as_array()
        .map(|attempts| {
            attempts
                .iter()
                .filter(|attempt| attempt["state"] == "done")
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(done.len(), 1, "{attempts}");
    admin.close(200, "done".into()).await.ok();
    Ok(())
}

#[tokio::test]
async fn rotating_the_farm_key_keeps_a_running_farm_running() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 2,
        ..FarmOptions::default()
    })
    .await?;
    let old_keys = farm.farm_keys().await?;
    assert_eq!(old_keys.len(), 1);
    let before = farm
        .submit_job(&TestFarm::command_job(
            "before",
            &["sh", "-c", "sleep 0.2"],
            1,
            30,
            1,
        ))
        .await?;
    let rotated = tokio::process::Command::new(bin_path("warren-master")?)
        .args(["keys", "rotate", "--grace-secs", "6"])
        .env("WARREN_DATABASE_URL", farm.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .await?;
    assert!(rotated.status.success(), "{rotated:?}");
    let during = farm
        .submit_job(&TestFarm::command_job("during", &["true"], 1, 10, 1))
        .await?;
    // The master signs with both keys, then with the new one alone once the old retires.
    let new_keys = eventually("the old key to retire", Duration::from_secs(30), || async {
        let keys = farm.farm_keys().await?;
        Ok((keys.len() == 1 && keys != old_keys).then_some(keys))
    })
    .await?;
    let after = farm
        .submit_job(&TestFarm::command_job("after", &["true"], 1, 10, 1))
        .await?;
    for job in [before, during, after] {
        let job_id = job["id"].as_i64().expect("an id");
        let done = farm
            .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?;
        assert_eq!(done["state"], "done", "{done}");
    }
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "nothing refused"
    );
    for worker in 0..2 {
        let path = farm
            .dir()
            .join(format!("worker-{worker}"))
            .join("farm-keys.json");
        eventually(
            "the worker to trust only the new key",
            Duration::from_secs(30),
            || async {
                let trusted = std::fs::read_to_string(&path)?;
                Ok(
                    (trusted.contains(&new_keys[0]) && !trusted.contains(&old_keys[0]))
                        .then_some(()),
                )
            },
        )
        .await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_insecure_shared_credentials_mode_says_so() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        insecure_shared_credentials: true,
        ..FarmOptions::default()
    })
    .await?;
    run_to_done(&farm, &TestFarm::command_job("shared", &["true"], 1, 2, 1)).await?;
    let health = farm.get_json("/health").await?;
    assert_eq!(health["insecure_shared_broker_credentials"], true);
    let text = farm
        .http
        .get(format!("{}/metrics", farm.base_url))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(
        warren_tests::metric_samples(&text).get("warren_insecure_shared_broker_credentials"),
        Some(&1.0)
    );
    let secure = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    assert_eq!(
        secure.get_json("/health").await?["insecure_shared_broker_credentials"],
        false
    );
    // Without a token or the flag, a worker refuses to start and says how to join.
    let refused = tokio::process::Command::new(bin_path("warren-worker")?)
        .arg("run")
        .arg("--dir")
        .arg(secure.dir().join("stranger"))
        .env("WARREN_AMQP_URL", &secure.amqp_url)
        .output()
        .await?;
    assert_eq!(refused.status.code(), Some(64), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("warren-worker join"));
    Ok(())
}

#[tokio::test]
async fn the_rest_api_hides_titles_from_strangers_slows_password_guessing_and_sets_security_headers()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        ..FarmOptions::default()
    })
    .await?;
    let token = farm
        .first_admin("root", Some("correct horse battery"))
        .await?;
    let added = farm
        .master_user(
            &["add", "alice", "--role", "viewer", "--password-stdin"],
            Some("alice's own password"),
        )
        .await?;
    assert!(added.status.success(), "{added:?}");
    farm.authenticate(&token)?;
    farm.submit_job(&TestFarm::command_job("secret shot", &["true"], 1, 1, 1))
        .await?;
    let anonymous = reqwest::Client::new();
    for title in ["secret%20shot", "no%20such%20shot"] {
        let response = anonymous
            .get(format!("{}/api/v1/jobs/{title}", farm.base_url))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{title}");
    }
    let known = farm.get_json("/api/v1/jobs/secret%20shot").await?;
    assert_eq!(known["title"], "secret shot");

    let login = |username: &str, password: &str| {
        anonymous
            .post(format!("{}/api/v1/auth/login", farm.base_url))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(login("root", "wrong guess").await?.status());
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(
        statuses[9],
        StatusCode::TOO_MANY_REQUESTS,
        "the tenth wrong password in a row is refused: {statuses:?}"
    );
    let throttled = login("root", "correct horse battery").await?;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled
            .headers()
            .contains_key(reqwest::header::RETRY_AFTER)
    );
    let other = login("alice", "alice's own password").await?;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "another account still logs in"
    );
    let text = farm
        .http
        .get(format!("{}/metrics", farm.base_url))
        .send()
        .await?
        .text()
        .await?;
    let samples = warren_tests::metric_samples(&text);
    assert!(samples["warren_login_failures_total"] >= 5.0, "{text}");
    assert!(samples["warren_login_throttled_total"] >= 1.0, "{text}");

    for path in ["/ui/", "/ui/app.js", "/api/v1/jobs"] {
        let response = farm
            .http
            .get(format!("{}{path}", farm.base_url))
            .send()
            .await?;
        let headers = response.headers();
        let policy = headers
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    }
    let cookie = other
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    Ok(())
}

#[tokio::test]
async fn behind_a_tls_proxy_session_cookies_are_secure() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        master_args: vec!["--behind-tls-proxy".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    farm.first_admin("root", Some("correct horse battery"))
        .await?;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", farm.base_url))
        .header("x-forwarded-for", "203.0.113.9")
        .json(&json!({"username": "root", "password": "correct horse battery"}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[reqwest::header::SET_COOKIE].to_str()?;
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    Ok(())
}

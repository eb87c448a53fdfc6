//! Webhooks: signed deliveries of farm events to a receiver the test runs, retried while it is
//! down, each delivered once per delivery id, listed, and redelivered by hand.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac as _};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, eventually};

const WAIT: Duration = Duration::from_secs(90);
const SECRET: &str = "a-secret-of-sixteen-bytes-or-more";

/// What the receiver got: each request's headers (lower-case names) and JSON body.
#[derive(Debug, Clone)]
struct Received {
    headers: BTreeMap<String, String>,
    body: Value,
    signature_ok: bool,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A minimal HTTP/1.1 receiver on `listener`: it records each POST and answers 200.
fn serve(listener: TcpListener, inbox: Inbox) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0_u8; 8192];
                let (head_end, length) = loop {
                    let Ok(read) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|line| line.strip_prefix("content-length:"))
                            .and_then(|value| value.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (end + 4, length);
                    }
                };
                while buffer.len() < head_end + length {
                    let Ok(read) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                }
                let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
                let body = &buffer[head_end..head_end + length];
                let headers: BTreeMap<String, String> = head
                    .lines()
                    .skip(1)
                    .filter_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        Some((name.trim().to_lowercase(), value.trim().to_owned()))
                    })
                    .collect();
                let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("a key");
                mac.update(body);
                let expected: String = mac
                    .finalize()
                    .into_bytes()
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect();
                let signature_ok =
                    headers.get("x-warren-signature") == Some(&format!("sha256={expected}"));
                inbox.lock().expect("the inbox").push(Received {
                    headers,
                    body: serde_json::from_slice(body).unwrap_or(Value::Null),
                    signature_ok,
                });
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    })
}

fn received(inbox: &Inbox) -> Vec<Received> {
    inbox.lock().expect("the inbox").clone()
}

async fn job_id(farm: &TestFarm, job: &Value) -> anyhow::Result<i64> {
    farm.submit_job(job).await?["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no job id"))
}

async fn deliveries(farm: &TestFarm, webhook: i64) -> anyhow::Result<Vec<Value>> {
    let list = farm
        .get_json(&format!("/api/v1/webhooks/{webhook}/deliveries"))
        .await?;
    Ok(list["deliveries"].as_array().cloned().unwrap_or_default())
}

#[tokio::test]
async fn a_receiver_down_for_a_while_gets_every_event_once_signed_and_can_have_one_again()
-> anyhow::Result<()> {
    receiver_down_then_up(DatabaseKind::default_for_tests()).await
}

database_test!(
    webhook_deliveries_with_postgresql,
    postgres,
    receiver_down_then_up
);
database_test!(
    webhook_deliveries_with_mariadb,
    mariadb,
    receiver_down_then_up
);

async fn receiver_down_then_up(database: DatabaseKind) -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        database,
        ..FarmOptions::default()
    })
    .await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let inbox: Inbox = Arc::default();
    let server = serve(listener, inbox.clone());

    // Bad registrations are refused, naming the field.
    for (body, field) in [
        (
            json!({"url": "ftp://example.com/hook", "events": ["job.done"]}),
            "url",
        ),
        (json!({"url": "not a url", "events": ["job.done"]}), "url"),
        (
            json!({"url": format!("http://{address}/"), "events": ["job.exploded"]}),
            "events",
        ),
        (
            json!({"url": format!("http://{address}/"), "events": []}),
            "events",
        ),
        (
            json!({"url": format!("http://{address}/"), "events": ["job.done"], "queue": "nowhere"}),
            "queue",
        ),
        (
            json!({"url": format!("http://{address}/"), "events": ["job.done"], "secret": "short"}),
            "secret",
        ),
    ] {
        let (status, answer) = farm
            .send_json(Method::POST, "/api/v1/webhooks", Some(&body))
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let (status, hook) = farm
        .send_json(
            Method::POST,
            "/api/v1/webhooks",
            Some(&json!({
                "url": format!("http://{address}/warren"),
                "events": ["job.done", "job.failed", "task.failed", "agent.offline"],
                "secret": SECRET,
            })),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    assert_eq!(hook["secret"], SECRET);
    let webhook = hook["id"].as_i64().expect("a webhook id");
    // A webhook for another queue hears nothing of this one's jobs.
    farm.send_json(
        Method::POST,
        "/api/v1/jobqueues",
        Some(&json!({"name": "elsewhere"})),
    )
    .await?;
    let (status, filtered) = farm
        .send_json(
            Method::POST,
            "/api/v1/webhooks",
            Some(&json!({"url": format!("http://{address}/elsewhere"), "events": ["job.done"], "queue": "elsewhere"})),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{filtered}");
    let listed = farm.get_json("/api/v1/webhooks").await?;
    assert!(listed["webhooks"][0].get("secret").is_none(), "{listed}");

    // Up: a done job is delivered, signed, with a link to the job's page.
    let first = job_id(&farm, &TestFarm::command_job("first", &["true"], 1, 1, 1)).await?;
    let got = eventually("the first delivery", WAIT, || async {
        Ok(received(&inbox)
            .into_iter()
            .find(|r| r.body["data"]["job"]["id"] == first))
    })
    .await?;
    assert!(got.signature_ok, "{:?}", got.headers);
    assert_eq!(got.body["event"], "job.done");
    assert_eq!(
        got.headers.get("x-warren-event").map(String::as_str),
        Some("job.done")
    );
    assert_eq!(
        got.headers.get("x-warren-delivery").map(String::as_str),
        got.body["delivery_id"].as_str()
    );
    let link = got.body["data"]["job"]["url"].as_str().unwrap_or_default();
    assert!(link.ends_with(&format!("/ui/#/jobs/{first}")), "{link}");

    // Down: events keep coming and their deliveries wait.
    server.abort();
    let _ = server.await;
    let failing = TestFarm::command_job("failing", &["false"], 1, 1, 1);
    let mut failing = failing;
    failing["requeue"] = json!(0);
    let failed = job_id(&farm, &failing).await?;
    let second = job_id(&farm, &TestFarm::command_job("second", &["true"], 1, 1, 1)).await?;
    for job in [failed, second] {
        farm.wait_for_job_state(job, &["done", "failed"], WAIT)
            .await?;
    }
    // Every delivery made while the receiver is down fails four times: 1, 2 and 4 s of
    // backoff, so the receiver stays down for more than 7 s.
    eventually(
        "deliveries to fail while the receiver is down",
        WAIT,
        || async {
            let waiting: Vec<Value> = deliveries(&farm, webhook)
                .await?
                .into_iter()
                .filter(|delivery| delivery["state"] == "pending")
                .collect();
            Ok((waiting.len() == 3
                && waiting
                    .iter()
                    .all(|delivery| delivery["attempts"].as_i64().unwrap_or(0) >= 4))
            .then_some(()))
        },
    )
    .await?;
    let pending = deliveries(&farm, webhook).await?;
    assert!(
        pending
            .iter()
            .any(|d| d["last_error"].as_str().is_some_and(|e| !e.is_empty())),
        "{pending:?}"
    );

    // Back up on the same address: everything arrives, once per delivery id.
    let listener = TcpListener::bind(address).await?;
    let server = serve(listener, inbox.clone());
    let all = eventually("every delivery to arrive", WAIT, || async {
        let list = deliveries(&farm, webhook).await?;
        Ok(list
            .iter()
            .all(|delivery| delivery["state"] == "delivered")
            .then_some(list))
    })
    .await?;
    let mut events: Vec<String> = all
        .iter()
        .map(|d| d["event"].as_str().unwrap_or("").to_owned())
        .collect();
    events.sort();
    assert_eq!(
        events,
        ["job.done", "job.done", "job.failed", "task.failed"],
        "{all:?}"
    );
    let inbox_now = received(&inbox);
    for delivery in &all {
        let id = delivery["delivery_id"].as_str().expect("an id");
        let copies = inbox_now
            .iter()
            .filter(|r| r.body["delivery_id"] == id)
            .count();
        assert_eq!(copies, 1, "delivery {id} arrived {copies} times");
    }
    assert!(inbox_now.iter().all(|r| r.signature_ok));
    let task_failed = inbox_now
        .iter()
        .find(|r| r.body["event"] == "task.failed")
        .expect("a task.failed delivery");
    assert_eq!(task_failed.body["data"]["job"]["id"], failed);
    assert_eq!(task_failed.body["data"]["exit_code"], 1);
    // The other queue's webhook got nothing.
    assert!(inbox_now.iter().all(|r| r.body["webhook_id"] == webhook));
    assert!(
        deliveries(&farm, filtered["id"].as_i64().expect("an id"))
            .await?
            .is_empty()
    );

    // A redelivery sends the same delivery id again.
    let again = all[0]["delivery_id"].as_str().expect("an id").to_owned();
    let (status, _) = farm
        .send_json(
            Method::POST,
            &format!("/api/v1/webhooks/{webhook}/deliveries/{again}/redeliver"),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::ACCEPTED);
    eventually("the redelivery", WAIT, || async {
        let copies = received(&inbox)
            .iter()
            .filter(|r| r.body["delivery_id"] == again.as_str())
            .count();
        Ok((copies == 2).then_some(()))
    })
    .await?;
    let (status, _) = farm
        .send_json(
            Method::POST,
            &format!("/api/v1/webhooks/{webhook}/deliveries/no-such-id/redeliver"),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A worker that stops says goodbye: its agent goes offline.
    let agent = farm.agent_id_of(0).await?;
    farm.worker(0)?.stop(WAIT).await?;
    let offline = eventually("agent.offline", WAIT, || async {
        Ok(received(&inbox)
            .into_iter()
            .find(|r| r.body["event"] == "agent.offline"))
    })
    .await?;
    assert_eq!(offline.body["data"]["agent_id"], agent);
    assert_eq!(offline.body["data"]["reason"], "goodbye");
    server.abort();
    Ok(())
}

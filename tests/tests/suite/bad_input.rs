//! Bad input gets a clear 4xx with a JSON error, and a malformed broker message is dead-lettered
//! without stopping the ingester.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use warren_tests::{FarmOptions, TestFarm, eventually};

#[tokio::test]
async fn bad_job_submissions_get_a_4xx_with_a_json_error() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let valid = TestFarm::command_job("valid", &["true"], 1, 10, 1);
    let with = |key: &str, value: serde_json::Value| {
        let mut body = valid.clone();
        body[key] = value;
        serde_json::to_vec(&body).expect("JSON encodes")
    };
    let without_title = {
        let mut body = valid.clone();
        body.as_object_mut().expect("an object").remove("title");
        serde_json::to_vec(&body).expect("JSON encodes")
    };
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"title\": \"x\",".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "not JSON at all",
            "application/json",
            b"\xff\xfe garbage".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing title",
            "application/json",
            without_title,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "end before start",
            "application/json",
            with("end", json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "zero step",
            "application/json",
            with("by", json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "negative step",
            "application/json",
            with("by", json!(-1)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "zero batch",
            "application/json",
            with("batch", json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown job type",
            "application/json",
            with("jobtype", json!("no-such-type")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "argv not a list",
            "application/json",
            with("data", json!({"argv": "rm -rf /"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "start not a number",
            "application/json",
            with("start", json!("one")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown field",
            "application/json",
            with("prority", json!(5)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "priority out of range",
            "application/json",
            with("priority", json!(5000)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "invalid tag",
            "application/json",
            with("tag_requirements", json!(["has space"])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown queue",
            "application/json",
            with("queue", json!("nope")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "wrong content type",
            "text/plain",
            serde_json::to_vec(&valid)?,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "20 MB body",
            "application/json",
            vec![b' '; 20 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (what, content_type, body, expected) in cases {
        let (status, answer) = farm.post_raw("/api/v1/jobs", content_type, body).await?;
        assert_eq!(status, expected, "{what}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|error| !error.is_empty()),
            "{what}: the answer names the problem: {answer}"
        );
    }
    let (status, answer) = farm
        .post_raw(
            "/api/v1/jobs",
            "application/json",
            serde_json::to_vec(&valid)?,
        )
        .await?;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a valid job is still accepted after all that: {answer}"
    );
    assert_eq!(
        farm.get_json("/api/v1/jobs").await?["jobs"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "no bad submission created a job"
    );

    let response = farm
        .http
        .get(format!("{}/api/v1/jobs/not-a-number", farm.base_url))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.json::<serde_json::Value>().await?["error"].is_string());
    let response = farm
        .http
        .get(format!("{}/api/v1/jobs/999999", farm.base_url))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.json::<serde_json::Value>().await?["error"].is_string());
    let response = farm
        .http
        .delete(format!("{}/api/v1/agents", farm.base_url))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    Ok(())
}

#[tokio::test]
async fn a_malformed_event_is_dead_lettered_and_the_ingester_keeps_going() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    farm.publish_raw_event(b"this is not JSON").await?;
    farm.publish_raw_event(br#"{"v": 99, "kind": "FromTheFuture"}"#)
        .await?;
    farm.publish_raw_event(
        br#"{"v": 1, "kind": "Cancel", "task_id": 1, "attempt": 1, "reason": "wrong way round"}"#,
    )
    .await?;
    farm.publish_raw_event(
        br#"{"v": 1, "kind": "EventBatch", "events": [{"kind": "Cancel", "task_id": 1, "attempt": 1, "reason": "smuggled"}]}"#,
    )
    .await?;

    let dead = eventually(
        "four dead letters recorded",
        Duration::from_secs(30),
        || async {
            let answer = farm.get_json("/api/v1/dead-letters").await?;
            Ok((answer["count"].as_u64() == Some(4)).then_some(answer))
        },
    )
    .await?;
    let reasons: Vec<&str> = dead["dead_letters"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|item| item["reason"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|reason| reason.contains("malformed")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|reason| reason.contains("version 99")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|reason| reason.contains("unexpected message kind `Cancel`")),
        "{reasons:?}"
    );

    assert!(
        reasons.iter().any(|reason| reason.contains("event batch")),
        "{reasons:?}"
    );

    let parked = farm.take_dead_letters().await?;
    assert_eq!(
        parked.len(),
        4,
        "the messages are parked in the dead-letter queue"
    );
    assert!(parked.iter().any(|(body, reason)| {
        body == b"this is not JSON"
            && reason
                .as_deref()
                .is_some_and(|reason| reason.contains("malformed"))
    }));

    let job_id = farm
        .submit_job(&TestFarm::command_job("after garbage", &["true"], 1, 2, 1))
        .await?["id"]
        .as_i64()
        .expect("a job id");
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
        .await?;
    assert_eq!(
        job["state"], "done",
        "events are still ingested after the bad ones"
    );
    Ok(())
}

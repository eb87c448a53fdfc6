//! Bad input gets a clear 4xx with a JSON error, and a malformed broker message is dead-lettered
//! without stopping the ingester.

use std::time::Duration;

use reqwest::{Method, StatusCode};
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
    // A value out of range is refused while the body is parsed, naming the field and the rule.
    for (field, value, message) in [
        (
            "priority",
            json!(5000),
            "`priority` must be between -1000 and 1000, got 5000",
        ),
        ("weight", json!(0), "`weight` must be at least 1, got 0"),
        (
            "maximum_agents",
            json!(-2),
            "`maximum_agents` must not be negative, got -2",
        ),
        ("title", json!("   "), "`title` must be 1 to 512 characters"),
    ] {
        let (status, answer) = farm
            .post_raw("/api/v1/jobs", "application/json", with(field, value))
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
        assert_eq!(answer["error"], message, "{answer}");
    }
    let (status, answer) = farm
        .post_raw(
            "/api/v1/jobqueues",
            "application/json",
            serde_json::to_vec(&json!({"name": "shots", "minimum_agents": -1}))?,
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["field"], "minimum_agents", "{answer}");
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
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "a job is named by id or title"
    );
    let answer = response.json::<serde_json::Value>().await?;
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|error| error.contains("no job is titled `not-a-number`")),
        "{answer}"
    );
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
    farm.publish_raw_event(
        br#"{"v": 1, "kind": "LogChunk", "agent_id": "6f0c9a4e-0000-4000-8000-000000000001", "task_id": 1, "attempt": 1, "seq": 0, "first_line": 1, "packed": "not base64!"}"#,
    )
    .await?;

    let dead = eventually(
        "five dead letters recorded",
        Duration::from_secs(30),
        || async {
            let answer = farm.get_json("/api/v1/dead-letters").await?;
            Ok((answer["count"].as_u64() == Some(5)).then_some(answer))
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
            .any(|reason| reason.contains("packed log lines are not base64")),
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
        5,
        "the messages are parked in the dead-letter queue"
    );
    assert!(parked.iter().any(|(body, reason)| {
        body == b"this is not JSON"
            && reason
                .as_deref()
                .is_some_and(|reason| reason.contains("malformed"))
    }));

    let job_id = farm
        .submit(&TestFarm::command_job("after garbage", &["true"], 1, 2, 1))
        .await?
        .0;
    let job = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
        .await?;
    assert_eq!(
        job["state"], "done",
        "events are still ingested after the bad ones"
    );
    Ok(())
}

/// Every kind of malformed request, on every kind of endpoint: a 4xx with a JSON error, never
/// a 500, and the master keeps answering.
#[tokio::test]
async fn a_sweep_of_bad_requests_gets_4xx_json_errors_and_never_a_500() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let job = farm
        .submit_job(&TestFarm::command_job("target", &["true"], 1, 1, 1))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let posts: Vec<(&str, Vec<u8>)> = vec![
        ("/api/v1/jobs", deep.clone().into_bytes()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1e300, "end": 2}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": -9223372036854775808, "end": 9223372036854775807, "batch": 1}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1, "end": 2, "cpus": 99999999999999999999}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1, "end": 2, "surprise": true}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1, "end": 2, "parents": [-1]}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1, "end": 2, "depends_on": {"job": 1, "mode": "sideways"}}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "x", "start": 1, "end": 2, "num_tiles": 0}"#.to_vec()),
        ("/api/v1/jobs", br#"{"title": "\u0000", "start": 1, "end": 2}"#.to_vec()),
        ("/api/v1/jobqueues", br#"{"name": "../etc"}"#.to_vec()),
        ("/api/v1/jobqueues", br#"{"name": "q", "parent": "nope"}"#.to_vec()),
        ("/api/v1/jobqueues", br#"{"name": "q", "weight": 0}"#.to_vec()),
        ("/api/v1/jobgroups", br#"{"title": ""}"#.to_vec()),
    ];
    for (path, body) in posts {
        let (status, answer) = farm
            .post_raw(path, "application/json", body.clone())
            .await?;
        assert!(
            status.is_client_error(),
            "POST {path} {}: {status} {answer}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
        assert!(answer["error"].is_string(), "POST {path}: {answer}");
    }
    let gets = [
        "/api/v1/agents/not-a-uuid".to_owned(),
        "/api/v1/agents/00000000-0000-0000-0000-000000000000".to_owned(),
        "/api/v1/jobs/-1".to_owned(),
        "/api/v1/jobs/99999999999999999999".to_owned(),
        "/api/v1/jobs/abc".to_owned(),
        format!("/api/v1/jobs/{job_id}/tasks/..%2F..%2Fetc%2Fpasswd/log"),
        format!("/api/v1/jobs/{job_id}/tasks/1/log?attempt=-5"),
        format!("/api/v1/jobs/{job_id}/tasks/1/log?format=../../x"),
        format!("/api/v1/jobs/{job_id}/tasks?limit=0"),
        format!("/api/v1/jobs/{job_id}/tasks?state=exploded"),
        "/api/v1/jobs?limit=100000000".to_owned(),
        "/api/v1/jobqueues/does-not-exist".to_owned(),
        "/api/v1/jobgroups/0".to_owned(),
        "/api/v1/nothing/here".to_owned(),
    ];
    for path in gets {
        let (status, answer) = farm.send_json(Method::GET, &path, None).await?;
        assert!(status.is_client_error(), "GET {path}: {status} {answer}");
        assert!(answer["error"].is_string(), "GET {path}: {answer}");
    }
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            json!({"priority": 5000}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            json!({"parents": [job_id]}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            json!({"data": "not an object"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            json!({"title": 7}),
        ),
        (
            Method::PUT,
            "/api/v1/limits".to_owned(),
            json!({"nuke": -3}),
        ),
        (
            Method::PUT,
            "/api/v1/limits".to_owned(),
            json!({"bad name": 3}),
        ),
        (Method::PUT, "/api/v1/limits".to_owned(), json!([1, 2])),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            json!([null, 5]),
        ),
        (Method::POST, "/api/v1/jobqueues".to_owned(), json!(["q"])),
        (
            Method::DELETE,
            "/api/v1/limits/none".to_owned(),
            json!(null),
        ),
        (
            Method::DELETE,
            "/api/v1/jobqueues/root".to_owned(),
            json!(null),
        ),
    ] {
        let (status, answer) = farm.send_json(method.clone(), &path, Some(&body)).await?;
        assert!(
            status.is_client_error(),
            "{method} {path} {body}: {status} {answer}"
        );
        assert!(answer["error"].is_string(), "{method} {path}: {answer}");
    }
    // Still healthy, and the job untouched.
    let after = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(after["priority"], 0);
    assert_eq!(after["title"], "target");
    Ok(())
}

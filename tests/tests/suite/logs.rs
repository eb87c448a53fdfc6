//! Following a task's log live over Server-Sent Events, with catch-up, from the API and the CLI.

use std::time::Duration;

use serde_json::Value;
use warren_tests::{FarmOptions, TestFarm, bin_path};

const STREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// Reads `(event, data)` pairs from an SSE response.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(
        farm: &TestFarm,
        path: &str,
        last_event_id: Option<&str>,
    ) -> anyhow::Result<Self> {
        let mut request = farm.http.get(format!("{}{path}", farm.base_url));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await?;
        anyhow::ensure!(response.status().is_success(), "{}", response.status());
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        anyhow::ensure!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        Ok(Self {
            response,
            buffer: String::new(),
        })
    }

    async fn next(&mut self) -> anyhow::Result<Option<(String, Value)>> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event: ") {
                        name = value.to_owned();
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        data.push_str(value);
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Ok(Some((name, serde_json::from_str(&data)?)));
            }
            match tokio::time::timeout(STREAM_TIMEOUT, self.response.chunk()).await?? {
                Some(bytes) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                None => return Ok(None),
            }
        }
    }

    /// Every remaining line message, and the end event.
    async fn rest(mut self) -> anyhow::Result<(Vec<String>, Value)> {
        let mut lines = Vec::new();
        while let Some((name, data)) = self.next().await? {
            match name.as_str() {
                "line" => lines.push(data["message"].as_str().unwrap_or_default().to_owned()),
                "end" => return Ok((lines, data)),
                other => anyhow::bail!("unexpected event {other}: {data}"),
            }
        }
        anyhow::bail!("the stream ended without an end event")
    }
}

#[tokio::test]
async fn a_followed_log_shows_new_lines_while_the_task_runs_and_catches_up_from_an_offset()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let gate = farm.dir().join("go-on");
    // Three lines, then wait (at most 60 s) for the test to have seen them, then three more.
    let script = format!(
        "echo line 1; echo line 2; echo line 3; n=0; \
         while [ ! -e {gate} ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; \
         echo line 4; echo line 5; echo line 6",
        gate = gate.display()
    );
    let job = farm
        .submit_job(&TestFarm::command_job(
            "follow",
            &["sh", "-c", &script],
            1,
            1,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().expect("a job id");
    let task_id = farm.tasks(job_id).await?[0]["id"]
        .as_i64()
        .expect("a task id");
    let path = format!("/api/v1/jobs/{job_id}/tasks/{task_id}/log?follow=true");

    // Opened before the task started: the stream waits for its first attempt.
    let mut events = Events::open(&farm, &path, None).await?;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let (name, data) = events.next().await?.expect("the stream goes on");
        assert_eq!(name, "line", "{data}");
        assert_eq!(data["line"].as_u64(), Some(seen.len() as u64 + 1), "{data}");
        assert_eq!(data["stream"], "stdout");
        seen.push(data["message"].as_str().unwrap_or_default().to_owned());
    }
    let task = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}"))
        .await?;
    assert_eq!(
        task["state"], "running",
        "the lines came while the task ran: {task}"
    );
    std::fs::write(&gate, b"")?;
    let (rest, end) = events.rest().await?;
    seen.extend(rest);
    assert_eq!(
        seen,
        (1..=6).map(|n| format!("line {n}")).collect::<Vec<_>>()
    );
    assert_eq!(end["state"], "done", "{end}");
    assert_eq!(end["lines"], 6);

    // Catch-up: an offset, or the id of the last event seen, starts after those lines.
    let (lines, end) = Events::open(&farm, &format!("{path}&offset=4"), None)
        .await?
        .rest()
        .await?;
    assert_eq!(lines, ["line 5", "line 6"]);
    assert_eq!(end["state"], "done");
    let (lines, _) = Events::open(&farm, &path, Some("5")).await?.rest().await?;
    assert_eq!(lines, ["line 6"]);

    // The task's logs, one per attempt that printed something.
    let listed = farm
        .get_json(&format!("/api/v1/jobs/{job_id}/tasks/{task_id}/logs"))
        .await?;
    let logs = listed["logs"].as_array().expect("logs");
    assert_eq!(logs.len(), 1, "{listed}");
    assert_eq!(logs[0]["attempt"], 1);
    assert_eq!(logs[0]["lines"], 6);
    let csv = farm
        .http
        .get(format!(
            "{}{}",
            farm.base_url,
            logs[0]["csv"].as_str().expect("a link")
        ))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        csv.starts_with("timestamp,stream,line,pid,message\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 7);

    // Bad requests are refused with a reason.
    for (query, status) in [
        ("offset=2", 422),
        ("follow=maybe", 400),
        ("follow=true&attempt=9", 404),
    ] {
        let response = farm
            .http
            .get(format!(
                "{}/api/v1/jobs/{job_id}/tasks/{task_id}/log?{query}",
                farm.base_url
            ))
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), status, "{query}");
        let body: Value = response.json().await?;
        assert!(body["error"].is_string(), "{query}: {body}");
    }

    // The CLI follows too, and says how the attempt ended by its exit code.
    let output = tokio::process::Command::new(bin_path("warren")?)
        .args(["--url", &farm.base_url, "log", "-f"])
        .args([job_id.to_string(), task_id.to_string()])
        .env_remove("WARREN_TOKEN")
        .env("WARREN_CONFIG", "/dev/null")
        .output()
        .await?;
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        printed.lines().collect::<Vec<_>>(),
        (1..=6).map(|n| format!("line {n}")).collect::<Vec<_>>()
    );
    Ok(())
}

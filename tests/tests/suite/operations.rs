//! Running a farm: Prometheus metrics on the master and the worker.

use std::collections::BTreeMap;
use std::time::Duration;

use warren_tests::{FarmOptions, TestFarm, bin_path, eventually};

/// Samples of a Prometheus text document: `name{labels}` → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// Check `text` with prometheus-client's parser (strict about the format) when the test
/// virtualenv is there; returns how many metric families it found.
async fn parse_with_prometheus_client(text: &str) -> anyhow::Result<Option<usize>> {
    let Some(venv) = warren_tests::test_venv("checking metrics with prometheus-client") else {
        return Ok(None);
    };
    use tokio::io::AsyncWriteExt as _;
    let mut child = tokio::process::Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n\
             families = list(text_string_to_metric_families(sys.stdin.read()))\nprint(len(families))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut input = child.stdin.take().expect("a piped stdin");
    input.write_all(text.as_bytes()).await?;
    drop(input);
    let output = child.wait_with_output().await?;
    anyhow::ensure!(
        output.status.success(),
        "prometheus-client cannot parse the metrics: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(Some(String::from_utf8(output.stdout)?.trim().parse()?))
}

async fn scrape(farm: &TestFarm, url: &str) -> anyhow::Result<String> {
    let response = farm.http.get(url).send().await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()?
        .to_owned();
    anyhow::ensure!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Ok(response.text().await?)
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_move_when_work_runs() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let worker = farm
        .start_worker(&["--metrics-listen", "127.0.0.1:0", "--cpus", "2"])
        .await?;
    farm.wait_for_online_agents(1).await?;
    let worker_url = eventually(
        "the worker's metrics address",
        Duration::from_secs(30),
        || {
            let log = farm.worker(worker).map(|process| process.log_tail(200));
            async move {
                Ok(log?.lines().find_map(|line| {
                    let address = line.split("worker metrics at ").nth(1)?;
                    Some(address.split_whitespace().next()?.to_owned())
                }))
            }
        },
    )
    .await?;
    let master_url = format!("{}/metrics", farm.base_url);

    let master_before = scrape(&farm, &master_url).await?;
    let worker_before = scrape(&farm, &worker_url).await?;
    let fakerender = bin_path("warren-fakerender")?;
    let fakerender = fakerender.to_string_lossy().into_owned();
    let job = farm
        .submit_job(&TestFarm::command_job(
            "metrics",
            &[&fakerender, "--lines", "20"],
            1,
            4,
            1,
        ))
        .await?;
    let job_id = job["id"].as_i64().unwrap_or_default();
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(120))
        .await?;
    assert_eq!(done["state"], "done", "{done}");
    let master_after = eventually(
        "the master's metrics to count the tasks",
        Duration::from_secs(30),
        || async {
            let text = scrape(&farm, &master_url).await?;
            let done = samples(&text)
                .get("warren_tasks{queue=\"root\",state=\"done\"}")
                .copied();
            Ok((done == Some(4.0)).then_some(text))
        },
    )
    .await?;
    let worker_after = eventually(
        "the worker's metrics to count the tasks",
        Duration::from_secs(30),
        || async {
            let text = scrape(&farm, &worker_url).await?;
            let finished = samples(&text)
                .get("warren_worker_tasks_finished_total")
                .copied();
            Ok((finished == Some(4.0)).then_some(text))
        },
    )
    .await?;

    for text in [&master_before, &master_after, &worker_before, &worker_after] {
        if let Some(families) = parse_with_prometheus_client(text).await? {
            assert!(families >= 6, "{families} families in\n{text}");
        }
    }
    let (before, after) = (samples(&master_before), samples(&master_after));
    let moved = |name: &str| {
        after.get(name).copied().unwrap_or(0.0) > before.get(name).copied().unwrap_or(0.0)
    };
    assert!(moved("warren_ingested_events_total"), "{master_after}");
    assert!(
        moved("warren_dispatch_latency_seconds_count"),
        "{master_after}"
    );
    assert!(moved("warren_ingest_batch_events_count"), "{master_after}");
    assert_eq!(
        after.get("warren_agents{state=\"online\"}"),
        Some(&1.0),
        "{master_after}"
    );
    assert_eq!(after.get("warren_leader"), Some(&1.0));
    for state in [
        "queued",
        "dispatched",
        "running",
        "failed",
        "paused",
        "cancelled",
    ] {
        assert_eq!(
            after.get(&format!("warren_tasks{{queue=\"root\",state=\"{state}\"}}")),
            Some(&0.0),
            "{state}"
        );
    }
    let (before, after) = (samples(&worker_before), samples(&worker_after));
    assert_eq!(before.get("warren_worker_tasks_started_total"), Some(&0.0));
    assert_eq!(after.get("warren_worker_tasks_started_total"), Some(&4.0));
    assert_eq!(after.get("warren_worker_running_tasks"), Some(&0.0));
    assert!(
        after["warren_worker_log_bytes_total"] > before["warren_worker_log_bytes_total"],
        "{worker_after}"
    );
    assert!(after["warren_worker_free_ram_megabytes"] > 0.0);

    // Anything but GET /metrics is refused plainly.
    let other = farm
        .http
        .get(worker_url.replace("/metrics", "/nope"))
        .send()
        .await?;
    assert_eq!(other.status(), reqwest::StatusCode::NOT_FOUND);
    Ok(())
}

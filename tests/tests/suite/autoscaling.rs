//! Elastic workers: a job queue's autoscaler starts nodes through the shipped `local` provider
//! when tasks wait, drains and stops them once idle, and survives providers that fail or hang.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm, bin_path, eventually};

/// The shipped local provider.
fn local_provider() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/providers/local")
}

/// Stops whatever nodes the local provider still runs in `dir` when the test ends, however it
/// ends (the provider's own `stop`, which ends the workers it started by PID).
struct Nodes {
    command: Vec<String>,
}

impl Nodes {
    fn list(&self) -> Vec<String> {
        std::process::Command::new(&self.command[0])
            .args(&self.command[1..])
            .arg("list")
            .output()
            .map(|output| {
                String::from_utf8_lossy(&output.stdout)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        let names = self.list();
        if !names.is_empty() {
            let _ = std::process::Command::new(&self.command[0])
                .args(&self.command[1..])
                .arg("stop")
                .args(&names)
                .status();
        }
    }
}

async fn events(farm: &TestFarm) -> anyhow::Result<Vec<Value>> {
    let answer = farm.get_json("/api/v1/scaling-events?limit=1000").await?;
    Ok(answer["events"].as_array().cloned().unwrap_or_default())
}

/// The nodes named by events of `action` in `queue`.
fn nodes_of(events: &[Value], queue: &str, action: &str) -> BTreeSet<String> {
    events
        .iter()
        .filter(|event| event["queue"] == queue && event["action"] == action)
        .flat_map(|event| event["nodes"].as_array().cloned().unwrap_or_default())
        .filter_map(|node| node.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_autoscaler_grows_from_zero_to_three_nodes_for_waiting_work_and_back_to_zero()
-> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let nodes_dir = scratch.path().join("nodes");
    let worker = bin_path("warren-worker")?;
    let local = format!(
        "local={} --dir {} --worker {} --worker-arg --allow-root-tasks --worker-arg --heartbeat-interval-secs=1",
        local_provider().display(),
        nodes_dir.display(),
        worker.display()
    );
    let failing = scratch.path().join("failing");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'quota exceeded in region' >&2\nexit 3\n",
    )?;
    let hanging = scratch.path().join("hanging");
    std::fs::write(&hanging, "#!/bin/sh\nexec sleep 60\n")?;
    for script in [&failing, &hanging] {
        std::fs::set_permissions(script, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    }
    let nodes = Nodes {
        command: vec![
            local_provider().display().to_string(),
            "--dir".to_owned(),
            nodes_dir.display().to_string(),
        ],
    };
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        master_args: vec![
            "--autoscale-provider".to_owned(),
            local,
            "--autoscale-provider".to_owned(),
            format!("failing={}", failing.display()),
            "--autoscale-provider".to_owned(),
            format!("hanging={}", hanging.display()),
            "--autoscale-interval-secs".to_owned(),
            "1".to_owned(),
            "--autoscale-provider-timeout-secs".to_owned(),
            "2".to_owned(),
        ],
        ..FarmOptions::default()
    })
    .await?;

    // Bad settings are refused, naming the field.
    let settings = json!({
        "provider": "local", "min_nodes": 0, "max_nodes": 3, "tasks_per_node": 10,
        "scale_up_after_secs": 0, "idle_secs": 3
    });
    for (change, field) in [
        (json!({"provider": "cloud"}), "provider"),
        (json!({"max_nodes": 0}), "max_nodes"),
        (json!({"min_nodes": 4}), "min_nodes"),
        (json!({"tasks_per_node": 0}), "tasks_per_node"),
        (json!({"tags": ["no spaces"]}), "tags"),
    ] {
        let mut body = settings.clone();
        for (key, value) in change.as_object().expect("an object") {
            body[key] = value.clone();
        }
        let (status, answer) = farm
            .send_json(Method::PUT, "/api/v1/autoscalers/root", Some(&body))
            .await?;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }

    // Two more queues whose providers fail and hang: each failure is recorded and the
    // autoscaler of `root` (the default queue) carries on.
    for (queue, provider) in [("broken", "failing"), ("stuck", "hanging")] {
        let (status, answer) = farm
            .send_json(
                Method::POST,
                "/api/v1/jobqueues",
                Some(&json!({"name": queue})),
            )
            .await?;
        assert_eq!(status, 201, "{answer}");
        let mut body = settings.clone();
        body["provider"] = json!(provider);
        body["max_nodes"] = json!(1);
        let (status, answer) = farm
            .send_json(
                Method::PUT,
                &format!("/api/v1/autoscalers/{queue}"),
                Some(&body),
            )
            .await?;
        assert_eq!(status, 201, "{answer}");
        farm.submit(&json!({
            "title": format!("{queue} work"), "jobtype": "command", "queue": queue,
            "start": 1, "end": 1, "data": {"argv": ["true"]}
        }))
        .await?;
    }
    let set = farm
        .warren(&[
            "autoscale",
            "set",
            "root",
            "--provider",
            "local",
            "--max",
            "3",
            "--tasks-per-node",
            "10",
            "--scale-up-after-secs",
            "0",
            "--idle-secs",
            "3",
        ])
        .await?;
    assert!(set.status.success(), "{set:?}");
    let listed = String::from_utf8_lossy(&farm.warren(&["autoscale"]).await?.stdout).into_owned();
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("root") && line.contains("local")),
        "{listed}"
    );

    // 30 tasks wait and no agent is online: three nodes (10 tasks each) start at once.
    let job_id = farm
        .submit(&json!({
            "title": "elastic", "jobtype": "command", "start": 1, "end": 30,
            "data": {"argv": ["sleep", "0.3"]}
        }))
        .await?;
    let state = farm
        .wait_for_job_state(job_id.0, &["done", "failed"], Duration::from_secs(120))
        .await?;
    assert_eq!(state["state"], "done", "{state}");
    let tasks = farm.tasks(job_id.0).await?;
    assert_eq!(tasks.len(), 30);
    for task in &tasks {
        assert_eq!(task["state"], "done", "{task}");
        assert_eq!(task["attempts"], 1, "each task ran once: {task}");
    }

    // Idle for 3 s with nothing waiting: every node is drained, then stopped.
    let history = eventually(
        "every started node to be drained and stopped",
        Duration::from_secs(60),
        || async {
            let history = events(&farm).await?;
            let started = nodes_of(&history, "root", "start");
            let stopped = nodes_of(&history, "root", "stop");
            Ok((started.len() == 3 && stopped == started).then_some(history))
        },
    )
    .await?;
    let started = nodes_of(&history, "root", "start");
    assert_eq!(nodes_of(&history, "root", "drain"), started);
    let starts: Vec<&Value> = history
        .iter()
        .filter(|event| event["queue"] == "root" && event["action"] == "start")
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "one decision started all three: {starts:?}"
    );
    assert!(
        starts[0]["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("30 task(s) wait")),
        "{starts:?}"
    );
    // The tasks ran on the started nodes, and the autoscaler runs none any more.
    let agents: Value = farm.get_json("/api/v1/agents").await?;
    let hosts: BTreeSet<String> = tasks
        .iter()
        .filter_map(|task| task["agent_id"].as_str())
        .filter_map(|agent_id| {
            agents["agents"].as_array().and_then(|agents| {
                agents
                    .iter()
                    .find(|agent| agent["id"] == agent_id)
                    .and_then(|agent| agent["hostname"].as_str().map(str::to_owned))
            })
        })
        .collect();
    assert!(
        !hosts.is_empty() && hosts.is_subset(&started),
        "{hosts:?} {started:?}"
    );
    let autoscalers = farm.get_json("/api/v1/autoscalers").await?;
    let default = autoscalers["autoscalers"]
        .as_array()
        .and_then(|list| list.iter().find(|item| item["queue"] == "root"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(default["nodes"], json!([]), "{autoscalers}");
    assert!(
        nodes.list().is_empty(),
        "the provider runs no node any more"
    );

    // The failing and the hanging provider were recorded as such, and started nothing.
    let errors = |queue: &str| -> Vec<String> {
        history
            .iter()
            .filter(|event| event["queue"] == queue && event["action"] == "error")
            .filter_map(|event| event["reason"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        errors("broken")
            .iter()
            .any(|reason| reason.contains("quota exceeded in region")),
        "{history:?}"
    );
    assert!(
        errors("stuck")
            .iter()
            .any(|reason| reason.contains("did not finish within 2 s")),
        "{history:?}"
    );
    let shown = farm
        .warren(&["autoscale", "events", "--limit", "1000"])
        .await?;
    let shown = String::from_utf8_lossy(&shown.stdout).into_owned();
    for action in ["start", "drain", "stop", "error"] {
        assert!(
            shown
                .lines()
                .any(|line| line.contains(&format!(" {action} "))),
            "{action}: {shown}"
        );
    }
    assert!(nodes_of(&history, "broken", "start").is_empty());
    assert!(nodes_of(&history, "stuck", "start").is_empty());
    drop(nodes);
    Ok(())
}

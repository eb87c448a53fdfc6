//! The `warren` command line client against a live farm.

use std::process::Output;

use serde_json::json;
use warren_tests::{FarmOptions, TestFarm, bin_path};

async fn warren(farm: &TestFarm, args: &[&str]) -> anyhow::Result<Output> {
    farm.warren(args).await
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn submit_wait_follows_a_job_to_the_end_and_the_other_commands_show_it() -> anyhow::Result<()>
{
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let submitted = warren(
        &farm,
        &[
            "submit",
            "--title",
            "cli frames",
            "--start",
            "1",
            "--end",
            "4",
            "--batch",
            "2",
            "--wait",
            "--",
            "echo",
            "frame {frame}",
        ],
    )
    .await?;
    assert!(submitted.status.success(), "{submitted:?}");
    assert!(
        stdout(&submitted).contains("submitted job 1 (2 tasks)"),
        "{}",
        stdout(&submitted)
    );

    let jobs = warren(&farm, &["jobs"]).await?;
    let listing = stdout(&jobs);
    assert!(
        listing.lines().any(|line| line.starts_with("1 ")
            && line.contains("done")
            && line.contains("2/2")
            && line.contains("cli frames")),
        "{listing}"
    );

    let tasks = warren(&farm, &["tasks", "1"]).await?;
    let tasks_text = stdout(&tasks);
    assert_eq!(
        tasks_text
            .lines()
            .filter(|line| line.contains(" done "))
            .count(),
        2,
        "{tasks_text}"
    );
    let first_task = tasks_text
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().next())
        .expect("a task row");

    let log = warren(&farm, &["log", "1", first_task]).await?;
    assert_eq!(stdout(&log), "frame 1\nframe 2\n");
    let agents = warren(&farm, &["agents"]).await?;
    assert!(
        stdout(&agents).contains("test-node-0"),
        "{}",
        stdout(&agents)
    );
    Ok(())
}

#[tokio::test]
async fn submit_wait_exits_non_zero_when_the_job_fails_and_bad_input_is_named() -> anyhow::Result<()>
{
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let failed = warren(
        &farm,
        &[
            "submit",
            "--title",
            "fails",
            "--requeue",
            "0",
            "--wait",
            "--",
            "sh",
            "-c",
            "exit 3",
        ],
    )
    .await?;
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");

    let refused = warren(
        &farm,
        &["submit", "--start", "5", "--end", "1", "--", "true"],
    )
    .await?;
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("422") && message.contains("before `start`"),
        "{message}"
    );

    let unreachable = tokio::process::Command::new(bin_path("warren")?)
        .args(["--master", "http://127.0.0.1:9", "jobs"])
        .output()
        .await?;
    assert!(!unreachable.status.success());
    assert!(String::from_utf8_lossy(&unreachable.stderr).contains("cannot reach the master"));
    Ok(())
}

#[tokio::test]
async fn job_types_and_jobs_come_from_toml_files() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let dir = tempfile::tempdir()?;
    let definition = dir.path().join("greet.toml");
    std::fs::write(
        &definition,
        r#"
name = "greet"
description = "says hello per frame"
software_requirements = []

[[phases]]
name = "hello"
argv = ["echo", "hello {data.who} {frame}"]

[[phases]]
name = "bye"
argv = ["echo", "bye"]
"#,
    )?;
    let created = warren(
        &farm,
        &["jobtypes", "create", &definition.to_string_lossy()],
    )
    .await?;
    assert!(created.status.success(), "{created:?}");
    assert!(
        stdout(&created).contains("greet created (version 1)"),
        "{created:?}"
    );
    let listed = warren(&farm, &["jobtypes"]).await?;
    let listed = stdout(&listed);
    assert!(
        listed.contains("greet") && listed.contains("blender") && listed.contains("ffmpeg"),
        "{listed}"
    );

    let job_file = dir.path().join("job.toml");
    std::fs::write(
        &job_file,
        "title = \"greetings\"\njobtype = \"greet\"\nstart = 1\nend = 2\nbatch = 2\n\n[data]\nwho = \"farm\"\n",
    )?;
    let submitted = warren(
        &farm,
        &["submit", "--file", &job_file.to_string_lossy(), "--wait"],
    )
    .await?;
    assert!(submitted.status.success(), "{submitted:?}");
    let jobs = warren(&farm, &["--json", "jobs"]).await?;
    let jobs: serde_json::Value = serde_json::from_str(&stdout(&jobs))?;
    let job_id = jobs["jobs"][0]["id"].as_i64().expect("a job id");
    let tasks: serde_json::Value = serde_json::from_str(&stdout(
        &warren(&farm, &["--json", "tasks", &job_id.to_string()]).await?,
    ))?;
    let task_id = tasks["tasks"][0]["id"].as_i64().expect("a task id");
    let log = warren(&farm, &["log", &job_id.to_string(), &task_id.to_string()]).await?;
    assert_eq!(
        stdout(&log).lines().collect::<Vec<_>>(),
        ["hello farm 1", "hello farm 2", "bye"]
    );

    let updated = warren(
        &farm,
        &["jobtypes", "update", "greet", &definition.to_string_lossy()],
    )
    .await?;
    assert!(stdout(&updated).contains("version 2"), "{updated:?}");
    let upgraded = warren(&farm, &["upgrade-jobtype", &job_id.to_string()]).await?;
    assert!(stdout(&upgraded).contains("1 -> 2"), "{upgraded:?}");
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "name = \"x\"\n[[phases]\n")?;
    let refused = warren(&farm, &["jobtypes", "create", &broken.to_string_lossy()]).await?;
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not valid TOML"),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_cli_prints_shell_completions() -> anyhow::Result<()> {
    for (shell, marker) in [
        ("bash", "complete -F _warren"),
        ("zsh", "#compdef warren"),
        ("fish", "complete -c warren"),
    ] {
        let output = tokio::process::Command::new(bin_path("warren")?)
            .args(["completions", shell])
            .output()
            .await?;
        assert!(output.status.success(), "{shell}: {output:?}");
        let script = stdout(&output);
        assert!(
            script.contains(marker),
            "{shell}: {}",
            &script[..script.len().min(300)]
        );
        assert!(
            script.contains("jobtypes") && script.contains("submit"),
            "{shell}"
        );
    }
    let unknown = tokio::process::Command::new(bin_path("warren")?)
        .args(["completions", "tcsh"])
        .output()
        .await?;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("possible values"));
    Ok(())
}

#[tokio::test]
async fn the_cli_manages_queues_groups_tags_path_maps_and_agents() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let run = |args: &'static [&'static str]| warren(&farm, args);
    let ok = |output: &Output| {
        assert!(output.status.success(), "{output:?}");
        stdout(output)
    };
    ok(&run(&[
        "queues",
        "add",
        "lighting",
        "--weight",
        "30",
        "--maximum-agents",
        "4",
    ])
    .await?);
    ok(&run(&[
        "queues",
        "set",
        "lighting",
        "--priority",
        "5",
        "--maximum-agents",
        "-1",
        "--log-retention-days",
        "21",
    ])
    .await?);
    let queues = ok(&run(&["queues"]).await?);
    let lighting = queues
        .lines()
        .find(|line| line.starts_with("lighting"))
        .expect("the queue is listed");
    assert!(
        lighting.contains("root") && lighting.contains(" 5 ") && lighting.contains("30"),
        "{lighting}"
    );
    let queue = farm.get_json("/api/v1/jobqueues/lighting").await?;
    assert_eq!(queue["log_retention_days"], 21, "{queue}");
    assert!(queue["maximum_agents"].is_null(), "{queue}");
    ok(&run(&["queues", "delete", "lighting"]).await?);
    assert!(!ok(&run(&["queues"]).await?).contains("lighting"));

    assert!(ok(&run(&["groups", "add", "shot010"]).await?).contains("created"));
    assert!(ok(&run(&["groups"]).await?).contains("shot010"));

    ok(&run(&["tags", "add", "spare"]).await?);
    assert!(ok(&run(&["tags"]).await?).contains("spare"));
    ok(&run(&["tags", "delete", "spare"]).await?);

    assert!(
        ok(&run(&["pathmaps", "add", "--linux", "/mnt/p", "--windows", "P:\\p"]).await?)
            .contains("path map")
    );
    let maps = ok(&run(&["pathmaps"]).await?);
    assert!(maps.contains("/mnt/p") && maps.contains("P:\\p"), "{maps}");
    let refused = run(&["pathmaps", "add", "--linux", "/only"]).await?;
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("at least two"),
        "{refused:?}"
    );

    let software = ok(&run(&["software"]).await?);
    assert!(software.starts_with("SOFTWARE"), "{software}");

    let agent_id = farm.agent_id_of(0).await?;
    let agent = agent_id.as_str();
    assert!(ok(&warren(&farm, &["agents", "disable", agent]).await?).contains("disabled"));
    assert_eq!(
        farm.get_json(&format!("/api/v1/agents/{agent_id}")).await?["state"],
        "disabled"
    );
    ok(&warren(&farm, &["agents", "enable", agent]).await?);
    ok(&warren(&farm, &["agents", "tags", agent, "gpu,fast"]).await?);
    let shown: serde_json::Value =
        serde_json::from_str(&ok(
            &warren(&farm, &["--json", "agents", "show", agent]).await?
        ))?;
    assert_eq!(shown["tags"], serde_json::json!(["fast", "gpu"]));
    ok(&warren(&farm, &["agents", "tags", agent, "--reset"]).await?);
    Ok(())
}

#[tokio::test]
async fn warren_set_changes_what_a_submitted_job_needs_and_names_a_bad_field() -> anyhow::Result<()>
{
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (status, limits) = farm
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/limits",
            Some(&json!({"nuke": 2})),
        )
        .await?;
    assert!(status.is_success(), "{limits}");
    let mut body = TestFarm::command_job("to steer", &["true"], 1, 4, 2);
    body["timeout"] = json!(100);
    body["ram_warning"] = json!(300);
    let job_id = farm.submit(&body).await?.0.to_string();
    let changed = warren(
        &farm,
        &[
            "set",
            &job_id,
            "--ram",
            "2048",
            "--cpus",
            "2",
            "--require",
            "fx",
            "--require",
            "!old",
            "--tag",
            "shot010",
            "--limit",
            "nuke",
            "--env",
            "LOOK=final",
            "--rerun-whole-batch",
            "true",
            "--unset",
            "timeout",
            "--unset",
            "ram_warning",
            "--ram-max",
            "4096",
        ],
    )
    .await?;
    assert!(changed.status.success(), "{changed:?}");
    let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(job["ram"], 2048, "{job}");
    assert_eq!(job["cpus"], 2, "{job}");
    assert_eq!(job["tag_requirements"], json!(["fx"]), "{job}");
    assert_eq!(job["negated_tag_requirements"], json!(["old"]), "{job}");
    assert_eq!(job["tags"], json!(["shot010"]), "{job}");
    assert_eq!(job["limits"], json!(["nuke"]), "{job}");
    assert_eq!(job["environ"], json!({"LOOK": "final"}), "{job}");
    assert_eq!(job["rerun_whole_batch"], true, "{job}");
    assert!(job["timeout"].is_null(), "{job}");
    assert!(job["ram_warning"].is_null(), "{job}");
    assert_eq!(job["ram_max"], 4096, "{job}");
    assert_eq!(job["tasks"]["queued"], 2, "{job}");

    let refused = warren(&farm, &["set", &job_id, "--ram", "-5"]).await?;
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("ram"), "{message}");
    let unchanged = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(unchanged["ram"], 2048, "{unchanged}");
    let nothing = warren(&farm, &["set", &job_id]).await?;
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("nothing to change"),
        "{nothing:?}"
    );
    Ok(())
}

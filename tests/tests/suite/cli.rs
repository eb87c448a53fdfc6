//! The `warren` command line client against a live farm.

use std::process::Output;

use warren_tests::{FarmOptions, TestFarm, bin_path};

async fn warren(farm: &TestFarm, args: &[&str]) -> anyhow::Result<Output> {
    Ok(tokio::process::Command::new(bin_path("warren")?)
        .arg("--master")
        .arg(&farm.base_url)
        .args(args)
        .env_remove("WARREN_MASTER")
        .env_remove("WARREN_TOKEN")
        .env("WARREN_CONFIG", "/dev/null")
        .output()
        .await?)
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

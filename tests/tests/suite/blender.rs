//! The Blender add-on end to end: headless Blender installs and enables it, builds a small scene,
//! fills the panel and submits; real workers render the frames with the `blender` job type and
//! the child `ffmpeg` job makes the movie.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;
use warren_tests::{FarmOptions, TestFarm};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository")
        .to_owned()
}

/// Whether Debian's `blender` and `ffmpeg` are here (`scripts/test` installs them); required in CI.
fn blender_available() -> bool {
    let found = ["blender", "ffmpeg", "ffprobe"].iter().all(|tool| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
    });
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs blender and ffmpeg (scripts/test installs them)"
        );
        eprintln!("blender or ffmpeg is missing: skipping the add-on test");
    }
    found
}

#[tokio::test]
async fn the_blender_add_on_submits_a_scene_whose_frames_render_and_encode_into_a_movie()
-> anyhow::Result<()> {
    if !blender_available() {
        return Ok(());
    }
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        ..FarmOptions::default()
    })
    .await?;
    let token = farm.first_admin("root", None).await?;
    farm.authenticate(&token)?;
    let config = farm.dir().join("render-node.toml");
    std::fs::write(
        &config,
        "[[software]]\nname = \"blender\"\ncommand = [\"blender\", \"--version\"]\nregex = 'Blender (\\d+\\.\\d+)'\n\n\
         [[software]]\nname = \"ffmpeg\"\ncommand = [\"ffmpeg\", \"-version\"]\nregex = 'ffmpeg version (\\d+\\.\\d+)'\n",
    )?;
    let config = config.display().to_string();
    for _ in 0..2 {
        farm.start_worker(&["--config", &config]).await?;
    }
    farm.wait_for_online_agents(2).await?;

    let scratch = tempfile::tempdir()?;
    let farm_dir = scratch.path().join("farm");
    std::fs::create_dir_all(&farm_dir)?;
    let zip = scratch.path().join("warren_submit.zip");
    let made = tokio::process::Command::new(repository().join("clients/blender/make-zip"))
        .arg(&zip)
        .output()
        .await?;
    anyhow::ensure!(
        made.status.success(),
        "cannot make the add-on zip: {made:?}"
    );

    // Blender keeps installed add-ons under HOME: a scratch one leaves the user's alone.
    let blender = tokio::process::Command::new("blender")
        .args(["-b", "--factory-startup", "--python"])
        .arg(repository().join("tests/blender/submit_scene.py"))
        .arg("--")
        .arg(&zip)
        .arg(&farm.base_url)
        .arg(&token)
        .arg(&farm_dir)
        .env("HOME", scratch.path())
        .env_remove("XDG_CONFIG_HOME")
        .kill_on_drop(true)
        .output();
    let blender = tokio::time::timeout(Duration::from_secs(300), blender)
        .await
        .context("headless Blender did not finish")??;
    let stdout = String::from_utf8_lossy(&blender.stdout);
    let result: Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix("WARREN-RESULT "))
        .map(serde_json::from_str)
        .transpose()?
        .with_context(|| {
            format!(
                "the submit script printed no result:\n{stdout}\n{}",
                String::from_utf8_lossy(&blender.stderr)
            )
        })?;
    assert_eq!(
        result["result"],
        serde_json::json!(["FINISHED"]),
        "{result}"
    );
    let render_id = result["last_job"].as_i64().context("a job id")?;
    assert_eq!(
        result["url"],
        format!("{}/#/jobs/{render_id}", farm.base_url),
        "the panel links the job's page in the web UI"
    );
    let recent = result["recent"].as_array().context("recent jobs")?;
    assert_eq!(recent.len(), 2, "the render and its movie: {result}");
    let encode_id = recent[1].as_i64().context("the movie's job")?;
    assert_eq!(
        result["refreshed"],
        serde_json::json!(["FINISHED"]),
        "{result}"
    );
    let listed: Vec<i64> = result["listed"]
        .as_array()
        .context("the status list")?
        .iter()
        .filter_map(|item| item["id"].as_i64())
        .collect();
    assert_eq!(
        listed,
        vec![render_id, encode_id],
        "the status list shows the user's jobs, oldest first: {result}"
    );

    let render = farm.get_json(&format!("/api/v1/jobs/{render_id}")).await?;
    assert_eq!(render["jobtype"], "blender");
    assert_eq!(
        render["data"]["engine"], "CYCLES",
        "the scene's render engine"
    );
    assert_eq!(
        (render["start"].as_i64(), render["end"].as_i64()),
        (Some(1), Some(4))
    );
    assert_eq!(render["batch"], 2);
    assert_eq!(render["priority"], 70);
    for job_id in [render_id, encode_id] {
        let job = farm
            .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(600))
            .await?;
        assert_eq!(job["state"], "done", "{job}");
    }
    let encode = farm.get_json(&format!("/api/v1/jobs/{encode_id}")).await?;
    assert_eq!(encode["parents"], serde_json::json!([render_id]));

    // Each frame's image exists, and the movie has one frame per image.
    let frames_dir = PathBuf::from(
        render["data"]["output"]
            .as_str()
            .context("an output path")?
            .trim_end_matches("####"),
    );
    for frame in 1..=4 {
        let image = frames_dir.join(format!("{frame:04}.png"));
        anyhow::ensure!(image.is_file(), "{} is missing", image.display());
    }
    let movie = encode["data"]["output"].as_str().context("a movie path")?;
    let probe = tokio::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
            movie,
        ])
        .output()
        .await?;
    assert_eq!(
        String::from_utf8_lossy(&probe.stdout).trim(),
        "4",
        "{probe:?}"
    );
    Ok(())
}

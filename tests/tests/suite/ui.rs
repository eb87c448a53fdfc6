//! The web UI in a real browser: each test starts a farm with authentication, users and a
//! worker, then runs one scenario of `tests/ui/scenarios.mjs` in Debian's headless Chromium
//! (driven by playwright-core). A failing scenario leaves a screenshot in
//! `$CARGO_TARGET_TMPDIR/ui-artifacts/`.

use std::path::{Path, PathBuf};

use warren_tests::{FarmOptions, TestFarm, bin_path};

const ADMIN_PASSWORD: &str = "admin-password-1";
const VIEWER_PASSWORD: &str = "viewer-password-1";

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// Where screenshots of failed scenarios go.
fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-artifacts")
}

/// Whether the browser and playwright-core are installed (`scripts/test` installs both); in CI
/// their absence is a failure, elsewhere the browser tests are skipped with a note.
fn browser_available() -> bool {
    let chromium = Path::new("/usr/bin/chromium").exists();
    let playwright = ui_dir().join("node_modules/playwright-core").exists();
    if chromium && playwright {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs /usr/bin/chromium and tests/ui/node_modules (scripts/test installs them)"
    );
    eprintln!("chromium or playwright-core is missing: skipping the browser test");
    false
}

/// A farm that requires logins, with an admin (named after the OS user root workers run
/// tasks as) and a viewer who log in with passwords; returns it with the admin's token.
async fn ui_farm() -> anyhow::Result<(TestFarm, String)> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        worker_args: vec!["--cpus".to_owned(), "4".to_owned()],
        master_args: vec!["--statistics-interval-secs".to_owned(), "1".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let token = farm.first_admin("root", Some(ADMIN_PASSWORD)).await?;
    let viewer = farm
        .master_user(
            &["add", "vera", "--role", "viewer", "--password-stdin"],
            Some(VIEWER_PASSWORD),
        )
        .await?;
    anyhow::ensure!(viewer.status.success(), "cannot add the viewer: {viewer:?}");
    farm.authenticate(&token)?;
    farm.start_worker(&[]).await?;
    farm.wait_for_online_agents(1).await?;
    Ok((farm, token))
}

/// Run one scenario against `farm` and fail with its output if it fails.
async fn scenario(farm: &TestFarm, token: &str, name: &str) -> anyhow::Result<()> {
    let fakerender = bin_path("warren-fakerender")?;
    let output = tokio::process::Command::new("node")
        .arg(ui_dir().join("run.mjs"))
        .arg(name)
        .current_dir(ui_dir())
        .env("WARREN_URL", &farm.base_url)
        .env("WARREN_TOKEN", token)
        .env("WARREN_ADMIN", "root")
        .env("WARREN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("WARREN_VIEWER", "vera")
        .env("WARREN_VIEWER_PASSWORD", VIEWER_PASSWORD)
        .env("WARREN_FAKERENDER", fakerender)
        .env("WARREN_UI_ARTIFACTS", artifacts())
        .kill_on_drop(true)
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    if !output.status.success() {
        farm.dump_logs();
        anyhow::bail!("browser scenario `{name}` failed:\n{stdout}\n{stderr}");
    }
    anyhow::ensure!(stdout.contains("passed"), "{stdout}");
    Ok(())
}

async fn run(name: &str) -> anyhow::Result<()> {
    if !browser_available() {
        return Ok(());
    }
    let (farm, token) = ui_farm().await?;
    scenario(&farm, &token, name).await
}

#[tokio::test]
async fn a_job_submitted_through_the_api_reaches_100_percent_on_the_open_jobs_page()
-> anyhow::Result<()> {
    run("progress").await
}

#[tokio::test]
async fn the_job_page_says_why_the_selected_task_waits() -> anyhow::Result<()> {
    run("waiting-reason").await
}

#[tokio::test]
async fn two_tasks_ticked_in_the_grid_are_killed_and_their_history_says_who() -> anyhow::Result<()>
{
    run("task-actions").await
}

#[tokio::test]
async fn a_batchs_grid_cell_shows_each_frames_state_as_it_finishes() -> anyhow::Result<()> {
    run("frame-states").await
}

#[tokio::test]
async fn the_job_pages_requirements_form_changes_ram_and_tags_and_names_a_bad_field()
-> anyhow::Result<()> {
    run("edit-requirements").await
}

#[tokio::test]
async fn a_running_tasks_log_shows_new_lines_as_they_are_printed() -> anyhow::Result<()> {
    run("live-log").await
}

#[tokio::test]
async fn the_pause_button_pauses_a_job_and_two_jobs_are_cancelled_together() -> anyhow::Result<()> {
    run("pause-and-bulk-cancel").await
}

#[tokio::test]
async fn an_agent_disabled_on_its_page_stops_taking_work_until_enabled() -> anyhow::Result<()> {
    run("disable-agent").await
}

#[tokio::test]
async fn the_restart_button_on_an_agents_page_restarts_its_worker() -> anyhow::Result<()> {
    run("restart-agent").await
}

#[tokio::test]
async fn an_admin_enrolls_a_node_on_the_agents_page_and_revokes_it_on_its_page()
-> anyhow::Result<()> {
    run("enroll-and-revoke").await
}

#[tokio::test]
async fn an_admin_adds_a_webhook_and_sends_a_failed_delivery_again() -> anyhow::Result<()> {
    run("webhooks").await
}

#[tokio::test]
async fn an_admin_defines_software_and_the_page_shows_which_versions_the_worker_has()
-> anyhow::Result<()> {
    run("software-catalogue").await
}

#[tokio::test]
async fn an_admin_replays_and_deletes_a_dead_letter_on_its_page() -> anyhow::Result<()> {
    if !browser_available() {
        return Ok(());
    }
    let (farm, token) = ui_farm().await?;
    farm.publish_raw_event(br#"{"v":1,"kind":"Bye","agent_id":"not-a-uuid"}"#)
        .await?;
    scenario(&farm, &token, "dead-letters").await
}

#[tokio::test]
async fn a_viewer_sees_no_buttons_that_change_anything_and_the_api_refuses_them()
-> anyhow::Result<()> {
    run("viewer").await
}

/// The sequence number of the next `change` event on an event stream.
async fn next_change(events: &mut reqwest::Response) -> anyhow::Result<u64> {
    const MARKER: &str = "data: {\"seq\":";
    let mut text = String::new();
    loop {
        if let Some(start) = text.find(MARKER) {
            let rest = &text[start + MARKER.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if rest[digits.len()..].starts_with('}') {
                return Ok(digits.parse()?);
            }
        }
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), events.chunk())
            .await??
            .ok_or_else(|| anyhow::anyhow!("the event stream ended"))?;
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The UI's pages are served without a login (the API behind them is not), and a missing
/// file is a JSON 404.
#[tokio::test]
async fn the_master_serves_the_ui_and_a_live_change_stream() -> anyhow::Result<()> {
    let (farm, token) = ui_farm().await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let root = client.get(format!("{}/", farm.base_url)).send().await?;
    assert_eq!(root.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(root.headers()["location"], "/ui/");
    let index = client.get(format!("{}/ui/", farm.base_url)).send().await?;
    assert!(index.status().is_success());
    assert!(index.text().await?.contains("/ui/app.js"));
    let app = client
        .get(format!("{}/ui/app.js", farm.base_url))
        .send()
        .await?;
    assert!(
        app.headers()["content-type"]
            .to_str()?
            .starts_with("text/javascript")
    );
    let missing = client
        .get(format!("{}/ui/nope.js", farm.base_url))
        .send()
        .await?;
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(missing.text().await?.contains("error"));

    // The change stream needs a login, and says when the farm changes.
    let anonymous = client
        .get(format!("{}/api/v1/events", farm.base_url))
        .send()
        .await?;
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
    let mut events = client
        .get(format!("{}/api/v1/events", farm.base_url))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(
        events.headers()["content-type"].to_str()?,
        "text/event-stream"
    );
    let first = next_change(&mut events).await?;
    let created = client
        .post(format!("{}/api/v1/tags", farm.base_url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "ui-test"}))
        .send()
        .await?;
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let after = next_change(&mut events).await?;
    assert!(
        after > first,
        "the change moved the sequence: {first} then {after}"
    );
    Ok(())
}

//! The Python client (`clients/python`): its generated transport matches the OpenAPI document,
//! and its own tests pass against a live farm (real master with authentication, RabbitMQ and a
//! worker).

use std::path::PathBuf;

use warren_tests::{FarmOptions, TestFarm, bin_path, test_venv};

fn client_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../clients/python")
}

#[tokio::test]
async fn the_checked_in_python_transport_is_what_the_pinned_generator_makes_of_the_document()
-> anyhow::Result<()> {
    let Some(venv) = test_venv("the Python client's generated code check") else {
        return Ok(());
    };
    let output = tokio::process::Command::new(client_dir().join("regenerate"))
        .arg("--check")
        .arg(bin_path("warren-master")?)
        .env(
            "OPENAPI_PYTHON_CLIENT",
            venv.join("bin/openapi-python-client"),
        )
        .output()
        .await?;
    anyhow::ensure!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // The package builds into a wheel with standard tooling (pip, setuptools), from a copy so the
    // build leaves nothing in the tree.
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("python");
    let copied = tokio::process::Command::new("cp")
        .arg("-r")
        .arg(client_dir())
        .arg(&copy)
        .status()
        .await?;
    anyhow::ensure!(copied.success(), "cannot copy the package");
    let wheels = scratch.path().join("wheels");
    let built = tokio::process::Command::new(venv.join("bin/pip"))
        .args([
            "wheel",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
        ])
        .arg(&wheels)
        .arg(&copy)
        .output()
        .await?;
    anyhow::ensure!(
        built.status.success(),
        "the wheel does not build: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let names: Vec<String> = std::fs::read_dir(&wheels)?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    anyhow::ensure!(
        names
            .iter()
            .any(|name| name.starts_with("warren_client-") && name.ends_with("-py3-none-any.whl")),
        "{names:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_python_client_submits_waits_lists_and_reads_and_follows_logs() -> anyhow::Result<()> {
    let Some(venv) = test_venv("the Python client's tests") else {
        return Ok(());
    };
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        ..FarmOptions::default()
    })
    .await?;
    let token = farm.first_admin("root", None).await?;
    farm.authenticate(&token)?;
    farm.start_worker(&[]).await?;
    farm.wait_for_online_agents(1).await?;
    let output = tokio::process::Command::new(venv.join("bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(client_dir().join("tests"))
        .env("PYTHONPATH", client_dir().join("src"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("WARREN_URL", &farm.base_url)
        .env("WARREN_TOKEN", &token)
        .env_remove("WARREN_MASTER")
        .env_remove("WARREN_CONFIG")
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    if !output.status.success() {
        farm.dump_logs();
        anyhow::bail!(
            "the Python client's tests failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    anyhow::ensure!(stdout.contains("5 passed"), "{stdout}");
    Ok(())
}

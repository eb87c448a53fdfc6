//! The OpenAPI document: valid, true to the routes the master serves, and fuzzed against a live
//! master by Schemathesis (no server errors, answers as documented).

use serde_json::Value;
use warren_tests::{FarmOptions, TestFarm};

#[tokio::test]
async fn every_documented_operation_is_served_and_every_answer_matches_the_document()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        ..FarmOptions::default()
    })
    .await?;
    let token = farm.first_admin("fuzzer", None).await?;
    let document: Value = farm
        .http
        .get(format!("{}/api/v1/openapi.json", farm.base_url))
        .send()
        .await?
        .json()
        .await?;
    let docs_page = farm
        .http
        .get(format!("{}/api/v1/docs/", farm.base_url))
        .send()
        .await?;
    assert!(docs_page.status().is_success(), "{}", docs_page.status());
    assert!(docs_page.text().await?.contains("openapi.json"));

    // Every documented operation reaches a handler: neither the "no such endpoint" fallback
    // nor "method not allowed".
    let paths = document["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let concrete = path
            .replace("{job_id}", "999999")
            .replace("{task_id}", "999999")
            .replace("{agent_id}", "00000000-0000-4000-8000-000000000000")
            .replace("{group_id}", "999999")
            .replace("{token_id}", "999999")
            .replace(['{', '}'], "");
        for method in item.as_object().expect("operations").keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())?;
            let response = farm
                .http
                .request(method.clone(), format!("{}{concrete}", farm.base_url))
                .bearer_auth(&token)
                .json(&serde_json::json!({}))
                .send()
                .await?;
            let status = response.status();
            // An event stream does not end; its status is what matters here.
            let streams = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
            let body = if streams {
                String::new()
            } else {
                response.text().await?
            };
            assert_ne!(
                status.as_u16(),
                405,
                "{method} {path} is not served: {body}"
            );
            assert!(
                !body.contains("no such endpoint"),
                "{method} {path} is not served: {body}"
            );
        }
    }

    let Some(venv) = warren_tests::test_venv("the OpenAPI fuzzing") else {
        return Ok(());
    };
    let spec_path = farm.dir().join("openapi.json");
    std::fs::write(&spec_path, serde_json::to_vec(&document)?)?;
    let validated = tokio::process::Command::new(venv.join("bin/python"))
        .args(["-m", "openapi_spec_validator"])
        .arg(&spec_path)
        .output()
        .await?;
    assert!(
        validated.status.success(),
        "the document is not valid OpenAPI: {validated:?}"
    );

    // Every check, stateful ones included; the settings file names the operations whose
    // validity also depends on other fields or on what exists (a 422 is right there).
    let settings = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemathesis")
        .join("schemathesis.toml");
    let fuzzed = tokio::process::Command::new(venv.join("bin/schemathesis"))
        .arg("--config-file")
        .arg(&settings)
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", farm.base_url))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all"])
        .args([
            "--max-examples",
            "25",
            "--request-timeout",
            "20",
            "--no-color",
        ])
        .args(["--generation-database", "none", "--workers", "1"])
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .await?;
    let report = String::from_utf8_lossy(&fuzzed.stdout);
    assert!(
        fuzzed.status.success(),
        "Schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&fuzzed.stderr)
    );
    assert!(report.contains("Tested:"), "{report}");
    Ok(())
}

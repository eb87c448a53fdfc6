//! Running a farm: Prometheus metrics on the master and the worker.

use std::time::Duration;

use warren_tests::metric_samples as samples;
use warren_tests::{FarmOptions, TestFarm, bin_path, eventually};

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
    let worker_url = farm.worker_metrics_url(worker).await?;
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
    let job_id = job["id"].as_i64().expect("an id");
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

fn repository() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository")
        .to_owned()
}

/// A tool the deployment check needs: in CI its absence fails the test, elsewhere it skips it.
fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs `{name}` (scripts/test installs it)"
        );
        eprintln!("`{name}` is missing: skipping its part of the deployment check");
    }
    found
}

const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// The stages a Dockerfile defines, after checking its instructions: known names, stages named
/// once, `--from` naming an earlier stage, and `COPY` sources that exist in the build context.
fn dockerfile_stages(text: &str, context: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let mut stages: Vec<String> = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && logical.is_empty()) {
            continue;
        }
        if let Some(continued) = trimmed.strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(trimmed);
        let instruction = std::mem::take(&mut logical);
        let mut words = instruction.split_whitespace();
        let Some(keyword) = words.next() else {
            continue;
        };
        let keyword = keyword.to_ascii_uppercase();
        anyhow::ensure!(
            INSTRUCTIONS.contains(&keyword.as_str()),
            "unknown instruction `{keyword}`"
        );
        let arguments: Vec<&str> = words.collect();
        match keyword.as_str() {
            "FROM" => {
                anyhow::ensure!(!arguments.is_empty(), "FROM without an image");
                if let [_, alias, name] = arguments[..] {
                    anyhow::ensure!(alias.eq_ignore_ascii_case("as"), "FROM {arguments:?}");
                    anyhow::ensure!(
                        !stages.iter().any(|stage| stage == name),
                        "stage `{name}` twice"
                    );
                    stages.push(name.to_owned());
                }
            }
            "COPY" => {
                let from = arguments
                    .iter()
                    .find_map(|word| word.strip_prefix("--from="));
                match from {
                    Some(stage) => anyhow::ensure!(
                        stages.iter().any(|known| known == stage),
                        "COPY --from={stage} before that stage"
                    ),
                    None => {
                        let paths: Vec<&&str> = arguments
                            .iter()
                            .filter(|word| !word.starts_with("--"))
                            .collect();
                        anyhow::ensure!(paths.len() >= 2, "COPY needs a source and a destination");
                        for source in &paths[..paths.len() - 1] {
                            anyhow::ensure!(
                                context.join(source).exists(),
                                "COPY source `{source}` is not in the context"
                            );
                        }
                    }
                }
            }
            "ENTRYPOINT" | "CMD" if arguments.first().is_some_and(|word| word.starts_with('[')) => {
                let json = arguments.join(" ");
                serde_json::from_str::<Vec<String>>(&json).map_err(|error| {
                    anyhow::anyhow!("{keyword} {json}: not a JSON array of strings: {error}")
                })?;
            }
            _ => {}
        }
    }
    anyhow::ensure!(
        logical.is_empty(),
        "the Dockerfile ends inside a continued line"
    );
    Ok(stages)
}

#[tokio::test]
async fn compose_files_dockerfiles_and_service_units_are_valid() -> anyhow::Result<()> {
    let root = repository();
    let compose = root.join("compose");
    let dockerfile = std::fs::read_to_string(compose.join("Dockerfile"))?;
    let stages = dockerfile_stages(&dockerfile, &root)?;
    for target in ["master", "worker"] {
        assert!(
            stages.iter().any(|stage| stage == target),
            "stage {target} in {stages:?}"
        );
    }
    assert!(dockerfile_stages("FROM x AS a\nCOPY --from=b /x /y\n", &root).is_err());
    assert!(dockerfile_stages("FROM x\nCOPI a b\n", &root).is_err());
    assert!(dockerfile_stages("FROM x\nCOPY no-such-file /x\n", &root).is_err());

    for file in ["docker-compose.yml", "docker-compose.cluster.yml"] {
        let text = std::fs::read_to_string(compose.join(file))?;
        // What the files refer to exists: build targets, Dockerfiles and mounted files.
        for line in text.lines().map(str::trim) {
            if let Some(target) = line.strip_prefix("target: ") {
                assert!(
                    stages.iter().any(|stage| stage == target),
                    "{file}: target {target}"
                );
            }
            if let Some(path) = line.strip_prefix("dockerfile: ") {
                assert!(root.join(path).is_file(), "{file}: dockerfile {path}");
            }
            if let Some(mount) = line.strip_prefix("- ./") {
                let source = mount.split(':').next().unwrap_or_default();
                assert!(compose.join(source).is_file(), "{file}: mounted {source}");
            }
        }
        if tool("docker-compose") {
            let checked = tokio::process::Command::new("docker-compose")
                .args(["-f", file, "config", "--quiet"])
                .current_dir(&compose)
                .output()
                .await?;
            assert!(
                checked.status.success(),
                "{file} is not a valid Compose file: {}",
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
    if tool("docker-compose") {
        let broken = tokio::process::Command::new("docker-compose")
            .args(["-f", "-", "config", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let mut broken = broken;
        {
            use tokio::io::AsyncWriteExt as _;
            let mut input = broken.stdin.take().expect("a piped stdin");
            input
                .write_all(b"services:\n  x:\n    image: 3\n    restart: sometimes\n")
                .await?;
        }
        assert!(
            !broken.wait().await?.success(),
            "the check refuses a broken file"
        );
    }

    if tool("haproxy") {
        let checked = tokio::process::Command::new("haproxy")
            .args(["-c", "-f"])
            .arg(compose.join("haproxy.cfg"))
            .output()
            .await?;
        assert!(
            checked.status.success(),
            "haproxy.cfg is not valid: {}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
        let text = std::fs::read_to_string(compose.join("haproxy.cfg"))?;
        assert!(
            text.contains("tcp-check send-binary 414d515000000901"),
            "the AMQP backend checks at the protocol level"
        );
    }

    if tool("systemd-analyze") {
        let scratch = tempfile::tempdir()?;
        for (unit, binary) in [
            ("warren-master.service", "warren-master"),
            ("warren-worker.service", "warren-worker"),
        ] {
            let text = std::fs::read_to_string(root.join("deploy/systemd").join(unit))?;
            let built = bin_path(binary)?;
            let local = text.replace(
                &format!("/usr/local/bin/{binary}"),
                &built.display().to_string(),
            );
            assert_ne!(local, text, "{unit} starts /usr/local/bin/{binary}");
            std::fs::write(scratch.path().join(unit), local)?;
            let verified = tokio::process::Command::new("systemd-analyze")
                .args(["verify", "--man=no"])
                .arg(scratch.path().join(unit))
                .output()
                .await?;
            let complaints = String::from_utf8_lossy(&verified.stderr);
            assert!(
                verified.status.success() && !complaints.contains(unit),
                "{unit} does not verify: {complaints}"
            );
        }
    }

    // The autoscaling providers (the example ones are not run here) pass shellcheck.
    if tool("shellcheck") {
        for provider in ["local", "aws-ec2", "kubernetes-jobs"] {
            let path = root.join("deploy/providers").join(provider);
            let checked = tokio::process::Command::new("shellcheck")
                .arg(&path)
                .output()
                .await?;
            assert!(
                checked.status.success(),
                "{provider}: {}",
                String::from_utf8_lossy(&checked.stdout)
            );
        }
    }
    Ok(())
}

async fn run_binary(
    binary: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<std::process::Output> {
    Ok(tokio::process::Command::new(bin_path(binary)?)
        .args(args)
        .env_remove("WARREN_AMQP_URL")
        .env_remove("WARREN_NAMESPACE")
        .envs(env.iter().copied())
        .output()
        .await?)
}

#[tokio::test]
async fn settings_come_from_flags_then_variables_then_the_file_and_config_prints_them_hidden()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("master.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9555\"\nlease_timeout_secs = 300\nnamespace = \"from-file\"\n\
         amqp_url = \"amqp://farm:hunter2@rabbit:5672/%2f\"\nno_auth = true\n",
    )?;
    let file_arg = file.display().to_string();
    let printed = run_binary(
        "warren-master",
        &[
            "config",
            "--config",
            &file_arg,
            "--lease-timeout-secs",
            "200",
        ],
        &[("WARREN_NAMESPACE", "from-env")],
    )
    .await?;
    assert!(printed.status.success(), "{printed:?}");
    let text = String::from_utf8(printed.stdout)?;
    let line = |name: &str| {
        text.lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("lease_timeout_secs").contains("200")
            && line("lease_timeout_secs").ends_with("# flag"),
        "{text}"
    );
    assert!(
        line("namespace").contains("from-env") && line("namespace").ends_with("# environment"),
        "{text}"
    );
    assert!(
        line("listen").contains("127.0.0.1:9555") && line("listen").ends_with("# file"),
        "{text}"
    );
    assert!(
        line("no_auth").contains("true") && line("no_auth").ends_with("# file"),
        "{text}"
    );
    assert!(
        line("queue_type").contains("classic") && line("queue_type").ends_with("# default"),
        "{text}"
    );
    assert!(line("amqp_url").contains("farm:****@rabbit"), "{text}");
    assert!(!text.contains("hunter2"), "the password is hidden: {text}");

    // Boolean variables take 1/0 and yes/no as well as true/false, and a variable wins over
    // the file.
    let printed = run_binary(
        "warren-master",
        &["config", "--config", &file_arg],
        &[("WARREN_NO_AUTH", "0"), ("WARREN_BEHIND_TLS_PROXY", "1")],
    )
    .await?;
    assert!(printed.status.success(), "{printed:?}");
    let text = String::from_utf8(printed.stdout)?;
    let setting = |name: &str| {
        text.lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        setting("no_auth").contains("false") && setting("no_auth").ends_with("# environment"),
        "{text}"
    );
    assert!(setting("behind_tls_proxy").contains("true"), "{text}");
    let refused = run_binary(
        "warren-master",
        &["config", "--config", &file_arg],
        &[("WARREN_NO_AUTH", "maybe")],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(64), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no-auth"));

    // A key that is no setting is refused with its name; a bad value names the setting.
    std::fs::write(&file, "lease_timeout = 5\n")?;
    let refused = run_binary("warren-master", &["serve", "--config", &file_arg], &[]).await?;
    assert_eq!(refused.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`lease_timeout` is not a setting"));
    std::fs::write(&file, "lease_timeout_secs = \"soon\"\n")?;
    let refused = run_binary("warren-master", &["config", "--config", &file_arg], &[]).await?;
    assert_eq!(refused.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("lease-timeout-secs"),
        "{refused:?}"
    );

    // The worker prints its resolved settings as a configuration file.
    let worker_file = dir.path().join("worker.toml");
    std::fs::write(
        &worker_file,
        "tags = [\"gpu\"]\ncpus = 8\nnamespace = \"studio\"\n",
    )?;
    let worker_arg = worker_file.display().to_string();
    let printed = run_binary(
        "warren-worker",
        &[
            "config",
            "--config",
            &worker_arg,
            "--amqp-url",
            "amqp://w:hunter2@rabbit/%2f",
            "--tag",
            "linux",
        ],
        &[],
    )
    .await?;
    assert!(printed.status.success(), "{printed:?}");
    let text = String::from_utf8(printed.stdout)?;
    // The same layer as the master's: each line says where its value came from.
    for (expected, source) in [
        ("tags = [\"linux\"]", "# flag"),
        ("cpus = 8", "# file"),
        ("namespace = \"studio\"", "# file"),
        ("amqp_url = \"amqp://w:****@rabbit/%2f\"", "# flag"),
        ("amqp_heartbeat = 10", "# default"),
    ] {
        assert!(
            text.lines()
                .any(|line| line.starts_with(expected) && line.ends_with(source)),
            "{expected} ({source}) in\n{text}"
        );
    }
    assert!(!text.contains("hunter2"));
    Ok(())
}

#[tokio::test]
async fn the_master_serves_with_the_settings_of_its_configuration_file() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("master.toml");
    std::fs::write(&file, "no_auth = true\nstatistics_interval_secs = 1\n")?;
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        master_args: vec!["--config".to_owned(), file.display().to_string()],
        ..FarmOptions::default()
    })
    .await?;
    // Authentication is on unless the file turns it off, and it does.
    let jobs = farm.get_json("/api/v1/jobs").await?;
    assert!(jobs["jobs"].is_array(), "{jobs}");
    let samples = eventually(
        "statistics every second",
        Duration::from_secs(20),
        || async {
            let answer = farm.get_json("/api/v1/statistics/agents?hours=1").await?;
            let count = answer["samples"].as_array().map_or(0, Vec::len);
            Ok((count >= 2).then_some(count))
        },
    )
    .await?;
    assert!(samples >= 2);
    Ok(())
}

#[tokio::test]
async fn json_logs_carry_request_and_task_spans() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 1,
        env: vec![("WARREN_LOG_FORMAT".to_owned(), "json".to_owned())],
        log_filter: Some("info,warren_master=debug,warren_worker=debug".to_owned()),
        ..FarmOptions::default()
    })
    .await?;
    let job = farm
        .submit_job(&TestFarm::command_job("json logs", &["true"], 1, 2, 1))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    farm.wait_for_job_state(job_id, &["done"], Duration::from_secs(60))
        .await?;
    let parse = |log: String| -> anyhow::Result<Vec<serde_json::Value>> {
        log.lines()
            .map(|line| {
                serde_json::from_str(line)
                    .map_err(|error| anyhow::anyhow!("not JSON: {line}: {error}"))
            })
            .collect()
    };
    let master = parse(farm.master()?.log_tail(10_000))?;
    assert!(
        master.iter().any(|line| line["span"]["name"] == "request"
            && line["span"]["path"] == "/api/v1/jobs"
            && line["span"]["method"] == "POST"),
        "a request span: {master:?}"
    );
    let worker = parse(farm.worker(0)?.log_tail(10_000))?;
    assert!(
        worker.iter().any(|line| line["span"]["name"] == "task"
            && line["span"]["job_id"].as_str() == Some(job_id.to_string().as_str())),
        "a task span: {worker:?}"
    );
    assert!(
        master
            .iter()
            .chain(&worker)
            .all(|line| line["level"].is_string() && line["timestamp"].is_string())
    );
    Ok(())
}

#[tokio::test]
async fn a_node_whose_token_names_no_broker_finds_the_farm_by_broadcast_and_no_answer_holds_a_secret()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        master_args: vec!["--discovery-listen".to_owned(), "0.0.0.0:0".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let port = eventually("the discovery address", Duration::from_secs(30), || {
        let log = farm.master().map(|process| process.log_tail(200));
        async move {
            Ok(log?.lines().find_map(|line| {
                let address = line.split("answering farm discovery on ").nth(1)?;
                address
                    .split_whitespace()
                    .next()?
                    .rsplit(':')
                    .next()?
                    .parse::<u16>()
                    .ok()
            }))
        }
    })
    .await?;
    // Loopback's broadcast address stands in for a LAN's. The worker is given no broker URL
    // or namespace, and its join token names no broker.
    let worker = farm
        .start_discovering_worker(&format!("127.255.255.255:{port}"))
        .await?;
    let agents = farm.wait_for_online_agents(1).await?;
    assert_eq!(agents[0]["hostname"], "test-node-0");
    let log = farm.worker(worker)?.log_tail(200);
    assert!(log.contains("found the farm by broadcast"), "{log}");
    assert!(log.contains(&farm.namespace), "{log}");
    let job = farm
        .submit_job(&TestFarm::command_job("found", &["true"], 1, 2, 1))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], Duration::from_secs(60))
        .await?;
    assert_eq!(done["state"], "done", "{done}");

    // The answer names the broker without credentials and is signed by the farm's key over
    // the request's nonce.
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    socket.set_broadcast(true)?;
    socket
        .send_to(
            br#"{"warren":"discover","v":1,"nonce":"n-42"}"#,
            ("127.255.255.255", port),
        )
        .await?;
    let mut buffer = [0_u8; 2048];
    let (length, _) =
        tokio::time::timeout(Duration::from_secs(10), socket.recv_from(&mut buffer)).await??;
    let raw = String::from_utf8_lossy(&buffer[..length]).into_owned();
    assert!(
        !raw.contains("guest"),
        "no credentials in the answer: {raw}"
    );
    let answer: warren_shared::discovery::Datagram = serde_json::from_slice(&buffer[..length])?;
    let warren_shared::discovery::Datagram::Farm(signed) = answer else {
        anyhow::bail!("not a farm announcement: {raw}");
    };
    let keys: Vec<warren_shared::signing::FarmKey> = farm
        .farm_keys()
        .await?
        .iter()
        .map(|key| warren_shared::signing::FarmKey::parse(key))
        .collect::<Result<_, _>>()?;
    let announcement = signed.verified(&warren_shared::signing::TrustedKeys::new(&keys)?)?;
    assert_eq!(announcement.namespace, farm.namespace);
    assert_eq!(announcement.nonce.as_deref(), Some("n-42"));
    assert!(!announcement.amqp_url.contains('@'), "{announcement:?}");
    let other_key = warren_shared::signing::SecretKey::from_seed([3; 32]).public();
    assert!(
        signed
            .verified(&warren_shared::signing::TrustedKeys::new(&[other_key])?)
            .is_err(),
        "another farm's key does not verify it"
    );

    // A master of another farm stays quiet, and a datagram that is no request gets no answer.
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    socket.set_broadcast(true)?;
    for request in [
        br#"{"warren":"discover","v":1,"namespace":"some-other-farm"}"#.to_vec(),
        b"hello".to_vec(),
        br#"{"warren":"discover","v":1}"#.to_vec(),
    ] {
        socket.send_to(&request, ("127.255.255.255", port)).await?;
    }
    let mut buffer = [0_u8; 2048];
    let (length, _) =
        tokio::time::timeout(Duration::from_secs(10), socket.recv_from(&mut buffer)).await??;
    let answer: serde_json::Value = serde_json::from_slice(&buffer[..length])?;
    assert_eq!(answer["warren"], "farm");
    assert!(
        answer["body"]
            .as_str()
            .is_some_and(|body| body.contains(farm.namespace.as_str())),
        "{answer}"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buffer))
            .await
            .is_err(),
        "only the request for any farm was answered"
    );
    Ok(())
}

//! Job types with versions: phases run in order, progress and error patterns read from the
//! output, software requirements, pinning and upgrading versions, and the shipped definitions.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, eventually};

const JOB_TIMEOUT: Duration = Duration::from_secs(60);

async fn send(
    farm: &TestFarm,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let (status, answer) = farm.send_json(method, path, body.as_ref()).await?;
    Ok((status.as_u16(), answer))
}

fn stamp(render: &str) -> Value {
    json!({
        "description": "prints what each phase does",
        "phases": [
            {"name": "prepare", "argv": ["sh", "-c", "echo prepare {start}-{end}"]},
            {"name": "render", "argv": ["sh", "-c", render]},
            {"name": "post", "argv": ["echo", "post {data.tag}"]}
        ],
        "progress_regex": "progress (\\d+)%",
        "error_regexes": ["^FATAL"]
    })
}

fn job(title: &str, version: Option<i64>) -> Value {
    let mut body = json!({
        "title": title, "jobtype": "stamp", "start": 1, "end": 4, "batch": 2,
        "data": {"tag": "v"}, "requeue": 0
    });
    if let Some(version) = version {
        body["jobtype_version"] = json!(version);
    }
    body
}

#[tokio::test]
async fn job_types_run_their_phases_in_order_and_versions_are_pinned_and_upgraded()
-> anyhow::Result<()> {
    job_types_on(DatabaseKind::Sqlite).await
}

database_test!(
    job_types_run_their_phases_in_order_and_versions_are_pinned_and_upgraded_with_postgresql,
    postgres,
    job_types_on
);

database_test!(
    job_types_run_their_phases_in_order_and_versions_are_pinned_and_upgraded_with_mariadb,
    mariadb,
    job_types_on
);

async fn job_types_on(database: DatabaseKind) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database,
        ..FarmOptions::default()
    })
    .await?;
    let (status, listed) = send(&farm, Method::GET, "/api/v1/jobtypes", None).await?;
    assert_eq!(status, 200);
    let names: Vec<&str> = listed["jobtypes"]
        .as_array()
        .expect("job types")
        .iter()
        .filter_map(|jobtype| jobtype["name"].as_str())
        .collect();
    assert_eq!(names, ["blender", "command", "ffmpeg"]);
    let (_, blender) = send(&farm, Method::GET, "/api/v1/jobtypes/blender", None).await?;
    assert_eq!(blender["software_requirements"], json!(["blender"]));
    assert!(
        blender["phases"][0]["argv"]
            .as_array()
            .is_some_and(|argv| argv.contains(&json!("{data.scene}")))
    );

    let mut definition = stamp("echo render {frame}; echo progress 50%");
    definition["name"] = json!("stamp");
    let (status, created) = send(
        &farm,
        Method::POST,
        "/api/v1/jobtypes",
        Some(definition.clone()),
    )
    .await?;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["version"], 1);
    let (status, _) = send(&farm, Method::POST, "/api/v1/jobtypes", Some(definition)).await?;
    assert_eq!(status, 409);
    for (bad, field) in [
        (
            json!({"name": "x", "phases": [{"name": "a", "argv": ["a"]}], "progress_regex": "("}),
            "regular expression",
        ),
        (
            json!({"name": "x", "phases": [{"name": "a", "argv": ["a"]}], "argv": ["b"]}),
            "not both",
        ),
        (json!({"name": "x"}), "needs `phases`"),
        (
            json!({"name": "bad name", "argv": ["a"]}),
            "not a valid job type name",
        ),
        (
            json!({"name": "x", "argv": ["a"], "software_requirements": ["a>=?"]}),
            "software",
        ),
    ] {
        let (status, answer) =
            send(&farm, Method::POST, "/api/v1/jobtypes", Some(bad.clone())).await?;
        assert_eq!(status, 422, "{bad}: {answer}");
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|error| error.contains(field)),
            "{bad}: {answer}"
        );
    }

    // Phases run in order in every task: prepare once, render per frame, post once.
    let job_id = farm.submit(&job("stamped", None)).await?.0;
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["jobtype_version"], 1);
    let tasks = farm.tasks(job_id).await?;
    let log = farm
        .task_log(job_id, tasks[0]["id"].as_i64().expect("a task id"))
        .await?;
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "prepare 1-2",
            "render 1",
            "progress 50%",
            "render 2",
            "progress 50%",
            "post v"
        ]
    );
    assert!(
        tasks.iter().all(|task| task["progress"] == 1.0),
        "{tasks:?}"
    );

    // A new version; jobs pin the version they were submitted with.
    let (status, second) = send(
        &farm,
        Method::PUT,
        "/api/v1/jobtypes/stamp",
        Some(stamp(
            "echo render {frame}; echo FATAL frame {frame} is black",
        )),
    )
    .await?;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["version"], 2);
    assert_eq!(second["versions"], json!([1, 2]));
    let (_, first) = send(
        &farm,
        Method::GET,
        "/api/v1/jobtypes/stamp/versions/1",
        None,
    )
    .await?;
    assert_eq!(first["version"], 1);

    // An error pattern fails a task whose processes exit 0.
    let failing = farm.submit(&job("fatal", None)).await?.0;
    let failed = farm
        .wait_for_job_state(failing, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(failed["state"], "failed", "{failed}");
    let task = &farm.tasks(failing).await?[0];
    let error = task["last_error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("the output matched an error pattern") && error.contains("FATAL frame 1"),
        "{task}"
    );

    // Upgrading moves a waiting job to the newest version.
    let mut waiting = job("waiting", Some(1));
    waiting["tag_requirements"] = json!(["nowhere"]);
    let waiting = farm.submit(&waiting).await?.0;
    let (status, upgraded) = send(
        &farm,
        Method::POST,
        &format!("/api/v1/jobs/{waiting}/upgrade_jobtype"),
        None,
    )
    .await?;
    assert_eq!(status, 200, "{upgraded}");
    assert_eq!(
        (
            upgraded["from_version"].clone(),
            upgraded["jobtype_version"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_eq!(
        farm.get_json(&format!("/api/v1/jobs/{waiting}")).await?["jobtype_version"],
        2
    );

    // A job type in use cannot be deleted; an unused one can.
    let (status, _) = send(&farm, Method::DELETE, "/api/v1/jobtypes/stamp", None).await?;
    assert_eq!(status, 409);
    let (status, _) = send(&farm, Method::DELETE, "/api/v1/jobtypes/ffmpeg", None).await?;
    assert_eq!(status, 204);
    let (status, _) = send(&farm, Method::GET, "/api/v1/jobtypes/ffmpeg", None).await?;
    assert_eq!(status, 404);

    // A job type's software requirements become the job's.
    let render = farm
        .submit_job(&json!({
            "title": "needs blender", "jobtype": "blender", "start": 1, "end": 2,
            "data": {"scene": "shot.blend", "output": "//out/####"}
        }))
        .await?;
    let software = render["software_requirements"].to_string();
    assert!(software.contains("blender"), "{render}");
    let reason = render["blocked_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("blender"), "{render}");
    Ok(())
}

#[tokio::test]
async fn progress_is_read_from_the_output_while_the_task_runs() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions::default()).await?;
    let gate = farm.dir().join("finish");
    let (status, answer) = send(
        &farm,
        Method::POST,
        "/api/v1/jobtypes",
        Some(json!({
            "name": "counter",
            "argv": ["sh", "-c", format!(
                "echo 'Sample 3/12'; n=0; while [ ! -e {} ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done",
                gate.display()
            )],
            "progress_regex": "Sample (\\d+)/(\\d+)"
        })),
    )
    .await?;
    assert_eq!(status, 201, "{answer}");
    let job_id = farm
        .submit(&json!({"title": "counting", "jobtype": "counter", "start": 1, "end": 1}))
        .await?
        .0;
    let progress = eventually("progress from the output", JOB_TIMEOUT, || async {
        let task = farm.tasks(job_id).await?.remove(0);
        Ok(
            (task["state"] == "running" && task["progress"].as_f64() > Some(0.0))
                .then_some(task["progress"].clone()),
        )
    })
    .await?;
    assert_eq!(progress, 0.25);
    std::fs::write(&gate, b"")?;
    let done = farm
        .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
        .await?;
    assert_eq!(done["state"], "done");
    Ok(())
}

/// A renderer that prints a NUL byte in its error line: PostgreSQL refuses NUL in text, so the
/// worker must not pass one on.
async fn nul_bytes_in_output_are_stored_on(database: DatabaseKind) -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database,
        ..FarmOptions::default()
    })
    .await?;
    let definition = json!({
        "name": "nul",
        "phases": [{"name": "render", "argv": ["sh", "-c", "printf 'frame {frame}\\0done\\nFATAL bad\\0byte\\n'"]}],
        "error_regexes": ["^FATAL"]
    });
    let (status, created) = send(&farm, Method::POST, "/api/v1/jobtypes", Some(definition)).await?;
    assert_eq!(status, 201, "{created}");
    let job = farm
        .submit_job(&json!({"title": "nul", "jobtype": "nul", "start": 1, "end": 1, "requeue": 0}))
        .await?;
    let job_id = job["id"].as_i64().expect("a job id");
    let job = farm
        .wait_for_job_state(
            job_id,
            &["done", "failed"],
            std::time::Duration::from_secs(60),
        )
        .await?;
    assert_eq!(
        job["state"], "failed",
        "the error line fails the task: {job}"
    );
    let task = &farm.tasks(job_id).await?[0];
    let error = task["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("FATAL bad") && error.contains("byte"),
        "{task}"
    );
    let log = farm
        .task_log(job_id, task["id"].as_i64().expect("a task id"))
        .await?;
    assert!(log.contains("frame 1") && log.contains("done"), "{log}");
    assert!(
        farm.take_dead_letters().await?.is_empty(),
        "no dead letters"
    );
    Ok(())
}

#[tokio::test]
async fn nul_bytes_in_output_are_stored() -> anyhow::Result<()> {
    nul_bytes_in_output_are_stored_on(DatabaseKind::Sqlite).await
}

database_test!(
    nul_bytes_in_output_are_stored_with_postgresql,
    postgres,
    nul_bytes_in_output_are_stored_on
);

database_test!(
    nul_bytes_in_output_are_stored_with_mariadb,
    mariadb,
    nul_bytes_in_output_are_stored_on
);

#[tokio::test]
async fn the_blender_job_type_sets_the_engine_the_job_names() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (bin, config) = farm.fake_blender("4.2.0")?;
    farm.start_worker(&["--config", &config.display().to_string()])
        .await?;
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let mut logs = Vec::new();
    for data in [
        json!({"scene": "/shots/a.blend", "output": "//render/####", "engine": "CYCLES"}),
        json!({"scene": "/shots/a.blend", "output": "//render/####"}),
    ] {
        let job_id = farm
            .submit(&json!({
                "title": "render", "jobtype": "blender", "start": 1, "end": 2, "batch": 2,
                "data": data, "environ": {"PATH": path},
            }))
            .await?
            .0;
        let job = farm
            .wait_for_job_state(job_id, &["done", "failed"], JOB_TIMEOUT)
            .await?;
        assert_eq!(job["state"], "done", "{job}");
        let task_id = farm.tasks(job_id).await?[0]["id"]
            .as_i64()
            .expect("a task id");
        logs.push(farm.task_log(job_id, task_id).await?);
    }
    assert!(
        logs[0].contains(
            "called with: -b /shots/a.blend -E CYCLES -o //render/#### -s 1 -e 2 -j 1 -a"
        ),
        "{}",
        logs[0]
    );
    assert!(
        logs[1].contains("called with: -b /shots/a.blend -o //render/####")
            && !logs[1].contains("-E"),
        "{}",
        logs[1]
    );
    Ok(())
}

//! The farm's catalogues and conveniences: tags, software found by workers, notified users, and
//! jobs addressed by title.

use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::{FarmOptions, TestFarm};

async fn send(
    farm: &TestFarm,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let (status, answer) = farm.send_json(method, path, body.as_ref()).await?;
    Ok((status.as_u16(), answer))
}

#[tokio::test]
async fn tags_software_notified_users_and_titles() -> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let fake = farm.dir().join("houdini");
    std::fs::write(&fake, "#!/bin/sh\necho 'Houdini 20.5.332'\n")?;
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let config = farm.dir().join("node.toml");
    std::fs::write(
        &config,
        format!(
            "[[software]]\nname = \"houdini\"\ncommand = [\"{}\"]\nregex = 'Houdini (\\d+\\.\\d+)'\n",
            fake.display()
        ),
    )?;
    farm.start_worker(&["--tag", "gpu", "--config", &config.display().to_string()])
        .await?;
    farm.wait_for_online_agents(1).await?;

    // Software: what the workers found, by version.
    let software = warren_tests::eventually(
        "houdini reported",
        std::time::Duration::from_secs(30),
        || async {
            let (_, answer) = send(&farm, Method::GET, "/api/v1/software", None).await?;
            Ok((answer["software"]
                .as_array()
                .is_some_and(|list| !list.is_empty()))
            .then_some(answer))
        },
    )
    .await?;
    assert_eq!(
        software["software"],
        json!([{"name": "houdini", "catalogued": false, "versions": [{"version": "20.5", "agents": 1, "catalogued": false}]}])
    );
    let (status, houdini) = send(&farm, Method::GET, "/api/v1/software/houdini", None).await?;
    assert_eq!(status, 200);
    assert_eq!(
        houdini["versions"][0]["agents"][0]["hostname"],
        "test-node-0"
    );
    let (status, _) = send(&farm, Method::GET, "/api/v1/software/maya", None).await?;
    assert_eq!(status, 404);

    // Tags: counted on agents and jobs; made explicitly; deleted only when unused.
    let job = farm
        .submit_job(&json!({
            "title": "lookdev turntable", "jobtype": "command", "start": 1, "end": 1,
            "data": {"argv": ["true"]}, "tags": ["lookdev"], "tag_requirements": ["nowhere"]
        }))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let (status, created) = send(
        &farm,
        Method::POST,
        "/api/v1/tags",
        Some(json!({"name": "spare"})),
    )
    .await?;
    assert_eq!(status, 201, "{created}");
    let (status, _) = send(
        &farm,
        Method::POST,
        "/api/v1/tags",
        Some(json!({"name": "spare"})),
    )
    .await?;
    assert_eq!(status, 409);
    let (status, _) = send(
        &farm,
        Method::POST,
        "/api/v1/tags",
        Some(json!({"name": "no spaces"})),
    )
    .await?;
    assert_eq!(status, 422);
    let (_, tags) = send(&farm, Method::GET, "/api/v1/tags", None).await?;
    let count = |name: &str, field: &str| {
        tags["tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|tag| tag["name"] == name))
            .map(|tag| tag[field].clone())
    };
    assert_eq!(count("gpu", "agents"), Some(json!(1)), "{tags}");
    assert_eq!(count("lookdev", "jobs"), Some(json!(1)), "{tags}");
    assert_eq!(count("spare", "agents"), Some(json!(0)), "{tags}");
    let (_, lookdev) = send(&farm, Method::GET, "/api/v1/tags/lookdev", None).await?;
    assert_eq!(lookdev["jobs"], json!([job_id]));
    let (status, _) = send(&farm, Method::DELETE, "/api/v1/tags/gpu", None).await?;
    assert_eq!(status, 409);
    let (status, _) = send(&farm, Method::DELETE, "/api/v1/tags/spare", None).await?;
    assert_eq!(status, 204);
    let (status, _) = send(&farm, Method::GET, "/api/v1/tags/spare", None).await?;
    assert_eq!(status, 404);

    // Jobs by title, for every job endpoint; titles must name one job.
    let (status, by_title) =
        send(&farm, Method::GET, "/api/v1/jobs/lookdev%20turntable", None).await?;
    assert_eq!(status, 200, "{by_title}");
    assert_eq!(by_title["id"], job_id);
    let (status, _) = send(
        &farm,
        Method::GET,
        "/api/v1/jobs/lookdev%20turntable/tasks",
        None,
    )
    .await?;
    assert_eq!(status, 200);
    let (status, _) = send(&farm, Method::GET, "/api/v1/jobs/no%20such%20job", None).await?;
    assert_eq!(status, 404);
    farm.submit_job(&json!({
        "title": "lookdev turntable", "jobtype": "command", "start": 1, "end": 1,
        "data": {"argv": ["true"]}, "tag_requirements": ["nowhere"]
    }))
    .await?;
    let (status, answer) =
        send(&farm, Method::GET, "/api/v1/jobs/lookdev%20turntable", None).await?;
    assert_eq!(status, 409, "{answer}");

    // Notified users.
    let path = format!("/api/v1/jobs/{job_id}/notified_users");
    let (status, added) = send(
        &farm,
        Method::POST,
        &path,
        Some(json!({"user": "alice@example.com"})),
    )
    .await?;
    assert_eq!(status, 201, "{added}");
    let (status, _) = send(
        &farm,
        Method::POST,
        &path,
        Some(json!({"user": "alice@example.com"})),
    )
    .await?;
    assert_eq!(status, 409);
    let (status, _) = send(&farm, Method::POST, &path, Some(json!({"user": "a b"}))).await?;
    assert_eq!(status, 422);
    send(&farm, Method::POST, &path, Some(json!({"user": "bob"}))).await?;
    let (_, listed) = send(&farm, Method::GET, &path, None).await?;
    assert_eq!(
        listed["notified_users"],
        json!(["alice@example.com", "bob"])
    );
    let (status, _) = send(
        &farm,
        Method::DELETE,
        &format!("{path}/alice@example.com"),
        None,
    )
    .await?;
    assert_eq!(status, 204);
    let (status, _) = send(&farm, Method::DELETE, &format!("{path}/carol"), None).await?;
    assert_eq!(status, 404);
    let job = farm.get_json(&format!("/api/v1/jobs/{job_id}")).await?;
    assert_eq!(job["notified_users"], json!(["bob"]));
    Ok(())
}

#[tokio::test]
async fn path_maps_rewrite_other_systems_paths_on_the_worker() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        worker_args: vec!["--tag".to_owned(), "paris".to_owned()],
        ..FarmOptions::default()
    })
    .await?;
    let (status, projects) = send(
        &farm,
        Method::POST,
        "/api/v1/pathmaps",
        Some(json!({"path_linux": "/mnt/projects/", "path_windows": "P:\\projects", "path_macos": "/Volumes/projects"})),
    )
    .await?;
    assert_eq!(status, 201, "{projects}");
    assert_eq!(
        projects["path_linux"], "/mnt/projects",
        "trailing separators are dropped"
    );
    let (status, _) = send(
        &farm,
        Method::POST,
        "/api/v1/pathmaps",
        Some(json!({"path_linux": "/tokyo", "path_windows": "T:\\data", "tag": "tokyo"})),
    )
    .await?;
    assert_eq!(status, 201);
    for bad in [
        json!({"path_linux": "/only/one"}),
        json!({"path_linux": "relative/path", "path_windows": "P:\\x"}),
        json!({"path_linux": "/x", "path_windows": "/not/windows"}),
        json!({"path_linux": "/x", "path_windows": "P:\\x", "tag": "no spaces"}),
    ] {
        let (status, answer) =
            send(&farm, Method::POST, "/api/v1/pathmaps", Some(bad.clone())).await?;
        assert_eq!(status, 422, "{bad}: {answer}");
    }

    let job = farm
        .submit_job(&json!({
            "title": "paths", "jobtype": "command", "start": 1, "end": 1,
            "data": {"argv": ["sh", "-c", "echo \"$0|$1|$OUT\"", "P:\\projects\\shot010\\beauty.exr", "T:\\data\\x"]},
            "environ": {"OUT": "/Volumes/projects/out/####"}
        }))
        .await?;
    let job_id = job["id"].as_i64().expect("an id");
    let done = farm
        .wait_for_job_state(
            job_id,
            &["done", "failed"],
            std::time::Duration::from_secs(60),
        )
        .await?;
    assert_eq!(done["state"], "done", "{done}");
    let task_id = farm.tasks(job_id).await?[0]["id"]
        .as_i64()
        .expect("a task id");
    assert_eq!(
        farm.task_log(job_id, task_id).await?.trim(),
        "/mnt/projects/shot010/beauty.exr|T:\\data\\x|/mnt/projects/out/####",
        "the map for another tag is not used"
    );

    let map_id = projects["id"].as_i64().expect("an id");
    let (status, replaced) = send(
        &farm,
        Method::PUT,
        &format!("/api/v1/pathmaps/{map_id}"),
        Some(json!({"path_linux": "/srv/projects", "path_windows": "P:\\projects"})),
    )
    .await?;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["path_macos"], Value::Null);
    let (_, listed) = send(&farm, Method::GET, "/api/v1/pathmaps", None).await?;
    assert_eq!(listed["pathmaps"].as_array().map(Vec::len), Some(2));
    let (status, _) = send(
        &farm,
        Method::DELETE,
        &format!("/api/v1/pathmaps/{map_id}"),
        None,
    )
    .await?;
    assert_eq!(status, 204);
    let (status, _) = send(
        &farm,
        Method::GET,
        &format!("/api/v1/pathmaps/{map_id}"),
        None,
    )
    .await?;
    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn job_groups_gather_jobs_and_can_be_renamed_and_deleted() -> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (status, group) = send(
        &farm,
        Method::POST,
        "/api/v1/jobgroups",
        Some(json!({"title": "shot010", "user": "ana"})),
    )
    .await?;
    assert_eq!(status, 201, "{group}");
    let group_id = group["id"].as_i64().expect("an id");
    let mut job_ids = Vec::new();
    for title in ["lighting", "comp"] {
        let job = farm
            .submit_job(&json!({
                "title": title, "jobtype": "command", "start": 1, "end": 1,
                "data": {"argv": ["true"]}, "group": group_id
            }))
            .await?;
        job_ids.push(job["id"].clone());
    }
    let (_, shown) = send(
        &farm,
        Method::GET,
        &format!("/api/v1/jobgroups/{group_id}"),
        None,
    )
    .await?;
    let members: Vec<Value> = shown["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|job| job["id"].clone())
        .collect();
    assert_eq!(members, job_ids, "{shown}");
    assert_eq!(shown["user"], "ana");

    let path = format!("/api/v1/jobgroups/{group_id}");
    let (status, renamed) = send(
        &farm,
        Method::PATCH,
        &path,
        Some(json!({"title": "shot010 v2"})),
    )
    .await?;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["title"], "shot010 v2");
    let (status, _) = send(&farm, Method::PATCH, &path, Some(json!({"title": " "}))).await?;
    assert_eq!(status, 422);
    let (status, _) = send(&farm, Method::DELETE, &path, None).await?;
    assert_eq!(status, 204);
    let (status, _) = send(&farm, Method::GET, &path, None).await?;
    assert_eq!(status, 404);
    let (status, _) = send(&farm, Method::DELETE, &path, None).await?;
    assert_eq!(status, 404);
    let job = farm
        .get_json(&format!("/api/v1/jobs/{}", job_ids[0]))
        .await?;
    assert_eq!(
        job["group"],
        Value::Null,
        "the job stays, out of the group: {job}"
    );
    Ok(())
}

/// Every page of `path` (which has a `?`), following `next_cursor`: the ids in order.
async fn all_pages(farm: &TestFarm, path: &str, list: &str) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let page_path = match &cursor {
            None => path.to_owned(),
            Some(cursor) => format!(
                "{path}&cursor={}",
                percent_encoding::utf8_percent_encode(cursor, percent_encoding::NON_ALPHANUMERIC)
            ),
        };
        let (status, page) = send(farm, Method::GET, &page_path, None).await?;
        assert_eq!(status, 200, "{page_path}: {page}");
        items.extend(page[list].as_array().cloned().unwrap_or_default());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            return Ok(items);
        }
    }
    anyhow::bail!("{path} did not end within 100 pages")
}

#[tokio::test]
async fn job_lists_filter_by_user_and_queue_and_page_through_any_sort_order() -> anyhow::Result<()>
{
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let (status, _) = send(
        &farm,
        Method::POST,
        "/api/v1/jobqueues",
        Some(json!({"name": "lighting"})),
    )
    .await?;
    assert_eq!(status, 201);
    // Eleven jobs with repeated priorities and titles, so ties must be broken by id.
    let mut submitted = Vec::new();
    for index in 0..11_i64 {
        let mut job = TestFarm::command_job(&format!("shot {}", index % 4), &["true"], 1, 1, 1);
        job["priority"] = json!((index % 3) * 10);
        job["user"] = json!(if index % 2 == 0 { "ana" } else { "ben" });
        if index >= 8 {
            job["queue"] = json!("lighting");
        }
        let created = farm.submit_job(&job).await?;
        submitted.push(created);
    }
    let ids = |jobs: &[Value]| -> Vec<i64> {
        jobs.iter()
            .map(|job| job["id"].as_i64().expect("an id"))
            .collect()
    };

    for (sort, key) in [
        ("priority", "priority"),
        ("-priority", "priority"),
        ("title", "title"),
        ("-title", "title"),
        ("id", "id"),
        ("state", "state"),
    ] {
        let paged = all_pages(&farm, &format!("/api/v1/jobs?limit=3&sort={sort}"), "jobs").await?;
        let mut expected = submitted.clone();
        let descending = sort.starts_with('-');
        expected.sort_by(|left, right| {
            let order = match key {
                "priority" => left[key].as_i64().cmp(&right[key].as_i64()),
                "id" => std::cmp::Ordering::Equal,
                _ => left[key].as_str().cmp(&right[key].as_str()),
            }
            .then(left["id"].as_i64().cmp(&right["id"].as_i64()));
            if descending { order.reverse() } else { order }
        });
        assert_eq!(ids(&paged), ids(&expected), "sorted by {sort}, 3 a page");
    }
    // The default is newest first.
    let (_, newest) = send(&farm, Method::GET, "/api/v1/jobs", None).await?;
    let mut newest_first = ids(&submitted);
    newest_first.reverse();
    assert_eq!(ids(newest["jobs"].as_array().expect("jobs")), newest_first);

    let bens = all_pages(&farm, "/api/v1/jobs?limit=2&user=ben&sort=title", "jobs").await?;
    assert_eq!(bens.len(), 5);
    assert!(bens.iter().all(|job| job["user"] == "ben"), "{bens:?}");
    let lighting = all_pages(&farm, "/api/v1/jobs?queue=lighting&sort=-priority", "jobs").await?;
    assert_eq!(lighting.len(), 3);
    assert!(lighting.iter().all(|job| job["queue"] == "lighting"));
    let (status, none) = send(&farm, Method::GET, "/api/v1/jobs?queue=nowhere", None).await?;
    assert_eq!((status, none["jobs"].clone()), (200, json!([])));

    for bad in [
        "/api/v1/jobs?sort=colour",
        "/api/v1/jobs?sort=priority&cursor=12",
        "/api/v1/jobs?sort=priority&cursor=12:high",
        "/api/v1/jobs?cursor=abc",
    ] {
        let (status, answer) = send(&farm, Method::GET, bad, None).await?;
        assert!(
            (400..500).contains(&status) && answer["error"].is_string(),
            "{bad}: {status} {answer}"
        );
    }
    let (status, answer) = send(&farm, Method::GET, "/api/v1/agents?sort=-free_ram", None).await?;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = send(&farm, Method::GET, "/api/v1/agents?sort=colour", None).await?;
    assert!((400..500).contains(&status));

    // Job groups page newest first and filter by owner.
    for title in ["one", "two", "three"] {
        let (status, _) = send(
            &farm,
            Method::POST,
            "/api/v1/jobgroups",
            Some(json!({"title": title})),
        )
        .await?;
        assert_eq!(status, 201);
    }
    let groups = all_pages(&farm, "/api/v1/jobgroups?limit=2", "jobgroups").await?;
    let titles: Vec<&str> = groups.iter().filter_map(|g| g["title"].as_str()).collect();
    assert_eq!(titles, ["three", "two", "one"]);
    let (_, nobody) = send(&farm, Method::GET, "/api/v1/jobgroups?user=nobody", None).await?;
    assert_eq!(nobody["jobgroups"], json!([]));
    Ok(())
}

/// The versions of `name` the agents have, as `version -> agent count`, per the API.
async fn versions_found(farm: &TestFarm, name: &str) -> anyhow::Result<Vec<(String, usize)>> {
    let (status, detail) =
        send(farm, Method::GET, &format!("/api/v1/software/{name}"), None).await?;
    anyhow::ensure!(status == 200, "{status}: {detail}");
    Ok(detail["versions"]
        .as_array()
        .map(|versions| {
            versions
                .iter()
                .map(|version| {
                    (
                        version["version"].as_str().unwrap_or_default().to_owned(),
                        version["agents"].as_array().map_or(0, Vec::len),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test]
async fn the_software_catalogue_is_checked_by_every_agent_and_guards_job_requirements()
-> anyhow::Result<()> {
    let mut farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        ..FarmOptions::default()
    })
    .await?;
    let fake = farm.dir().join("houdini-20.5");
    std::fs::write(&fake, "#!/bin/sh\necho 'Houdini 20.5.332'\n")?;
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let fake = fake.display().to_string();

    // A job that needs software nobody knows is refused: the name is most likely mistyped.
    let job = json!({
        "title": "sim", "jobtype": "command", "start": 1, "end": 2,
        "data": {"argv": ["true"]}, "software_requirements": ["houdini>=20"]
    });
    let (status, refused) = send(&farm, Method::POST, "/api/v1/jobs", Some(job.clone())).await?;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["field"], "software_requirements", "{refused}");

    // Malformed definitions name what is wrong and change nothing.
    for (body, needle) in [
        (json!({"versions": []}), "at least one version"),
        (
            json!({"versions": [{"version": "x.y", "checks": {"linux": {"command": ["a"]}}}]}),
            "x.y",
        ),
        (
            json!({"versions": [{"version": "1", "checks": {"plan9": {"command": ["a"]}}}]}),
            "plan9",
        ),
        (
            json!({"versions": [{"version": "1", "checks": {"linux": {"command": []}}}]}),
            "empty",
        ),
        (
            json!({"versions": [{"version": "1", "checks": {"linux": {"command": ["a"], "regex": "("}}}]}),
            "regex",
        ),
        (
            json!({"versions": [{"version": "1", "checks": {"linux": {"command": ["{path}"]}}}]}),
            "no path",
        ),
    ] {
        let (status, answer) =
            send(&farm, Method::PUT, "/api/v1/software/houdini", Some(body)).await?;
        assert_eq!(status, 422, "{answer}");
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|error| error.contains(needle)),
            "{needle}: {answer}"
        );
    }
    let (status, _) = send(&farm, Method::GET, "/api/v1/software/houdini", None).await?;
    assert_eq!(status, 404);

    // The catalogue defines three versions; only the one installed here is found.
    let definition = json!({"versions": [
        {"version": "20.5", "checks": {"linux": {"command": ["{path}"], "expect": "Houdini 20.5"}},
         "paths": {"linux": fake}},
        {"version": "19.5", "checks": {"linux": {"command": ["{path}"], "expect": "Houdini 19.5"}},
         "paths": {"linux": fake}},
        {"version": "21.0", "checks": {"linux": {"command": ["{path}"]}},
         "paths": {"linux": "/nonexistent/houdini-21.0"}}
    ]});
    let (status, created) = send(
        &farm,
        Method::PUT,
        "/api/v1/software/houdini",
        Some(definition.clone()),
    )
    .await?;
    assert_eq!(status, 201, "{created}");
    // Known now: the job is accepted, and waits for an agent with the software.
    let job_id = farm.submit(&job).await?;

    // A worker without any software configuration receives the catalogue and runs its checks.
    farm.start_worker(&[]).await?;
    farm.wait_for_online_agents(1).await?;
    let found = warren_tests::eventually(
        "the agent to report houdini 20.5",
        std::time::Duration::from_secs(30),
        || async {
            let found = versions_found(&farm, "houdini").await?;
            Ok(found.contains(&("20.5".to_owned(), 1)).then_some(found))
        },
    )
    .await?;
    assert_eq!(
        found,
        vec![
            ("19.5".to_owned(), 0),
            ("20.5".to_owned(), 1),
            ("21.0".to_owned(), 0)
        ]
    );
    let agent_id = farm.agent_id_of(0).await?;
    let software = farm
        .get_json(&format!("/api/v1/agents/{agent_id}/software"))
        .await?;
    assert_eq!(
        software["software"]["houdini"],
        json!(["20.5"]),
        "{software}"
    );
    let state = farm
        .wait_for_job_state(
            job_id.0,
            &["done", "failed"],
            std::time::Duration::from_secs(60),
        )
        .await?;
    assert_eq!(state["state"], "done", "{state}");

    // Changing the catalogue re-checks the agents: 20.5 now expects other output.
    let mut changed = definition.clone();
    changed["versions"][0]["checks"]["linux"]["expect"] = json!("Houdini 20.5.999");
    let (status, _) = send(
        &farm,
        Method::PUT,
        "/api/v1/software/houdini",
        Some(changed),
    )
    .await?;
    assert_eq!(status, 200);
    warren_tests::eventually(
        "the agent to check again and lose houdini 20.5",
        std::time::Duration::from_secs(30),
        || async {
            let found = versions_found(&farm, "houdini").await?;
            Ok(found.iter().all(|(_, agents)| *agents == 0).then_some(()))
        },
    )
    .await?;

    // The CLI defines one version from flags, shows it, lists it and removes it.
    let output = farm
        .warren(&[
            "software",
            "define",
            "tool",
            "--version",
            "1.2",
            "--os",
            "linux",
            "--command",
            "echo tool 1.2",
            "--expect",
            "tool 1.2",
        ])
        .await?;
    assert!(output.status.success(), "{output:?}");
    warren_tests::eventually(
        "the agent to find tool 1.2",
        std::time::Duration::from_secs(30),
        || async {
            Ok(versions_found(&farm, "tool")
                .await?
                .contains(&("1.2".to_owned(), 1))
                .then_some(()))
        },
    )
    .await?;
    let shown = farm.warren(&["software", "show", "tool"]).await?;
    let shown = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(
        shown.contains("1.2 (catalogue): 1 agent(s)") && shown.contains("test-node-0"),
        "{shown}"
    );
    let listed = farm.warren(&["software"]).await?;
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("tool") && line.contains("yes")),
        "{listed}"
    );
    let bad = farm
        .warren(&[
            "software",
            "define",
            "tool",
            "--version",
            "1.3",
            "--os",
            "beos",
            "--command",
            "x",
        ])
        .await?;
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("beos"),
        "{bad:?}"
    );
    let removed = farm.warren(&["software", "remove", "tool"]).await?;
    assert!(removed.status.success(), "{removed:?}");
    warren_tests::eventually(
        "tool to be gone: out of the catalogue, and the agent checked again without it",
        std::time::Duration::from_secs(30),
        || async {
            let (status, _) = send(&farm, Method::GET, "/api/v1/software/tool", None).await?;
            Ok((status == 404).then_some(()))
        },
    )
    .await?;
    Ok(())
}

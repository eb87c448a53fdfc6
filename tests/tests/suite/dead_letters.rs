//! Dead letters can be replayed once their cause is fixed, or deleted: the database refuses a
//! task's log (a trigger stands for a full disk or a broken schema), the events are kept as dead
//! letters, a replay before the fix fails again with a new dead letter, and a replay after it
//! brings the log and the job's end in.

use std::time::Duration;

use reqwest::Method;
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, eventually};

async fn dead_letters(farm: &TestFarm) -> anyhow::Result<Vec<Value>> {
    Ok(farm.get_json("/api/v1/dead-letters").await?["dead_letters"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

fn refused(letter: &Value) -> bool {
    letter["reason"]
        .as_str()
        .is_some_and(|reason| reason.contains("disk quota exceeded"))
}

#[tokio::test]
async fn an_event_the_database_refused_is_replayed_after_the_fix_and_its_log_appears()
-> anyhow::Result<()> {
    let farm = TestFarm::spawn(FarmOptions {
        database: DatabaseKind::Sqlite,
        lease_timeout_secs: 600,
        ..FarmOptions::default()
    })
    .await?;
    let db = sea_orm::Database::connect(farm.database_url()).await?;
    db.execute_unprepared(
        "CREATE TRIGGER refuse_logs BEFORE INSERT ON log_chunks \
         BEGIN SELECT RAISE(ABORT, 'disk quota exceeded'); END",
    )
    .await?;

    let job_id = farm
        .submit(&json!({
            "title": "refused log", "jobtype": "command", "start": 1, "end": 1,
            "data": {"argv": ["sh", "-c", "echo first line; echo second line"]}
        }))
        .await?;
    let first = eventually(
        "the refused log to be dead-lettered",
        Duration::from_secs(30),
        || async {
            let letters = dead_letters(&farm).await?;
            Ok(letters.iter().any(refused).then_some(letters))
        },
    )
    .await?;
    let letter = first
        .iter()
        .find(|letter| refused(letter))
        .cloned()
        .unwrap_or_default();
    assert_eq!(letter["replayable"], true, "{letter}");
    assert!(
        letter["user"]
            .as_str()
            .is_some_and(|user| user.contains("agent")),
        "the agent's own broker user published it: {letter}"
    );
    let letter_id = letter["id"].as_i64().expect("an id");

    // Replayed before the fix, it fails again: a new dead letter says so.
    let (status, answer) = farm
        .send_json(
            Method::POST,
            &format!("/api/v1/dead-letters/{letter_id}/replay"),
            None,
        )
        .await?;
    assert_eq!(status, 202, "{answer}");
    let again = eventually(
        "the replay to fail again",
        Duration::from_secs(30),
        || async {
            let letters = dead_letters(&farm).await?;
            Ok(letters
                .iter()
                .find(|letter| {
                    letter["reason"].as_str().is_some_and(|reason| {
                        reason.starts_with(&format!("replaying dead letter {letter_id}:"))
                    })
                })
                .cloned())
        },
    )
    .await?;
    assert!(refused(&again), "{again}");
    let letters = dead_letters(&farm).await?;
    let original = letters
        .iter()
        .find(|letter| letter["id"] == letter_id)
        .cloned()
        .unwrap_or_default();
    assert!(original["replayed_at"].is_string(), "{original}");

    // Fixed: every refused event not replayed yet is replayed once, from the CLI.
    db.execute_unprepared("DROP TRIGGER refuse_logs").await?;
    let pending: Vec<i64> = dead_letters(&farm)
        .await?
        .iter()
        .filter(|letter| refused(letter) && letter["replayed_at"].is_null())
        .filter_map(|letter| letter["id"].as_i64())
        .collect();
    assert!(!pending.is_empty());
    for id in &pending {
        let output = farm
            .warren(&["dead-letters", "replay", &id.to_string()])
            .await?;
        assert!(output.status.success(), "{output:?}");
    }
    let state = farm
        .wait_for_job_state(job_id.0, &["done", "failed"], Duration::from_secs(60))
        .await?;
    assert_eq!(state["state"], "done", "{state}");
    let tasks = farm.tasks(job_id.0).await?;
    let task_id = tasks[0]["id"].as_i64().expect("an id");
    let text = eventually(
        "the replayed log to read",
        Duration::from_secs(30),
        || async {
            let text = farm.task_log(job_id.0, task_id).await.unwrap_or_default();
            Ok(text.contains("second line").then_some(text))
        },
    )
    .await?;
    assert_eq!(text, "first line\nsecond line\n");
    let letters = eventually(
        "the replays to be marked",
        Duration::from_secs(30),
        || async {
            let letters = dead_letters(&farm).await?;
            Ok(pending
                .iter()
                .all(|id| {
                    letters
                        .iter()
                        .any(|letter| letter["id"] == *id && letter["replayed_at"].is_string())
                })
                .then_some(letters))
        },
    )
    .await?;
    let failed_again = letters
        .iter()
        .filter(|letter| {
            letter["reason"]
                .as_str()
                .is_some_and(|reason| reason.starts_with("replaying"))
        })
        .count();
    assert_eq!(
        failed_again, 1,
        "only the replay before the fix failed: {letters:?}"
    );

    // Deleted, a dead letter is gone; bad ids are refused.
    let output = farm
        .warren(&["dead-letters", "delete", &letter_id.to_string()])
        .await?;
    assert!(output.status.success(), "{output:?}");
    assert!(
        !dead_letters(&farm)
            .await?
            .iter()
            .any(|letter| letter["id"] == letter_id)
    );
    let output = farm
        .warren(&["dead-letters", "delete", &letter_id.to_string()])
        .await?;
    assert!(!output.status.success());
    let (status, _) = farm
        .send_json(Method::POST, "/api/v1/dead-letters/999999/replay", None)
        .await?;
    assert_eq!(status, 404);
    let listed = farm.warren(&["dead-letters"]).await?;
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("replaying dead letter"),
        "{listed:?}"
    );
    Ok(())
}

//! Golden fixtures: every message kind decodes from its stored JSON and encodes back to the same
//! JSON, so a change that would break master/worker compatibility fails here first.

use std::path::Path;

use warren_shared::{Envelope, Message};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

#[test]
fn every_message_kind_round_trips_through_its_fixture() {
    let cases = [
        ("task.json", "Task"),
        ("hello.json", "Hello"),
        ("heartbeat.json", "Heartbeat"),
        ("task_started.json", "TaskStarted"),
        ("task_progress.json", "TaskProgress"),
        ("log_chunk.json", "LogChunk"),
        ("task_finished.json", "TaskFinished"),
        ("task_declined.json", "TaskDeclined"),
        ("bye.json", "Bye"),
        ("cancel.json", "Cancel"),
        ("drain.json", "Drain"),
        ("subscribe.json", "Subscribe"),
        ("check_software.json", "CheckSoftware"),
        ("restart.json", "Restart"),
        ("withdraw.json", "Withdraw"),
        ("event_batch.json", "EventBatch"),
        ("join.json", "Join"),
        ("joined.json", "Joined"),
        ("join_refused.json", "JoinRefused"),
        ("farm_keys.json", "FarmKeys"),
        ("marker.json", "Marker"),
    ];
    for (file, kind) in cases {
        let payload = fixture(file);
        let message: Message =
            Envelope::decode(&payload).unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(message.kind(), kind, "{file}");
        let encoded = Envelope::new(message).encode();
        let expected: serde_json::Value =
            serde_json::from_slice(&payload).expect("fixture is JSON");
        let actual: serde_json::Value = serde_json::from_slice(&encoded).expect("encoding is JSON");
        assert_eq!(actual, expected, "{file} changed shape on the wire");
    }
}

//! Property tests on everything that reads outside input: message decoding (any bytes, and
//! valid messages with bytes flipped, dropped or cut), frame ranges, versions, software
//! requirements and tags. Each must answer with a value or an error, never a panic.

use std::path::Path;

use proptest::prelude::*;
use warren_shared::{
    Envelope, FrameRange, PathMap, SoftwareRequirement, Version, pathmap, requirements,
};

fn fixtures() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut payloads: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("the fixtures directory exists")
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .collect();
    payloads.sort();
    payloads
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn path_translation_never_panics_and_leaves_unmapped_text_alone(text in "\\PC{0,80}", root in "[A-Za-z]:\\\\[a-z]{1,8}") {
        let maps = vec![PathMap { linux: Some("/mnt/p".to_owned()), windows: Some(root), macos: None, tag: None }];
        let tags = std::collections::BTreeSet::new();
        let _ = pathmap::translate(&text, &maps, "linux", &tags);
        let _ = pathmap::translate(&text, &maps, "windows", &tags);
        prop_assert_eq!(pathmap::translate(&text, &[], "linux", &tags), text.clone());
        prop_assert_eq!(pathmap::translate(&text, &maps, "freebsd", &tags), text);
    }

    #[test]
    fn any_bytes_decode_to_a_message_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Envelope::decode(&bytes);
    }

    #[test]
    fn damaged_messages_decode_to_a_message_or_an_error(
        which in 0usize..64,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let payloads = fixtures();
        let mut payload = payloads[which % payloads.len()].clone();
        for (index, byte, action) in edits {
            if payload.is_empty() {
                break;
            }
            let at = index.index(payload.len());
            match action {
                0 => payload[at] = byte,
                1 => { payload.remove(at); }
                _ => payload.truncate(at),
            }
        }
        if let Ok(message) = Envelope::decode(&payload) {
            // Whatever decodes encodes again and decodes to the same kind.
            let again = Envelope::decode(&Envelope::new(message.clone()).encode());
            prop_assert!(again.is_ok_and(|decoded| decoded.kind() == message.kind()));
        }
    }

    #[test]
    fn any_json_shaped_like_an_envelope_is_handled(
        version in any::<i64>(),
        kind in "[A-Za-z]{0,16}",
        field in "[a-z_]{1,12}",
        value in any::<i64>(),
    ) {
        let text = format!(r#"{{"v": {version}, "kind": "{kind}", "{field}": {value}}}"#);
        let _ = Envelope::decode(text.as_bytes());
    }

    #[test]
    fn any_frame_range_is_valid_or_refused(start in any::<i64>(), end in any::<i64>(), by in any::<i64>(), batch in any::<i64>()) {
        if let Ok(range) = FrameRange::new(start, end, by) {
            let count = range.count();
            prop_assert!(count >= 1);
            if let Ok(batches) = range.batches(batch) {
                prop_assert_eq!(range.batch_count(batch), batches.count() as u64);
            }
        }
    }

    #[test]
    fn any_text_is_a_version_requirement_or_tag_or_an_error(text in "\\PC{0,80}") {
        let _ = Version::parse(&text);
        if let Ok(requirement) = SoftwareRequirement::parse(&text) {
            prop_assert!(!requirement.software.is_empty());
        }
        let _ = requirements::validate_tag(&text);
    }
}

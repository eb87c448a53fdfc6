//! Fuzz frame ranges and the parsers of job input: never a panic, batches cover the range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warren_shared::{FrameRange, SoftwareRequirement, Version};

fuzz_target!(|input: (i64, i64, i64, i64, &str)| {
    let (start, end, by, batch, text) = input;
    if let Ok(range) = FrameRange::new(start, end, by)
        && let Ok(batches) = range.batches(batch)
    {
        assert_eq!(batches.count() as u64, range.batch_count(batch));
    }
    let _ = Version::parse(text);
    let _ = SoftwareRequirement::parse(text);
});

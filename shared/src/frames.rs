//! Frame ranges (`start..=end` by `by`) and their split into batches, one batch per task.

use serde::{Deserialize, Serialize};

/// Why a frame range or batch size is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameRangeError {
    /// The range runs backwards.
    #[error("`end` ({end}) is before `start` ({start})")]
    EndBeforeStart {
        /// First frame asked for.
        start: i64,
        /// Last frame asked for.
        end: i64,
    },
    /// The step is zero or negative.
    #[error("`by` must be at least 1, got {by}")]
    StepNotPositive {
        /// The step asked for.
        by: i64,
    },
    /// The batch size is zero or negative.
    #[error("`batch` must be at least 1, got {batch}")]
    BatchNotPositive {
        /// The batch size asked for.
        batch: i64,
    },
    /// The range holds more frames than a job may have.
    #[error("the range holds {count} frames, more than the limit of {limit}")]
    TooManyFrames {
        /// Frames in the range.
        count: u64,
        /// The most frames a job may have.
        limit: u64,
    },
}

/// The most frames one job may hold; keeps a typo from creating billions of tasks.
pub const MAX_FRAMES_PER_JOB: u64 = 10_000_000;

/// An inclusive range of frames with a positive step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameRange {
    start: i64,
    end: i64,
    by: i64,
}

impl FrameRange {
    /// A validated range of frames `start, start + by, ..` not past `end`.
    pub fn new(start: i64, end: i64, by: i64) -> Result<Self, FrameRangeError> {
        if by < 1 {
            return Err(FrameRangeError::StepNotPositive { by });
        }
        if end < start {
            return Err(FrameRangeError::EndBeforeStart { start, end });
        }
        let range = Self { start, end, by };
        let count = range.count();
        if count > MAX_FRAMES_PER_JOB {
            return Err(FrameRangeError::TooManyFrames {
                count,
                limit: MAX_FRAMES_PER_JOB,
            });
        }
        Ok(range)
    }

    /// First frame.
    #[must_use]
    pub const fn start(&self) -> i64 {
        self.start
    }

    /// Upper bound given by the user (the last frame is at or below it).
    #[must_use]
    pub const fn end(&self) -> i64 {
        self.end
    }

    /// Step between frames.
    #[must_use]
    pub const fn by(&self) -> i64 {
        self.by
    }

    /// Number of frames in the range.
    #[must_use]
    pub fn count(&self) -> u64 {
        let span = i128::from(self.end) - i128::from(self.start);
        let count = span / i128::from(self.by) + 1;
        u64::try_from(count).unwrap_or(u64::MAX)
    }

    /// Every frame in order.
    pub fn frames(&self) -> impl Iterator<Item = i64> + '_ {
        let by = self.by;
        let count = self.count();
        (0..count).map(move |frame_idx| nth_frame(self.start, frame_idx, by))
    }

    /// Split the range into consecutive batches of at most `batch` frames.
    pub fn batches(
        &self,
        batch: i64,
    ) -> Result<impl Iterator<Item = FrameBatch> + '_, FrameRangeError> {
        if batch < 1 {
            return Err(FrameRangeError::BatchNotPositive { batch });
        }
        let count = self.count();
        let batch = batch as u64;
        let n_batches = count.div_ceil(batch);
        let by = self.by;
        let start = self.start;
        Ok((0..n_batches).map(move |batch_idx| {
            let first_idx = batch_idx * batch;
            let n_frames = batch.min(count - first_idx);
            FrameBatch {
                index: batch_idx as i64,
                first: nth_frame(start, first_idx, by),
                last: nth_frame(start, first_idx + n_frames - 1, by),
                by,
            }
        }))
    }

    /// Number of batches of `batch` frames; zero when `batch` is not positive.
    #[must_use]
    pub fn batch_count(&self, batch: i64) -> u64 {
        if batch < 1 {
            0
        } else {
            self.count().div_ceil(batch as u64)
        }
    }
}

/// The frames of one task: `first, first + by, ..= last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameBatch {
    /// Position of the batch within its job, from 0.
    pub index: i64,
    /// First frame of the batch.
    pub first: i64,
    /// Last frame of the batch.
    pub last: i64,
    /// Step between frames.
    pub by: i64,
}

impl FrameBatch {
    /// Number of frames in the batch.
    #[must_use]
    pub fn len(&self) -> u64 {
        if self.by < 1 || self.last < self.first {
            return 0;
        }
        let span = i128::from(self.last) - i128::from(self.first);
        u64::try_from(span / i128::from(self.by) + 1).unwrap_or(0)
    }

    /// Whether the batch holds no frame (never true for batches made by [`FrameRange::batches`]).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The batch's frames in order.
    pub fn frames(&self) -> impl Iterator<Item = i64> + '_ {
        let count = self.len();
        (0..count).map(move |frame_idx| nth_frame(self.first, frame_idx, self.by))
    }
}

/// `start + n * by`, computed wide: the product alone may not fit an `i64` even when the frame,
/// which lies between a range's bounds, does.
fn nth_frame(start: i64, n: u64, by: i64) -> i64 {
    let frame = i128::from(start) + i128::from(n) * i128::from(by);
    i64::try_from(frame).unwrap_or(if frame < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn twelve_frames_in_batches_of_three_make_four_tasks() {
        let range = FrameRange::new(1, 12, 1).expect("valid range");
        let batches: Vec<Vec<i64>> = range
            .batches(3)
            .expect("valid batch")
            .map(|batch| batch.frames().collect())
            .collect();
        assert_eq!(
            batches,
            vec![
                vec![1, 2, 3],
                vec![4, 5, 6],
                vec![7, 8, 9],
                vec![10, 11, 12]
            ]
        );
    }

    #[test]
    fn a_step_skips_frames_and_the_end_need_not_be_hit() {
        let range = FrameRange::new(0, 10, 4).expect("valid range");
        assert_eq!(range.frames().collect::<Vec<_>>(), vec![0, 4, 8]);
        let batches: Vec<FrameBatch> = range.batches(2).expect("valid batch").collect();
        assert_eq!(batches.len(), 2);
        assert_eq!((batches[0].first, batches[0].last), (0, 4));
        assert_eq!((batches[1].first, batches[1].last), (8, 8));
    }

    #[test]
    fn invalid_ranges_are_rejected_with_the_reason() {
        assert_eq!(
            FrameRange::new(5, 1, 1),
            Err(FrameRangeError::EndBeforeStart { start: 5, end: 1 })
        );
        assert_eq!(
            FrameRange::new(1, 5, 0),
            Err(FrameRangeError::StepNotPositive { by: 0 })
        );
        assert_eq!(
            FrameRange::new(1, 5, -2),
            Err(FrameRangeError::StepNotPositive { by: -2 })
        );
        let range = FrameRange::new(1, 5, 1).expect("valid range");
        assert!(matches!(
            range.batches(0),
            Err(FrameRangeError::BatchNotPositive { batch: 0 })
        ));
        assert!(matches!(
            FrameRange::new(i64::MIN, i64::MAX, 1),
            Err(FrameRangeError::TooManyFrames { .. })
        ));
    }

    proptest! {
        #[test]
        fn batches_cover_every_frame_once_in_order(
            start in -10_000i64..10_000,
            len in 0i64..5_000,
            by in 1i64..50,
            batch in 1i64..200,
        ) {
            let range = FrameRange::new(start, start + len, by).expect("valid range");
            let frames: Vec<i64> = range.frames().collect();
            prop_assert_eq!(frames.len() as u64, range.count());
            prop_assert!(frames.iter().all(|frame| (start..=start + len).contains(frame)));
            prop_assert!(frames.windows(2).all(|pair| pair[1] - pair[0] == by));

            let batches: Vec<FrameBatch> = range.batches(batch).expect("valid batch").collect();
            prop_assert_eq!(batches.len() as u64, range.batch_count(batch));
            let rejoined: Vec<i64> = batches.iter().flat_map(|batch| batch.frames().collect::<Vec<_>>()).collect();
            prop_assert_eq!(&rejoined, &frames);
            for (batch_idx, frame_batch) in batches.iter().enumerate() {
                prop_assert_eq!(frame_batch.index, batch_idx as i64);
                prop_assert!(!frame_batch.is_empty());
                prop_assert!(frame_batch.len() <= batch as u64);
                if batch_idx + 1 < batches.len() {
                    prop_assert_eq!(frame_batch.len(), batch as u64);
                }
            }
        }
    }
}

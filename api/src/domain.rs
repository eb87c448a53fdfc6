//! Values the API accepts, checked while a request is parsed: the master refuses a body that
//! holds one out of range (422, naming the field) before a handler runs, so no handler checks
//! them again; a client building a body cannot make one out of range.
//!
//! Each error message leaves out the field's name (`must be at least 1, got 0`): the master's
//! extractor knows which field failed and puts it in front
//! (`` `weight` must be at least 1, got 0 ``).

use std::fmt;

/// A value outside what its type allows; the message reads after the field's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OutOfRange(String);

/// Declares an `i32` newtype that holds only values in `$min..=$max`.
macro_rules! bounded_i32 {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $message:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "i32", into = "i32")]
        pub struct $name(i32);

        impl $name {
            /// The smallest value allowed.
            pub const MIN: i32 = $min;
            /// The largest value allowed.
            pub const MAX: i32 = $max;

            /// The number.
            #[must_use]
            pub const fn get(self) -> i32 {
                self.0
            }
        }

        impl TryFrom<i32> for $name {
            type Error = OutOfRange;

            fn try_from(value: i32) -> Result<Self, OutOfRange> {
                if (Self::MIN..=Self::MAX).contains(&value) {
                    Ok(Self(value))
                } else {
                    let message: fn(i32) -> String = $message;
                    Err(OutOfRange(message(value)))
                }
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(formatter)
            }
        }
    };
}

bounded_i32!(
    /// A job's or job queue's priority: -1000 to 1000, higher first.
    Priority,
    -1000,
    1000,
    |value| format!("must be between -1000 and 1000, got {value}")
);

bounded_i32!(
    /// A share among equals (jobs or queues of the same priority): at least 1.
    Weight,
    1,
    i32::MAX,
    |value| format!("must be at least 1, got {value}")
);

bounded_i32!(
    /// A number of agents (a minimum or maximum): not negative.
    AgentCount,
    0,
    i32::MAX,
    |value| format!("must not be negative, got {value}")
);

bounded_i32!(
    /// Days logs are kept after a job ends: 0 (pruned at the next run) to 100 years.
    RetentionDays,
    0,
    36_500,
    |value| format!("must be between 0 and 36500 days, got {value}")
);

impl Default for Priority {
    /// Priority 0, the middle.
    fn default() -> Self {
        Self(0)
    }
}

/// The default weight of a job or queue.
pub const DEFAULT_WEIGHT: Weight = Weight(10);

/// A job's title: 1 to 512 bytes of UTF-8 after trimming.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    /// Most bytes a title has.
    pub const MAX_BYTES: usize = 512;

    /// The title, trimmed.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Title {
    type Error = OutOfRange;

    fn try_from(text: String) -> Result<Self, OutOfRange> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.len() > Self::MAX_BYTES {
            return Err(OutOfRange(format!(
                "must be 1 to {} characters",
                Self::MAX_BYTES
            )));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

impl From<Title> for String {
    fn from(title: Title) -> String {
        title.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

/// A limit's name: 1 to 64 letters, digits, `-`, `_` or `.`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct LimitName(String);

impl LimitName {
    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `name` is 1 to 64 letters, digits, `-`, `_` or `.` (limit and software names).
#[must_use]
pub fn is_short_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

impl TryFrom<String> for LimitName {
    type Error = OutOfRange;

    fn try_from(name: String) -> Result<Self, OutOfRange> {
        if !is_short_name(&name) {
            return Err(OutOfRange(format!(
                "must be 1 to 64 letters, digits, `-`, `_` or `.`, got `{name}`"
            )));
        }
        Ok(Self(name))
    }
}

impl From<LimitName> for String {
    fn from(name: LimitName) -> String {
        name.0
    }
}

impl fmt::Display for LimitName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

/// Whether `message` is one of this module's (it reads after a field's name).
#[must_use]
pub fn reads_after_field(message: &str) -> bool {
    message.starts_with("must ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_out_of_range_are_refused_while_parsing() {
        let parsed: Result<Priority, _> = serde_json::from_str("1001");
        assert_eq!(
            parsed.expect_err("out of range").to_string(),
            "must be between -1000 and 1000, got 1001"
        );
        assert_eq!(
            serde_json::from_str::<Priority>("-1000")
                .expect("in range")
                .get(),
            -1000
        );
        assert!(serde_json::from_str::<Weight>("0").is_err());
        assert!(serde_json::from_str::<LimitName>("\"nuke license\"").is_err());
        assert_eq!(
            serde_json::from_str::<LimitName>("\"nuke-1.2\"")
                .expect("a limit name")
                .as_str(),
            "nuke-1.2"
        );
        assert!(serde_json::from_str::<AgentCount>("-1").is_err());
        assert_eq!(
            serde_json::to_string(&DEFAULT_WEIGHT).expect("serializes"),
            "10"
        );
        assert_eq!(
            serde_json::from_str::<Title>("\"  a title \"")
                .expect("a title")
                .as_str(),
            "a title"
        );
        assert!(serde_json::from_str::<Title>("\"   \"").is_err());
        assert!(serde_json::from_str::<Title>(&format!("\"{}\"", "x".repeat(513))).is_err());
    }
}

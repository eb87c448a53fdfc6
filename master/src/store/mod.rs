//! Database queries behind the API: jobs, tasks, logs, agents and requirement classes.
//! The dispatcher's and ingester's write paths live with them, in `dispatcher` and `ingester`.

pub mod agents;
pub mod classes;
pub mod control;
pub mod counters;
pub mod credentials;
pub mod dead_letters;
pub mod failures;
pub mod groups;
pub mod jobs;
pub mod jobtypes;
pub mod keys;
pub mod leases;
pub mod limits;
pub mod logs;
pub mod pathmaps;
pub mod queues;
pub mod scheduling;
pub mod statistics;
pub mod tags;
pub mod tasks;
pub mod users;

use sea_orm::DbErr;

/// Result with the store's [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What can go wrong reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database error")]
    Db(#[from] DbErr),
    /// A named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A value given by the caller is not acceptable.
    #[error("{message}")]
    Invalid {
        /// The field concerned.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The change conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// A stored value could not be read back.
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// An invalid-field error.
    pub fn invalid(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Invalid {
            field,
            message: message.to_string(),
        }
    }
}

/// At most `max_bytes` of `text`, without NUL characters (PostgreSQL text cannot hold them).
pub fn truncate(text: &str, max_bytes: usize) -> String {
    let mut cut = text.len().min(max_bytes);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].replace('\0', "\u{fffd}")
}

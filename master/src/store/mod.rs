//! Every SQL statement of the master, by aggregate (jobs, tasks, agents, queues, limits, logs,
//! …): the API's reads and writes and the dispatcher's, ingester's, leases' and `check`'s
//! write paths. Task state changes take the batch's [`counters::CountDeltas`];
//! `tidy::only_the_store_writes_sql` keeps SQL from appearing anywhere else.

pub mod agents;
pub mod autoscale;
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
pub mod restarts;
pub mod scheduling;
pub mod software;
pub mod statistics;
pub mod tags;
pub mod tasks;
pub mod users;
pub mod webhooks;

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

/// A text column holding one of an enum's names, read as the enum (`row.state.0`): a name the
/// enum does not know fails the read as a type error, never becomes a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named<T>(pub T);

impl<T: std::str::FromStr> sea_orm::TryGetable for Named<T> {
    fn try_get_by<I: sea_orm::ColIdx>(
        result: &sea_orm::QueryResult,
        index: I,
    ) -> std::result::Result<Self, sea_orm::TryGetError> {
        let text = String::try_get_by(result, index)?;
        text.parse().map(Named).map_err(|_| {
            sea_orm::TryGetError::DbErr(DbErr::Type(format!(
                "stored value is corrupt: `{text}` is no {}",
                std::any::type_name::<T>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("value")
            )))
        })
    }
}

/// A row of one `id` column.
#[derive(sea_orm::FromQueryResult)]
pub(crate) struct Id {
    pub id: i64,
}

/// A row whose `job_id` is all that is read (e.g. tasks an update moved).
#[derive(sea_orm::FromQueryResult)]
pub(crate) struct JobIdRow {
    pub job_id: i64,
}

/// A row of one `n` column, a count.
#[derive(sea_orm::FromQueryResult)]
pub(crate) struct Count {
    pub n: i64,
}

/// The `n` a `SELECT COUNT(*) AS n ...` statement answers (0 without a row).
pub(crate) async fn count(
    connection: &impl sea_orm::ConnectionTrait,
    statement: sea_orm::Statement,
) -> std::result::Result<i64, sea_orm::DbErr> {
    use sea_orm::FromQueryResult as _;
    Ok(Count::find_by_statement(statement)
        .one(connection)
        .await?
        .map_or(0, |count| count.n))
}

/// The `id`s a statement answers, in its order.
pub(crate) async fn ids(
    connection: &impl sea_orm::ConnectionTrait,
    statement: sea_orm::Statement,
) -> std::result::Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::FromQueryResult as _;
    Ok(Id::find_by_statement(statement)
        .all(connection)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// The `id` of the first row a statement answers.
pub(crate) async fn first_id(
    connection: &impl sea_orm::ConnectionTrait,
    statement: sea_orm::Statement,
) -> std::result::Result<Option<i64>, sea_orm::DbErr> {
    use sea_orm::FromQueryResult as _;
    Ok(Id::find_by_statement(statement)
        .one(connection)
        .await?
        .map(|row| row.id))
}

/// The value of a JSON column of `owner` (e.g. "job 7"); text that does not parse is
/// [`StoreError::Corrupt`], never a silent default.
pub fn json_column<T: serde::de::DeserializeOwned>(
    owner: impl std::fmt::Display,
    column: &str,
    text: &str,
) -> Result<T> {
    serde_json::from_str(text).map_err(|error| {
        StoreError::Corrupt(format!(
            "the {column} of {owner} is not valid JSON: {error}"
        ))
    })
}

impl crate::db::MayConflict for StoreError {
    fn is_conflict(&self) -> bool {
        matches!(self, Self::Db(error) if crate::db::is_conflict(error))
    }
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

#[cfg(test)]
mod tidy {
    use std::path::{Path, PathBuf};

    /// What only the data layer may write: SQL text, raw statements, entity queries, and the
    /// task-state moves that keep job counters right.
    const DATA_LAYER_ONLY: &[&str] = &[
        "execute_raw",
        "query_all_raw",
        "query_one_raw",
        "execute_unprepared",
        "update_returning",
        "find_by_statement",
        "Entity::",
        "ActiveModel",
        ".moved(",
        ".moved_many(",
    ];

    fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("the source directory is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                found.push(path);
            }
        }
    }

    /// Only `store/` writes SQL and moves task states; `db/` holds the connection, migrations
    /// and the helpers the store uses, `entities/` the table definitions. Unit tests at the end
    /// of a file (after `#[cfg(test)]`) may set up rows directly.
    #[test]
    fn only_the_store_writes_sql() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let sql = regex::Regex::new(r#""(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) "#)
            .expect("the pattern compiles");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let mut offences = Vec::new();
        for file in files {
            let relative = file.strip_prefix(&root).expect("a file under src");
            let top = relative.components().next().expect("a path component");
            if ["store", "db", "entities"]
                .iter()
                .any(|allowed| top.as_os_str() == *allowed)
            {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            for (number, line) in text.lines().enumerate() {
                if line.trim() == "#[cfg(test)]" {
                    break;
                }
                if sql.is_match(line) || DATA_LAYER_ONLY.iter().any(|word| line.contains(word)) {
                    offences.push(format!(
                        "{}:{}: {}",
                        relative.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
        assert!(
            offences.is_empty(),
            "only store/ may write SQL or move task states:\n{}",
            offences.join("\n")
        );
    }
}

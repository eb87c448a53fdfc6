//! Database connection, migrations and the small helpers every query module shares.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use warren_migrations::Migrator;

/// Open the database at `url` with settings suited to Warren's write pattern.
///
/// SQLite runs in WAL mode with `synchronous = FULL`: readers never block the writer and every
/// commit is durable before the master acks the broker messages it came from.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options
            .max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true)
            });
    } else {
        // A short wait for a connection, so requests get a 503 soon while the server is down.
        options
            .max_connections(16)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5));
    }
    Database::connect(options).await
}

/// Apply pending migrations.
pub async fn migrate(connection: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(connection, None).await
}

/// Begin a transaction that will write. On SQLite it takes the write lock at once, so two
/// writers queue on the busy timeout instead of failing when a reader upgrades.
pub async fn begin_write(connection: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    connection
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
}

/// Microseconds since the Unix epoch, the unit of every time column.
#[must_use]
pub fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros() as i64)
}

/// A time column as RFC 3339 text for the API.
#[must_use]
pub fn rfc3339(micros: i64) -> String {
    let nanos = i128::from(micros) * 1000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|moment| {
            moment
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Microseconds since the epoch of a message timestamp.
#[must_use]
pub fn micros_of(moment: time::OffsetDateTime) -> i64 {
    (moment.unix_timestamp_nanos() / 1000) as i64
}

/// Whether a database error is a unique-constraint violation.
#[must_use]
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Whether a database error is worth retrying the whole transaction for (lock contention,
/// deadlock, serialization failure, a dropped connection).
#[must_use]
pub fn is_transient(error: &DbErr) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    [
        "database is locked",
        "deadlock",
        "could not serialize",
        "connection",
        "pool timed out",
        "busy",
    ]
    .iter()
    .any(|needle| text.contains(needle))
        || is_unavailable(error)
}

/// Whether a database error means the database cannot be reached (down, restarting, no
/// connection to be had), as opposed to a problem with the statement.
#[must_use]
pub fn is_unavailable(error: &DbErr) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    [
        "pool timed out",
        "error communicating",
        "connection refused",
        "connection reset",
        "broken pipe",
        "shutting down",
        "terminating connection",
        "connection closed",
        "starting up",
        "unexpected eof",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// `?`-style placeholders for `count` values in the backend's syntax, starting at `first`
/// (1-based; PostgreSQL numbers its placeholders).
#[must_use]
pub fn placeholders(backend: DbBackend, first: usize, count: usize) -> String {
    let mut text = String::with_capacity(count * 4);
    for value_idx in 0..count {
        if value_idx > 0 {
            text.push(',');
        }
        match backend {
            DbBackend::Postgres => {
                text.push('$');
                text.push_str(&(first + value_idx).to_string());
            }
            _ => text.push('?'),
        }
    }
    text
}

/// The one placeholder at position `position` (1-based).
#[must_use]
pub fn placeholder(backend: DbBackend, position: usize) -> String {
    placeholders(backend, position, 1)
}

/// A connection's backend.
pub fn backend_of(connection: &impl ConnectionTrait) -> DbBackend {
    connection.get_database_backend()
}

/// A statement from SQL written with `?` placeholders, numbered for PostgreSQL.
/// The SQL must not contain `?` anywhere else (Warren's statements never do).
#[must_use]
pub fn sql(backend: DbBackend, text: &str, values: Vec<sea_orm::Value>) -> sea_orm::Statement {
    let text = if backend == DbBackend::Postgres {
        let mut numbered = String::with_capacity(text.len() + 16);
        let mut position = 0;
        for character in text.chars() {
            if character == '?' {
                position += 1;
                numbered.push('$');
                numbered.push_str(&position.to_string());
            } else {
                numbered.push(character);
            }
        }
        numbered
    } else {
        text.to_owned()
    };
    sea_orm::Statement::from_sql_and_values(backend, text, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let statement = sql(
            DbBackend::Postgres,
            "UPDATE t SET a = ? WHERE b = ?",
            vec![1.into(), 2.into()],
        );
        assert_eq!(statement.sql, "UPDATE t SET a = $1 WHERE b = $2");
        let statement = sql(
            DbBackend::Sqlite,
            "UPDATE t SET a = ? WHERE b = ?",
            vec![1.into(), 2.into()],
        );
        assert_eq!(statement.sql, "UPDATE t SET a = ? WHERE b = ?");
        assert!(rfc3339(1_795_428_000_123_456).starts_with("2026-11-23T"));
    }
}

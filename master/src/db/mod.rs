//! Database connection, migrations and the small helpers every query module shares.

pub mod leader;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionSession as _, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use warren_migrations::Migrator;

/// Open the database at `url` with settings suited to Warren's write pattern.
///
/// SQLite runs in WAL mode with `synchronous = FULL`: readers never block the writer and every
/// commit is durable before the master acks the broker messages it came from.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(mysql_scheme(url).into_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        // A connection is checked before use only after it sat idle: checking every one cost a
        // round trip per statement outside a transaction. A connection that broke while in use
        // fails its statement with a transient error, which the caller retries.
        .test_before_acquire_if_idle_for(Duration::from_secs(10));
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
        if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            options.map_sqlx_mysql_pool_opts(|pool| {
                pool.after_connect(|connection, _| {
                    Box::pin(async move {
                        use sea_orm::sqlx::Executor as _;
                        for statement in MYSQL_SESSION {
                            (&mut *connection).execute(statement).await?;
                        }
                        Ok(())
                    })
                })
            });
        }
    }
    Database::connect(options).await
}

/// Every MariaDB/MySQL session: double quotes around identifiers (Warren's SQL quotes the
/// reserved words it uses as column names, such as `load`, the standard way), backslashes as
/// plain characters in strings, `||` as concatenation, and read-committed transactions like
/// PostgreSQL's, so a locking read sees the latest committed rows.
const MYSQL_SESSION: [&str; 2] = [
    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES')",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
];

/// `mariadb://` is accepted as another name for `mysql://`.
fn mysql_scheme(url: &str) -> std::borrow::Cow<'_, str> {
    match url.strip_prefix("mariadb:") {
        Some(rest) => format!("mysql:{rest}").into(),
        None => url.into(),
    }
}

/// Apply pending migrations.
///
/// On MariaDB/MySQL the database is first given the `utf8mb4_bin` collation, so names, titles
/// and tags compare byte for byte as on SQLite and PostgreSQL rather than ignoring case and
/// accents. A session keeps the collation its database had when it chose it, so the migrations
/// run on one connection of their own, opened for them.
pub async fn migrate(connection: &DatabaseConnection) -> Result<(), DbErr> {
    if backend_of(connection) != DbBackend::MySql {
        return Migrator::up(connection, None).await;
    }
    let options = connection.get_mysql_connection_pool().connect_options();
    let pool = sea_orm::sqlx::pool::PoolOptions::<sea_orm::sqlx::MySql>::new()
        .max_connections(1)
        .connect_with((*options).clone())
        .await
        .map_err(|error| DbErr::Custom(format!("cannot connect to migrate: {error}")))?;
    let single = sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(pool);
    let collation = single
        .query_one_raw(sql(
            DbBackend::MySql,
            "SELECT @@collation_database AS collation",
            Vec::new(),
        ))
        .await?
        .map(|row| row.try_get::<String>("", "collation"))
        .transpose()?;
    if collation.as_deref() != Some(MYSQL_COLLATION) {
        single
            .execute_unprepared(&format!(
                "ALTER DATABASE CHARACTER SET utf8mb4 COLLATE {MYSQL_COLLATION}"
            ))
            .await?;
    }
    let migrated = Migrator::up(&single, None).await;
    single.close().await?;
    migrated
}

/// The collation of a MariaDB/MySQL database of Warren's.
const MYSQL_COLLATION: &str = "utf8mb4_bin";

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

/// An error that can say whether its transaction lost a race with a concurrent one (see
/// [`is_conflict`]), so [`write_transaction`] knows to run it again.
pub trait MayConflict {
    /// Whether running the transaction again is expected to succeed.
    fn is_conflict(&self) -> bool;
}

impl MayConflict for DbErr {
    fn is_conflict(&self) -> bool {
        is_conflict(self)
    }
}

/// How often and how soon a conflicting write runs again: 20, 100, then 500 ms (with jitter),
/// time for the transaction that won to finish.
fn conflict_backoff() -> backon::ExponentialBuilder {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_factor(5.0)
        .with_max_times(3)
        .with_jitter()
}

/// Run `work` in a write transaction ([`begin_write`]) and commit it. A transaction that lost
/// a race with a concurrent one (a deadlock, a serialization failure, SQLite's lock) is rolled
/// back by the database and `work` runs again in a new one, up to four times in all.
///
/// `work` must only touch the database: whatever should happen once the change is committed
/// (messages to workers, emails, wake-ups) it returns in `T` for the caller to do, so a retry
/// never repeats a side effect.
///
/// # Errors
/// The last attempt's error.
pub async fn write_transaction<T, E, F, Fut>(
    connection: &DatabaseConnection,
    work: F,
) -> Result<T, E>
where
    F: Fn(Arc<DatabaseTransaction>) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<DbErr> + MayConflict,
{
    use backon::Retryable as _;
    let once = || async {
        let transaction = Arc::new(begin_write(connection).await?);
        let value = work(transaction.clone()).await?;
        let transaction = Arc::into_inner(transaction).ok_or_else(|| {
            DbErr::Custom("a write transaction was kept past its work".to_owned())
        })?;
        transaction.commit().await?;
        Ok(value)
    };
    once.retry(conflict_backoff())
        .when(E::is_conflict)
        .notify(|_: &E, delay: Duration| {
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                "a write conflicted with a concurrent one; running it again"
            );
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
    ["connection", "pool timed out", "busy"]
        .iter()
        .any(|needle| text.contains(needle))
        || is_conflict(error)
        || is_unavailable(error)
}

/// Whether a database error means the transaction lost a race with a concurrent one and was
/// rolled back (a deadlock, a serialization failure, a lock wait that timed out): running it
/// again is expected to succeed.
#[must_use]
pub fn is_conflict(error: &DbErr) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    [
        "deadlock",
        "could not serialize",
        "lock wait timeout",
        "database is locked",
    ]
    .iter()
    .any(|needle| text.contains(needle))
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

/// `WITH <name>(<columns>) AS (VALUES (?, ...), ...)` for `rows` rows of `?` placeholders (pass
/// the text through [`sql`]): a table of values that one `UPDATE ... FROM <name>` applies row by
/// row. SQLite and PostgreSQL only; MariaDB has no `UPDATE ... FROM`.
#[must_use]
pub fn values_table(name: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "WITH {name}({}) AS (VALUES {}) ",
        columns.join(", "),
        vec![row.as_str(); rows].join(", ")
    )
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
///
/// Warren's SQL is written once for SQLite and PostgreSQL; for MariaDB/MySQL this rewrites the
/// one construct that differs everywhere, `CAST(... AS BIGINT)`, to `CAST(... AS SIGNED)`.
/// Upserts and `UPDATE ... RETURNING` differ in shape, not spelling: see
/// [`on_conflict_do_nothing`], [`on_conflict_update`] and [`update_returning`].
#[must_use]
pub fn sql(backend: DbBackend, text: &str, values: Vec<sea_orm::Value>) -> sea_orm::Statement {
    let text = match backend {
        DbBackend::Postgres => {
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
        }
        DbBackend::MySql => text.replace(" AS BIGINT)", " AS SIGNED)"),
        _ => text.to_owned(),
    };
    sea_orm::Statement::from_sql_and_values(backend, text, values)
}

/// The end of an `INSERT` that skips rows whose unique `key` (comma-separated columns) exists.
#[must_use]
pub fn on_conflict_do_nothing(backend: DbBackend, key: &str) -> String {
    match backend {
        DbBackend::MySql => {
            let first = key.split(',').next().unwrap_or(key).trim();
            format!(" ON DUPLICATE KEY UPDATE {first} = {first}")
        }
        _ => format!(" ON CONFLICT ({key}) DO NOTHING"),
    }
}

/// The end of an `INSERT` that, when the unique `key` exists, applies `set` to the existing row
/// (`set` names the existing row's columns as `table.column`).
#[must_use]
pub fn on_conflict_update(backend: DbBackend, key: &str, set: &str) -> String {
    match backend {
        DbBackend::MySql => format!(" ON DUPLICATE KEY UPDATE {set}"),
        _ => format!(" ON CONFLICT ({key}) DO UPDATE SET {set}"),
    }
}

/// An `UPDATE ... RETURNING`: `UPDATE {table} SET {set} WHERE {rows} RETURNING {returning}`,
/// the `?` values of `set` first, then those of `rows`. Rows come back in no particular order.
///
/// MariaDB and MySQL have no `UPDATE ... RETURNING`; there, in one transaction (a savepoint
/// inside the caller's), the rows are locked and their `id`s (of type `K`) read with
/// `SELECT id FROM {table} WHERE {rows} FOR UPDATE`, updated by id, and read back.
pub async fn update_returning<K, C>(
    connection: &C,
    update: Update<'_>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr>
where
    K: sea_orm::TryGetable + Into<sea_orm::Value>,
    C: ConnectionTrait + TransactionTrait,
{
    let backend = backend_of(connection);
    let Update {
        table,
        set,
        mut set_values,
        rows,
        rows_values,
        returning,
    } = update;
    if backend != DbBackend::MySql {
        set_values.extend(rows_values);
        let text = format!("UPDATE {table} SET {set} WHERE {rows} RETURNING {returning}");
        return connection
            .query_all_raw(sql(backend, &text, set_values))
            .await;
    }
    let transaction = connection.begin().await?;
    let locked = transaction
        .query_all_raw(sql(
            backend,
            &format!("SELECT id FROM {table} WHERE {rows} FOR UPDATE"),
            rows_values,
        ))
        .await?;
    let ids = locked
        .iter()
        .map(|row| row.try_get::<K>("", "id").map(Into::into))
        .collect::<Result<Vec<sea_orm::Value>, DbErr>>()?;
    if ids.is_empty() {
        transaction.commit().await?;
        return Ok(Vec::new());
    }
    let list = placeholders(backend, 1, ids.len());
    set_values.extend(ids.iter().cloned());
    transaction
        .execute_raw(sql(
            backend,
            &format!("UPDATE {table} SET {set} WHERE id IN ({list})"),
            set_values,
        ))
        .await?;
    let updated = transaction
        .query_all_raw(sql(
            backend,
            &format!("SELECT {returning} FROM {table} WHERE id IN ({list})"),
            ids,
        ))
        .await?;
    transaction.commit().await?;
    Ok(updated)
}

/// The parts of an [`update_returning`].
#[derive(Debug, Default)]
pub struct Update<'a> {
    /// The table, optionally with an alias (`tasks c`).
    pub table: &'a str,
    /// The assignments, with `?` for values.
    pub set: &'a str,
    /// The values of `set`'s placeholders.
    pub set_values: Vec<sea_orm::Value>,
    /// Which rows: a `WHERE` condition (on MariaDB/MySQL, which cannot take `LIMIT` in an `IN`
    /// subquery, it may end in `ORDER BY ... LIMIT ?`).
    pub rows: &'a str,
    /// The values of `rows`' placeholders.
    pub rows_values: Vec<sea_orm::Value>,
    /// The columns to return, as they are after the update.
    pub returning: &'a str,
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

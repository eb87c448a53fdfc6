//! Which master leads: several masters may serve the API and ingest events against one
//! PostgreSQL or MariaDB database, but only one at a time dispatches, expires leases, sends job
//! emails and samples statistics. The leader holds a lock tied to a connection of its own (a
//! PostgreSQL advisory lock, a MariaDB/MySQL named lock); when it dies its connection closes, the
//! lock is released, and another master takes it on its next try (every second). A master on
//! SQLite always leads (one master per database file).

use std::time::Duration;

use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, MySql, Postgres};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::watch;
use warren_broker::Shutdown;

/// How often a standby master tries to take the lead, and the leader checks it still holds it.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Longest wait for the database to answer a check; past it, the leader steps down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// How leadership is decided for one database.
#[derive(Debug, Clone)]
pub enum Election {
    /// The only master (SQLite).
    Sole,
    /// Whoever holds the advisory lock `key` on PostgreSQL.
    AdvisoryLock {
        /// The database.
        db: DatabaseConnection,
        /// The lock, derived from the farm's namespace.
        key: i64,
    },
    /// Whoever holds the named lock `name` on MariaDB/MySQL.
    NamedLock {
        /// The database.
        db: DatabaseConnection,
        /// `warren-leader:` and the farm's namespace, at most 64 characters.
        name: String,
    },
}

impl Election {
    /// The election for masters of the farm `namespace` on `db`.
    #[must_use]
    pub fn for_database(db: &DatabaseConnection, namespace: &str) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Self::AdvisoryLock {
                db: db.clone(),
                key: lock_key(namespace),
            },
            DatabaseBackend::MySql => Self::NamedLock {
                db: db.clone(),
                name: lock_name(namespace),
            },
            _ => Self::Sole,
        }
    }
}

/// A stable 63-bit key for the farm's lock (FNV-1a of a fixed prefix and the namespace).
#[must_use]
pub fn lock_key(namespace: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in b"warren-leader:".iter().chain(namespace.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 1) as i64
}

/// The farm's named lock: MariaDB and MySQL take names of up to 64 characters, so a long
/// namespace is replaced by its hash.
#[must_use]
pub fn lock_name(namespace: &str) -> String {
    let name = format!("warren-leader:{namespace}");
    if name.chars().count() <= 64 {
        name
    } else {
        format!("warren-leader:{:016x}", lock_key(namespace))
    }
}

/// Run `term` whenever this master leads: it gets a shutdown that fires when leadership is lost
/// (or at `shutdown`), and is awaited before the master tries again. `leading` tells the API.
pub async fn run<F, Fut>(
    election: Election,
    leading: watch::Sender<bool>,
    mut term: F,
    mut shutdown: Shutdown,
) where
    F: FnMut(Shutdown) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        let held = tokio::select! {
            () = shutdown.wait() => return,
            held = acquire(&election) => held,
        };
        tracing::info!("this master leads: it dispatches, expires leases and samples statistics");
        leading.send_replace(true);
        let (trigger, term_shutdown) = warren_broker::shutdown_channel();
        let work = term(term_shutdown);
        tokio::pin!(work);
        let lost = tokio::select! {
            () = &mut work => false,
            () = shutdown.wait() => false,
            () = keep(held) => true,
        };
        trigger.trigger();
        work.await;
        leading.send_replace(false);
        if !lost {
            return;
        }
        tracing::warn!("this master lost the lead (its database connection failed); standing by");
    }
}

/// The lock, once this master holds it.
enum Held {
    Sole,
    Postgres(PoolConnection<Postgres>),
    MySql(PoolConnection<MySql>),
}

/// Wait until this master holds the lead.
async fn acquire(election: &Election) -> Held {
    let mut announced = false;
    loop {
        let attempt = match election {
            Election::Sole => return Held::Sole,
            Election::AdvisoryLock { db, key } => try_advisory_lock(db, *key).await,
            Election::NamedLock { db, name } => try_named_lock(db, name).await,
        };
        match attempt {
            Ok(Some(held)) => return held,
            Ok(None) => {
                if !announced {
                    tracing::info!(
                        "another master leads: this one serves the API and ingests events"
                    );
                    announced = true;
                }
            }
            Err(error) => {
                tracing::warn!(error = %warren_broker::error_chain(&error), "cannot ask the database who leads");
            }
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}

async fn try_advisory_lock(db: &DatabaseConnection, key: i64) -> Result<Option<Held>, sqlx::Error> {
    let mut connection = db.get_postgres_connection_pool().acquire().await?;
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(key)
        .fetch_one(&mut *connection)
        .await?;
    Ok(locked.then_some(Held::Postgres(connection)))
}

async fn try_named_lock(db: &DatabaseConnection, name: &str) -> Result<Option<Held>, sqlx::Error> {
    let mut connection = db.get_mysql_connection_pool().acquire().await?;
    // 1 when taken, 0 when another session holds it (NULL on an error).
    let locked: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
        .bind(name)
        .fetch_one(&mut *connection)
        .await?;
    Ok((locked == Some(1)).then_some(Held::MySql(connection)))
}

/// Return once the lead is lost: the lock's connection stopped answering.
async fn keep(held: Held) {
    match held {
        Held::Sole => std::future::pending().await,
        Held::Postgres(mut connection) => {
            while answers(sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&mut *connection))
                .await
            {}
            connection.close_on_drop();
        }
        Held::MySql(mut connection) => {
            while answers(sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&mut *connection))
                .await
            {}
            connection.close_on_drop();
        }
    }
}

/// After a pause, whether the lock's connection still answers `SELECT 1` in time.
async fn answers<N: PartialEq + From<u8>>(
    check: impl std::future::Future<Output = Result<N, sqlx::Error>>,
) -> bool {
    tokio::time::sleep(CHECK_EVERY).await;
    matches!(
        tokio::time::timeout(CHECK_TIMEOUT, check).await,
        Ok(Ok(one)) if one == N::from(1)
    )
}

#[cfg(test)]
mod tests {
    use super::{lock_key, lock_name};

    #[test]
    fn each_farm_has_its_own_positive_lock_key() {
        assert_eq!(lock_key("warren"), lock_key("warren"));
        assert_ne!(lock_key("warren"), lock_key("studio-b"));
        assert!(lock_key("warren") >= 0);
    }

    #[test]
    fn lock_names_fit_in_64_characters_and_differ_per_farm() {
        assert_eq!(lock_name("warren"), "warren-leader:warren");
        let long = "n".repeat(80);
        assert!(lock_name(&long).len() <= 64);
        assert_ne!(lock_name(&long), lock_name(&"m".repeat(80)));
    }
}

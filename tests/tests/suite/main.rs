//! Warren's end-to-end suite: real `warren-master` and `warren-worker` processes against the real
//! RabbitMQ and a fresh SQLite or PostgreSQL database per test.

/// A test of `body` on PostgreSQL (`postgres`) or MariaDB (`mariadb`) named `name`: it runs
/// when the server is there (`scripts/test` finds or starts both) and fails when it is not and
/// `CI` is set.
macro_rules! database_test {
    ($name:ident, postgres, $body:path) => {
        #[tokio::test]
        async fn $name() -> anyhow::Result<()> {
            if !crate::postgres_available() {
                return Ok(());
            }
            $body(warren_tests::DatabaseKind::Postgres).await
        }
    };
    ($name:ident, mariadb, $body:path) => {
        #[tokio::test]
        async fn $name() -> anyhow::Result<()> {
            if !crate::mariadb_available() {
                return Ok(());
            }
            $body(warren_tests::DatabaseKind::MariaDb).await
        }
    };
}

mod auth;
mod autoscaling;
mod bad_input;
mod blender;
mod cli;
mod control;
mod dead_letters;
mod foundation;
mod jobtypes;
mod log_storage;
mod logs;
mod openapi;
mod operations;
mod python_client;
mod reliability;
mod resources;
mod routing;
mod scheduling;
mod security;
mod steering;
mod tidy;
mod ui;
mod webhooks;

/// Whether the server `variable` names is there for a test's database variant; in CI its
/// absence fails the test instead of skipping it.
fn database_available(variable: &str, what: &str) -> bool {
    if std::env::var_os(variable).is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs {variable}: scripts/test sets it when {what} answers"
    );
    eprintln!("{variable} is not set: skipping the {what} variant");
    false
}

/// The PostgreSQL variant of a test runs when `WARREN_TEST_DATABASE_URL` names a server.
pub fn postgres_available() -> bool {
    database_available("WARREN_TEST_DATABASE_URL", "PostgreSQL")
}

/// The MariaDB/MySQL variant of a test runs when `WARREN_TEST_MARIADB_URL` names a server.
pub fn mariadb_available() -> bool {
    database_available("WARREN_TEST_MARIADB_URL", "MariaDB")
}

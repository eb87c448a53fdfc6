//! Warren's end-to-end suite: real `warren-master` and `warren-worker` processes against the real
//! RabbitMQ and a fresh SQLite or PostgreSQL database per test.

mod auth;
mod bad_input;
mod cli;
mod control;
mod foundation;
mod jobtypes;
mod logs;
mod openapi;
mod operations;
mod reliability;
mod resources;
mod routing;
mod scheduling;
mod security;
mod tidy;
mod ui;

/// The PostgreSQL variant of a test runs when `WARREN_TEST_DATABASE_URL` names a server
/// (`scripts/test` sets it whenever one is reachable).
pub fn postgres_available() -> bool {
    if std::env::var_os("WARREN_TEST_DATABASE_URL").is_some() {
        return true;
    }
    eprintln!("WARREN_TEST_DATABASE_URL is not set: skipping the PostgreSQL variant");
    false
}

/// The MariaDB/MySQL variant of a test runs when `WARREN_TEST_MARIADB_URL` names a server
/// (`scripts/test` sets it whenever one is reachable).
pub fn mariadb_available() -> bool {
    if std::env::var_os("WARREN_TEST_MARIADB_URL").is_some() {
        return true;
    }
    eprintln!("WARREN_TEST_MARIADB_URL is not set: skipping the MariaDB variant");
    false
}

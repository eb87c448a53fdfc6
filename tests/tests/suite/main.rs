//! Warren's end-to-end suite: real `warren-master` and `warren-worker` processes against the real
//! RabbitMQ and a fresh SQLite or PostgreSQL database per test.

mod bad_input;
mod foundation;

use warren_tests::DatabaseKind;

/// The PostgreSQL variant of a test runs when `WARREN_TEST_DATABASE_URL` names a server; in CI
/// (`CI` set) its absence is an error rather than a skip.
pub fn postgres_available() -> bool {
    if std::env::var_os("WARREN_TEST_DATABASE_URL").is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must set WARREN_TEST_DATABASE_URL so the PostgreSQL tests run"
    );
    eprintln!("WARREN_TEST_DATABASE_URL is not set: skipping the PostgreSQL variant");
    false
}

/// Both databases, PostgreSQL only when available.
pub fn databases() -> Vec<DatabaseKind> {
    let mut kinds = vec![DatabaseKind::Sqlite];
    if postgres_available() {
        kinds.push(DatabaseKind::Postgres);
    }
    kinds
}

//! The test farm harness shared by Warren's end-to-end tests and benchmarks: it starts the real
//! `warren-master` and `warren-worker` binaries against the real RabbitMQ and a fresh database,
//! under a namespace of their own, and offers helpers that read like user actions.

pub mod farm;
pub mod ldap;
pub mod postgres;
pub mod rabbit;
pub mod smtp;

pub use farm::{
    DatabaseKind, FarmOptions, Process, TestFarm, bin_path, event_payload, eventually,
    metric_samples, url_credentials,
};
pub use ldap::PrivateSlapd;
pub use postgres::PrivatePostgres;
pub use rabbit::{PrivateCluster, PrivateRabbit};
pub use smtp::{ReceivedMail, SmtpSink};

/// A loopback port free right now.
pub(crate) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The Python virtualenv with Schemathesis, openapi-spec-validator and prometheus-client
/// (`scripts/test` makes it and sets `WARREN_TEST_VENV`). Required in CI; elsewhere, without
/// one, `what` is skipped with a note.
#[must_use]
pub fn test_venv(what: &str) -> Option<std::path::PathBuf> {
    match std::env::var_os("WARREN_TEST_VENV") {
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "WARREN_TEST_VENV must name the test virtualenv in CI"
            );
            eprintln!("WARREN_TEST_VENV is not set: skipping {what}");
            None
        }
    }
}

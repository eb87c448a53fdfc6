//! The test farm harness shared by Warren's end-to-end tests and benchmarks: it starts the real
//! `warren-master` and `warren-worker` binaries against the real RabbitMQ and a fresh database,
//! under a namespace of their own, and offers helpers that read like user actions.

pub mod farm;
pub mod postgres;
pub mod rabbit;
pub mod smtp;

pub use farm::{DatabaseKind, FarmOptions, Process, TestFarm, bin_path, eventually};
pub use postgres::PrivatePostgres;
pub use rabbit::PrivateRabbit;
pub use smtp::{ReceivedMail, SmtpSink};

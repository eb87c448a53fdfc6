//! Warren's worker: the render-node daemon. It talks only to RabbitMQ: it announces itself,
//! consumes the requirement classes it satisfies, as many tasks as fit its free CPUs and RAM,
//! runs them as child processes and streams their output and outcome back.

pub mod app;
pub mod capacity;
pub mod config;
pub mod consumers;
pub mod daemon;
pub mod discovery;
pub mod enrollment;
pub mod events;
pub mod executor;
pub mod identity;
pub mod lines;
pub mod memory;
pub mod metrics;
pub mod probe;
pub mod simulate;
pub mod software;
pub mod trust;
pub mod users;
pub mod watch;

pub use app::{Exit, Worker};

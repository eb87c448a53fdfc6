//! Warren's domain types and broker message schemas, shared by the master and the worker.
//!
//! This crate does no I/O: it holds the vocabulary both sides must agree on, so a change to a
//! wire type is a change in one place, guarded by the golden fixtures in `tests/`.

pub mod discovery;
pub mod enrollment;
pub mod frames;
pub mod ids;
pub mod logcodec;
pub mod message;
pub mod metrics;
pub mod pathmap;
pub mod requirements;
pub mod signing;
pub mod state;

pub use frames::{FrameBatch, FrameRange, FrameRangeError};
pub use ids::{AgentId, JobId, TaskId};
pub use message::{
    AttemptRef, Bye, Cancel, ClassSubscription, CommandSpec, DecodeError, DiskInfo, Envelope,
    EventBatch, FarmKeys, GpuDevice, Heartbeat, Hello, Join, JoinRefused, Joined, LogChunk,
    LogLine, LogStream, Marker, Message, Replay, Subscribe, TaskAssignment, TaskDeclined,
    TaskFinished, TaskOutcome, TaskProgress, TaskStarted, WIRE_VERSION,
};
pub use pathmap::PathMap;
pub use requirements::{
    AgentCapabilities, ClassKey, Requirements, RequirementsError, SoftwareRequirement, Version,
};
pub use state::{AgentState, JobState, TaskCounts, TaskState, UnknownState};

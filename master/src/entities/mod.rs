//! sea-orm entities for the tables the master reads and writes; the schema itself lives in
//! `warren-migrations`.

pub mod agent;
pub mod agent_tag;
pub mod dead_letter;
pub mod job;
pub mod job_queue;
pub mod job_tag;
pub mod job_type;
pub mod job_type_version;
pub mod log_chunk;
pub mod tag;
pub mod task;
pub mod task_class;
pub mod task_log;

//! Warren's database schema as sea-orm migrations; they run on SQLite, PostgreSQL and
//! MariaDB/MySQL.
//!
//! Times are stored as microseconds since the Unix epoch in `BIGINT` columns, agent ids as
//! their 36-character text form, and structured values as JSON text, so the same SQL works
//! on every backend.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_core_schema;
mod m20261123_000002_index_tasks_by_job_and_index;
mod m20261123_000003_add_agent_tag_overrides;
mod m20261123_000004_add_scheduling;
mod m20261123_000005_add_auth;
mod m20261123_000006_add_path_maps;
mod m20261201_000007_add_statistics;
mod m20261201_000008_add_task_declines;

/// Applies Warren's migrations in order.
#[derive(Debug)]
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_core_schema::Migration),
            Box::new(m20261123_000002_index_tasks_by_job_and_index::Migration),
            Box::new(m20261123_000003_add_agent_tag_overrides::Migration),
            Box::new(m20261123_000004_add_scheduling::Migration),
            Box::new(m20261123_000005_add_auth::Migration),
            Box::new(m20261123_000006_add_path_maps::Migration),
            Box::new(m20261201_000007_add_statistics::Migration),
            Box::new(m20261201_000008_add_task_declines::Migration),
        ]
    }
}

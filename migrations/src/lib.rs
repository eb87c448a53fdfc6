//! Warren's database schema as sea-orm migrations; they run on SQLite, PostgreSQL and
//! MariaDB/MySQL.
//!
//! Times are stored as microseconds since the Unix epoch in `BIGINT` columns, agent ids as
//! their 36-character text form, and structured values as JSON text, so the same SQL works
//! on every backend. On MariaDB/MySQL text columns are `LONGTEXT` (`TEXT` holds 64 KiB there):
//! a migration adding a text column ends with [`long_text_on_mysql`].

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_core_schema;
mod m20261123_000002_index_tasks_by_job_and_index;
mod m20261123_000003_add_agent_tag_overrides;
mod m20261123_000004_add_scheduling;
mod m20261123_000005_add_auth;
mod m20261123_000006_add_path_maps;
mod m20261201_000007_add_statistics;
mod m20261201_000008_add_task_declines;
mod m20261201_000009_long_text_on_mysql;
mod m20261206_000010_add_worker_security;
mod m20261206_000011_add_lease_markers;
mod m20261207_000012_add_steering;
mod m20261207_000013_add_log_storage;
mod m20261207_000014_add_webhooks;
mod m20261207_000015_add_software_catalogue;
mod m20261207_000016_add_autoscaling;
mod m20261207_000017_add_dead_letter_replay;

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
            Box::new(m20261201_000009_long_text_on_mysql::Migration),
            Box::new(m20261206_000010_add_worker_security::Migration),
            Box::new(m20261206_000011_add_lease_markers::Migration),
            Box::new(m20261207_000012_add_steering::Migration),
            Box::new(m20261207_000013_add_log_storage::Migration),
            Box::new(m20261207_000014_add_webhooks::Migration),
            Box::new(m20261207_000015_add_software_catalogue::Migration),
            Box::new(m20261207_000016_add_autoscaling::Migration),
            Box::new(m20261207_000017_add_dead_letter_replay::Migration),
        ]
    }
}

/// On MariaDB/MySQL, make every `TEXT` column of the database `LONGTEXT`, keeping its
/// nullability and default (a `TEXT` holds at most 64 KiB there, too little for log chunks,
/// job data and job type definitions). Nothing happens on other backends, nor to columns
/// already converted.
pub async fn long_text_on_mysql(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};
    if manager.get_database_backend() != DatabaseBackend::MySql {
        return Ok(());
    }
    let connection = manager.get_connection();
    let columns = connection
        .query_all_raw(Statement::from_string(
            DatabaseBackend::MySql,
            "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, \
             IS_NULLABLE AS nullable, COLUMN_DEFAULT AS default_value \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'text' \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
        ))
        .await?;
    for column in columns {
        let table: String = column.try_get("", "table_name")?;
        let name: String = column.try_get("", "column_name")?;
        let nullable: String = column.try_get("", "nullable")?;
        // MariaDB reports a text default as a quoted literal (`'[]'`), or `NULL`.
        let default: Option<String> = column.try_get("", "default_value")?;
        let mut definition = format!("ALTER TABLE `{table}` MODIFY `{name}` LONGTEXT");
        definition.push_str(if nullable == "YES" {
            " NULL"
        } else {
            " NOT NULL"
        });
        if let Some(default) = default.filter(|default| default != "NULL") {
            definition.push_str(" DEFAULT ");
            definition.push_str(&default);
        }
        connection.execute_unprepared(&definition).await?;
    }
    Ok(())
}

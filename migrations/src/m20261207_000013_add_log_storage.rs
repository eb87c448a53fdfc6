//! Log storage that stays small: log chunks stored zstd-compressed in a binary column (rows
//! written before keep their JSON text and still read), and a retention policy (days after a
//! job ends) set per job queue and per job, with the time each job's logs were pruned.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, integer_null};
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LogChunks {
    Table,
    Zdata,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    LogRetentionDays,
    LogsPrunedAt,
    TimeFinished,
}

#[derive(DeriveIden)]
enum JobQueues {
    Table,
    LogRetentionDays,
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A `BLOB` holds 64 KiB on MariaDB/MySQL; a chunk may hold more.
        let mut zdata = ColumnDef::new(LogChunks::Zdata);
        if manager.get_database_backend() == DatabaseBackend::MySql {
            zdata.custom(Alias::new("LONGBLOB"));
        } else {
            zdata.blob();
        }
        zdata.null();
        manager
            .alter_table(
                Table::alter()
                    .table(LogChunks::Table)
                    .add_column(zdata)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(integer_null(Jobs::LogRetentionDays))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(big_integer_null(Jobs::LogsPrunedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(JobQueues::Table)
                    .add_column(integer_null(JobQueues::LogRetentionDays))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_time_finished")
                    .table(Jobs::Table)
                    .col(Jobs::TimeFinished)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_jobs_time_finished")
                    .table(Jobs::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(JobQueues::Table)
                    .drop_column(JobQueues::LogRetentionDays)
                    .to_owned(),
            )
            .await?;
        for column in [Jobs::LogsPrunedAt, Jobs::LogRetentionDays] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Jobs::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(LogChunks::Table)
                    .drop_column(LogChunks::Zdata)
                    .to_owned(),
            )
            .await
    }
}

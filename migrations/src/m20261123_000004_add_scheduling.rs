//! Scheduling: job and frame dependencies, tiles, attempts history, agents a task failed on,
//! per-job failure streaks of agents, limits (licences), job groups and notification state.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, integer_null, string_len,
    string_len_null, string_len_uniq, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    FrameParentId,
    NumTiles,
    RunGroup,
    GroupId,
    NotifiedState,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    NotBefore,
    Tile,
    RamWarned,
    PeakRssMb,
}

#[derive(DeriveIden)]
enum JobParents {
    Table,
    JobId,
    ParentId,
}

#[derive(DeriveIden)]
enum TaskAttempts {
    Table,
    TaskId,
    Attempt,
    AgentId,
    State,
    ExitCode,
    Error,
    PeakRssMb,
    TimeStarted,
    TimeFinished,
}

#[derive(DeriveIden)]
enum TaskFailedAgents {
    Table,
    TaskId,
    AgentId,
}

#[derive(DeriveIden)]
enum JobAgentFailures {
    Table,
    JobId,
    AgentId,
    Consecutive,
}

#[derive(DeriveIden)]
enum Limits {
    Table,
    Id,
    Name,
    MaxCount,
    PerHost,
    TimeCreated,
}

#[derive(DeriveIden)]
enum JobLimits {
    Table,
    JobId,
    LimitId,
}

#[derive(DeriveIden)]
enum JobGroups {
    Table,
    Id,
    Title,
    Owner,
    TimeCreated,
}

fn add_column(table: impl IntoIden, column: ColumnDef) -> TableAlterStatement {
    // SQLite takes one column per ALTER TABLE.
    let mut column = column;
    Table::alter()
        .table(table)
        .add_column(&mut column)
        .to_owned()
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for alter in [
            add_column(Jobs::Table, big_integer_null(Jobs::FrameParentId)),
            add_column(Jobs::Table, integer_null(Jobs::NumTiles)),
            add_column(Jobs::Table, string_len_null(Jobs::RunGroup, 255)),
            add_column(Jobs::Table, big_integer_null(Jobs::GroupId)),
            add_column(Jobs::Table, string_len_null(Jobs::NotifiedState, 16)),
            add_column(Tasks::Table, big_integer_null(Tasks::NotBefore)),
            add_column(Tasks::Table, integer_null(Tasks::Tile)),
            add_column(
                Tasks::Table,
                boolean(Tasks::RamWarned).default(false).to_owned(),
            ),
            add_column(Tasks::Table, big_integer_null(Tasks::PeakRssMb)),
        ] {
            manager.alter_table(alter).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(JobParents::Table)
                    .col(big_integer(JobParents::JobId))
                    .col(big_integer(JobParents::ParentId))
                    .primary_key(
                        Index::create()
                            .col(JobParents::JobId)
                            .col(JobParents::ParentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("job_parents_parent_id")
                    .table(JobParents::Table)
                    .col(JobParents::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskAttempts::Table)
                    .col(big_integer(TaskAttempts::TaskId))
                    .col(integer(TaskAttempts::Attempt))
                    .col(string_len_null(TaskAttempts::AgentId, 36))
                    .col(string_len(TaskAttempts::State, 16))
                    .col(integer_null(TaskAttempts::ExitCode))
                    .col(text_null(TaskAttempts::Error))
                    .col(big_integer_null(TaskAttempts::PeakRssMb))
                    .col(big_integer_null(TaskAttempts::TimeStarted))
                    .col(big_integer_null(TaskAttempts::TimeFinished))
                    .primary_key(
                        Index::create()
                            .col(TaskAttempts::TaskId)
                            .col(TaskAttempts::Attempt),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskFailedAgents::Table)
                    .col(big_integer(TaskFailedAgents::TaskId))
                    .col(string_len(TaskFailedAgents::AgentId, 36))
                    .primary_key(
                        Index::create()
                            .col(TaskFailedAgents::TaskId)
                            .col(TaskFailedAgents::AgentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobAgentFailures::Table)
                    .col(big_integer(JobAgentFailures::JobId))
                    .col(string_len(JobAgentFailures::AgentId, 36))
                    .col(integer(JobAgentFailures::Consecutive))
                    .primary_key(
                        Index::create()
                            .col(JobAgentFailures::JobId)
                            .col(JobAgentFailures::AgentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Limits::Table)
                    .col(big_pk_auto(Limits::Id))
                    .col(string_len_uniq(Limits::Name, 64))
                    .col(integer(Limits::MaxCount))
                    .col(boolean(Limits::PerHost).default(false))
                    .col(big_integer(Limits::TimeCreated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobLimits::Table)
                    .col(big_integer(JobLimits::JobId))
                    .col(big_integer(JobLimits::LimitId))
                    .primary_key(
                        Index::create()
                            .col(JobLimits::JobId)
                            .col(JobLimits::LimitId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JobGroups::Table)
                    .col(big_pk_auto(JobGroups::Id))
                    .col(string_len(JobGroups::Title, 255))
                    .col(string_len_null(JobGroups::Owner, 255))
                    .col(big_integer(JobGroups::TimeCreated))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            JobGroups::Table.into_iden(),
            JobLimits::Table.into_iden(),
            Limits::Table.into_iden(),
            JobAgentFailures::Table.into_iden(),
            TaskFailedAgents::Table.into_iden(),
            TaskAttempts::Table.into_iden(),
            JobParents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            (Jobs::Table.into_iden(), Jobs::FrameParentId.into_iden()),
            (Jobs::Table.into_iden(), Jobs::NumTiles.into_iden()),
            (Jobs::Table.into_iden(), Jobs::RunGroup.into_iden()),
            (Jobs::Table.into_iden(), Jobs::GroupId.into_iden()),
            (Jobs::Table.into_iden(), Jobs::NotifiedState.into_iden()),
            (Tasks::Table.into_iden(), Tasks::NotBefore.into_iden()),
            (Tasks::Table.into_iden(), Tasks::Tile.into_iden()),
            (Tasks::Table.into_iden(), Tasks::RamWarned.into_iden()),
            (Tasks::Table.into_iden(), Tasks::PeakRssMb.into_iden()),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Statistics sampled over time: task counts per queue, agent counts by state, and each agent's
//! free RAM and load; plus indexes that find recently finished tasks and an agent's tasks.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, double, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QueueSamples {
    Table,
    Id,
    Time,
    QueueId,
    Queued,
    Running,
    Done,
    Failed,
    Paused,
    Cancelled,
    FinishedDone,
    FinishedFailed,
}

#[derive(DeriveIden)]
enum AgentStateSamples {
    Table,
    Id,
    Time,
    Online,
    Running,
    Offline,
    Disabled,
}

#[derive(DeriveIden)]
enum AgentSamples {
    Table,
    Id,
    Time,
    AgentId,
    FreeRam,
    Load,
    RunningTasks,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    TimeFinished,
    AgentId,
    State,
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QueueSamples::Table)
                    .col(big_pk_auto(QueueSamples::Id))
                    .col(big_integer(QueueSamples::Time))
                    .col(big_integer(QueueSamples::QueueId))
                    .col(big_integer(QueueSamples::Queued))
                    .col(big_integer(QueueSamples::Running))
                    .col(big_integer(QueueSamples::Done))
                    .col(big_integer(QueueSamples::Failed))
                    .col(big_integer(QueueSamples::Paused))
                    .col(big_integer(QueueSamples::Cancelled))
                    .col(big_integer(QueueSamples::FinishedDone))
                    .col(big_integer(QueueSamples::FinishedFailed))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_queue_samples_time")
                    .table(QueueSamples::Table)
                    .col(QueueSamples::Time)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentStateSamples::Table)
                    .col(big_pk_auto(AgentStateSamples::Id))
                    .col(big_integer(AgentStateSamples::Time))
                    .col(big_integer(AgentStateSamples::Online))
                    .col(big_integer(AgentStateSamples::Running))
                    .col(big_integer(AgentStateSamples::Offline))
                    .col(big_integer(AgentStateSamples::Disabled))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agent_state_samples_time")
                    .table(AgentStateSamples::Table)
                    .col(AgentStateSamples::Time)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentSamples::Table)
                    .col(big_pk_auto(AgentSamples::Id))
                    .col(big_integer(AgentSamples::Time))
                    .col(string_len(AgentSamples::AgentId, 36))
                    .col(big_integer(AgentSamples::FreeRam))
                    .col(double(AgentSamples::Load))
                    .col(big_integer(AgentSamples::RunningTasks))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agent_samples_agent_time")
                    .table(AgentSamples::Table)
                    .col(AgentSamples::AgentId)
                    .col(AgentSamples::Time)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agent_samples_time")
                    .table(AgentSamples::Table)
                    .col(AgentSamples::Time)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tasks_time_finished")
                    .table(Tasks::Table)
                    .col(Tasks::TimeFinished)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tasks_agent_state")
                    .table(Tasks::Table)
                    .col(Tasks::AgentId)
                    .col(Tasks::State)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["idx_tasks_time_finished", "idx_tasks_agent_state"] {
            manager
                .drop_index(Index::drop().name(index).table(Tasks::Table).to_owned())
                .await?;
        }
        for table in [
            QueueSamples::Table.into_iden(),
            AgentStateSamples::Table.into_iden(),
            AgentSamples::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

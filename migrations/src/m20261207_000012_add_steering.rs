//! Steering submitted work: when a job's requirements last changed (tasks published before then
//! are withdrawn: workers decline them), the actions people took on single tasks (kill, skip,
//! mark failed, retry), for each task's history, agent restarts (rolling, a few at a time), and
//! the GPUs agents offer, the agent a dispatched task is pinned to (a host that already holds a
//! per-host limit), and frames of a batch: the last frame of a task done in a row (a
//! failed batch resumes after it, unless its job says to rerun whole batches).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, string_len, string_len_null,
    text, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    RequirementsChangedAt,
    RerunWholeBatch,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    DoneThrough,
    PinnedAgent,
}

#[derive(DeriveIden)]
enum WithdrawnAttempts {
    Table,
    TaskId,
    Attempt,
    Time,
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    GpuDevices,
    StartedAt,
}

#[derive(DeriveIden)]
enum TaskActions {
    Table,
    Id,
    TaskId,
    Action,
    Actor,
    Note,
    Time,
}

#[derive(DeriveIden)]
enum AgentRestarts {
    Table,
    Id,
    AgentId,
    Batch,
    MaxAtOnce,
    Now,
    State,
    RequestedBy,
    RequestedAt,
    SentAt,
    StartedBefore,
    DoneAt,
    VersionBefore,
    VersionAfter,
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(big_integer_null(Jobs::RequirementsChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(boolean(Jobs::RerunWholeBatch).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .add_column(big_integer_null(Tasks::DoneThrough))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .add_column(string_len_null(Tasks::PinnedAgent, 36))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Agents::Table)
                    .add_column(text_null(Agents::GpuDevices))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Agents::Table)
                    .add_column(big_integer_null(Agents::StartedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WithdrawnAttempts::Table)
                    .col(big_integer(WithdrawnAttempts::TaskId))
                    .col(integer(WithdrawnAttempts::Attempt))
                    .col(big_integer(WithdrawnAttempts::Time))
                    .primary_key(
                        Index::create()
                            .col(WithdrawnAttempts::TaskId)
                            .col(WithdrawnAttempts::Attempt),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_withdrawn_attempts_time")
                    .table(WithdrawnAttempts::Table)
                    .col(WithdrawnAttempts::Time)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskActions::Table)
                    .col(big_pk_auto(TaskActions::Id))
                    .col(big_integer(TaskActions::TaskId))
                    .col(string_len(TaskActions::Action, 32))
                    .col(string_len(TaskActions::Actor, 255))
                    .col(text(TaskActions::Note))
                    .col(big_integer(TaskActions::Time))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_task_actions_task")
                    .table(TaskActions::Table)
                    .col(TaskActions::TaskId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentRestarts::Table)
                    .col(big_pk_auto(AgentRestarts::Id))
                    .col(string_len(AgentRestarts::AgentId, 36))
                    .col(big_integer(AgentRestarts::Batch))
                    .col(integer(AgentRestarts::MaxAtOnce))
                    .col(boolean(AgentRestarts::Now))
                    .col(string_len(AgentRestarts::State, 16))
                    .col(string_len(AgentRestarts::RequestedBy, 255))
                    .col(big_integer(AgentRestarts::RequestedAt))
                    .col(big_integer_null(AgentRestarts::SentAt))
                    .col(big_integer_null(AgentRestarts::StartedBefore))
                    .col(big_integer_null(AgentRestarts::DoneAt))
                    .col(string_len_null(AgentRestarts::VersionBefore, 128))
                    .col(string_len_null(AgentRestarts::VersionAfter, 128))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agent_restarts_state")
                    .table(AgentRestarts::Table)
                    .col(AgentRestarts::State)
                    .to_owned(),
            )
            .await?;
        crate::long_text_on_mysql(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WithdrawnAttempts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AgentRestarts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TaskActions::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Agents::Table)
                    .drop_column(Agents::GpuDevices)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Agents::Table)
                    .drop_column(Agents::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::RequirementsChangedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::RerunWholeBatch)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::DoneThrough)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(Tasks::PinnedAgent)
                    .to_owned(),
            )
            .await
    }
}

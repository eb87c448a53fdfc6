//! Elastic workers: an autoscaler per job queue (its provider, bounds and rules), the nodes it
//! started (with the agent each joined as), and every scaling decision with its reason.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, string_len, text,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Autoscalers {
    Table,
    QueueId,
    Provider,
    MinNodes,
    MaxNodes,
    TasksPerNode,
    ScaleUpAfterSecs,
    IdleSecs,
    Tags,
    Cpus,
    RamMb,
    Enabled,
    TimeUpdated,
}

#[derive(DeriveIden)]
enum ScaledNodes {
    Table,
    Id,
    QueueId,
    Provider,
    NodeName,
    AgentId,
    State,
    TimeStarted,
    LastBusyAt,
    TimeStopped,
}

#[derive(DeriveIden)]
enum ScalingEvents {
    Table,
    Id,
    Time,
    QueueId,
    Action,
    Nodes,
    Reason,
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
                    .table(Autoscalers::Table)
                    .col(big_integer(Autoscalers::QueueId).primary_key())
                    .col(string_len(Autoscalers::Provider, 64))
                    .col(integer(Autoscalers::MinNodes))
                    .col(integer(Autoscalers::MaxNodes))
                    .col(integer(Autoscalers::TasksPerNode))
                    .col(integer(Autoscalers::ScaleUpAfterSecs))
                    .col(integer(Autoscalers::IdleSecs))
                    .col(text(Autoscalers::Tags))
                    .col(integer(Autoscalers::Cpus))
                    .col(big_integer(Autoscalers::RamMb))
                    .col(boolean(Autoscalers::Enabled))
                    .col(big_integer(Autoscalers::TimeUpdated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScaledNodes::Table)
                    .col(big_pk_auto(ScaledNodes::Id))
                    .col(big_integer(ScaledNodes::QueueId))
                    .col(string_len(ScaledNodes::Provider, 64))
                    .col(string_len(ScaledNodes::NodeName, 255))
                    .col(string_len(ScaledNodes::AgentId, 36))
                    .col(string_len(ScaledNodes::State, 16))
                    .col(big_integer(ScaledNodes::TimeStarted))
                    .col(big_integer(ScaledNodes::LastBusyAt))
                    .col(big_integer_null(ScaledNodes::TimeStopped))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scaled_nodes_queue_state")
                    .table(ScaledNodes::Table)
                    .col(ScaledNodes::QueueId)
                    .col(ScaledNodes::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScalingEvents::Table)
                    .col(big_pk_auto(ScalingEvents::Id))
                    .col(big_integer(ScalingEvents::Time))
                    .col(big_integer_null(ScalingEvents::QueueId))
                    .col(string_len(ScalingEvents::Action, 16))
                    .col(text(ScalingEvents::Nodes))
                    .col(text(ScalingEvents::Reason))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScalingEvents::Table.into_iden(),
            ScaledNodes::Table.into_iden(),
            Autoscalers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

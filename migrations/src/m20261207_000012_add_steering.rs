//! Steering submitted work: when a job's requirements last changed (tasks published before then
//! are withdrawn: workers decline them), and the actions people took on single tasks (kill,
//! skip, mark failed, retry), for each task's history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, big_pk_auto, string_len, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    RequirementsChangedAt,
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
        crate::long_text_on_mysql(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TaskActions::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(Jobs::RequirementsChangedAt)
                    .to_owned(),
            )
            .await
    }
}

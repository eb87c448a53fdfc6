//! Tasks are paged in frame order within a job; index `(job_id, idx)` so a page of a
//! 100,000-task job is an index range, not a sort.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    JobId,
    Idx,
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("tasks_job_idx")
                    .table(Tasks::Table)
                    .col(Tasks::JobId)
                    .col(Tasks::Idx)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("tasks_job_idx")
                    .table(Tasks::Table)
                    .to_owned(),
            )
            .await
    }
}

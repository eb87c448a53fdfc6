//! On MariaDB/MySQL a `TEXT` column holds at most 64 KiB, too little for log chunks, job data
//! and job type definitions: every text column becomes `LONGTEXT` there, keeping its
//! nullability and default. SQLite and PostgreSQL texts have no such limit; nothing changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::long_text_on_mysql(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Shrinking the columns back could cut stored values: left as they are.
        Ok(())
    }
}

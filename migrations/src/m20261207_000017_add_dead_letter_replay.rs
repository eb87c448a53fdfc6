//! Dead letters that can be replayed: each keeps its whole body as it came (not only the
//! truncated text shown) when the whole message was refused, the broker user that published
//! it, and when it was last replayed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, boolean, string_len_null};
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeadLetters {
    Table,
    Data,
    UserId,
    ReplayedAt,
    Replayable,
}

#[expect(
    elided_lifetimes_in_paths,
    reason = "async_trait rejects an explicit `SchemaManager<'_>`"
)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A `BLOB` holds 64 KiB on MariaDB/MySQL; a message may hold more.
        let mut data = ColumnDef::new(DeadLetters::Data);
        if manager.get_database_backend() == DatabaseBackend::MySql {
            data.custom(Alias::new("LONGBLOB"));
        } else {
            data.blob();
        }
        data.null();
        for column in [
            data,
            string_len_null(DeadLetters::UserId, 255),
            big_integer_null(DeadLetters::ReplayedAt),
            boolean(DeadLetters::Replayable).default(false).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DeadLetters::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            DeadLetters::Replayable,
            DeadLetters::ReplayedAt,
            DeadLetters::UserId,
            DeadLetters::Data,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DeadLetters::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

//! The farm's software catalogue: software defined centrally, each with its versions and, per
//! version, a discovery check and an install path per operating system (kept as JSON).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string_len, string_len_null, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SoftwareCatalogue {
    Table,
    Name,
    Versions,
    UpdatedBy,
    TimeUpdated,
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
                    .table(SoftwareCatalogue::Table)
                    .col(string_len(SoftwareCatalogue::Name, 64).primary_key())
                    .col(text(SoftwareCatalogue::Versions))
                    .col(string_len_null(SoftwareCatalogue::UpdatedBy, 255))
                    .col(big_integer(SoftwareCatalogue::TimeUpdated))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SoftwareCatalogue::Table).to_owned())
            .await
    }
}

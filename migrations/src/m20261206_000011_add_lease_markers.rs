//! Lease markers: the leading master publishes a marker into its own events queue and checks
//! leases only once some master has consumed it, so events held back in the queue never let a
//! lease expire.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, string_len};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LeaseMarkers {
    Table,
    Id,
    TimeSent,
    TimeSeen,
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
                    .table(LeaseMarkers::Table)
                    .col(string_len(LeaseMarkers::Id, 36).primary_key())
                    .col(big_integer(LeaseMarkers::TimeSent))
                    .col(big_integer_null(LeaseMarkers::TimeSeen))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeaseMarkers::Table).to_owned())
            .await
    }
}

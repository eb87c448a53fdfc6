//! Path maps: one storage root as Linux, Windows and macOS see it, optionally for one tag.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, string_len_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PathMaps {
    Table,
    Id,
    PathLinux,
    PathWindows,
    PathMacos,
    Tag,
    TimeCreated,
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
                    .table(PathMaps::Table)
                    .col(big_pk_auto(PathMaps::Id))
                    .col(string_len_null(PathMaps::PathLinux, 512))
                    .col(string_len_null(PathMaps::PathWindows, 512))
                    .col(string_len_null(PathMaps::PathMacos, 512))
                    .col(string_len_null(PathMaps::Tag, 64))
                    .col(big_integer(PathMaps::TimeCreated))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PathMaps::Table).to_owned())
            .await
    }
}

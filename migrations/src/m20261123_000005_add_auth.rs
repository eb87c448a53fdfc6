//! Authentication: users with a role, API tokens for scripts and login sessions for the web UI.
//! Tokens and session ids are stored as SHA-256 digests, passwords as argon2 PHC strings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, string_len, string_len_null,
    string_len_uniq,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Role,
    PasswordHash,
    Email,
    Disabled,
    TimeCreated,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    TimeCreated,
    TimeLastUsed,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    SessionHash,
    CsrfToken,
    TimeCreated,
    TimeExpires,
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
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(string_len(Users::Role, 16))
                    .col(string_len_null(Users::PasswordHash, 255))
                    .col(string_len_null(Users::Email, 255))
                    .col(boolean(Users::Disabled).default(false))
                    .col(big_integer(Users::TimeCreated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(big_pk_auto(ApiTokens::Id))
                    .col(big_integer(ApiTokens::UserId))
                    .col(string_len(ApiTokens::Name, 255))
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(big_integer(ApiTokens::TimeCreated))
                    .col(big_integer_null(ApiTokens::TimeLastUsed))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(big_pk_auto(Sessions::Id))
                    .col(big_integer(Sessions::UserId))
                    .col(string_len_uniq(Sessions::SessionHash, 64))
                    .col(string_len(Sessions::CsrfToken, 64))
                    .col(big_integer(Sessions::TimeCreated))
                    .col(big_integer(Sessions::TimeExpires))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Sessions::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

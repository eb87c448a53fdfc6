//! The worker plane's security: the farm's signing keys, and each enrolled agent's broker
//! identity (its RabbitMQ user, the password hash RabbitMQ stores for it, and where it is in
//! its life: waiting to join, joined, revoked).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, string_len, string_len_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    KeyId,
    PublicKey,
    SecretKey,
    TimeCreated,
    TimeRetired,
}

#[derive(DeriveIden)]
enum AgentCredentials {
    Table,
    AgentId,
    BrokerUser,
    Status,
    PasswordHash,
    Name,
    CreatedBy,
    TimeCreated,
    TimeExpires,
    TimeJoined,
    TimeRevoked,
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
                    .table(SigningKeys::Table)
                    .col(string_len(SigningKeys::KeyId, 16).primary_key())
                    .col(string_len(SigningKeys::PublicKey, 64))
                    .col(string_len(SigningKeys::SecretKey, 64))
                    .col(big_integer(SigningKeys::TimeCreated))
                    .col(big_integer_null(SigningKeys::TimeRetired))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgentCredentials::Table)
                    .col(string_len(AgentCredentials::AgentId, 36).primary_key())
                    .col(string_len(AgentCredentials::BrokerUser, 255).unique_key())
                    .col(string_len(AgentCredentials::Status, 16))
                    .col(string_len(AgentCredentials::PasswordHash, 255))
                    .col(string_len_null(AgentCredentials::Name, 255))
                    .col(string_len_null(AgentCredentials::CreatedBy, 64))
                    .col(big_integer(AgentCredentials::TimeCreated))
                    .col(big_integer_null(AgentCredentials::TimeExpires))
                    .col(big_integer_null(AgentCredentials::TimeJoined))
                    .col(big_integer_null(AgentCredentials::TimeRevoked))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AgentCredentials::Table.into_iden(),
            SigningKeys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Webhooks: farm events worth telling other systems about (an outbox written in the same
//! transaction as the change), the URLs admins registered for them, and every delivery with its
//! status, so a slow or dead endpoint is retried on its own and can be redelivered by hand.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, integer_null, string_len,
    string_len_null, text, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FarmEvents {
    Table,
    Id,
    Kind,
    JobId,
    TaskId,
    AgentId,
    Data,
    Time,
    FannedOut,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Secret,
    Events,
    QueueId,
    Active,
    CreatedBy,
    TimeCreated,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    DeliveryId,
    EventId,
    Kind,
    Body,
    State,
    Attempts,
    NextAttemptAt,
    LastStatus,
    LastError,
    TimeCreated,
    TimeDelivered,
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
                    .table(FarmEvents::Table)
                    .col(big_pk_auto(FarmEvents::Id))
                    .col(string_len(FarmEvents::Kind, 32))
                    .col(big_integer_null(FarmEvents::JobId))
                    .col(big_integer_null(FarmEvents::TaskId))
                    .col(string_len_null(FarmEvents::AgentId, 36))
                    .col(text(FarmEvents::Data))
                    .col(big_integer(FarmEvents::Time))
                    .col(boolean(FarmEvents::FannedOut).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_farm_events_fanned_out")
                    .table(FarmEvents::Table)
                    .col(FarmEvents::FannedOut)
                    .col(FarmEvents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(big_pk_auto(Webhooks::Id))
                    .col(text(Webhooks::Url))
                    .col(text(Webhooks::Secret))
                    .col(text(Webhooks::Events))
                    .col(big_integer_null(Webhooks::QueueId))
                    .col(boolean(Webhooks::Active).default(true))
                    .col(string_len_null(Webhooks::CreatedBy, 64))
                    .col(big_integer(Webhooks::TimeCreated))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_pk_auto(WebhookDeliveries::Id))
                    .col(big_integer(WebhookDeliveries::WebhookId))
                    .col(string_len(WebhookDeliveries::DeliveryId, 36).unique_key())
                    .col(big_integer(WebhookDeliveries::EventId))
                    .col(string_len(WebhookDeliveries::Kind, 32))
                    .col(text(WebhookDeliveries::Body))
                    .col(string_len(WebhookDeliveries::State, 16))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(big_integer(WebhookDeliveries::NextAttemptAt))
                    .col(integer_null(WebhookDeliveries::LastStatus))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(big_integer(WebhookDeliveries::TimeCreated))
                    .col(big_integer_null(WebhookDeliveries::TimeDelivered))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::State)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_webhook")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        crate::long_text_on_mysql(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(FarmEvents::Table).to_owned())
            .await?;
        Ok(())
    }
}

//! Warren's master: the REST API, the dispatcher that publishes ready tasks to RabbitMQ and the
//! ingester that writes worker events into the database.

pub mod api;
pub mod app;
pub mod auth;
pub mod autoscale;
pub mod check;
pub mod config;
pub mod control;
pub mod db;
pub mod discovery;
pub mod dispatcher;
pub mod entities;
pub mod identities;
pub mod ingester;
pub mod jobtype;
pub mod keys;
pub mod ldap;
pub mod leases;
pub mod mail_templates;
pub mod notify;
pub mod rabbitmq;
pub mod restarts;
pub mod scheduler;
pub mod statistics;
pub mod store;
pub mod ui;
pub mod users_cli;
pub mod webhooks;

pub use app::App;

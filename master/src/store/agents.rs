//! Reading agents.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use warren_shared::AgentState;

use super::Result;
use crate::entities::{agent, agent_tag, tag};

/// An agent row with its tags.
#[derive(Debug, Clone)]
pub struct AgentRecord {
    /// The row.
    pub agent: agent::Model,
    /// Its tags, sorted.
    pub tags: Vec<String>,
}

impl AgentRecord {
    /// The state users see: `disabled` overrides the connection state.
    #[must_use]
    pub fn state(&self) -> String {
        if self.agent.disabled {
            AgentState::Disabled.as_str().to_owned()
        } else {
            self.agent.state.clone()
        }
    }
}

/// Tags of the given agents.
pub async fn tags_of(
    connection: &impl ConnectionTrait,
    agent_ids: Vec<String>,
) -> Result<HashMap<String, Vec<String>>> {
    let rows = connection
        .query_all(
            &Query::select()
                .column((agent_tag::Entity, agent_tag::Column::AgentId))
                .column((tag::Entity, tag::Column::Name))
                .from(agent_tag::Entity)
                .inner_join(
                    tag::Entity,
                    Expr::col((tag::Entity, tag::Column::Id))
                        .equals((agent_tag::Entity, agent_tag::Column::TagId)),
                )
                .and_where(
                    Expr::col((agent_tag::Entity, agent_tag::Column::AgentId)).is_in(agent_ids),
                )
                .to_owned(),
        )
        .await?;
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    for row in rows {
        let agent_id: String = row.try_get("", "agent_id")?;
        let name: String = row.try_get("", "name")?;
        tags.entry(agent_id).or_default().push(name);
    }
    for names in tags.values_mut() {
        names.sort();
    }
    Ok(tags)
}

/// Every agent, by host name.
pub async fn list(
    connection: &DatabaseConnection,
    state: Option<AgentState>,
) -> Result<Vec<AgentRecord>> {
    let mut query = agent::Entity::find()
        .order_by_asc(agent::Column::Hostname)
        .order_by_asc(agent::Column::Id);
    match state {
        Some(AgentState::Disabled) => query = query.filter(agent::Column::Disabled.eq(true)),
        Some(other) => {
            query = query
                .filter(agent::Column::State.eq(other.as_str()))
                .filter(agent::Column::Disabled.eq(false))
        }
        None => {}
    }
    let rows = query.all(connection).await?;
    let mut tags = tags_of(connection, rows.iter().map(|row| row.id.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|agent| AgentRecord {
            tags: tags.remove(&agent.id).unwrap_or_default(),
            agent,
        })
        .collect())
}

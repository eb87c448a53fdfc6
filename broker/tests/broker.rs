//! The broker layer against the real RabbitMQ: topology, confirmed publishing, unroutable
//! messages, dead letters and consuming, under a namespace of the test's own.

use std::time::Duration;

use futures_util::StreamExt;
use warren_broker::lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, ExchangeDeleteOptions,
    QueueDeleteOptions,
};
use warren_broker::lapin::types::{AMQPValue, FieldTable};
use warren_broker::{
    Broker, BrokerConfig, DeadLetter, EVENTS_KEY, Error, Names, Outgoing, Publisher, QueueDefaults,
    Topology, headers,
};
use warren_shared::{AgentId, Bye, Envelope, Message};

fn broker_for_test() -> anyhow::Result<(Broker, Names)> {
    let url = std::env::var("WARREN_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
    broker_at(vec![url])
}

/// A broker handle over `urls`, under a namespace of the test's own.
fn broker_at(urls: Vec<String>) -> anyhow::Result<(Broker, Names)> {
    let namespace = format!("bt-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let names = Names::new(&namespace)?;
    let defaults = QueueDefaults {
        expires_ms: Some(600_000),
        ..QueueDefaults::default()
    };
    let broker = Broker::new(
        BrokerConfig {
            urls,
            heartbeat: warren_broker::DEFAULT_HEARTBEAT,
            names: names.clone(),
            connection_name: "warren-broker tests".to_owned(),
            queue_defaults: defaults,
        },
        Topology::common(&names, defaults),
    )?;
    Ok((broker, names))
}

async fn cleanup(broker: &Broker, names: &Names) {
    if let Ok(channel) = broker.open_channel().await {
        for queue in [
            names.events_queue(),
            names.dead_letters(),
            names.class_queue("cpu1"),
        ] {
            let _ = channel
                .queue_delete(queue.into(), QueueDeleteOptions::default())
                .await;
        }
        for exchange in [
            names.events_exchange(),
            names.dead_letters(),
            names.control_exchange(),
            names.queue_exchange("root"),
        ] {
            let _ = channel
                .exchange_delete(exchange.into(), ExchangeDeleteOptions::default())
                .await;
        }
    }
}

#[tokio::test]
async fn confirmed_messages_reach_their_queue_and_unroutable_ones_are_reported()
-> anyhow::Result<()> {
    let (broker, names) = broker_for_test()?;
    let publisher = Publisher::new(broker.clone());
    let bye = Message::Bye(Bye {
        agent_id: AgentId::new_random(),
        reason: "test".to_owned(),
    });

    publisher
        .publish(&Outgoing::new(names.events_exchange(), EVENTS_KEY, &bye).mandatory())
        .await?;
    let channel = broker.open_channel().await?;
    let fetched = channel
        .basic_get(
            names.events_queue().into(),
            BasicGetOptions { no_ack: true },
        )
        .await?
        .expect("the event is queued");
    assert_eq!(Envelope::decode(&fetched.delivery.data)?, bye);
    assert_eq!(
        fetched
            .delivery
            .properties
            .kind()
            .as_ref()
            .map(|kind| kind.as_str().to_owned()),
        Some("Bye".to_owned())
    );

    let unroutable = publisher
        .publish(&Outgoing::new(names.events_exchange(), "nobody-listens", &bye).mandatory())
        .await;
    assert!(
        matches!(unroutable, Err(Error::Unroutable { .. })),
        "{unroutable:?}"
    );
    publisher
        .publish(&Outgoing::new(names.events_exchange(), EVENTS_KEY, &bye))
        .await?;
    cleanup(&broker, &names).await;
    Ok(())
}

#[tokio::test]
async fn dead_letters_carry_their_reason_in_a_header() -> anyhow::Result<()> {
    let (broker, names) = broker_for_test()?;
    let publisher = Publisher::new(broker.clone());
    publisher
        .publish_dead_letter(&DeadLetter {
            source: "somewhere",
            reason: "could not parse",
            payload: b"garbage",
        })
        .await?;
    let channel = broker.open_channel().await?;
    let fetched = channel
        .basic_get(
            names.dead_letters().into(),
            BasicGetOptions { no_ack: true },
        )
        .await?
        .expect("the dead letter is queued");
    assert_eq!(fetched.delivery.data, b"garbage");
    let header_table = fetched
        .delivery
        .properties
        .headers()
        .clone()
        .expect("headers are set");
    assert!(
        matches!(header_table.inner().get(headers::ERROR), Some(AMQPValue::LongString(text)) if text.as_bytes() == b"could not parse")
    );
    cleanup(&broker, &names).await;
    Ok(())
}

#[tokio::test]
async fn a_class_topology_routes_by_class_key_and_consumers_receive_in_order() -> anyhow::Result<()>
{
    let (broker, names) = broker_for_test()?;
    let publisher = Publisher::new(broker.clone());
    let channel = broker.open_channel().await?;
    broker
        .declare(
            &Topology::class(&names, "root", "cpu1", broker.queue_defaults(), 9),
            &channel,
        )
        .await?;
    let messages: Vec<Message> = (0..50)
        .map(|reason_idx| {
            Message::Bye(Bye {
                agent_id: AgentId::new_random(),
                reason: reason_idx.to_string(),
            })
        })
        .collect();
    let batch: Vec<Outgoing> = messages
        .iter()
        .map(|message| Outgoing::new(names.queue_exchange("root"), "cpu1", message).mandatory())
        .collect();
    publisher.publish_batch(&batch).await?;

    let mut consumer = channel
        .basic_consume(
            names.class_queue("cpu1").into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut received = Vec::new();
    while received.len() < messages.len() {
        let delivery = tokio::time::timeout(Duration::from_secs(10), consumer.next())
            .await?
            .expect("the consumer is open")?;
        received.push(Envelope::decode(&delivery.data)?);
        delivery.acker.ack(BasicAckOptions::default()).await?;
    }
    assert_eq!(received, messages);
    cleanup(&broker, &names).await;
    Ok(())
}

#[tokio::test]
async fn a_dead_or_hung_address_is_passed_over_for_the_next_one() -> anyhow::Result<()> {
    let live = std::env::var("WARREN_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned());
    // A port nothing listens on, and one that accepts connections and never answers, as a
    // hung node's does.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let hung = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hung_port = hung.local_addr()?.port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = hung.accept().await {
            open.push(stream);
        }
    });
    let (broker, names) = broker_at(vec![
        format!("amqp://guest:guest@127.0.0.1:{dead}/%2f"),
        format!("amqp://guest:guest@127.0.0.1:{hung_port}/%2f"),
        live,
    ])?;
    let channel = broker.open_channel().await?;
    assert!(channel.status().connected());
    cleanup(&broker, &names).await;
    held.abort();
    Ok(())
}

#[tokio::test]
async fn after_a_failed_attempt_the_pool_rests_instead_of_trying_again_at_once()
-> anyhow::Result<()> {
    // A port nothing listens on: every attempt fails at once.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let (broker, _names) = broker_at(vec![format!("amqp://guest:guest@127.0.0.1:{dead}/%2f")])?;
    let attempt = || async {
        let error = broker
            .open_channel()
            .await
            .expect_err("nothing listens on that port");
        warren_broker::error_chain(&error)
    };
    let first = attempt().await;
    assert!(first.contains("no broker address answered"), "{first}");
    let second = attempt().await;
    assert!(second.contains("not trying the broker again"), "{second}");
    assert!(second.contains(&format!("127.0.0.1:{dead}")), "{second}");
    Ok(())
}

#[test]
fn urls_get_a_heartbeat_unless_they_name_one() {
    let ten = std::time::Duration::from_secs(10);
    assert_eq!(
        warren_broker::with_heartbeat("amqp://rabbit/%2f", ten),
        "amqp://rabbit/%2f?heartbeat=10"
    );
    assert_eq!(
        warren_broker::with_heartbeat("amqp://rabbit/%2f?frame_max=8192", ten),
        "amqp://rabbit/%2f?frame_max=8192&heartbeat=10"
    );
    assert_eq!(
        warren_broker::with_heartbeat("amqp://rabbit/%2f?heartbeat=30", ten),
        "amqp://rabbit/%2f?heartbeat=30"
    );
}

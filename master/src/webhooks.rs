//! The webhook sender: turns recorded farm events into deliveries and POSTs them, signed, with
//! retries and backoff (see `store::webhooks`).
//!
//! It runs on the leading master beside the dispatcher but shares nothing with it: each send
//! is its own task with a timeout, at most [`IN_FLIGHT`] at once, so a slow or dead endpoint
//! costs only its own retries.

use std::time::Duration;

use hmac::{Hmac, Mac as _};
use sea_orm::DatabaseConnection;
use sha2::Sha256;
use tokio::task::JoinSet;
use warren_broker::Shutdown;

use crate::db::now_us;
use crate::store::webhooks::{self as store, AttemptResult, Delivery};

/// Time between looks for new events and due deliveries.
const TICK: Duration = Duration::from_millis(500);
/// Longest wait for an endpoint's answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Sends at once, over all webhooks.
const IN_FLIGHT: usize = 16;
/// Attempts before a delivery is given up (`failed`; a redelivery sends it again). With the
/// backoff below they span about a day.
const MAX_ATTEMPTS: i32 = 16;
/// Backoff: 1 s after the first failure, doubling, at most this.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Events and finished deliveries are forgotten after this.
const KEEP: Duration = Duration::from_secs(30 * 24 * 3600);

/// The header holding the body's HMAC-SHA256, as `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Warren-Signature";

/// `sha256=<hex>` of `body` keyed with `secret`.
#[must_use]
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut text = String::with_capacity(7 + digest.len() * 2);
    text.push_str("sha256=");
    for byte in digest {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// When to try again after `attempts` failed attempts; `None` to give up.
fn retry_at(attempts: i32, now: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.saturating_sub(1).max(0))
        .unwrap_or(0)
        .min(20);
    let backoff = Duration::from_secs(1 << exponent).min(MAX_BACKOFF);
    Some(now + i64::try_from(backoff.as_micros()).unwrap_or(i64::MAX))
}

/// Run the sender until `shutdown`. `ui_url` is the base of links to the web UI.
pub async fn run(db: DatabaseConnection, ui_url: String, mut shutdown: Shutdown) {
    let client = match reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("warren/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = %error, "cannot make the webhook HTTP client; no webhooks are sent");
            return;
        }
    };
    let mut sends: JoinSet<()> = JoinSet::new();
    let mut last_forget = 0_i64;
    loop {
        while sends.try_join_next().is_some() {}
        if let Err(error) = tick(&db, &client, &ui_url, &mut sends).await {
            tracing::warn!(error = %error, "webhook sender failed");
        }
        let now = now_us();
        if now - last_forget > 3_600_000_000 {
            last_forget = now;
            let cutoff = now - i64::try_from(KEEP.as_micros()).unwrap_or(i64::MAX);
            if let Err(error) = store::forget_before(&db, cutoff).await {
                tracing::warn!(error = %error, "cannot forget old webhook deliveries");
            }
        }
        tokio::select! {
            () = shutdown.wait() => break,
            () = tokio::time::sleep(TICK) => {}
        }
    }
    // Sends in flight stay pending and claimed for a little while; the next leader sends them.
    sends.abort_all();
}

async fn tick(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    ui_url: &str,
    sends: &mut JoinSet<()>,
) -> anyhow::Result<()> {
    while store::fan_out(db, 200, ui_url).await? == 200 {}
    let room = IN_FLIGHT.saturating_sub(sends.len());
    if room == 0 {
        return Ok(());
    }
    let now = now_us();
    let claim_until = now + i64::try_from((SEND_TIMEOUT * 3).as_micros()).unwrap_or(i64::MAX);
    let due = store::claim_due(db, now, claim_until, room as i64).await?;
    if due.is_empty() {
        return Ok(());
    }
    let hooks: std::collections::HashMap<i64, store::Webhook> = store::list(db)
        .await?
        .into_iter()
        .map(|hook| (hook.id, hook))
        .collect();
    for delivery in due {
        let Some(hook) = hooks.get(&delivery.webhook_id).cloned() else {
            tracing::warn!(delivery = %delivery.delivery_id, "a delivery's webhook is gone");
            continue;
        };
        let (db, client) = (db.clone(), client.clone());
        sends.spawn(async move {
            let result = send(&client, &hook.url, &hook.secret, &delivery).await;
            if let Some(error) = &result.error {
                tracing::info!(
                    webhook = hook.id,
                    delivery = %delivery.delivery_id,
                    attempt = delivery.attempts + 1,
                    error = %error,
                    "a webhook delivery failed"
                );
            }
            if let Err(error) = store::record_attempt(&db, delivery.id, &result).await {
                tracing::warn!(delivery = %delivery.delivery_id, error = %error, "cannot record a webhook delivery");
            }
        });
    }
    Ok(())
}

/// POST one delivery.
async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    delivery: &Delivery,
) -> AttemptResult {
    let body = delivery.body.as_bytes().to_vec();
    let answer = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Warren-Event", &delivery.kind)
        .header("X-Warren-Delivery", &delivery.delivery_id)
        .header(SIGNATURE_HEADER, signature(secret, &body))
        .body(body)
        .send()
        .await;
    let attempts = delivery.attempts + 1;
    match answer {
        Ok(response) if response.status().is_success() => AttemptResult {
            status: Some(response.status().as_u16()),
            error: None,
            retry_at: None,
        },
        Ok(response) => AttemptResult {
            status: Some(response.status().as_u16()),
            error: Some(format!("the endpoint answered {}", response.status())),
            retry_at: retry_at(attempts, now_us()),
        },
        Err(error) => AttemptResult {
            status: None,
            error: Some(warren_broker::error_chain(&error)),
            retry_at: retry_at(attempts, now_us()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_body_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn retries_back_off_and_end() {
        let now = 1_000_000;
        assert_eq!(retry_at(1, now), Some(now + 1_000_000));
        assert_eq!(retry_at(2, now), Some(now + 2_000_000));
        assert_eq!(retry_at(5, now), Some(now + 16_000_000));
        assert_eq!(retry_at(15, now), Some(now + 3_600_000_000));
        assert_eq!(retry_at(MAX_ATTEMPTS, now), None);
    }
}

//! The farm's signing keys, kept in the database so every master of a farm signs alike: made on
//! first start, rotated by `warren-master keys rotate` with a grace period during which the old
//! key still signs (next to the new one) and workers learn the new one.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use time::OffsetDateTime;
use warren_broker::{MessageSigner, Shutdown, error_chain};
use warren_shared::signing::{FarmKey, SecretKey, sign_with_all};
use warren_shared::{FarmKeys as FarmKeysMessage, Message};

use crate::db::{now_us, rfc3339};
use crate::store;
pub use crate::store::keys::StoredKey;

/// How often a running master reads the keys again, so a rotation made by `warren-master keys
/// rotate` (or another master) takes effect.
const REFRESH_PERIOD: Duration = Duration::from_secs(5);

/// Why the keys cannot be read or made.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The database failed.
    #[error("database error")]
    Db(#[from] DbErr),
    /// The stored keys cannot be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The system's random source failed.
    #[error("cannot draw random bytes")]
    Random(#[source] crate::auth::AuthError),
}

/// The keys in force: they sign every message, newest first.
#[derive(Debug, Clone, Default)]
struct KeySet {
    signing: Vec<SecretKey>,
}

/// The master's view of the farm keys; it signs what the master publishes.
#[derive(Debug)]
pub struct FarmKeys {
    db: DatabaseConnection,
    current: RwLock<KeySet>,
}

impl MessageSigner for FarmKeys {
    fn sign(&self, body: &[u8]) -> String {
        let current = self.current.read().expect("the key lock is never poisoned");
        sign_with_all(&current.signing, body)
    }
}

fn random_seed() -> Result<[u8; 32], KeyError> {
    crate::auth::random_bytes::<32>().map_err(KeyError::Random)
}

/// Every stored key, oldest first.
pub async fn list(connection: &impl ConnectionTrait) -> Result<Vec<StoredKey>, KeyError> {
    Ok(store::keys::list(connection).await?)
}

/// Keys that sign and are trusted at `now` (µs): not retired, or retired later. Newest first.
fn in_force(keys: &[StoredKey], now: i64) -> Vec<SecretKey> {
    let mut active: Vec<&StoredKey> = keys
        .iter()
        .filter(|key| key.time_retired.is_none_or(|retired| retired > now))
        .collect();
    active.sort_by_key(|key| std::cmp::Reverse(key.time_created));
    active.into_iter().map(|key| key.secret.clone()).collect()
}

/// Make a new key that signs from now on; the keys in force so far keep signing (and being
/// trusted) for `grace`, while workers learn the new one. Returns the new key.
pub async fn rotate(db: &DatabaseConnection, grace: Duration) -> Result<StoredKey, KeyError> {
    let key = SecretKey::from_seed(random_seed()?);
    let transaction = crate::db::begin_write(db).await?;
    let now = now_us();
    let retire_at = now + grace.as_micros() as i64;
    store::keys::retire_all(&transaction, retire_at).await?;
    store::keys::insert(&transaction, &key).await?;
    transaction.commit().await?;
    tracing::info!(key_id = %key.key_id(), retire_at = %rfc3339(retire_at), "rotated the farm's signing key");
    Ok(StoredKey {
        secret: key,
        time_created: now,
        time_retired: None,
    })
}

impl FarmKeys {
    /// Read the keys, making the first one when there is none.
    pub async fn load_or_create(db: DatabaseConnection) -> Result<Arc<Self>, KeyError> {
        let mut keys = list(&db).await?;
        if in_force(&keys, now_us()).is_empty() {
            let key = SecretKey::from_seed(random_seed()?);
            store::keys::insert(&db, &key).await?;
            tracing::info!(key_id = %key.key_id(), "made the farm's signing key");
            keys = list(&db).await?;
        }
        let farm_keys = Arc::new(Self {
            db,
            current: RwLock::new(KeySet::default()),
        });
        farm_keys.set(&keys);
        Ok(farm_keys)
    }

    fn set(&self, keys: &[StoredKey]) -> bool {
        let signing = in_force(keys, now_us());
        let mut current = self
            .current
            .write()
            .expect("the key lock is never poisoned");
        let changed = current
            .signing
            .iter()
            .map(SecretKey::key_id)
            .ne(signing.iter().map(SecretKey::key_id));
        if !signing.is_empty() {
            current.signing = signing;
        }
        changed
    }

    /// The public keys in force, newest first: what workers must trust.
    #[must_use]
    pub fn public_keys(&self) -> Vec<FarmKey> {
        self.current
            .read()
            .expect("the key lock is never poisoned")
            .signing
            .iter()
            .map(SecretKey::public)
            .collect()
    }

    /// The keys in force, newest first (to sign things other than broker messages).
    #[must_use]
    pub fn signing_keys(&self) -> Vec<SecretKey> {
        self.current
            .read()
            .expect("the key lock is never poisoned")
            .signing
            .clone()
    }

    /// The id of the newest key, which names the farm (discovery answers show it).
    #[must_use]
    pub fn newest_id(&self) -> String {
        self.current
            .read()
            .expect("the key lock is never poisoned")
            .signing
            .first()
            .map(|key| key.key_id().to_string())
            .unwrap_or_default()
    }

    /// The message telling workers which keys to trust now.
    #[must_use]
    pub fn announcement(&self) -> Message {
        Message::FarmKeys(FarmKeysMessage {
            keys: self.public_keys(),
            issued_at: OffsetDateTime::now_utc(),
        })
    }

    /// Read the keys again; whether the keys in force changed.
    pub async fn refresh(&self) -> Result<bool, KeyError> {
        let keys = list(&self.db).await?;
        Ok(self.set(&keys))
    }

    /// Read the keys every few seconds until shutdown; when the keys in force change (a
    /// rotation, or the end of a grace period), tell every worker.
    pub async fn run(self: Arc<Self>, control: crate::control::Control, mut shutdown: Shutdown) {
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                () = tokio::time::sleep(REFRESH_PERIOD) => {}
            }
            match self.refresh().await {
                Ok(true) => {
                    tracing::info!(keys = ?self.public_keys().iter().map(|key| key.key_id.to_string()).collect::<Vec<_>>(), "the farm's signing keys changed; telling the workers");
                    control
                        .send(vec![control.to_all(&self.announcement())])
                        .await;
                }
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(error = %error_chain(&error), "cannot read the signing keys")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(seed: u8, created: i64, retired: Option<i64>) -> StoredKey {
        StoredKey {
            secret: SecretKey::from_seed([seed; 32]),
            time_created: created,
            time_retired: retired,
        }
    }

    #[test]
    fn keys_sign_until_their_grace_period_ends_newest_first() {
        let keys = [stored(1, 10, Some(100)), stored(2, 20, None)];
        let ids = |now| {
            in_force(&keys, now)
                .iter()
                .map(|key| key.key_id().clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(50),
            vec![
                keys[1].secret.key_id().clone(),
                keys[0].secret.key_id().clone()
            ]
        );
        assert_eq!(ids(100), vec![keys[1].secret.key_id().clone()]);
    }
}

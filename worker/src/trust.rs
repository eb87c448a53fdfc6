//! The keys this worker trusts to sign what it obeys, kept in `<dir>/farm-keys.json`: written
//! when the node joins (from its token) and whenever the master announces new keys in a
//! `FarmKeys` message signed by a key already trusted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use warren_shared::signing::{FarmKey, KeyId, SignatureError, TrustedKeys};

/// File name of the trusted keys inside the worker's directory.
pub const KEYS_FILE: &str = "farm-keys.json";

/// Why the trusted keys cannot be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The file cannot be read or written.
    #[error("cannot read or write {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a key list.
    #[error("{path} is not a list of farm keys: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A key is not a valid ed25519 public key.
    #[error("invalid farm key")]
    Key(#[from] SignatureError),
    /// No key is trusted: the worker could verify nothing.
    #[error(
        "this worker trusts no farm key: join the farm with a token (`warren-worker join TOKEN`), or give the key with --farm-key (`warren-master keys list` shows it)"
    )]
    NoKey,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct KeysFile {
    keys: Vec<FarmKey>,
    /// When the master issued this list, if it came in a `FarmKeys` message.
    #[serde(default, with = "time::serde::rfc3339::option")]
    issued_at: Option<OffsetDateTime>,
}

/// The keys a worker trusts, and where they are kept.
#[derive(Debug)]
pub struct Trust {
    path: Option<PathBuf>,
    keys: TrustedKeys,
    file: KeysFile,
}

/// Write `bytes` to `path` through a temporary file, readable by the owner only when `private`.
pub fn write_file(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if private {
        options.mode(0o600);
    }
    let mut file = options.open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

impl Trust {
    /// The keys kept in `dir` plus `extra` (given on the command line). With `dir` `None`
    /// nothing is kept on disk (simulated agents).
    pub fn load(dir: Option<&Path>, extra: &[FarmKey]) -> Result<Self, TrustError> {
        let path = dir.map(|dir| dir.join(KEYS_FILE));
        let mut file = match &path {
            Some(path) => match std::fs::read(path) {
                Ok(bytes) => {
                    serde_json::from_slice(&bytes).map_err(|error| TrustError::Corrupt {
                        path: path.clone(),
                        message: error.to_string(),
                    })?
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => KeysFile::default(),
                Err(source) => {
                    return Err(TrustError::Io {
                        path: path.clone(),
                        source,
                    });
                }
            },
            None => KeysFile::default(),
        };
        for key in extra {
            if !file.keys.iter().any(|known| known.key_id == key.key_id) {
                file.keys.push(key.clone());
            }
        }
        let keys = TrustedKeys::new(&file.keys)?;
        if keys.is_empty() {
            return Err(TrustError::NoKey);
        }
        Ok(Self { path, keys, file })
    }

    /// Start trusting exactly `keys` and keep them in `dir` (when the node joins).
    pub fn save_new(dir: &Path, keys: &[FarmKey]) -> Result<(), TrustError> {
        TrustedKeys::new(keys)?;
        let path = dir.join(KEYS_FILE);
        let file = KeysFile {
            keys: keys.to_vec(),
            issued_at: None,
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("a key list is plain JSON");
        write_file(&path, &bytes, false).map_err(|source| TrustError::Io { path, source })
    }

    /// Check a message's signature header against its body.
    pub fn verify(&self, body: &[u8], signature: Option<&str>) -> Result<KeyId, SignatureError> {
        self.keys.verify(body, signature)
    }

    /// The trusted keys.
    #[must_use]
    pub const fn keys(&self) -> &TrustedKeys {
        &self.keys
    }

    /// The ids of the trusted keys, for messages.
    #[must_use]
    pub fn ids(&self) -> Vec<String> {
        self.keys.ids().map(ToString::to_string).collect()
    }

    /// Trust exactly the keys of a verified `FarmKeys` message, unless it is older than the
    /// list held (a replay). Returns whether anything changed.
    pub fn update(
        &mut self,
        keys: &[FarmKey],
        issued_at: OffsetDateTime,
    ) -> Result<bool, TrustError> {
        if self.file.issued_at.is_some_and(|held| held >= issued_at) {
            return Ok(false);
        }
        let trusted = TrustedKeys::new(keys)?;
        if trusted.is_empty() {
            return Err(TrustError::NoKey);
        }
        let changed = self.file.keys != keys;
        self.file = KeysFile {
            keys: keys.to_vec(),
            issued_at: Some(issued_at),
        };
        self.keys = trusted;
        if let Some(path) = &self.path {
            let bytes = serde_json::to_vec_pretty(&self.file).expect("a key list is plain JSON");
            write_file(path, &bytes, false).map_err(|source| TrustError::Io {
                path: path.clone(),
                source,
            })?;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::signing::SecretKey;

    #[test]
    fn new_keys_are_kept_and_an_older_list_cannot_bring_a_key_back() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (old, new) = (SecretKey::from_seed([1; 32]), SecretKey::from_seed([2; 32]));
        Trust::save_new(dir.path(), &[old.public()]).expect("saved");
        let mut trust = Trust::load(Some(dir.path()), &[]).expect("loaded");
        assert!(trust.verify(b"x", Some(&old.sign(b"x"))).is_ok());
        assert!(trust.verify(b"x", Some(&new.sign(b"x"))).is_err());
        let later = OffsetDateTime::now_utc();
        assert!(trust.update(&[new.public()], later).expect("a valid list"));
        assert!(trust.verify(b"x", Some(&new.sign(b"x"))).is_ok());
        assert!(trust.verify(b"x", Some(&old.sign(b"x"))).is_err());
        let replayed = later - time::Duration::minutes(5);
        assert!(!trust.update(&[old.public()], replayed).expect("ignored"));
        let reloaded = Trust::load(Some(dir.path()), &[]).expect("loaded again");
        assert!(reloaded.verify(b"x", Some(&new.sign(b"x"))).is_ok());
        assert!(reloaded.verify(b"x", Some(&old.sign(b"x"))).is_err());
    }

    #[test]
    fn a_worker_without_keys_refuses_to_start() {
        let dir = tempfile::tempdir().expect("temporary directory");
        assert!(matches!(
            Trust::load(Some(dir.path()), &[]),
            Err(TrustError::NoKey)
        ));
    }
}

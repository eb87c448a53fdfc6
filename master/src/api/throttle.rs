//! Slowing down password guessing: after a few wrong passwords in a row for one account from
//! one address, or many from one address for any accounts, further logins from there wait,
//! twice as long after each failure. A correct login from another address is never held back
//! by someone else's failures.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Wrong passwords in a row for one account from one address before logins from there wait.
const ACCOUNT_FAILURES_ALLOWED: u32 = 5;
/// Wrong passwords in a row from one address, whatever the accounts, before it waits.
const ADDRESS_FAILURES_ALLOWED: u32 = 20;
/// The longest wait.
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
const MEMORY: Duration = Duration::from_secs(60 * 60);
/// Most keys remembered; beyond, the stalest are forgotten.
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String, IpAddr),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Login failures by account and address; shared by the API's handlers.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Failures>>,
    failed: AtomicU64,
    throttled: AtomicU64,
}

/// The first wait, after the failures allowed; each further failure doubles it.
const FIRST_DELAY: Duration = Duration::from_secs(5);

/// How long `count` failures in a row make the next attempt wait, `allowed` being free.
fn delay(count: u32, allowed: u32) -> Duration {
    if count < allowed {
        return Duration::ZERO;
    }
    let doublings = (count - allowed).min(12);
    (FIRST_DELAY * (1 << doublings)).min(MAX_DELAY)
}

impl LoginThrottle {
    fn keys(username: &str, address: IpAddr) -> [(Key, u32); 2] {
        [
            (
                Key::Account(username.to_owned(), address),
                ACCOUNT_FAILURES_ALLOWED,
            ),
            (Key::Address(address), ADDRESS_FAILURES_ALLOWED),
        ]
    }

    /// How long a login for `username` from `address` must still wait, if it must.
    pub fn wait(&self, username: &str, address: IpAddr, now: Instant) -> Option<Duration> {
        let failures = self
            .failures
            .lock()
            .expect("the throttle lock is never poisoned");
        let wait = Self::keys(username, address)
            .iter()
            .filter_map(|(key, allowed)| {
                let failures = failures.get(key)?;
                let until = failures.last + delay(failures.count, *allowed);
                (until > now).then(|| until - now)
            })
            .max();
        if wait.is_some() {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        wait
    }

    /// Count a wrong password.
    pub fn failed(&self, username: &str, address: IpAddr, now: Instant) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut failures = self
            .failures
            .lock()
            .expect("the throttle lock is never poisoned");
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, entry| now.duration_since(entry.last) < MEMORY);
            if failures.len() >= MAX_KEYS
                && let Some(stalest) = failures
                    .iter()
                    .min_by_key(|(_, entry)| entry.last)
                    .map(|(key, _)| key.clone())
            {
                failures.remove(&stalest);
            }
        }
        for (key, _) in Self::keys(username, address) {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            if now.duration_since(entry.last) >= MEMORY {
                entry.count = 0;
            }
            entry.count += 1;
            entry.last = now;
        }
    }

    /// A correct login: its account and address start afresh.
    pub fn succeeded(&self, username: &str, address: IpAddr) {
        let mut failures = self
            .failures
            .lock()
            .expect("the throttle lock is never poisoned");
        for (key, _) in Self::keys(username, address) {
            failures.remove(&key);
        }
    }

    /// Wrong passwords so far.
    #[must_use]
    pub fn failures(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Logins refused for waiting so far.
    #[must_use]
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_guessed_at_from_one_address_waits_there_only() {
        let throttle = LoginThrottle::default();
        let attacker: IpAddr = [10, 0, 0, 66].into();
        let artist: IpAddr = [10, 0, 0, 7].into();
        let start = Instant::now();
        for attempt in 0..ACCOUNT_FAILURES_ALLOWED {
            assert_eq!(throttle.wait("root", attacker, start), None, "{attempt}");
            throttle.failed("root", attacker, start);
        }
        let wait = throttle.wait("root", attacker, start).expect("a wait");
        assert_eq!(wait, Duration::from_secs(5));
        throttle.failed("root", attacker, start);
        assert_eq!(
            throttle.wait("root", attacker, start),
            Some(Duration::from_secs(10))
        );
        assert_eq!(throttle.wait("root", artist, start), None);
        assert_eq!(throttle.wait("alice", attacker, start), None);
        assert_eq!(
            throttle.wait("root", attacker, start + Duration::from_secs(10)),
            None
        );
        throttle.succeeded("root", attacker);
        assert_eq!(throttle.wait("root", attacker, start), None);
        assert_eq!(throttle.failures(), 6);
        assert_eq!(throttle.throttled(), 2);
    }

    #[test]
    fn an_address_trying_many_accounts_waits_for_all_of_them() {
        let throttle = LoginThrottle::default();
        let attacker: IpAddr = [10, 0, 0, 66].into();
        let start = Instant::now();
        for account in 0..ADDRESS_FAILURES_ALLOWED {
            throttle.failed(&format!("user{account}"), attacker, start);
        }
        assert!(throttle.wait("someone-else", attacker, start).is_some());
        assert_eq!(
            delay(25, ADDRESS_FAILURES_ALLOWED),
            Duration::from_secs(160)
        );
        assert_eq!(delay(400, ADDRESS_FAILURES_ALLOWED), MAX_DELAY);
    }
}

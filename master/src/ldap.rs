//! Logins checked against an LDAP directory by binding as the user.

use std::time::Duration;

use ldap3::{LdapConnAsync, LdapConnSettings};

use crate::auth::Role;

/// How to reach the directory.
#[derive(Debug, Clone)]
pub struct LdapLogin {
    url: String,
    user_dn: String,
    /// The role given to users created by their first LDAP login.
    pub default_role: Role,
}

/// Why the directory could not answer (a wrong password is not an error: it is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
#[error("the LDAP server did not answer: {0}")]
pub struct LdapError(String);

impl LdapLogin {
    /// A login checker; `user_dn` contains `{username}`.
    pub fn new(url: &str, user_dn: &str, default_role: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            user_dn.contains("{username}"),
            "--ldap-user-dn must contain `{{username}}`"
        );
        anyhow::ensure!(
            url.starts_with("ldap://") || url.starts_with("ldapi://"),
            "--ldap-url must be an ldap:// URL"
        );
        Ok(Self {
            url: url.to_owned(),
            user_dn: user_dn.to_owned(),
            default_role: Role::parse(default_role)?,
        })
    }

    /// Whether `username` binds with `password`. The name must already be a valid Warren
    /// user name (letters, digits, `.`, `_`, `-`, `@`), so it needs no DN escaping; an empty
    /// password is refused here, since LDAP treats it as an anonymous bind that succeeds.
    pub async fn check(&self, username: &str, password: &str) -> Result<bool, LdapError> {
        if password.is_empty() {
            return Ok(false);
        }
        let dn = self.user_dn.replace("{username}", username);
        let settings = LdapConnSettings::new().set_conn_timeout(Duration::from_secs(5));
        let (connection, mut ldap) = LdapConnAsync::with_settings(settings, &self.url)
            .await
            .map_err(|error| LdapError(error.to_string()))?;
        ldap3::drive!(connection);
        let bound = tokio::time::timeout(Duration::from_secs(10), ldap.simple_bind(&dn, password))
            .await
            .map_err(|_| LdapError("the bind timed out".to_owned()))?
            .map_err(|error| LdapError(error.to_string()))?;
        let _ = ldap.unbind().await;
        // 49: invalidCredentials; anything else but success is the server's problem.
        match bound.rc {
            0 => Ok(true),
            49 | 32 => Ok(false),
            other => Err(LdapError(format!(
                "bind answered result code {other}: {}",
                bound.text
            ))),
        }
    }
}

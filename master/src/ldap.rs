//! Logins checked against an LDAP directory by binding as the user, and roles read from the
//! directory's groups.

use std::sync::Arc;
use std::time::Duration;

use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};

use crate::auth::Role;

/// How to reach the directory.
#[derive(Debug, Clone)]
pub struct LdapLogin {
    url: String,
    user_dn: String,
    /// The role given to users created by their first LDAP login.
    pub default_role: Role,
    /// Groups whose members get a role; when any are set, roles come from the directory.
    group_roles: Vec<(String, Role)>,
    /// StartTLS on an `ldap://` URL.
    starttls: bool,
    /// TLS settings with the CA file's authorities, when one is given.
    tls: Option<Arc<rustls::ClientConfig>>,
}

/// How to secure the connection to the directory.
#[derive(Debug, Clone, Default)]
pub struct LdapTls {
    /// Upgrade an `ldap://` connection with StartTLS.
    pub starttls: bool,
    /// PEM certificate authorities the server's certificate must chain to (default: the
    /// system's).
    pub ca_file: Option<std::path::PathBuf>,
}

/// The TLS algorithms of the directory connection: *ring*'s.
#[expect(
    deprecated,
    reason = "rustls now prefers aws-lc-rs (post-quantum key exchange), a large C build; ring \
              is the provider ldap3 is built with here, and what a studio directory speaks"
)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// TLS settings that trust only the authorities in `path`.
fn tls_config(path: &std::path::Path) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(path)
        .map_err(|error| anyhow::anyhow!("--ldap-ca-file {}: {error}", path.display()))?
    {
        let certificate = certificate
            .map_err(|error| anyhow::anyhow!("--ldap-ca-file {}: {error}", path.display()))?;
        roots
            .add(certificate)
            .map_err(|error| anyhow::anyhow!("--ldap-ca-file {}: {error}", path.display()))?;
    }
    anyhow::ensure!(
        !roots.is_empty(),
        "--ldap-ca-file {} holds no PEM certificate",
        path.display()
    );
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(ring_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// What a directory login found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The password is wrong, or the user unknown.
    Refused,
    /// The user bound; with group roles set, the role their groups give them.
    Accepted {
        /// The role from the directory's groups, when they decide roles.
        role: Option<Role>,
    },
}

/// Why the directory could not answer (a wrong password is not an error: it is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
#[error("the LDAP server did not answer: {0}")]
pub struct LdapError(String);

impl LdapLogin {
    /// A login checker; `user_dn` contains `{username}`.
    pub fn new(
        url: &str,
        user_dn: &str,
        default_role: &str,
        group_roles: &[String],
        tls: &LdapTls,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            user_dn.contains("{username}"),
            "--ldap-user-dn must contain `{{username}}`"
        );
        anyhow::ensure!(
            url.starts_with("ldap://")
                || url.starts_with("ldaps://")
                || url.starts_with("ldapi://"),
            "--ldap-url must be an ldap://, ldaps:// or ldapi:// URL"
        );
        anyhow::ensure!(
            !tls.starttls || url.starts_with("ldap://"),
            "--ldap-starttls goes with an ldap:// URL (ldaps:// is TLS from the start)"
        );
        // The system's authorities (no CA file) are read by the LDAP client with the
        // process's default provider.
        let _ = ring_provider().install_default();
        let tls_settings = match &tls.ca_file {
            Some(path) => Some(tls_config(path)?),
            None => None,
        };
        let mut mapped = Vec::new();
        for pair in group_roles {
            let (dn, role) = pair.rsplit_once('=').ok_or_else(|| {
                anyhow::anyhow!("--ldap-group-role `{pair}` is not GROUP_DN=ROLE")
            })?;
            let role = Role::parse(role.trim())
                .map_err(|error| anyhow::anyhow!("--ldap-group-role `{pair}`: {error}"))?;
            anyhow::ensure!(
                dn.contains('='),
                "--ldap-group-role `{pair}`: `{dn}` is not a DN"
            );
            mapped.push((dn.trim().to_owned(), role));
        }
        Ok(Self {
            url: url.to_owned(),
            user_dn: user_dn.to_owned(),
            default_role: Role::parse(default_role)?,
            group_roles: mapped,
            starttls: tls.starttls,
            tls: tls_settings,
        })
    }

    /// Whether roles come from the directory's groups.
    #[must_use]
    pub fn groups_decide_roles(&self) -> bool {
        !self.group_roles.is_empty()
    }

    /// Whether `username` binds with `password`. The name must already be a valid Warren
    /// user name (letters, digits, `.`, `_`, `-`, `@`), so it needs no DN escaping; an empty
    /// password is refused here, since LDAP treats it as an anonymous bind that succeeds.
    pub async fn check(&self, username: &str, password: &str) -> Result<Bound, LdapError> {
        if password.is_empty() {
            return Ok(Bound::Refused);
        }
        let dn = self.user_dn.replace("{username}", username);
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(Duration::from_secs(5))
            .set_starttls(self.starttls);
        if let Some(config) = &self.tls {
            settings = settings.set_config(config.clone());
        }
        let (connection, mut ldap) = LdapConnAsync::with_settings(settings, &self.url)
            .await
            .map_err(|error| LdapError(error.to_string()))?;
        ldap3::drive!(connection);
        let bound = tokio::time::timeout(Duration::from_secs(10), ldap.simple_bind(&dn, password))
            .await
            .map_err(|_| LdapError("the bind timed out".to_owned()))?
            .map_err(|error| LdapError(error.to_string()))?;
        // 49: invalidCredentials; anything else but success is the server's problem.
        match bound.rc {
            0 => {}
            49 | 32 => {
                let _ = ldap.unbind().await;
                return Ok(Bound::Refused);
            }
            other => {
                let _ = ldap.unbind().await;
                return Err(LdapError(format!(
                    "bind answered result code {other}: {}",
                    bound.text
                )));
            }
        }
        let mut role = None;
        if self.groups_decide_roles() {
            // Bound as the user: the groups they may read decide. A group lists them when
            // its entry matches a filter on their DN.
            let filter = format!(
                "(|(member={dn})(uniqueMember={dn}))",
                dn = ldap3::ldap_escape(&dn)
            );
            let mut best = self.default_role;
            for (group, group_role) in &self.group_roles {
                let search = tokio::time::timeout(
                    Duration::from_secs(10),
                    ldap.search(group, Scope::Base, &filter, vec!["cn"]),
                )
                .await
                .map_err(|_| LdapError("a group search timed out".to_owned()))?
                .map_err(|error| LdapError(error.to_string()))?;
                // 32: noSuchObject, a group that is not there lists nobody.
                if search.1.rc != 0 && search.1.rc != 32 {
                    return Err(LdapError(format!(
                        "searching group {group} answered result code {}: {}",
                        search.1.rc, search.1.text
                    )));
                }
                let listed = search.0.into_iter().map(SearchEntry::construct).count() > 0;
                if listed && *group_role > best {
                    best = *group_role;
                }
            }
            role = Some(best);
        }
        let _ = ldap.unbind().await;
        Ok(Bound::Accepted { role })
    }
}

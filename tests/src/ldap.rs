//! A private OpenLDAP server (Debian's `slapd`) for tests: its own directory, port and
//! entries, stopped when dropped.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// The directory's suffix.
pub const SUFFIX: &str = "dc=warren,dc=test";

/// A running `slapd` with `ou=people` under [`SUFFIX`].
#[derive(Debug)]
pub struct PrivateSlapd {
    /// `ldap://127.0.0.1:<port>`.
    pub url: String,
    dir: tempfile::TempDir,
    child: tokio::process::Child,
}

/// Where Debian installs `slapd`, if it is there.
#[must_use]
pub fn slapd_path() -> Option<PathBuf> {
    ["/usr/sbin/slapd", "/usr/local/sbin/slapd"]
        .into_iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
}

impl PrivateSlapd {
    /// Start a server holding the given people (`uid`, password).
    pub async fn start(people: &[(&str, &str)]) -> anyhow::Result<Self> {
        let slapd = slapd_path().context("slapd is not installed (Debian package `slapd`)")?;
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("data"))?;
        let config = dir.path().join("slapd.conf");
        std::fs::write(
            &config,
            format!(
                "include /etc/ldap/schema/core.schema\n\
                 include /etc/ldap/schema/cosine.schema\n\
                 include /etc/ldap/schema/inetorgperson.schema\n\
                 pidfile {dir}/slapd.pid\n\
                 modulepath /usr/lib/ldap\n\
                 moduleload back_mdb\n\
                 database mdb\n\
                 maxsize 10485760\n\
                 suffix \"{SUFFIX}\"\n\
                 rootdn \"cn=admin,{SUFFIX}\"\n\
                 rootpw admin-secret\n\
                 directory {dir}/data\n",
                dir = dir.path().display()
            ),
        )?;
        let port = crate::free_port()?;
        let url = format!("ldap://127.0.0.1:{port}");
        let child = tokio::process::Command::new(slapd)
            .arg("-f")
            .arg(&config)
            .arg("-h")
            .arg(format!("{url}/"))
            .args(["-d", "0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start slapd")?;
        let server = Self { url, dir, child };
        crate::eventually("slapd to listen", Duration::from_secs(30), || async {
            Ok(tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
                .map(|_| ()))
        })
        .await?;
        let mut ldif = format!(
            "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Warren\ndc: warren\n\n\
             dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n"
        );
        for (uid, password) in people {
            ldif.push_str(&format!(
                "dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\nuserPassword: {password}\n\n"
            ));
        }
        let ldif_path = server.dir.path().join("people.ldif");
        std::fs::write(&ldif_path, ldif)?;
        let added = tokio::process::Command::new("ldapadd")
            .args([
                "-x",
                "-H",
                &server.url,
                "-D",
                &format!("cn=admin,{SUFFIX}"),
                "-w",
                "admin-secret",
                "-f",
            ])
            .arg(&ldif_path)
            .output()
            .await
            .context("cannot run ldapadd (Debian package `ldap-utils`)")?;
        if !added.status.success() {
            bail!("ldapadd failed: {}", String::from_utf8_lossy(&added.stderr));
        }
        Ok(server)
    }

    /// Add `ou=groups` and a `groupOfNames` per `(cn, member uids)`; their DNs.
    pub async fn add_groups(&self, groups: &[(&str, &[&str])]) -> anyhow::Result<Vec<String>> {
        let mut ldif =
            format!("dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n");
        let mut dns = Vec::new();
        for (cn, members) in groups {
            let dn = format!("cn={cn},ou=groups,{SUFFIX}");
            ldif.push_str(&format!("dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n"));
            for uid in *members {
                ldif.push_str(&format!("member: uid={uid},ou=people,{SUFFIX}\n"));
            }
            ldif.push('\n');
            dns.push(dn);
        }
        self.ldapadd(&ldif).await?;
        Ok(dns)
    }

    /// Apply LDIF changes as the directory's admin (`ldapmodify`, adding by default).
    pub async fn ldapadd(&self, ldif: &str) -> anyhow::Result<()> {
        let path = self
            .dir
            .path()
            .join(format!("change-{}.ldif", uuid::Uuid::new_v4()));
        std::fs::write(&path, ldif)?;
        let added = tokio::process::Command::new("ldapmodify")
            .args([
                "-a",
                "-x",
                "-H",
                &self.url,
                "-D",
                &format!("cn=admin,{SUFFIX}"),
                "-w",
                "admin-secret",
                "-f",
            ])
            .arg(&path)
            .output()
            .await
            .context("cannot run ldapmodify (Debian package `ldap-utils`)")?;
        if !added.status.success() {
            bail!(
                "ldapmodify failed: {}",
                String::from_utf8_lossy(&added.stderr)
            );
        }
        Ok(())
    }

    /// The DN template of its people, for `--ldap-user-dn`.
    #[must_use]
    pub fn user_dn_template(&self) -> String {
        format!("uid={{username}},ou=people,{SUFFIX}")
    }

    /// Stop the server now.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}

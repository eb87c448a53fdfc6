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
    /// `ldaps://127.0.0.1:<port>`, for a server started with TLS.
    pub ldaps_url: Option<String>,
    /// The PEM file of the authority that signed its certificate, for a server with TLS.
    pub ca_file: Option<PathBuf>,
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
        Self::start_with(people, false).await
    }

    /// Start a server holding the given people that also speaks TLS: `ldaps://` on a port of
    /// its own and StartTLS on `ldap://`, with a certificate for 127.0.0.1 signed by an
    /// authority made for it (see [`Self::ca_file`]).
    pub async fn start_with_tls(people: &[(&str, &str)]) -> anyhow::Result<Self> {
        Self::start_with(people, true).await
    }

    async fn start_with(people: &[(&str, &str)], tls: bool) -> anyhow::Result<Self> {
        let slapd = slapd_path().context("slapd is not installed (Debian package `slapd`)")?;
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("data"))?;
        let config = dir.path().join("slapd.conf");
        let mut tls_config = String::new();
        let mut ca_file = None;
        if tls {
            let ca = make_certificate_authority(dir.path(), "ca").await?;
            sign_server_certificate(dir.path(), "ca", "server").await?;
            tls_config = format!(
                "TLSCACertificateFile {ca}\nTLSCertificateFile {dir}/server.pem\nTLSCertificateKeyFile {dir}/server.key\n",
                ca = ca.display(),
                dir = dir.path().display()
            );
            ca_file = Some(ca);
        }
        std::fs::write(
            &config,
            format!(
                "{tls_config}include /etc/ldap/schema/core.schema\n\
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
        let ldaps_url = if tls {
            Some(format!("ldaps://127.0.0.1:{}", crate::free_port()?))
        } else {
            None
        };
        let listen = match &ldaps_url {
            Some(ldaps) => format!("{url}/ {ldaps}/"),
            None => format!("{url}/"),
        };
        let child = tokio::process::Command::new(slapd)
            .arg("-f")
            .arg(&config)
            .arg("-h")
            .arg(listen)
            .args(["-d", "0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start slapd")?;
        let server = Self {
            url,
            ldaps_url,
            ca_file,
            dir,
            child,
        };
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

/// Run `openssl` with `args` in `dir`.
async fn openssl(dir: &std::path::Path, args: &[&str]) -> anyhow::Result<()> {
    let output = tokio::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .await
        .context("cannot run openssl")?;
    if !output.status.success() {
        bail!(
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A self-signed certificate authority `<name>.pem` (key `<name>.key`) in `dir`; its path.
pub async fn make_certificate_authority(
    dir: &std::path::Path,
    name: &str,
) -> anyhow::Result<PathBuf> {
    let (key, pem) = (format!("{name}.key"), format!("{name}.pem"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            &format!("/CN=warren test {name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    )
    .await?;
    Ok(dir.join(pem))
}

/// A certificate for 127.0.0.1, `<name>.pem` with key `<name>.key` in `dir`, signed by the
/// authority `<ca>` made by [`make_certificate_authority`].
async fn sign_server_certificate(
    dir: &std::path::Path,
    ca: &str,
    name: &str,
) -> anyhow::Result<()> {
    let (key, csr, pem) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            "/CN=127.0.0.1",
        ],
    )
    .await?;
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )?;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    )
    .await?;
    Ok(())
}

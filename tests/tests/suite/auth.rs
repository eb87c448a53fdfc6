//! Authentication and roles against a master that requires them (the default).

use std::process::Output;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use warren_tests::{DatabaseKind, FarmOptions, TestFarm, bin_path};

async fn auth_farm() -> anyhow::Result<TestFarm> {
    auth_farm_on(DatabaseKind::Sqlite).await
}

async fn auth_farm_on(database: DatabaseKind) -> anyhow::Result<TestFarm> {
    TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        database,
        ..FarmOptions::default()
    })
    .await
}

/// `warren-master user ...` against the farm's database.
async fn master_user(
    farm: &TestFarm,
    args: &[&str],
    stdin: Option<&str>,
) -> anyhow::Result<Output> {
    farm.master_user(args, stdin).await
}

/// Make the first admin with the admin command; returns its token.
async fn first_admin(farm: &TestFarm) -> anyhow::Result<String> {
    farm.first_admin("root", None).await
}

/// Call the API with a bearer token (or none); the status and the JSON answer.
async fn call(
    farm: &TestFarm,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = farm
        .http
        .request(method, format!("{}{path}", farm.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// Create a user through the API and a token for them; returns the token.
async fn user_with_token(
    farm: &TestFarm,
    admin: &str,
    name: &str,
    role: &str,
) -> anyhow::Result<String> {
    let (status, user) = call(
        farm,
        Method::POST,
        "/api/v1/users",
        Some(admin),
        Some(json!({"username": name, "role": role, "password": format!("{name}-secret-pw")})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let (status, token) = call(
        farm,
        Method::POST,
        &format!("/api/v1/users/{name}/tokens"),
        Some(admin),
        Some(json!({"name": "tests"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    Ok(token["token"].as_str().expect("a token").to_owned())
}

fn job(title: &str) -> Value {
    TestFarm::command_job(title, &["/bin/true"], 1, 2, 1)
}

#[tokio::test]
async fn a_fresh_master_refuses_anonymous_requests_and_says_how_to_make_the_first_admin()
-> anyhow::Result<()> {
    let mut farm = auth_farm().await?;
    let log = std::fs::read_to_string(&farm.master()?.log_path)?;
    assert!(log.contains("warren-master user add"), "{log}");

    let (status, answer) = call(&farm, Method::GET, "/api/v1/jobs", None, None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|error| error.contains("Bearer")),
        "{answer}"
    );
    let response = farm
        .http
        .get(format!("{}/api/v1/jobs", farm.base_url))
        .send()
        .await?;
    assert!(response.headers().contains_key("www-authenticate"));
    let (status, _) = call(&farm, Method::GET, "/health", None, None).await?;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = call(
        &farm,
        Method::GET,
        "/api/v1/jobs",
        Some("wrn_made_up"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");

    let admin = first_admin(&farm).await?;
    let (status, me) = call(&farm, Method::GET, "/api/v1/auth/me", Some(&admin), None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "root");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["auth"], "token");

    let duplicate = master_user(&farm, &["add", "root"], None).await?;
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad_role = master_user(&farm, &["add", "eve", "--role", "root"], None).await?;
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
    Ok(())
}

#[tokio::test]
async fn roles_decide_who_may_read_submit_steer_and_administer() -> anyhow::Result<()> {
    roles_decide_who_may_do_what_on(DatabaseKind::Sqlite).await
}

database_test!(
    roles_decide_who_may_read_submit_steer_and_administer_with_postgresql,
    postgres,
    roles_decide_who_may_do_what_on
);

database_test!(
    roles_decide_who_may_read_submit_steer_and_administer_with_mariadb,
    mariadb,
    roles_decide_who_may_do_what_on
);

async fn roles_decide_who_may_do_what_on(database: DatabaseKind) -> anyhow::Result<()> {
    let farm = auth_farm_on(database).await?;
    let admin = first_admin(&farm).await?;
    let viewer = user_with_token(&farm, &admin, "vera", "viewer").await?;
    let alice = user_with_token(&farm, &admin, "alice", "submitter").await?;
    let bob = user_with_token(&farm, &admin, "bob", "submitter").await?;
    let olga = user_with_token(&farm, &admin, "olga", "operator").await?;

    // A viewer reads and changes nothing.
    let (status, _) = call(&farm, Method::GET, "/api/v1/jobs", Some(&viewer), None).await?;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = call(
        &farm,
        Method::POST,
        "/api/v1/jobs",
        Some(&viewer),
        Some(job("no")),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|error| error.contains("submitter"))
    );
    let (status, _) = call(
        &farm,
        Method::PUT,
        "/api/v1/limits",
        Some(&viewer),
        Some(json!({"x": 1})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A submitter submits as themselves and steers only their own jobs.
    let (status, submitted) = call(
        &farm,
        Method::POST,
        "/api/v1/jobs",
        Some(&alice),
        Some(job("alice's")),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{submitted}");
    assert_eq!(submitted["user"], "alice");
    let job_id = submitted["id"].as_i64().expect("a job id");
    let mut as_bob = job("pretending");
    as_bob["user"] = json!("bob");
    let (status, _) = call(
        &farm,
        Method::POST,
        "/api/v1/jobs",
        Some(&alice),
        Some(as_bob),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (method, path, body) in [
        (Method::POST, format!("/api/v1/jobs/{job_id}/cancel"), None),
        (Method::POST, format!("/api/v1/jobs/{job_id}/pause"), None),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job_id}"),
            Some(json!({"priority": 5})),
        ),
        (Method::DELETE, format!("/api/v1/jobs/{job_id}"), None),
    ] {
        let (status, answer) = call(&farm, method.clone(), &path, Some(&bob), body).await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "bob {method} {path}: {answer}"
        );
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|error| error.contains("alice")),
            "{answer}"
        );
    }
    let (status, _) = call(
        &farm,
        Method::POST,
        &format!("/api/v1/jobs/{job_id}/pause"),
        Some(&alice),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &farm,
        Method::POST,
        "/api/v1/jobqueues",
        Some(&alice),
        Some(json!({"name": "mine"})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An operator steers everyone's jobs and the farm, but not users.
    let (status, cancelled) = call(
        &farm,
        Method::POST,
        &format!("/api/v1/jobs/{job_id}/cancel"),
        Some(&olga),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let (_, seen) = call(
        &farm,
        Method::GET,
        &format!("/api/v1/jobs/{job_id}"),
        Some(&admin),
        None,
    )
    .await?;
    assert_eq!(seen["state"], "cancelled");
    let (status, _) = call(
        &farm,
        Method::PUT,
        "/api/v1/limits",
        Some(&olga),
        Some(json!({"nuke": 2})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    for token in [&olga, &alice, &viewer] {
        let (status, _) = call(&farm, Method::GET, "/api/v1/users", Some(token), None).await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call(
            &farm,
            Method::POST,
            "/api/v1/users",
            Some(token),
            Some(json!({"username": "mallory", "role": "admin"})),
        )
        .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // Everyone manages their own tokens, nobody else's.
    let (status, own) = call(
        &farm,
        Method::POST,
        "/api/v1/users/alice/tokens",
        Some(&alice),
        Some(json!({"name": "laptop"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    let (status, _) = call(
        &farm,
        Method::GET,
        "/api/v1/users/bob/tokens",
        Some(&alice),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, listed) = call(
        &farm,
        Method::GET,
        "/api/v1/users/alice/tokens",
        Some(&alice),
        None,
    )
    .await?;
    let listed = listed["tokens"].as_array().expect("tokens").clone();
    assert_eq!(listed.len(), 2);
    assert!(
        listed.iter().all(|token| token.get("token").is_none()),
        "{listed:?}"
    );

    // A revoked token and a disabled user's token stop working at once.
    let laptop = own["token"].as_str().expect("a token");
    let (status, _) = call(&farm, Method::GET, "/api/v1/jobs", Some(laptop), None).await?;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &farm,
        Method::DELETE,
        &format!("/api/v1/users/alice/tokens/{}", own["id"]),
        Some(&admin),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&farm, Method::GET, "/api/v1/jobs", Some(laptop), None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&farm, Method::GET, "/api/v1/jobs", Some(&alice), None).await?;
    assert_eq!(status, StatusCode::OK, "alice's other token still works");
    let (status, _) = call(
        &farm,
        Method::PATCH,
        "/api/v1/users/bob",
        Some(&admin),
        Some(json!({"disabled": true})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&farm, Method::GET, "/api/v1/jobs", Some(&bob), None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Bad user input gets precise errors.
    for (body, expected) in [
        (
            json!({"username": "alice", "role": "viewer"}),
            StatusCode::CONFLICT,
        ),
        (
            json!({"username": "x", "role": "root"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x y", "role": "viewer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "short", "role": "viewer", "password": "123"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "x", "role": "viewer", "admin": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, answer) = call(
            &farm,
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(body.clone()),
        )
        .await?;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    let (status, _) = call(
        &farm,
        Method::GET,
        "/api/v1/users/nobody",
        Some(&admin),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &farm,
        Method::DELETE,
        "/api/v1/users/root",
        Some(&admin),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    Ok(())
}

#[tokio::test]
async fn a_login_session_needs_its_csrf_token_for_changes_and_secrets_stay_out_of_logs()
-> anyhow::Result<()> {
    let mut farm = auth_farm().await?;
    let admin = first_admin(&farm).await?;
    let web_token = user_with_token(&farm, &admin, "wendy", "operator").await?;
    let login = |password: &str| {
        farm.http
            .post(format!("{}/api/v1/auth/login", farm.base_url))
            .json(&json!({"username": "wendy", "password": password}))
            .send()
    };
    let refused = login("wrong password").await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let accepted = login("wendy-secret-pw").await?;
    assert_eq!(accepted.status(), StatusCode::OK);
    let cookie = accepted
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().expect("name=value").to_owned();
    let csrf = accepted.json::<Value>().await?["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_owned();

    let with_session = |method: Method, path: &str| {
        farm.http
            .request(method, format!("{}{path}", farm.base_url))
            .header("cookie", &session)
    };
    let me: Value = with_session(Method::GET, "/api/v1/auth/me")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(me["auth"], "session");
    assert_eq!(me["csrf_token"], csrf.as_str());
    let forged = with_session(Method::POST, "/api/v1/jobs")
        .json(&job("forged"))
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let wrong = with_session(Method::POST, "/api/v1/jobs")
        .header("x-csrf-token", "0".repeat(64))
        .json(&job("forged"))
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let submitted = with_session(Method::POST, "/api/v1/jobs")
        .header("x-csrf-token", &csrf)
        .json(&job("from the web"))
        .send()
        .await?;
    assert_eq!(submitted.status(), StatusCode::CREATED);
    assert_eq!(submitted.json::<Value>().await?["user"], "wendy");
    let out = with_session(Method::POST, "/api/v1/auth/logout")
        .header("x-csrf-token", &csrf)
        .send()
        .await?;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = with_session(Method::GET, "/api/v1/jobs").send().await?;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);

    let log = std::fs::read_to_string(&farm.master()?.log_path)?;
    let session_secret = session
        .split_once('=')
        .map(|(_, value)| value)
        .expect("a value");
    for secret in [
        admin.as_str(),
        web_token.as_str(),
        "wendy-secret-pw",
        session_secret,
        &csrf,
    ] {
        assert!(!log.contains(secret), "a secret is in the master's log");
    }
    assert!(log.contains("logged in"), "the log records logins");
    Ok(())
}

#[tokio::test]
async fn the_cli_sends_its_token_from_the_environment_or_its_config_file() -> anyhow::Result<()> {
    let farm = auth_farm().await?;
    let admin = first_admin(&farm).await?;
    let dir = tempfile::tempdir()?;
    let warren = |args: &[&str], token: Option<&str>, config: &std::path::Path| {
        let mut command = tokio::process::Command::new(bin_path("warren").expect("the binary"));
        command
            .args(args)
            .env_remove("WARREN_MASTER")
            .env_remove("WARREN_URL")
            .env_remove("WARREN_TOKEN")
            .env("WARREN_CONFIG", config);
        if let Some(token) = token {
            command
                .env("WARREN_TOKEN", token)
                .env("WARREN_URL", &farm.base_url);
        }
        command.output()
    };
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "")?;
    let anonymous = warren(&["--url", &farm.base_url, "jobs"], None, &empty).await?;
    assert!(!anonymous.status.success());
    let message = String::from_utf8_lossy(&anonymous.stderr);
    assert!(
        message.contains("401") && message.contains("WARREN_TOKEN"),
        "{message}"
    );

    let whoami = warren(&["whoami"], Some(&admin), &empty).await?;
    assert!(whoami.status.success(), "{whoami:?}");
    assert!(
        String::from_utf8_lossy(&whoami.stdout).contains("root (admin"),
        "{whoami:?}"
    );
    let added = warren(
        &["users", "add", "carl", "--role", "viewer"],
        Some(&admin),
        &empty,
    )
    .await?;
    assert!(added.status.success(), "{added:?}");
    let created = warren(
        &["tokens", "--user", "carl", "create", "--name", "ci"],
        Some(&admin),
        &empty,
    )
    .await?;
    assert!(created.status.success(), "{created:?}");
    let carl = String::from_utf8(created.stdout)?.trim().to_owned();

    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("url = \"{}\"\ntoken = \"{carl}\"\n", farm.base_url),
    )?;
    let from_file = warren(&["whoami"], None, &config).await?;
    assert!(
        String::from_utf8_lossy(&from_file.stdout).contains("carl (viewer"),
        "{from_file:?}"
    );
    let listed = warren(&["users"], None, &config).await?;
    assert!(!listed.status.success(), "a viewer cannot list users");
    assert!(
        String::from_utf8_lossy(&listed.stderr).contains("403"),
        "{listed:?}"
    );
    let users = warren(&["users"], Some(&admin), &empty).await?;
    let users = String::from_utf8_lossy(&users.stdout);
    assert!(
        users.contains("carl") && users.contains("viewer"),
        "{users}"
    );
    Ok(())
}

/// Whether Debian's `slapd` is here; under `CI` it must be (`scripts/test` installs it).
fn slapd_installed() -> bool {
    if warren_tests::ldap::slapd_path().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "slapd must be installed in CI (scripts/test installs it)"
    );
    eprintln!("slapd is not installed: skipping the LDAP test");
    false
}

#[tokio::test]
async fn directory_users_log_in_with_their_ldap_password() -> anyhow::Result<()> {
    if !slapd_installed() {
        return Ok(());
    }
    let mut slapd =
        warren_tests::PrivateSlapd::start(&[("lena", "lena-ldap-pw"), ("omar", "omar-ldap-pw")])
            .await?;
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        master_args: vec![
            "--ldap-url".to_owned(),
            slapd.url.clone(),
            "--ldap-user-dn".to_owned(),
            slapd.user_dn_template(),
            "--ldap-default-role".to_owned(),
            "submitter".to_owned(),
        ],
        ..FarmOptions::default()
    })
    .await?;
    let admin = first_admin(&farm).await?;
    let login = |username: &str, password: &str| {
        farm.http
            .post(format!("{}/api/v1/auth/login", farm.base_url))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    for (username, password) in [
        ("lena", "wrong"),
        ("lena", ""),
        ("nobody", "x"),
        ("lena)(uid=*", "x"),
    ] {
        let refused = login(username, password).await?;
        assert_eq!(
            refused.status(),
            StatusCode::UNAUTHORIZED,
            "{username}/{password}"
        );
    }
    let (_, users) = call(&farm, Method::GET, "/api/v1/users", Some(&admin), None).await?;
    assert_eq!(
        users["users"].as_array().map(Vec::len),
        Some(1),
        "refused logins made no users"
    );

    let accepted = login("lena", "lena-ldap-pw").await?;
    assert_eq!(accepted.status(), StatusCode::OK);
    let answer: Value = accepted.json().await?;
    assert_eq!(answer["role"], "submitter", "{answer}");
    let (_, lena) = call(&farm, Method::GET, "/api/v1/users/lena", Some(&admin), None).await?;
    assert_eq!(
        lena["has_password"], false,
        "the directory keeps the password: {lena}"
    );

    // An admin's changes hold: a disabled directory user cannot log in.
    let (status, _) = call(
        &farm,
        Method::PATCH,
        "/api/v1/users/lena",
        Some(&admin),
        Some(json!({"disabled": true})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        login("lena", "lena-ldap-pw").await?.status(),
        StatusCode::UNAUTHORIZED
    );

    // Without the directory, its users get a clear 503 and nothing changes.
    slapd.stop().await?;
    let unavailable = login("omar", "omar-ldap-pw").await?;
    assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = unavailable.json().await?;
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|error| error.contains("LDAP")),
        "{body}"
    );
    Ok(())
}

/// Directory groups decide roles, read again at each login: a member of the admins' group is
/// an admin, of the operators' group an operator (the higher role wins), anyone else gets the
/// default role; moving someone between groups changes their role at their next login.
#[tokio::test]
async fn directory_groups_decide_roles_at_each_login() -> anyhow::Result<()> {
    if !slapd_installed() {
        return Ok(());
    }
    let slapd =
        warren_tests::PrivateSlapd::start(&[("ada", "ada-pw"), ("ben", "ben-pw"), ("cy", "cy-pw")])
            .await?;
    let groups = slapd
        .add_groups(&[("render-admins", &["ada"]), ("render-ops", &["ada", "ben"])])
        .await?;
    let farm = TestFarm::spawn(FarmOptions {
        workers: 0,
        auth: true,
        master_args: vec![
            "--ldap-url".to_owned(),
            slapd.url.clone(),
            "--ldap-user-dn".to_owned(),
            slapd.user_dn_template(),
            "--ldap-group-role".to_owned(),
            format!("{}=admin", groups[0]),
            "--ldap-group-role".to_owned(),
            format!("{}=operator", groups[1]),
        ],
        ..FarmOptions::default()
    })
    .await?;
    let login = |username: &'static str, password: &'static str| {
        let request = farm
            .http
            .post(format!("{}/api/v1/auth/login", farm.base_url))
            .json(&json!({"username": username, "password": password}));
        async move {
            let answer = request.send().await?;
            anyhow::ensure!(
                answer.status() == StatusCode::OK,
                "{username}: {}",
                answer.status()
            );
            let body: Value = answer.json().await?;
            Ok::<_, anyhow::Error>(body["role"].as_str().unwrap_or_default().to_owned())
        }
    };
    assert_eq!(login("ada", "ada-pw").await?, "admin");
    assert_eq!(login("ben", "ben-pw").await?, "operator");
    assert_eq!(login("cy", "cy-pw").await?, "viewer");
    // Ben leaves the operators and Cy joins them: their next logins say so.
    slapd
        .ldapadd(&format!(
            "dn: {}\nchangetype: modify\ndelete: member\nmember: uid=ben,ou=people,{suffix}\n-\nadd: member\nmember: uid=cy,ou=people,{suffix}\n",
            groups[1],
            suffix = warren_tests::ldap::SUFFIX
        ))
        .await?;
    assert_eq!(login("ben", "ben-pw").await?, "viewer");
    assert_eq!(login("cy", "cy-pw").await?, "operator");
    Ok(())
}

/// Logins reach the directory over TLS: `ldaps://` and StartTLS, trusting the authority in
/// `--ldap-ca-file`; a server whose certificate that authority did not sign is refused (503,
/// and the master's log says why), and a CA file without a certificate stops the master.
#[tokio::test]
async fn directory_logins_go_over_tls_and_an_untrusted_certificate_is_refused() -> anyhow::Result<()>
{
    if !slapd_installed() {
        return Ok(());
    }
    let slapd = warren_tests::PrivateSlapd::start_with_tls(&[("tia", "tia-pw")]).await?;
    let ca = slapd
        .ca_file
        .clone()
        .expect("a CA file")
        .display()
        .to_string();
    let ldaps = slapd.ldaps_url.clone().expect("an ldaps URL");
    let other_dir = tempfile::tempdir()?;
    let other_ca = warren_tests::ldap::make_certificate_authority(other_dir.path(), "other")
        .await?
        .display()
        .to_string();
    let farm_with = |args: Vec<String>| {
        let mut master_args = vec!["--ldap-user-dn".to_owned(), slapd.user_dn_template()];
        master_args.extend(args);
        TestFarm::spawn(FarmOptions {
            workers: 0,
            auth: true,
            master_args,
            ..FarmOptions::default()
        })
    };
    let login = |farm: &TestFarm| {
        farm.http
            .post(format!("{}/api/v1/auth/login", farm.base_url))
            .json(&json!({"username": "tia", "password": "tia-pw"}))
            .send()
    };
    for args in [
        vec![
            "--ldap-url".to_owned(),
            ldaps.clone(),
            "--ldap-ca-file".to_owned(),
            ca.clone(),
        ],
        vec![
            "--ldap-url".to_owned(),
            slapd.url.clone(),
            "--ldap-starttls".to_owned(),
            "--ldap-ca-file".to_owned(),
            ca.clone(),
        ],
    ] {
        let farm = farm_with(args.clone()).await?;
        let answer = login(&farm).await?;
        assert_eq!(answer.status(), StatusCode::OK, "{args:?}");
    }
    let mut untrusting = farm_with(vec![
        "--ldap-url".to_owned(),
        ldaps.clone(),
        "--ldap-ca-file".to_owned(),
        other_ca,
    ])
    .await?;
    let refused = login(&untrusting).await?;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let log = untrusting.master()?.log_tail(200);
    assert!(
        log.contains("cannot check a login against LDAP")
            && log.to_lowercase().contains("certificate"),
        "the master's log says why: {log}"
    );

    // A CA file that holds no certificate stops the master at start, naming it.
    let not_pem = other_dir.path().join("not-a-certificate.pem");
    std::fs::write(&not_pem, "hello\n")?;
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::process::Command::new(warren_tests::bin_path("warren-master")?)
            .args(["serve", "--listen", "127.0.0.1:0", "--namespace"])
            .arg(format!(
                "ldap-ca-{}",
                &uuid::Uuid::new_v4().simple().to_string()[..12]
            ))
            .arg("--database-url")
            .arg(format!(
                "sqlite://{}?mode=rwc",
                other_dir.path().join("warren.db").display()
            ))
            .args(["--ldap-url", &ldaps, "--ldap-ca-file"])
            .arg(&not_pem)
            .env("RUST_LOG", "warn")
            .output(),
    )
    .await??;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no PEM certificate"), "{stderr}");
    Ok(())
}

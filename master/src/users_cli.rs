//! `warren-master user`: manage users and tokens straight in the database, which is how the
//! first admin is made.

use anyhow::Context as _;
use sea_orm::DatabaseConnection;

use crate::auth::{self, Role};
use crate::config::UserAction;
use crate::store::users::{self, UserChanges};

/// Where a new password comes from.
enum PasswordSource {
    Stdin,
    Prompt,
}

fn read_password(source: &PasswordSource) -> anyhow::Result<String> {
    let password = match source {
        PasswordSource::Stdin => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
        PasswordSource::Prompt => {
            let first = rpassword::prompt_password("password: ")
                .context("cannot read the password from the terminal")?;
            let again = rpassword::prompt_password("again: ")
                .context("cannot read the password from the terminal")?;
            anyhow::ensure!(first == again, "the passwords differ");
            first
        }
    };
    Ok(auth::hash_password(&password)?)
}

/// Run one `warren-master user` action.
pub async fn run(connection: &DatabaseConnection, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Add {
            name,
            role,
            email,
            password_stdin,
            password_prompt,
        } => {
            let role = Role::parse(&role)?;
            let source = if password_stdin {
                Some(PasswordSource::Stdin)
            } else if password_prompt {
                Some(PasswordSource::Prompt)
            } else {
                None
            };
            let hash = source.as_ref().map(read_password).transpose()?;
            let user =
                users::create(connection, &name, role, hash.as_deref(), email.as_deref()).await?;
            println!("user {} created with role {}", user.username, user.role);
            if hash.is_none() {
                println!(
                    "it has no password: make a token with `warren-master user token {}`",
                    user.username
                );
            }
        }
        UserAction::Passwd {
            name,
            password_stdin,
        } => {
            let source = if password_stdin {
                PasswordSource::Stdin
            } else {
                PasswordSource::Prompt
            };
            let hash = read_password(&source)?;
            users::update(
                connection,
                &name,
                UserChanges {
                    password_hash: Some(hash),
                    ..UserChanges::default()
                },
            )
            .await?;
            println!("password of {name} changed");
        }
        UserAction::Token { name, token_name } => {
            let user = users::get(connection, &name).await?;
            let (_, secret) = users::create_token(connection, user.id, &token_name).await?;
            println!("{secret}");
        }
        UserAction::List => {
            println!("{:<24} {:<10} {:<8} EMAIL", "USER", "ROLE", "STATE");
            for user in users::list(connection).await? {
                println!(
                    "{:<24} {:<10} {:<8} {}",
                    user.username,
                    user.role,
                    if user.disabled { "disabled" } else { "enabled" },
                    user.email.unwrap_or_default()
                );
            }
        }
        UserAction::Remove { name } => {
            users::delete(connection, &name).await?;
            println!("user {name} deleted");
        }
    }
    Ok(())
}

//! Warren's one configuration layer, shared by `warren-master` and `warren-worker`.
//!
//! A setting is a clap argument. Its value comes from the first of: a command-line flag, its
//! `WARREN_*` variable, the TOML file named by the command's `--config`, the default. A file key
//! is the setting's name with underscores (`lease_timeout_secs = 300` for
//! `--lease-timeout-secs`), so flags, variables and files cannot drift apart; the file's values
//! go through the same parsers as flags, and a key that is no setting is refused with its name.
//! Settings whose variables are hidden in `--help` (`hide_env_values`) are URLs with passwords:
//! they are printed with the password hidden.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Command, Parser};

/// Why the configuration cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Flags, variables or the file's values are invalid (clap says which), or help or the
    /// version was asked for.
    #[error(transparent)]
    Args(#[from] clap::Error),
    /// The file could not be read.
    #[error("cannot read the configuration file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("invalid configuration file {path}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: toml::de::Error,
    },
    /// The file has a key that is no setting, or a value of the wrong shape.
    #[error("configuration file {path}: {message}")]
    Key {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// A `WARREN_*` variable.
    Env,
    /// The configuration file.
    File,
    /// The default.
    Default,
}

impl Source {
    /// How the source is named in printed settings.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Flag => "flag",
            Self::Env => "environment",
            Self::File => "file",
            Self::Default => "default",
        }
    }
}

/// One setting as it will be used: its name (the file key), its value as given (passwords
/// hidden) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The file key, e.g. `lease_timeout_secs`.
    pub name: String,
    /// The values (several for a list setting), passwords hidden.
    pub values: Vec<String>,
    /// Whether the setting takes a list.
    pub list: bool,
    /// Where the value came from.
    pub source: Source,
}

/// A parsed command line with its configuration file merged in.
#[derive(Debug)]
pub struct Parsed<C> {
    /// The command line.
    pub cli: C,
    /// The settings of the command that was run, when it takes `--config`.
    pub settings: Vec<Setting>,
    /// The file's tables that are not settings but were allowed by the caller (e.g. the
    /// worker's `[[software]]`).
    pub tables: toml::Table,
}

/// Parse `args` as `C`, merging the TOML file named by the invoked (sub)command's `--config`
/// under its flags and variables. `tables` names file keys that are not settings but are
/// returned in [`Parsed::tables`].
pub fn parse<C: Parser>(args: Vec<OsString>, tables: &[&str]) -> Result<Parsed<C>, ConfigError> {
    parse_with(args, tables, None)
}

/// [`parse`], reading `default_file` when `--config` names no file and it exists. A global
/// `--config` (as the `warren` client's) holds only global settings.
pub fn parse_with<C: Parser>(
    args: Vec<OsString>,
    tables: &[&str],
    default_file: Option<&Path>,
) -> Result<Parsed<C>, ConfigError> {
    let mut command = C::command();
    command.build();
    let matches = command.clone().try_get_matches_from(&args)?;
    let (leaf, leaf_matches) = invoked(&command, &matches);
    let mut from_file = Vec::new();
    let mut extra = toml::Table::new();
    let mut args = args;
    let named = leaf_matches.try_get_one::<PathBuf>("config");
    let path = match named {
        Ok(Some(path)) => Some(path.clone()),
        Ok(None) => default_file
            .filter(|path| path.exists())
            .map(Path::to_owned),
        Err(_) => None,
    };
    if let Some(path) = path {
        let file = read(&path)?;
        for (key, value) in file {
            if tables.contains(&key.as_str()) {
                extra.insert(key, value);
                continue;
            }
            if let Some((flag, global)) = file_flag(&path, &leaf, leaf_matches, &key, value)? {
                // A global flag goes before the subcommand, so it never lands after a `--`.
                if global {
                    args.insert(1.min(args.len()), flag);
                } else {
                    args.push(flag);
                }
                from_file.push(key);
            }
        }
    }
    let matches = command.clone().try_get_matches_from(&args)?;
    let cli = C::from_arg_matches(&matches)?;
    let (leaf, leaf_matches) = invoked(&command, &matches);
    let settings = if leaf
        .command
        .get_arguments()
        .any(|arg| arg.get_id() == "config")
    {
        describe(leaf.command, leaf_matches, &from_file)
    } else {
        Vec::new()
    };
    Ok(Parsed {
        cli,
        settings,
        tables: extra,
    })
}

/// The (sub)command that was invoked, named by its path (`warren-master serve`), and its
/// matches.
fn invoked<'a>(command: &'a Command, matches: &'a ArgMatches) -> (Invoked<'a>, &'a ArgMatches) {
    let mut path = command.get_name().to_owned();
    let mut command = command;
    let mut matches = matches;
    while let Some((name, sub_matches)) = matches.subcommand() {
        let Some(sub) = command.find_subcommand(name) else {
            break;
        };
        path = format!("{path} {name}");
        command = sub;
        matches = sub_matches;
    }
    (Invoked { command, path }, matches)
}

/// A (sub)command and how it is typed.
struct Invoked<'a> {
    command: &'a Command,
    path: String,
}

fn read(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

/// The flag that carries the file's `key`, or `None` when a flag or variable already set it
/// (or the file turns a switch off).
fn file_flag(
    path: &Path,
    command: &Invoked<'_>,
    matches: &ArgMatches,
    key: &str,
    value: toml::Value,
) -> Result<Option<(OsString, bool)>, ConfigError> {
    let key_error = |message: String| ConfigError::Key {
        path: path.to_owned(),
        message,
    };
    if key == "config" {
        return Err(key_error(
            "a configuration file cannot name another".to_owned(),
        ));
    }
    let globals_only = command
        .command
        .get_arguments()
        .any(|arg| arg.get_id() == "config" && arg.is_global_set());
    let Some(arg) = command.command.get_arguments().find(|arg| {
        arg.get_id() == key && arg.get_long().is_some() && (!globals_only || arg.is_global_set())
    }) else {
        return Err(key_error(format!(
            "`{key}` is not a setting of `{}`",
            command.path
        )));
    };
    if matches!(
        matches.value_source(key),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    ) {
        return Ok(None);
    }
    let long = arg
        .get_long()
        .expect("the argument was found by its long name");
    let global = arg.is_global_set();
    let text = match (arg.get_action(), value) {
        (ArgAction::SetTrue, toml::Value::Boolean(true)) => {
            return Ok(Some((format!("--{long}").into(), global)));
        }
        (ArgAction::SetTrue, toml::Value::Boolean(false)) => return Ok(None),
        (ArgAction::SetTrue, other) => {
            return Err(key_error(format!(
                "`{key}` must be true or false, not a {}",
                other.type_str()
            )));
        }
        (_, toml::Value::String(text)) => text,
        (_, toml::Value::Integer(number)) => number.to_string(),
        (_, toml::Value::Float(number)) => number.to_string(),
        (_, toml::Value::Boolean(flag)) => flag.to_string(),
        (_, toml::Value::Array(items)) => {
            let texts: Option<Vec<&str>> = items.iter().map(toml::Value::as_str).collect();
            let Some(texts) = texts else {
                return Err(key_error(format!("`{key}` must be a list of strings")));
            };
            texts.join(",")
        }
        (_, other) => {
            return Err(key_error(format!(
                "`{key}` must be a string, a number or a list of strings, not a {}",
                other.type_str()
            )));
        }
    };
    Ok(Some((format!("--{long}={text}").into(), global)))
}

fn describe(command: &Command, matches: &ArgMatches, from_file: &[String]) -> Vec<Setting> {
    let mut settings = Vec::new();
    for arg in command
        .get_arguments()
        .filter(|arg| arg.get_long().is_some())
    {
        let id = arg.get_id().as_str();
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) if from_file.iter().any(|key| key == id) => Source::File,
            Some(ValueSource::CommandLine) => Source::Flag,
            Some(ValueSource::EnvVariable) => Source::Env,
            _ => Source::Default,
        };
        let list = arg.get_value_delimiter().is_some();
        let values: Vec<String> = match arg.get_action() {
            ArgAction::SetTrue => vec![matches.get_flag(id).to_string()],
            _ => matches
                .get_raw(id)
                .map(|values| {
                    values
                        .map(|value| value.to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default(),
        };
        let values = if arg.is_hide_env_values_set() {
            values.iter().map(|value| redact_url(value)).collect()
        } else {
            values
        };
        settings.push(Setting {
            name: id.to_owned(),
            values,
            list,
            source,
        });
    }
    settings
}

/// `url` with the password of its credentials replaced by `****`; unchanged without one (or
/// when it is no URL).
#[must_use]
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Cannot fail: the URL has credentials, so it has a host.
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// `url` without its credentials (a broker URL as workers are told it: they bring their own).
#[must_use]
pub fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.has_host() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// `url` with `user` and `password` as its credentials (replacing any it has), both
/// percent-encoded; a URL without a scheme is taken as `amqp://`.
#[must_use]
pub fn with_credentials(url: &str, user: &str, password: &str) -> String {
    let full = if url.contains("://") {
        url.to_owned()
    } else {
        format!("amqp://{url}")
    };
    match url::Url::parse(&full) {
        Ok(mut parsed) if parsed.has_host() => {
            let _ = parsed.set_username(user);
            let _ = parsed.set_password(Some(password));
            parsed.to_string()
        }
        _ => full,
    }
}

/// The user of a URL, decoded; `default` when it names none (or is no URL).
#[must_use]
pub fn url_user(url: &str, default: &str) -> String {
    url::Url::parse(url)
        .ok()
        .filter(|parsed| !parsed.username().is_empty())
        .map_or_else(
            || default.to_owned(),
            |parsed| {
                percent_encoding::percent_decode_str(parsed.username())
                    .decode_utf8_lossy()
                    .into_owned()
            },
        )
}

/// The settings as TOML a configuration file could hold, each line ending with its source.
#[must_use]
pub fn render(title: &str, settings: &[Setting]) -> String {
    let mut text = format!("# {title}: effective configuration (passwords hidden)\n");
    for setting in settings {
        let shown = if setting.list {
            format!(
                "{} = [{}]",
                setting.name,
                setting
                    .values
                    .iter()
                    .map(|value| quote(value))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            match setting.values.first() {
                None => format!("# {} is not set", setting.name),
                Some(value) if is_bare(value) => format!("{} = {value}", setting.name),
                Some(value) => format!("{} = {}", setting.name, quote(value)),
            }
        };
        text.push_str(&format!("{shown:<72} # {}\n", setting.source.name()));
    }
    text
}

/// Whether a value is written without quotes in TOML (a number or a boolean).
fn is_bare(value: &str) -> bool {
    value == "true" || value == "false" || value.parse::<f64>().is_ok()
}

/// A TOML basic string.
fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for character in value.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            control if control.is_control() => {
                quoted.push_str(&format!("\\u{:04X}", u32::from(control)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Args;

    #[derive(Debug, Parser)]
    #[command(name = "demo")]
    struct Demo {
        #[command(subcommand)]
        command: Sub,
    }

    #[derive(Debug, clap::Subcommand)]
    enum Sub {
        Serve(Settings),
        Other,
    }

    #[derive(Debug, Args)]
    struct Settings {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, env = "DEMO_CONFIG_TEST_SECS", default_value_t = 5)]
        lease_secs: u64,
        #[arg(long = "tag", value_delimiter = ',')]
        tags: Vec<String>,
        #[arg(long, hide_env_values = true, env = "DEMO_CONFIG_TEST_URL")]
        url: Option<String>,
        #[arg(long)]
        quiet: bool,
    }

    fn parse_demo(args: &[&str]) -> Result<Parsed<Demo>, ConfigError> {
        let mut argv = vec!["demo".into()];
        argv.extend(args.iter().map(OsString::from));
        parse(argv, &["extra"])
    }

    fn settings(parsed: &Parsed<Demo>) -> &Settings {
        match &parsed.cli.command {
            Sub::Serve(settings) => settings,
            Sub::Other => panic!("serve was run"),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("demo.toml");
        std::fs::write(
            &path,
            "lease_secs = 9\ntags = [\"a\", \"b\"]\nurl = \"amqp://u:secret@h/\"\nquiet = true\n\n[[extra]]\nname = \"x\"\n",
        )
        .expect("write");
        let path = path.display().to_string();
        let parsed = parse_demo(&["serve", "--config", &path, "--tag", "c"]).expect("valid");
        let values = settings(&parsed);
        assert_eq!(values.lease_secs, 9);
        assert_eq!(values.tags, ["c"]);
        assert!(values.quiet);
        assert!(parsed.tables.contains_key("extra"));
        let text = render("demo serve", &parsed.settings);
        assert!(text.contains("lease_secs = 9"), "{text}");
        assert!(text.contains("tags = [\"c\"]"), "{text}");
        assert!(text.contains("amqp://u:****@h/"), "{text}");
        assert!(!text.contains("secret"), "{text}");
        let source = |name: &str| {
            parsed
                .settings
                .iter()
                .find(|setting| setting.name == name)
                .map(|setting| setting.source)
        };
        assert_eq!(source("lease_secs"), Some(Source::File));
        assert_eq!(source("tags"), Some(Source::Flag));
        let defaults = parse_demo(&["serve"]).expect("valid");
        assert_eq!(settings(&defaults).lease_secs, 5);
        assert!(parse_demo(&["other"]).expect("valid").settings.is_empty());
    }

    #[test]
    fn a_bad_file_names_the_key() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("demo.toml");
        let path_text = path.display().to_string();
        for (text, expected) in [
            ("lease = 1\n", "`lease` is not a setting of `demo serve`"),
            ("quiet = 1\n", "`quiet` must be true or false"),
            ("config = \"x\"\n", "cannot name another"),
            ("tags = [1]\n", "`tags` must be a list of strings"),
        ] {
            std::fs::write(&path, text).expect("write");
            let error = parse_demo(&["serve", "--config", &path_text]).expect_err(text);
            assert!(error.to_string().contains(expected), "{error}");
        }
        std::fs::write(&path, "lease_secs = \"soon\"\n").expect("write");
        let error = parse_demo(&["serve", "--config", &path_text]).expect_err("not a number");
        assert!(matches!(error, ConfigError::Args(_)), "{error}");
        std::fs::write(&path, "not toml").expect("write");
        assert!(matches!(
            parse_demo(&["serve", "--config", &path_text]),
            Err(ConfigError::Parse { .. })
        ));
        assert!(matches!(
            parse_demo(&["serve", "--config", "/nonexistent/demo.toml"]),
            Err(ConfigError::Read { .. })
        ));
    }

    #[test]
    fn printed_strings_read_back_as_the_same_toml() {
        for value in [
            "plain",
            "with \"quotes\" and \\",
            "tab\tnew\nline",
            "bell\u{7}",
        ] {
            let text = format!("key = {}", quote(value));
            let table: toml::Table = toml::from_str(&text).expect("valid TOML");
            assert_eq!(table["key"].as_str(), Some(value), "{text}");
        }
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact_url("amqp://guest:secret@host:5672/%2f"),
            "amqp://guest:****@host:5672/%2f"
        );
        assert_eq!(
            redact_url("amqp://farm:p@ss@rabbit/%2f"),
            "amqp://farm:****@rabbit/%2f"
        );
        assert_eq!(
            redact_url("postgres://warren@db/warren"),
            "postgres://warren@db/warren"
        );
        assert_eq!(
            redact_url("sqlite://warren.db?mode=rwc"),
            "sqlite://warren.db?mode=rwc"
        );
    }

    #[derive(Debug, Parser)]
    #[command(name = "client")]
    struct Client {
        #[arg(long, global = true)]
        config: Option<PathBuf>,
        #[arg(long, global = true)]
        url: Option<String>,
        #[command(subcommand)]
        command: ClientCommand,
    }

    #[derive(Debug, clap::Subcommand)]
    enum ClientCommand {
        Run {
            #[arg(long)]
            limit: Option<u32>,
            #[arg(last = true)]
            argv: Vec<String>,
        },
    }

    #[test]
    fn a_global_config_file_holds_global_settings_and_a_default_file_is_read() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("client.toml");
        std::fs::write(&path, "url = \"http://farm:8420\"\n").expect("write");
        let args = |extra: &[&str]| {
            let mut argv: Vec<OsString> = vec!["client".into()];
            argv.extend(extra.iter().map(OsString::from));
            argv
        };
        let parsed = parse_with::<Client>(args(&["run", "--", "echo", "hi"]), &[], Some(&path))
            .expect("valid");
        assert_eq!(parsed.cli.url.as_deref(), Some("http://farm:8420"));
        let ClientCommand::Run { argv, .. } = parsed.cli.command;
        assert_eq!(
            argv,
            ["echo", "hi"],
            "the file's flag did not land after `--`"
        );
        let missing = dir.path().join("none.toml");
        let parsed = parse_with::<Client>(args(&["run"]), &[], Some(&missing)).expect("valid");
        assert_eq!(parsed.cli.url, None, "a missing default file is no error");
        std::fs::write(&path, "limit = 3\n").expect("write");
        let error = parse_with::<Client>(args(&["run"]), &[], Some(&path))
            .expect_err("a subcommand's flag is no global setting");
        assert!(
            error.to_string().contains("`limit` is not a setting"),
            "{error}"
        );
    }
}

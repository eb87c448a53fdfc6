//! URLs as they may be shown: with their password hidden, for logs and printed settings.

/// `url` with the password of its credentials replaced by `****`; unchanged without one.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

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
}

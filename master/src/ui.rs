//! The web UI: plain HTML, CSS and JavaScript modules from `master/ui/`, compiled into the
//! binary and served under `/ui/`. The pages call the same REST API as everyone else, with
//! the login session's cookie and CSRF token.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// Every file of the UI: its path under `/ui/`, its content type and its text.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("../ui/index.html"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../ui/style.css"),
    ),
    ("app.js", JS, include_str!("../ui/app.js")),
    ("api.js", JS, include_str!("../ui/api.js")),
    ("dom.js", JS, include_str!("../ui/dom.js")),
    ("chart.js", JS, include_str!("../ui/chart.js")),
    ("pages/login.js", JS, include_str!("../ui/pages/login.js")),
    (
        "pages/dashboard.js",
        JS,
        include_str!("../ui/pages/dashboard.js"),
    ),
    ("pages/jobs.js", JS, include_str!("../ui/pages/jobs.js")),
    ("pages/job.js", JS, include_str!("../ui/pages/job.js")),
    ("pages/agents.js", JS, include_str!("../ui/pages/agents.js")),
    ("pages/agent.js", JS, include_str!("../ui/pages/agent.js")),
    ("pages/queues.js", JS, include_str!("../ui/pages/queues.js")),
    (
        "pages/catalog.js",
        JS,
        include_str!("../ui/pages/catalog.js"),
    ),
    ("pages/users.js", JS, include_str!("../ui/pages/users.js")),
    (
        "pages/webhooks.js",
        JS,
        include_str!("../ui/pages/webhooks.js"),
    ),
    (
        "pages/dead_letters.js",
        JS,
        include_str!("../ui/pages/dead_letters.js"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";

/// `/` and `/ui` lead to the UI; `/ui/...` serves its files.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui", get(|| async { Redirect::to("/ui/") }))
        .route("/ui/", get(|| async { asset("index.html") }))
        .route(
            "/ui/{*path}",
            get(|Path(path): Path<String>| async move { asset(&path) }),
        )
}

fn asset(path: &str) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, text)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                (
                    header::HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            *text,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "error": format!("no UI file `{path}`") })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::ASSETS;

    #[test]
    fn every_module_the_ui_imports_is_served() {
        let names: Vec<&str> = ASSETS.iter().map(|(name, _, _)| *name).collect();
        for (name, _, text) in ASSETS {
            let dir = name.rsplit_once('/').map_or("", |(dir, _)| dir);
            for line in text.lines() {
                let Some(rest) = line.trim().strip_prefix("import ") else {
                    continue;
                };
                let Some(target) = rest.split(['\'', '"']).nth(1) else {
                    continue;
                };
                let mut parts: Vec<&str> = if dir.is_empty() {
                    Vec::new()
                } else {
                    dir.split('/').collect()
                };
                for part in target.split('/') {
                    match part {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        part => parts.push(part),
                    }
                }
                let resolved = parts.join("/");
                assert!(
                    names.contains(&resolved.as_str()),
                    "{name} imports {target}, which is not served"
                );
            }
        }
    }
}

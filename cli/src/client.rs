//! A small HTTP client for the master's REST API.

pub use reqwest::Method;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why an API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The master could not be reached.
    #[error("cannot reach the master at {url}")]
    Unreachable {
        /// The URL called.
        url: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The master answered with an error.
    #[error("the master refused the request ({status}): {message}")]
    Api {
        /// HTTP status.
        status: StatusCode,
        /// The `error` text of the answer.
        message: String,
    },
    /// The token cannot be sent in a header.
    #[error("the API token holds characters a header cannot carry")]
    BadToken,
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client")]
    Build(#[source] reqwest::Error),
    /// The answer was not what the client expected.
    #[error("unexpected answer from the master")]
    Decode(#[source] reqwest::Error),
}

/// Calls the master's API.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    http: reqwest::Client,
}

impl ApiClient {
    /// A client for the master at `base` (e.g. `http://127.0.0.1:8420`), sending `token` as a
    /// bearer token when given.
    pub fn new(base: &str, token: Option<&str>) -> Result<Self, ClientError> {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| ClientError::BadToken)?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .map_err(ClientError::Build)?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            http,
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|source| ClientError::Unreachable {
                url: url.clone(),
                source,
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|value| {
                value
                    .get("error")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or(text);
        let message = if status == StatusCode::UNAUTHORIZED {
            format!(
                "{message} (set WARREN_TOKEN, --token, or `token` in ~/.config/warren/config.toml; `warren-master user token <name>` makes one)"
            )
        } else {
            message
        };
        Err(ClientError::Api { status, message })
    }

    /// GET a JSON document.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send(Method::GET, path, None)
            .await?
            .json()
            .await
            .map_err(ClientError::Decode)
    }

    /// GET a Server-Sent Events stream.
    pub async fn events(&self, path: &str) -> Result<EventStream, ClientError> {
        let response = self.send(Method::GET, path, None).await?;
        Ok(EventStream {
            response,
            buffer: Vec::new(),
        })
    }

    /// GET a text document.
    pub async fn get_text(&self, path: &str) -> Result<String, ClientError> {
        self.send(Method::GET, path, None)
            .await?
            .text()
            .await
            .map_err(ClientError::Decode)
    }

    /// Call with any method and an optional JSON body; the JSON answer, or `null` when empty.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ClientError> {
        let text = self
            .send(method, path, body)
            .await?
            .text()
            .await
            .map_err(ClientError::Decode)?;
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// POST a JSON body and read a JSON answer.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send(Method::POST, path, Some(&to_json(body)?))
            .await?
            .json()
            .await
            .map_err(ClientError::Decode)
    }

    /// PATCH with a JSON body; the JSON answer, or `null` when empty.
    pub async fn patch<B: Serialize>(&self, path: &str, body: &B) -> Result<Value, ClientError> {
        self.call(Method::PATCH, path, Some(&to_json(body)?)).await
    }
}

fn to_json<B: Serialize>(body: &B) -> Result<Value, ClientError> {
    serde_json::to_value(body).map_err(|error| ClientError::Api {
        status: StatusCode::BAD_REQUEST,
        message: error.to_string(),
    })
}

/// A Server-Sent Events stream being read.
#[derive(Debug)]
pub struct EventStream {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl EventStream {
    /// The next event as `(event name, data)`; `None` when the stream ends. Comments
    /// (keep-alives) are skipped.
    pub async fn next(&mut self) -> Result<Option<(String, String)>, ClientError> {
        loop {
            if let Some(end) = find_blank_line(&self.buffer) {
                let block: Vec<u8> = self.buffer.drain(..end.1).collect();
                let block = String::from_utf8_lossy(&block[..end.0]).into_owned();
                let (mut name, mut data) = (String::from("message"), Vec::new());
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim_start().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Ok(Some((name, data.join("\n"))));
            }
            match self.response.chunk().await.map_err(ClientError::Decode)? {
                Some(bytes) => self.buffer.extend_from_slice(&bytes),
                None => return Ok(None),
            }
        }
    }
}

/// Where the first event block ends: (end of its text, end including the blank line).
fn find_blank_line(buffer: &[u8]) -> Option<(usize, usize)> {
    let text = buffer;
    (0..text.len()).find_map(|idx| {
        if text[idx..].starts_with(b"\n\n") {
            Some((idx, idx + 2))
        } else if text[idx..].starts_with(b"\r\n\r\n") {
            Some((idx, idx + 4))
        } else {
            None
        }
    })
}

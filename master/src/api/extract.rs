//! Extractors that turn every malformed request into an [`ApiError`] with a JSON body.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON object body; syntax errors are 400, shape errors (and anything but an object) 422,
/// wrong type 415, too large 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Every body is an object: serde would otherwise take a struct's fields from an array.
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(ApiError::Unprocessable {
                message: "the body must be a JSON object".to_owned(),
                field: None,
            });
        }
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|error| {
                let field = error.path().iter().find_map(|segment| match segment {
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    _ => None,
                });
                let inner = error.inner().to_string();
                match field {
                    // A value a domain type refused: "`weight` must be at least 1, got 0".
                    Some(field) if warren_api::domain::reads_after_field(&inner) => {
                        ApiError::Unprocessable {
                            message: format!("`{}` {inner}", error.path()),
                            field: Some(field.into()),
                        }
                    }
                    field => ApiError::Unprocessable {
                        message: format!("invalid body: {}", error.into_inner()),
                        field: field.map(Into::into),
                    },
                }
            })
    }
}

/// A query string; malformed ones are 400.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// Path parameters; malformed ones are 400.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

pub use warren_api::requests::explicit;

/// The client's IP address: the connection's peer, or with `--behind-tls-proxy` the last
/// address the proxy added to `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<super::AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.behind_tls_proxy
            && let Some(forwarded) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .filter_map(|address| address.trim().parse::<std::net::IpAddr>().ok())
                .next_back()
        {
            return Ok(Self(forwarded));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(
                std::net::IpAddr::from([0, 0, 0, 0]),
                |axum::extract::ConnectInfo(address)| address.ip(),
            );
        Ok(Self(peer))
    }
}

//! The API's one error type: each variant is an HTTP outcome with a JSON body `{"error": ..}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use warren_broker::error_chain;

use crate::store::StoreError;

/// An API failure, rendered as a status code and `{"error": "..."}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is not well-formed (bad JSON syntax, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// The request carries no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Something named in the path does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// What was asked for existed and was removed for good (logs past their retention).
    #[error("{0}")]
    Gone(String),
    /// The body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request is well-formed but its content is invalid.
    #[error("{message}")]
    Unprocessable {
        /// What is wrong.
        message: String,
        /// The field concerned, when one is.
        field: Option<std::borrow::Cow<'static, str>>,
    },
    /// Too many failed attempts: the caller must wait this many seconds.
    #[error("{message}")]
    TooManyRequests {
        /// What to do.
        message: String,
        /// Seconds to wait, sent as `Retry-After`.
        retry_after_secs: u64,
    },
    /// The database cannot be reached now; try again later.
    #[error("{0}")]
    Unavailable(String),
    /// The write lost a race with a concurrent one and was rolled back; the API runs it again
    /// (see `api::retry_conflicts`) and answers 503 only when that keeps happening.
    #[error("{0}")]
    Conflicted(String),
    /// Something failed on the master's side; details are logged, not returned.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 422 about one field.
    pub fn invalid(field: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Unprocessable {
            message: message.to_string(),
            field: Some(field.into()),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Conflicted(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(error) = &self {
            tracing::error!(error = %error_chain(error.as_ref()), "request failed");
        }
        if let Self::Unavailable(message) = &self {
            tracing::warn!(error = %message, "request refused: the database is unavailable");
        }
        let body = match &self {
            Self::Unprocessable {
                message,
                field: Some(field),
            } => json!({"error": message, "field": field}),
            other => json!({"error": other.to_string()}),
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::Conflicted(message) = &self {
            // The write already ran again a few times; a moment later it should get through.
            tracing::warn!(error = %message, "a write kept conflicting with concurrent ones");
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        if let Self::TooManyRequests {
            retry_after_secs, ..
        } = &self
            && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"warren\""),
            );
        }
        response
    }
}

impl From<crate::identities::IdentityError> for ApiError {
    fn from(error: crate::identities::IdentityError) -> Self {
        use crate::identities::IdentityError;
        match error {
            IdentityError::Store(error) => error.into(),
            IdentityError::Management(error) => Self::Unavailable(error_chain(&error)),
            IdentityError::Broker(error) => Self::Unavailable(format!(
                "the broker cannot be reached: {}",
                error_chain(&error)
            )),
            IdentityError::Random(error) => Self::Internal(error.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = rejection.body_text();
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                Self::PayloadTooLarge(format!("request body is too large: {message}"))
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(
                "expected a JSON body with `Content-Type: application/json`".to_owned(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY => Self::Unprocessable {
                message,
                field: None,
            },
            _ => Self::BadRequest(message),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Invalid { field, message } => Self::Unprocessable {
                message,
                field: Some(field.into()),
            },
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Db(error) => error.into(),
            other => Self::Internal(other.into()),
        }
    }
}

impl crate::db::MayConflict for ApiError {
    fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflicted(_))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&error) {
            Self::Unavailable(
                "the database is unavailable; nothing was changed, try again shortly".to_owned(),
            )
        } else if crate::db::is_conflict(&error) {
            Self::Conflicted(
                "the change collided with concurrent ones; nothing was changed, try again"
                    .to_owned(),
            )
        } else {
            Self::Internal(error.into())
        }
    }
}

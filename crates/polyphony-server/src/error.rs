//! The server's one error type and how each case answers over HTTP.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use polyphony_protocol::ErrorBody;

/// Everything that can go wrong in the server. Bad input is always a 4xx with a sentence saying
/// what to fix; only storage failures are 5xx.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ServerError {
    /// The body is not the JSON the endpoint takes.
    #[error("{0}")]
    BadRequest(String),
    /// The facilitator key or participant token is missing.
    #[error("{0}")]
    Unauthorized(String),
    /// The key or token does not belong to this room.
    #[error("{0}")]
    Forbidden(String),
    /// No such room, statement or spectrum.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the room's state (closed room, round not open…).
    #[error("{0}")]
    Conflict(String),
    /// A text or body is longer than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed but not acceptable (empty text, position out of range…).
    #[error("{0}")]
    Unprocessable(String),
    /// Rate limit hit; retry later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(String),
}

impl ServerError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::Conflict(_) => StatusCode::CONFLICT,
            ServerError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ServerError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        (
            self.status(),
            Json(ErrorBody {
                error: self.to_string(),
            }),
        )
            .into_response()
    }
}

impl From<JsonRejection> for ServerError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ServerError::TooLarge("the request body is too large".into())
            }
            JsonRejection::MissingJsonContentType(_) => ServerError::BadRequest(
                "send the body as JSON (content-type: application/json)".into(),
            ),
            other => ServerError::BadRequest(format!("malformed JSON body: {}", other.body_text())),
        }
    }
}

impl From<PathRejection> for ServerError {
    fn from(r: PathRejection) -> Self {
        ServerError::NotFound(format!("no such resource: {}", r.body_text()))
    }
}

impl From<QueryRejection> for ServerError {
    fn from(r: QueryRejection) -> Self {
        ServerError::BadRequest(format!("bad query string: {}", r.body_text()))
    }
}

//! The HTTP and WebSocket edge of errors: [`ApiError`] is a status and the sentence a client
//! reads. [`RoomError`]s get their status here, in one place (`status_of`); a 500 answers a
//! generic sentence and its detail goes to the log.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use polyphony_protocol::{ErrorBody, ErrorCode, Rejection, ServerMessage};

use crate::room::RoomError;

/// What a client gets for a 5xx: the detail is in the server's log, not in the answer.
const INTERNAL: &str =
    "the server could not do this; try again, and tell the facilitator if it keeps failing";

/// An error as a client sees it: an HTTP status and a sentence saying what to fix.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    /// Seconds for a `Retry-After` header (rate limits that know when they lift).
    retry_after: Option<u64>,
    /// The stable code screens word in their reader's language.
    code: ErrorCode,
    /// A 503 the client retries: why (logged at WARN, `crate::request_log`).
    retried: Option<&'static str>,
    /// A 5xx the server chose to answer (it is at a limit its operator set), logged where it
    /// is refused, not as a failure (`crate::request_log::Refused`).
    refused: bool,
}

/// The HTTP status of each room error (the same for an HTTP answer and a WebSocket
/// `rejected`).
fn status_of(e: &RoomError) -> StatusCode {
    use RoomError as E;
    match e {
        E::UnknownRoom(_)
        | E::UnknownStatement(_)
        | E::NotAccepted(_)
        | E::UnknownSpectrum(_)
        | E::UnknownNote(_)
        | E::UnknownGroup(_)
        | E::ReportNotPublished => StatusCode::NOT_FOUND,
        E::KeyMissing | E::TokenMissing => StatusCode::UNAUTHORIZED,
        E::WrongKey
        | E::WrongToken
        | E::UnknownParticipant
        | E::ParticipantsCannotAdd
        | E::NotYourNote
        | E::NotReporter => StatusCode::FORBIDDEN,
        E::AdmissionRequired => StatusCode::FORBIDDEN,
        E::Closed
        | E::VoteLimit { .. }
        | E::Full { .. }
        | E::StatementLimit { .. }
        | E::StatementPending(_)
        | E::StatementRejected(_)
        | E::RoundNotOpen(_)
        | E::NoTables
        | E::NoGroups
        | E::NotSeated
        | E::TooManyNotes { .. }
        | E::NoteReleased(_)
        | E::NoteWithdrawn(_)
        | E::AuthorStatementLimit { .. }
        | E::ParticipantStatementLimit { .. }
        | E::DuplicateStatement
        | E::VotingPaused => StatusCode::CONFLICT,
        E::StatementTooLong { .. }
        | E::TopicTooLong { .. }
        | E::DescriptionTooLong { .. }
        | E::TooManySeeds { .. }
        | E::RulesTooLong { .. }
        | E::NoteTooLong { .. }
        | E::GroupNameTooLong { .. }
        | E::BriefTooManyCards { .. }
        | E::BriefTooLong { .. }
        | E::BriefTooManyPositions { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        E::PositionOutOfRange
        | E::BadClientId
        | E::EmptyStatement
        | E::BadStatementLimit
        | E::BadRemovalWindow { .. }
        | E::BadStatementsPerParticipant
        | E::NotFromParticipant(_)
        | E::EmptyTopic
        | E::BadLanguage(_)
        | E::BadTableSize(_)
        | E::EmptyNote
        | E::ImportIdTooLarge { .. }
        | E::BadTimer { .. }
        | E::BadRevote { .. }
        | E::NoRound { .. }
        | E::BadRounds { .. }
        | E::BriefEmptyTitle { .. }
        | E::BriefEmptyPosition { .. }
        | E::BriefBadImage { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        E::RateLimited { .. } | E::CreationRateLimited { .. } | E::JoinRateLimited { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        E::Seed { source, .. } | E::Imported { source, .. } => status_of(source),
        // Another instance took the room over: nothing was written; ask again (and be
        // forwarded there).
        E::Storage(crate::store::StoreError::LeaseLost(_)) => StatusCode::SERVICE_UNAVAILABLE,
        E::ServerFull { .. } => StatusCode::SERVICE_UNAVAILABLE,
        E::Storage(_) | E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The stable code of each room error: what a screen words in its reader's language.
fn code_of(e: &RoomError) -> ErrorCode {
    use ErrorCode as C;
    use RoomError as E;
    match e {
        E::UnknownRoom(_) => C::UnknownRoom,
        E::KeyMissing | E::WrongKey => C::NotFacilitator,
        E::TokenMissing | E::WrongToken | E::UnknownParticipant => C::NotParticipant,
        E::Closed => C::RoomClosed,
        E::Full { .. } => C::RoomFull,
        E::AdmissionRequired => C::AdmissionRequired,
        E::VoteLimit { .. } => C::VoteLimit,
        E::StatementLimit { .. }
        | E::TooManySeeds { .. }
        | E::AuthorStatementLimit { .. }
        | E::ParticipantStatementLimit { .. } => C::StatementLimit,
        E::UnknownStatement(_)
        | E::NotAccepted(_)
        | E::UnknownSpectrum(_)
        | E::UnknownNote(_)
        | E::UnknownGroup(_)
        | E::ReportNotPublished => C::NotFound,
        E::StatementPending(_) => C::StatementPending,
        E::StatementRejected(_) => C::StatementRejected,
        E::ParticipantsCannotAdd => C::ParticipantsCannotAdd,
        E::RoundNotOpen(_) => C::RoundNotOpen,
        E::VotingPaused => C::VotingPaused,
        E::RateLimited { .. } | E::CreationRateLimited { .. } | E::JoinRateLimited { .. } => {
            C::RateLimited
        }
        E::ServerFull { .. } => C::ServerFull,
        E::EmptyStatement
        | E::EmptyTopic
        | E::EmptyNote
        | E::BriefEmptyTitle { .. }
        | E::BriefEmptyPosition { .. } => C::EmptyStatement,
        E::DuplicateStatement => C::DuplicateStatement,
        E::StatementTooLong { .. }
        | E::TopicTooLong { .. }
        | E::DescriptionTooLong { .. }
        | E::RulesTooLong { .. }
        | E::NoteTooLong { .. }
        | E::GroupNameTooLong { .. }
        | E::BriefTooManyCards { .. }
        | E::BriefTooLong { .. }
        | E::BriefTooManyPositions { .. } => C::TooLong,
        E::NoTables | E::NotSeated => C::NoTable,
        E::NoGroups => C::NoGroups,
        E::NotReporter | E::NotYourNote => C::NotReporter,
        E::PositionOutOfRange
        | E::BadClientId
        | E::BadStatementLimit
        | E::BadRemovalWindow { .. }
        | E::BadStatementsPerParticipant
        | E::NotFromParticipant(_)
        | E::BadLanguage(_)
        | E::BadTableSize(_)
        | E::TooManyNotes { .. }
        | E::NoteReleased(_)
        | E::NoteWithdrawn(_)
        | E::ImportIdTooLarge { .. }
        | E::BadTimer { .. }
        | E::BadRevote { .. }
        | E::NoRound { .. }
        | E::BadRounds { .. }
        | E::BriefBadImage { .. } => C::Invalid,
        E::Seed { source, .. } | E::Imported { source, .. } => code_of(source),
        E::Storage(_) | E::Internal(_) => C::Internal,
    }
}

/// The code of an answer no [`RoomError`] describes, from its status alone.
fn code_of_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        404 => ErrorCode::NotFound,
        409 | 422 => ErrorCode::Invalid,
        413 => ErrorCode::TooLong,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    }
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
            code: code_of_status(status),
            retried: None,
            refused: false,
        }
    }

    /// An error with this status and sentence (for answers no [`RoomError`] describes).
    pub(crate) fn with_status(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, message)
    }

    /// A 5xx with the generic sentence (its detail belongs in the log).
    pub(crate) fn internal(status: StatusCode) -> ApiError {
        ApiError::new(status, INTERNAL)
    }

    /// 400: the request is not what the endpoint takes.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such thing.
    pub(crate) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// The same error as a WebSocket `rejected` answer to request `id`.
    pub(crate) fn rejection(self, id: Option<String>) -> ServerMessage {
        ServerMessage::Rejected(Rejection {
            id,
            status: self.status.as_u16(),
            error: self.message,
            code: Some(self.code),
        })
    }
}

impl From<RoomError> for ApiError {
    fn from(e: RoomError) -> Self {
        let status = status_of(&e);
        if let RoomError::ServerFull { .. } = e {
            // The operator's to know (once a second in a flood of refusals); the facilitator
            // is told what to ask for.
            static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            if crate::util::once_a_second(&LAST) {
                tracing::warn!(error = %e, "a new room refused");
            }
            ApiError {
                code: code_of(&e),
                refused: true,
                ..ApiError::new(status, e.to_string())
            }
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            // Logged once, with the room, by the trace layer (`crate::request_log`).
            tracing::debug!(error = %e, "request refused: the room moved");
            ApiError {
                retry_after: Some(1),
                retried: Some("this instance lost the room's lease to another while writing"),
                ..ApiError::new(
                    status,
                    "this room is moving to another server; try again in a moment",
                )
            }
        } else if status.is_server_error() {
            tracing::error!(error = %e, "request failed");
            ApiError::new(status, INTERNAL)
        } else {
            let retry_after = match &e {
                RoomError::JoinRateLimited { retry_after, .. } => Some(*retry_after),
                // A participant's bucket refills at least one token a second.
                RoomError::RateLimited { .. } => Some(1),
                _ => None,
            };
            ApiError {
                retry_after,
                code: code_of(&e),
                ..ApiError::new(status, e.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.message,
                code: Some(self.code),
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        if let Some(why) = self.retried {
            response
                .extensions_mut()
                .insert(crate::request_log::Retried::because(why));
        }
        if self.refused {
            response
                .extensions_mut()
                .insert(crate::request_log::Refused);
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the request body is too large",
                )
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::bad_request("send the body as JSON (content-type: application/json)")
            }
            other => ApiError::bad_request(format!("malformed JSON body: {}", other.body_text())),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::not_found(format!("no such resource: {}", r.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn room_errors_keep_their_statuses_and_500s_hide_their_detail() {
        let cases = [
            (RoomError::Closed, 409),
            (RoomError::Full { max: 3 }, 409),
            (RoomError::UnknownStatement(4), 404),
            (RoomError::StatementPending(4), 409),
            (RoomError::StatementRejected(4), 409),
            (RoomError::RoundNotOpen(2), 409),
            (RoomError::RateLimited { rate: 10 }, 429),
            (RoomError::StatementTooLong { chars: 9, max: 5 }, 413),
            (RoomError::KeyMissing, 401),
            (RoomError::WrongToken, 403),
            (RoomError::BadClientId, 422),
            (RoomError::BadTableSize(1), 422),
            (RoomError::NotSeated, 409),
            (
                RoomError::NoteTooLong {
                    chars: 281,
                    max: 280,
                },
                413,
            ),
            (RoomError::NotYourNote, 403),
            (RoomError::NoteReleased(1), 409),
            (RoomError::NotReporter, 403),
            (RoomError::UnknownNote(9), 404),
            (
                RoomError::Seed {
                    index: 2,
                    source: Box::new(RoomError::EmptyStatement),
                },
                422,
            ),
        ];
        for (e, status) in cases {
            let text = e.to_string();
            let api = ApiError::from(e);
            assert_eq!(api.status.as_u16(), status, "{text}");
            assert_eq!(api.message, text);
        }
        let api = ApiError::from(RoomError::Storage(StoreError::Failed(
            "disk I/O error at /var".into(),
        )));
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!api.message.contains("disk"), "{}", api.message);
    }
}

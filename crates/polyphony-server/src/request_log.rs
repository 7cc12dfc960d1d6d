//! How the HTTP trace layer logs an answer: a server error at ERROR, as `tower-http` does,
//! except a 503 the client is told to retry ([`Retried`]: a room between two instances, during
//! a takeover), which is expected and goes by itself once the room is served again: a WARN
//! line with the room's code and why, not an ERROR — at most one a second per room (every
//! phone of a room retries during a takeover), saying how many more there were, and at most
//! [`LINES_A_SECOND`] in all (the code comes from the path: while the database cannot be
//! reached, any code's answer is a retried 503, and a client chooses the codes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Response;
use tower_http::classify::{
    ClassifiedResponse, ClassifyResponse, NeverClassifyEos, ServerErrorsAsFailures,
    ServerErrorsFailureClass, SharedClassifier,
};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, OnResponse, TraceLayer};
use tracing::Span;

/// Marks a 503 the client retries (it carries `Retry-After`): the room is moving to another
/// instance, or its owner cannot be reached yet. Logged at WARN, with `room` and `why`.
#[derive(Clone, Debug)]
pub(crate) struct Retried {
    /// The room's join code (filled in by the forwarding middleware, which reads it from the
    /// path, when the answer's maker did not know it).
    pub(crate) room: Option<String>,
    /// Why the room could not be served.
    pub(crate) why: String,
}

impl Retried {
    /// A retried 503 for `why`, its room not yet known.
    pub(crate) fn because(why: impl Into<String>) -> Retried {
        Retried {
            room: None,
            why: why.into(),
        }
    }
}

/// Marks a 5xx the server chose to answer, at a limit its operator set (a server holding its
/// most rooms): logged where it was refused (once a second), not as a failure here, so that a
/// flood of refused requests is no flood of ERROR lines.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Refused;

/// `tower-http`'s classification of server errors as failures, but a [`Retried`] or
/// [`Refused`] answer is not one.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RetriedIsNoFailure;

impl ClassifyResponse for RetriedIsNoFailure {
    type FailureClass = ServerErrorsFailureClass;
    type ClassifyEos = NeverClassifyEos<ServerErrorsFailureClass>;

    fn classify_response<B>(
        self,
        res: &Response<B>,
    ) -> ClassifiedResponse<Self::FailureClass, Self::ClassifyEos> {
        if res.extensions().get::<Retried>().is_some()
            || res.extensions().get::<Refused>().is_some()
        {
            return ClassifiedResponse::Ready(Ok(()));
        }
        ServerErrorsAsFailures::new().classify_response(res)
    }

    fn classify_error<E: std::fmt::Display + 'static>(self, error: &E) -> Self::FailureClass {
        ServerErrorsAsFailures::new().classify_error(error)
    }
}

/// Logs a [`Retried`] answer at WARN, the first of each second per room, ten a second at most
/// (the others at DEBUG); any other answer as `tower-http` does (DEBUG).
#[derive(Clone, Debug, Default)]
pub(crate) struct LogRetried {
    default: DefaultOnResponse,
    recent: Arc<Mutex<Recent>>,
}

/// The second each room's last WARN line was written in and the retried answers since, and
/// the lines written this second.
#[derive(Debug, Default)]
struct Recent {
    start: Option<Instant>,
    rooms: HashMap<String, (Option<u64>, u64)>,
    /// (second, WARN lines written in it).
    lines: (u64, u32),
}

/// Rooms [`Recent`] remembers at most: past it, it starts again.
const RECENT_ROOMS: usize = 4096;

/// WARN lines a second at most, all rooms together; the rest go to DEBUG (and are counted in
/// their room's next line).
const LINES_A_SECOND: u32 = 10;

/// The most of a room's code a line shows (codes are 6 characters; the path's is the client's).
const CODE_CHARS: usize = 16;

impl Recent {
    /// Whether `room`'s retried answer gets a WARN line now (its room's first this second,
    /// and not past [`LINES_A_SECOND`]); if so, how many of its room's came since its last.
    fn warn_now(&mut self, room: &str) -> Option<u64> {
        let now = self
            .start
            .get_or_insert_with(Instant::now)
            .elapsed()
            .as_secs();
        if self.lines.0 != now {
            self.lines = (now, 0);
        }
        if self.rooms.len() >= RECENT_ROOMS && !self.rooms.contains_key(room) {
            self.rooms.clear();
        }
        let full = self.lines.1 >= LINES_A_SECOND;
        let entry = self.rooms.entry(room.to_owned()).or_insert((None, 0));
        if full || entry.0 == Some(now) {
            entry.1 += 1;
            return None;
        }
        let more = entry.1;
        *entry = (Some(now), 0);
        self.lines.1 += 1;
        Some(more)
    }
}

impl<B> OnResponse<B> for LogRetried {
    fn on_response(self, response: &Response<B>, latency: Duration, span: &Span) {
        let Some(r) = response.extensions().get::<Retried>() else {
            return self.default.on_response(response, latency, span);
        };
        let room: String = r
            .room
            .as_deref()
            .unwrap_or("?")
            .chars()
            .take(CODE_CHARS)
            .collect();
        let room = room.as_str();
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        let first = crate::util::lock(&self.recent).warn_now(room);
        match first {
            Some(more) => tracing::warn!(
                room,
                status = response.status().as_u16(),
                latency_ms,
                more_since_last_line = more,
                "room unavailable for a moment, the client retries: {}",
                r.why
            ),
            None => tracing::debug!(
                room,
                status = response.status().as_u16(),
                latency_ms,
                "room unavailable for a moment, the client retries: {}",
                r.why
            ),
        }
    }
}

/// The trace layer of the whole router: a span per request, failures (5xx but retried 503s)
/// at ERROR, retried 503s at WARN.
pub(crate) fn layer() -> TraceLayer<
    SharedClassifier<RetriedIsNoFailure>,
    DefaultMakeSpan,
    tower_http::trace::DefaultOnRequest,
    LogRetried,
> {
    TraceLayer::new(SharedClassifier::new(RetriedIsNoFailure)).on_response(LogRetried::default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::extract::Path;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    use super::*;

    /// The log lines written, shared with the subscriber.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What `paths` log, asked in turn of the router below, at the server's default level.
    fn log_of<P: AsRef<str>>(paths: &[P]) -> String {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("warn,polyphony_server=info")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let app = Router::new()
            .route("/moving", get(|| async { retried("ABC234") }))
            .route("/moving-too", get(|| async { retried("XYZ789") }))
            .route(
                "/moving/{code}",
                get(|Path(code): Path<String>| async move { retried(&code) }),
            )
            .route(
                "/broken",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route(
                "/full",
                get(|| async {
                    crate::error::ApiError::from(crate::room::RoomError::ServerFull { max: 1 })
                }),
            )
            .route(
                "/unavailable",
                get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
            )
            .layer(layer());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        tracing::subscriber::with_default(subscriber, || {
            runtime.block_on(async {
                for path in paths {
                    let req = axum::http::Request::get(path.as_ref())
                        .body(Body::empty())
                        .unwrap();
                    app.clone().oneshot(req).await.unwrap();
                }
            });
        });
        let bytes = lines.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    fn retried(room: &str) -> axum::response::Response {
        let mut r = StatusCode::SERVICE_UNAVAILABLE.into_response();
        r.extensions_mut().insert(Retried {
            room: Some(room.into()),
            why: "its owner cannot be reached".into(),
        });
        r
    }

    #[test]
    fn a_retried_503_is_a_warning_with_its_room_and_why() {
        let log = log_of(&["/moving"]);
        assert!(log.contains(" WARN "), "{log}");
        assert!(!log.contains("ERROR"), "{log}");
        assert!(log.contains("room=\"ABC234\""), "{log}");
        assert!(log.contains("its owner cannot be reached"), "{log}");
        assert_eq!(log.lines().count(), 1, "{log}");
    }

    #[test]
    fn a_rooms_retried_503s_are_one_warning_a_second() {
        // A room's phones all retrying within the same second: one line for the room, and one
        // for another room.
        let log = log_of(&[
            "/moving",
            "/moving",
            "/moving-too",
            "/moving",
            "/moving-too",
        ]);
        assert_eq!(log.lines().count(), 2, "{log}");
        assert_eq!(log.matches("room=\"ABC234\"").count(), 1, "{log}");
        assert_eq!(log.matches("room=\"XYZ789\"").count(), 1, "{log}");
        assert!(!log.contains("ERROR"), "{log}");
    }

    #[test]
    fn a_flood_of_room_codes_is_at_most_ten_warnings_a_second() {
        // Many codes (while the database cannot be reached, any code's answer is a retried
        // 503): ten lines, each code cut to 16 characters.
        let mut paths: Vec<String> = (0..40).map(|i| format!("/moving/R{i:05}")).collect();
        paths.insert(0, format!("/moving/{}", "X".repeat(500)));
        let log = log_of(&paths);
        assert_eq!(log.matches(" WARN ").count(), 10, "{log}");
        assert!(
            log.contains(&format!("room=\"{}\"", "X".repeat(16))),
            "{log}"
        );
        assert!(!log.contains(&"X".repeat(17)), "{log}");
    }

    #[test]
    fn a_flood_of_refused_rooms_is_one_warning_a_second_and_no_error() {
        let log = log_of(&["/full", "/full", "/full"]);
        assert!(!log.contains("ERROR"), "{log}");
        assert!(log.contains(" WARN "), "{log}");
        assert!(log.contains("a new room refused"), "{log}");
        assert!(
            log.lines().count() <= 2,
            "one a second (two if a second turned): {log}"
        );
    }

    #[test]
    fn other_server_errors_stay_errors() {
        for path in ["/broken", "/unavailable"] {
            let log = log_of(&[path]);
            assert!(log.contains("ERROR"), "{path}: {log}");
            assert!(!log.contains(" WARN "), "{path}: {log}");
        }
    }
}

//! How the HTTP trace layer logs an answer: a server error at ERROR, as `tower-http` does,
//! except a 503 the client is told to retry ([`Retried`]: a room between two instances, during
//! a takeover), which is expected and goes by itself once the room is served again: a WARN
//! line with the room's code and why, not an ERROR — at most one a second per room (every
//! phone of a room retries during a takeover), saying how many more there were.

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

/// `tower-http`'s classification of server errors as failures, but a [`Retried`] answer is
/// not one.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RetriedIsNoFailure;

impl ClassifyResponse for RetriedIsNoFailure {
    type FailureClass = ServerErrorsFailureClass;
    type ClassifyEos = NeverClassifyEos<ServerErrorsFailureClass>;

    fn classify_response<B>(
        self,
        res: &Response<B>,
    ) -> ClassifiedResponse<Self::FailureClass, Self::ClassifyEos> {
        if res.extensions().get::<Retried>().is_some() {
            return ClassifiedResponse::Ready(Ok(()));
        }
        ServerErrorsAsFailures::new().classify_response(res)
    }

    fn classify_error<E: std::fmt::Display + 'static>(self, error: &E) -> Self::FailureClass {
        ServerErrorsAsFailures::new().classify_error(error)
    }
}

/// Logs a [`Retried`] answer at WARN, the first of each second per room (the others at
/// DEBUG); any other answer as `tower-http` does (DEBUG).
#[derive(Clone, Debug, Default)]
pub(crate) struct LogRetried {
    default: DefaultOnResponse,
    recent: Arc<Mutex<Recent>>,
}

/// The second each room's last WARN line was written in, and the retried answers since.
#[derive(Debug, Default)]
struct Recent {
    start: Option<Instant>,
    rooms: HashMap<String, (u64, u64)>,
}

/// Rooms [`Recent`] remembers at most (codes in a path are a client's choice, and a database
/// that cannot be reached makes any code's answer a retried 503): past it, it starts again.
const RECENT_ROOMS: usize = 4096;

impl Recent {
    /// Whether `room`'s retried answer is the first this second; if so, how many came since
    /// the last one logged.
    fn first_this_second(&mut self, room: &str) -> Option<u64> {
        let now = self
            .start
            .get_or_insert_with(Instant::now)
            .elapsed()
            .as_secs();
        if self.rooms.len() >= RECENT_ROOMS && !self.rooms.contains_key(room) {
            self.rooms.clear();
        }
        match self.rooms.get_mut(room) {
            Some((second, more)) if *second == now => {
                *more += 1;
                None
            }
            Some(entry) => {
                let more = entry.1;
                *entry = (now, 0);
                Some(more)
            }
            None => {
                self.rooms.insert(room.to_owned(), (now, 0));
                Some(0)
            }
        }
    }
}

impl<B> OnResponse<B> for LogRetried {
    fn on_response(self, response: &Response<B>, latency: Duration, span: &Span) {
        let Some(r) = response.extensions().get::<Retried>() else {
            return self.default.on_response(response, latency, span);
        };
        let room = r.room.as_deref().unwrap_or("?");
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        let first = crate::util::lock(&self.recent).first_this_second(room);
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
    fn log_of(paths: &[&str]) -> String {
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
                "/broken",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
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
                    let req = axum::http::Request::get(*path).body(Body::empty()).unwrap();
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
    fn other_server_errors_stay_errors() {
        for path in ["/broken", "/unavailable"] {
            let log = log_of(&[path]);
            assert!(log.contains("ERROR"), "{path}: {log}");
            assert!(!log.contains(" WARN "), "{path}: {log}");
        }
    }
}

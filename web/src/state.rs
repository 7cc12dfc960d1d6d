//! View state as plain Rust: what each screen knows and how every event changes it. No DOM, no
//! network: the components feed events in and send what comes out, and native unit tests drive
//! the same code.

use std::collections::BTreeMap;

use polyphony_protocol::{
    ClientMessage, NewStatement, PhoneView, RoomView, ServerMessage, SpectrumPosition,
    StatementView, Vote, VoteRequest,
};
use serde::{Deserialize, Serialize};

/// Something that happened to a phone.
#[derive(Clone, Debug, PartialEq)]
pub enum PhoneEvent {
    /// The socket opened.
    Connected,
    /// The socket closed or failed.
    Disconnected,
    /// A message from the server.
    Server(ServerMessage),
    /// The participant voted.
    Vote {
        /// On this statement.
        statement: u32,
        /// This way.
        vote: Vote,
    },
    /// The participant wrote a statement.
    AddStatement(String),
    /// The participant placed themselves on the spectrum.
    Spectrum {
        /// Spectrum id.
        spectrum: u32,
        /// Round.
        round: u8,
        /// −2 … 2.
        position: i8,
    },
    /// Time to resend what the server asked us to retry (429).
    Retry,
}

/// A request not yet answered by the server; kept (and saved) until it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// The request's id.
    pub id: String,
    /// The request as JSON (a `ClientMessage`).
    pub message: String,
}

/// Short feedback for the participant.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// Their statement was stored.
    StatementSent,
    /// The server refused something, saying why.
    Refused(String),
}

/// Everything the phone screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneModel {
    /// The server's last view of this phone.
    pub view: Option<PhoneView>,
    /// The socket is open.
    pub online: bool,
    /// Requests not answered yet, oldest first.
    pub queue: Vec<Queued>,
    /// Votes made here that the server's view does not show yet.
    pub local_votes: BTreeMap<u32, Vote>,
    /// Spectrum positions made here, by (spectrum, round).
    pub local_positions: BTreeMap<(u32, u8), i8>,
    /// Last feedback.
    pub notice: Option<Notice>,
    /// The statement on screen: kept until voted on (or gone), so a new view from the server
    /// never swaps the statement under the participant's thumb.
    showing: Option<u32>,
    prefix: String,
    counter: u64,
}

impl PhoneModel {
    /// A phone whose request ids start with `prefix` (random per page load, so ids never repeat
    /// after a reload), resuming a saved queue.
    pub fn new(prefix: &str, queue: Vec<Queued>) -> PhoneModel {
        let mut local_votes = BTreeMap::new();
        for q in &queue {
            if let Ok(ClientMessage::Vote(v)) = serde_json::from_str(&q.message) {
                local_votes.insert(v.statement, v.vote);
            }
        }
        PhoneModel {
            view: None,
            online: false,
            queue,
            local_votes,
            local_positions: BTreeMap::new(),
            notice: None,
            showing: None,
            prefix: prefix.to_string(),
            counter: 0,
        }
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("{}-{}", self.prefix, self.counter)
    }

    fn enqueue(&mut self, id: String, msg: &ClientMessage) -> Vec<String> {
        let message = serde_json::to_string(msg).unwrap_or_default();
        self.queue.push(Queued {
            id,
            message: message.clone(),
        });
        if self.online {
            vec![message]
        } else {
            Vec::new()
        }
    }

    fn resend_all(&self) -> Vec<String> {
        self.queue.iter().map(|q| q.message.clone()).collect()
    }

    fn answered(&mut self, id: Option<&str>) -> Option<Queued> {
        let id = id?;
        let i = self.queue.iter().position(|q| q.id == id)?;
        Some(self.queue.remove(i))
    }

    /// Applies an event; returns the messages (JSON) to send now.
    pub fn apply(&mut self, event: PhoneEvent) -> Vec<String> {
        let out = self.apply_inner(event);
        self.keep_showing();
        out
    }

    /// Unvoted statements this phone knows of, the server's choice first.
    fn candidates(&self) -> impl Iterator<Item = &StatementView> {
        self.view
            .iter()
            .flat_map(|v| v.next.iter().chain(v.upcoming.iter()))
            .filter(|s| !self.local_votes.contains_key(&s.id))
    }

    fn keep_showing(&mut self) {
        let still = self
            .showing
            .is_some_and(|id| self.candidates().any(|s| s.id == id));
        if !still {
            let first = self.candidates().next().map(|s| s.id);
            self.showing = first;
        }
    }

    fn apply_inner(&mut self, event: PhoneEvent) -> Vec<String> {
        match event {
            PhoneEvent::Connected => {
                self.online = true;
                self.resend_all()
            }
            PhoneEvent::Disconnected => {
                self.online = false;
                Vec::new()
            }
            PhoneEvent::Retry => {
                if self.online {
                    self.resend_all()
                } else {
                    Vec::new()
                }
            }
            PhoneEvent::Vote { statement, vote } => {
                let id = self.next_id();
                self.local_votes.insert(statement, vote);
                let msg = ClientMessage::Vote(VoteRequest {
                    id: id.clone(),
                    statement,
                    vote,
                });
                self.enqueue(id, &msg)
            }
            PhoneEvent::AddStatement(text) => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    return Vec::new();
                }
                let id = self.next_id();
                let msg = ClientMessage::AddStatement(NewStatement {
                    id: Some(id.clone()),
                    text,
                });
                self.enqueue(id, &msg)
            }
            PhoneEvent::Spectrum {
                spectrum,
                round,
                position,
            } => {
                let id = self.next_id();
                self.local_positions.insert((spectrum, round), position);
                let msg = ClientMessage::Spectrum(SpectrumPosition {
                    id: Some(id.clone()),
                    spectrum,
                    round,
                    position,
                });
                self.enqueue(id, &msg)
            }
            PhoneEvent::Server(msg) => {
                self.server(msg);
                Vec::new()
            }
        }
    }

    fn server(&mut self, msg: ServerMessage) {
        match msg {
            ServerMessage::Phone(view) => {
                // Votes the server now shows are no longer only local.
                let confirmed: Vec<u32> = view.votes.iter().map(|v| v.statement).collect();
                let queued: Vec<u32> = self
                    .queue
                    .iter()
                    .filter_map(|q| match serde_json::from_str(&q.message) {
                        Ok(ClientMessage::Vote(v)) => Some(v.statement),
                        _ => None,
                    })
                    .collect();
                self.local_votes
                    .retain(|s, _| !confirmed.contains(s) || queued.contains(s));
                self.view = Some(*view);
            }
            ServerMessage::Ack(a) => {
                self.answered(Some(&a.id));
            }
            ServerMessage::SpectrumAck(a) => {
                self.answered(a.id.as_deref());
            }
            ServerMessage::StatementAdded(a) => {
                if self.answered(a.id.as_deref()).is_some() {
                    self.notice = Some(Notice::StatementSent);
                }
            }
            ServerMessage::Rejected(r) => {
                if r.status == 429 {
                    return; // stays queued; resent on Retry
                }
                if let Some(q) = self.answered(r.id.as_deref()) {
                    if let Ok(ClientMessage::Vote(v)) = serde_json::from_str(&q.message) {
                        self.local_votes.remove(&v.statement);
                    }
                }
                self.notice = Some(Notice::Refused(r.error));
            }
            ServerMessage::Welcome { .. }
            | ServerMessage::Room(_)
            | ServerMessage::Pong
            | ServerMessage::Error(_) => {}
        }
    }

    /// The statement to show: the one already on screen while it is unvoted, else the server's
    /// next, else (offline, or before the server answered) the first upcoming one not voted here.
    pub fn current(&self) -> Option<&StatementView> {
        let id = self.showing?;
        self.candidates().find(|s| s.id == id)
    }

    /// (voted, total) as the participant sees it.
    pub fn progress(&self) -> (u32, u32) {
        let Some(view) = &self.view else {
            return (0, 0);
        };
        let extra = self
            .local_votes
            .keys()
            .filter(|s| !view.votes.iter().any(|v| v.statement == **s))
            .count() as u32;
        ((view.voted + extra).min(view.total), view.total)
    }

    /// Votes waiting to be sent or acknowledged.
    pub fn queued_votes(&self) -> usize {
        self.queue
            .iter()
            .filter(|q| q.message.contains("\"type\":\"vote\""))
            .count()
    }

    /// The position shown as chosen in a spectrum round: local first, then the server's.
    pub fn position(&self, spectrum: u32, round: u8) -> Option<i8> {
        self.local_positions
            .get(&(spectrum, round))
            .copied()
            .or_else(|| {
                let p = self.view.as_ref()?.spectrum.as_ref()?;
                (p.spectrum == spectrum && p.round == round)
                    .then_some(p.position)
                    .flatten()
            })
    }
}

/// What the projector and the console know: the latest room view and the connection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScreenModel {
    /// The latest room view.
    pub view: Option<RoomView>,
    /// The socket is open.
    pub online: bool,
}

impl ScreenModel {
    /// Applies a socket event.
    pub fn apply(&mut self, event: PhoneEvent) {
        match event {
            PhoneEvent::Connected => self.online = true,
            PhoneEvent::Disconnected => self.online = false,
            PhoneEvent::Server(ServerMessage::Room(v)) => self.view = Some(*v),
            _ => {}
        }
    }
}

/// Points of the opinion map placed in a `width` × `height` box with a margin, keeping the
/// aspect ratio (one unit is the same length on both axes), y up.
pub fn map_layout(points: &[[f64; 2]], width: f64, height: f64, margin: f64) -> Vec<[f64; 2]> {
    if points.is_empty() {
        return Vec::new();
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in points {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let scale = ((width - 2.0 * margin).min(height - 2.0 * margin) / span).max(0.0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    points
        .iter()
        .map(|p| {
            [
                width / 2.0 + (p[0] - cx) * scale,
                height / 2.0 - (p[1] - cy) * scale,
            ]
        })
        .collect()
}

/// Moves points that land on top of an earlier one (identical voters) onto a small spiral
/// around it, `step` pixels apart, so the map shows how many people stand there.
pub fn spread_duplicates(points: &[[f64; 2]], step: f64) -> Vec<[f64; 2]> {
    let mut seen: Vec<([f64; 2], u32)> = Vec::new();
    points
        .iter()
        .map(|p| {
            let near = seen
                .iter_mut()
                .find(|(q, _)| (q[0] - p[0]).abs() < 0.5 && (q[1] - p[1]).abs() < 0.5);
            match near {
                None => {
                    seen.push((*p, 0));
                    *p
                }
                Some((_, k)) => {
                    *k += 1;
                    let k = f64::from(*k);
                    let (r, a) = (step * k.sqrt(), k * 2.399_963);
                    [p[0] + r * a.cos(), p[1] + r * a.sin()]
                }
            }
        })
        .collect()
}

/// The colour index of a group label ("A" → 0, "B" → 1, …).
pub fn label_index(label: &str) -> usize {
    label
        .bytes()
        .next()
        .map_or(0, |b| usize::from(b.saturating_sub(b'A')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyphony_protocol::{
        CastVote, ModerationState, Rejection, RoomInfo, RoomSettings, Stage, VoteAck,
    };

    fn statement(id: u32) -> StatementView {
        StatementView {
            id,
            text: format!("s{id}"),
            is_seed: true,
            moderation: ModerationState::Accepted,
        }
    }

    fn view(next: Option<u32>, upcoming: &[u32], votes: &[(u32, Vote)]) -> ServerMessage {
        ServerMessage::Phone(Box::new(PhoneView {
            room: RoomInfo {
                code: "ABC234".into(),
                topic: "t".into(),
                description: String::new(),
                language: "en".into(),
                settings: RoomSettings::default(),
                stage: Stage::Collect,
                closed: false,
                created: 0,
            },
            next: next.map(statement),
            upcoming: upcoming.iter().map(|&s| statement(s)).collect(),
            voted: votes.len() as u32,
            total: 4,
            votes: votes
                .iter()
                .map(|&(statement, vote)| CastVote { statement, vote })
                .collect(),
            group: None,
            spectrum: None,
            my_statements: vec![],
        }))
    }

    fn id_of(json: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        v["id"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn votes_made_offline_are_queued_and_sent_on_reconnect() {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Server(view(Some(0), &[1, 2], &[])));
        assert_eq!(m.current().map(|s| s.id), Some(0));
        // Offline: nothing goes out, but the phone moves on through the upcoming statements.
        assert!(m
            .apply(PhoneEvent::Vote {
                statement: 0,
                vote: Vote::Agree
            })
            .is_empty());
        assert_eq!(m.current().map(|s| s.id), Some(1));
        m.apply(PhoneEvent::Vote {
            statement: 1,
            vote: Vote::Pass,
        });
        assert_eq!(m.progress(), (2, 4));
        assert_eq!(m.queued_votes(), 2);
        // Back online: both are sent, in order, with their ids.
        let out = m.apply(PhoneEvent::Connected);
        assert_eq!(out.len(), 2);
        assert_eq!(id_of(&out[0]), "p-1");
        assert_eq!(id_of(&out[1]), "p-2");
        // Acks empty the queue; the server's view takes over.
        for id in ["p-1", "p-2"] {
            m.apply(PhoneEvent::Server(ServerMessage::Ack(VoteAck {
                id: id.into(),
                duplicate: false,
            })));
        }
        assert!(m.queue.is_empty());
        m.apply(PhoneEvent::Server(view(
            Some(2),
            &[3],
            &[(0, Vote::Agree), (1, Vote::Pass)],
        )));
        assert!(m.local_votes.is_empty());
        assert_eq!(m.progress(), (2, 4));
        assert_eq!(m.current().map(|s| s.id), Some(2));
    }

    #[test]
    fn a_new_server_choice_does_not_swap_the_statement_on_screen() {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Connected);
        m.apply(PhoneEvent::Server(view(Some(0), &[1, 2, 3], &[])));
        m.apply(PhoneEvent::Vote {
            statement: 0,
            vote: Vote::Agree,
        });
        assert_eq!(m.current().map(|s| s.id), Some(1));
        // The server, having committed the vote, picks 3 next: the phone stays on 1.
        m.apply(PhoneEvent::Server(view(
            Some(3),
            &[1, 2],
            &[(0, Vote::Agree)],
        )));
        assert_eq!(m.current().map(|s| s.id), Some(1));
        // Once 1 is voted, the server's choice comes first.
        m.apply(PhoneEvent::Vote {
            statement: 1,
            vote: Vote::Pass,
        });
        assert_eq!(m.current().map(|s| s.id), Some(3));
        // A statement that disappears (rejected) is not kept.
        m.apply(PhoneEvent::Server(view(
            Some(2),
            &[],
            &[(0, Vote::Agree), (1, Vote::Pass)],
        )));
        assert_eq!(m.current().map(|s| s.id), Some(2));
    }

    #[test]
    fn a_dropped_connection_resends_unacknowledged_votes() {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Connected);
        m.apply(PhoneEvent::Server(view(Some(0), &[], &[])));
        let sent = m.apply(PhoneEvent::Vote {
            statement: 0,
            vote: Vote::Disagree,
        });
        assert_eq!(sent.len(), 1);
        m.apply(PhoneEvent::Disconnected);
        let again = m.apply(PhoneEvent::Connected);
        assert_eq!(
            again, sent,
            "same message, same id: the server counts it once"
        );
    }

    #[test]
    fn a_saved_queue_survives_a_reload() {
        let mut m = PhoneModel::new("a", vec![]);
        m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
        m.apply(PhoneEvent::Vote {
            statement: 0,
            vote: Vote::Agree,
        });
        let saved = serde_json::to_string(&m.queue).unwrap_or_default();
        let restored: Vec<Queued> = serde_json::from_str(&saved).unwrap_or_default();
        let mut after = PhoneModel::new("b", restored);
        after.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
        assert_eq!(after.current().map(|s| s.id), Some(1));
        assert_eq!(after.apply(PhoneEvent::Connected).len(), 1);
    }

    #[test]
    fn refusals_drop_the_request_but_rate_limits_keep_it() {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Connected);
        m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
        m.apply(PhoneEvent::Vote {
            statement: 0,
            vote: Vote::Agree,
        });
        m.apply(PhoneEvent::Server(ServerMessage::Rejected(Rejection {
            id: Some("p-1".into()),
            status: 429,
            error: "slow down".into(),
        })));
        assert_eq!(m.queue.len(), 1);
        assert_eq!(m.apply(PhoneEvent::Retry).len(), 1);
        m.apply(PhoneEvent::Server(ServerMessage::Rejected(Rejection {
            id: Some("p-1".into()),
            status: 409,
            error: "the room is closed".into(),
        })));
        assert!(m.queue.is_empty());
        assert!(m.local_votes.is_empty());
        assert_eq!(m.notice, Some(Notice::Refused("the room is closed".into())));
    }

    #[test]
    fn empty_statements_are_not_sent() {
        let mut m = PhoneModel::new("p", vec![]);
        m.apply(PhoneEvent::Connected);
        assert!(m.apply(PhoneEvent::AddStatement("   ".into())).is_empty());
        assert_eq!(m.apply(PhoneEvent::AddStatement(" Yes ".into())).len(), 1);
    }

    #[test]
    fn the_map_keeps_its_aspect_and_fits_the_box() {
        let pts = map_layout(&[[-1.0, 0.0], [1.0, 0.5]], 400.0, 200.0, 10.0);
        assert_eq!(pts.len(), 2);
        for p in &pts {
            assert!(
                (10.0..=390.0).contains(&p[0]) && (10.0..=190.0).contains(&p[1]),
                "{p:?}"
            );
        }
        // 2 units of x span 180 px (the height limits), so 0.5 of y spans 45 px, upwards.
        assert!((pts[1][0] - pts[0][0] - 180.0).abs() < 1e-9);
        assert!((pts[0][1] - pts[1][1] - 45.0).abs() < 1e-9);
        assert!(map_layout(&[], 1.0, 1.0, 0.0).is_empty());
    }

    #[test]
    fn identical_points_are_spread_apart() {
        let out = spread_duplicates(
            &[[10.0, 10.0], [10.0, 10.0], [10.0, 10.0], [50.0, 50.0]],
            8.0,
        );
        assert_eq!(out[0], [10.0, 10.0]);
        assert_eq!(out[3], [50.0, 50.0]);
        let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        assert!(d(out[0], out[1]) > 7.0 && d(out[0], out[2]) > 7.0 && d(out[1], out[2]) > 4.0);
        assert_eq!(label_index("A"), 0);
        assert_eq!(label_index("C"), 2);
    }

    #[test]
    fn screens_keep_the_latest_room_view() {
        let mut s = ScreenModel::default();
        s.apply(PhoneEvent::Connected);
        s.apply(PhoneEvent::Server(ServerMessage::Room(Box::default())));
        assert!(s.online && s.view.is_some());
        s.apply(PhoneEvent::Disconnected);
        assert!(
            !s.online && s.view.is_some(),
            "the last view stays on screen"
        );
    }
}

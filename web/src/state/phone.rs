//! A participant's phone: the server's view, requests queued until answered (saved, resent on
//! reconnect and after a 429), votes shown before the server confirms them, and the statement on
//! screen kept until it is voted on.

use std::collections::BTreeMap;

use polyphony_protocol::routing::keep_or_choose;
use polyphony_protocol::{
    ClientMessage, NewStatement, PhoneView, ServerMessage, SpectrumPosition, StatementView, Vote,
    VoteRequest,
};

use super::{Notice, PhoneEvent, Queued};

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

    /// The sticky rule; its source is `polyphony_protocol::routing::keep_or_choose`, shared with
    /// the server: keep the statement on screen while it is unvoted here, else the server's
    /// next, else the first upcoming one.
    fn keep_showing(&mut self) {
        let showing = keep_or_choose(
            self.showing,
            |id| self.candidates().any(|s| s.id == id),
            || self.candidates().next().map(|s| s.id),
        );
        self.showing = showing;
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
}

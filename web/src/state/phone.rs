//! A participant's phone: the server's view, requests queued until answered (saved, resent on
//! reconnect and after a 429), votes shown before the server confirms them, and the statement on
//! screen kept until it is voted on. Consent, table notes, withdrawals and reporter passes go
//! through the same queue (same ids on every resend), and show at once.
//!
//! The facilitator's controls: while voting is paused, votes wait in the queue (also one the
//! server refused with `voting_paused`) and go out when a view says voting is open again; a
//! statement asked again in a second vote is shown again, with the earlier vote as a reminder;
//! the spotlight's statement is read from every text the phone has seen.
//!
//! While the socket is closed the phone says what it knows ([`Outage`]): "Offline" only when
//! its own network is down (the browser says so, or the server cannot be reached at all), and
//! "Reconnecting to the room…" when the network works and the server restarts, moves the room
//! to another server (close code 1012, or HTTP 503 with `Retry-After` during a takeover), or
//! dropped the socket for a reason the browser does not give. Either way the queue is the
//! same: kept, resent with the same ids once the socket is back.

use std::collections::BTreeMap;

use polyphony_protocol::routing::keep_or_choose;
use polyphony_protocol::{
    ClientMessage, Consent, ErrorCode, NewNote, NewStatement, PassReporter, PhoneTable, PhoneView,
    RoomControls, ServerMessage, SpectrumPosition, StatementView, TableNote, Vote, VoteRequest,
    WithdrawNote, NOTE_MAX_CHARS,
};

use super::{Closed, Notice, PhoneEvent, Queued};

/// What the phone says while its socket is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// "Offline": the phone's own network is down (the browser says so, or the server could
    /// not be reached at all).
    NoNetwork,
    /// "Reconnecting to the room…": as far as the phone knows its network works; the server
    /// restarts or moves the room (a takeover), or the socket dropped without a reason.
    Reconnecting,
}

/// Everything the phone screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneModel {
    /// The server's last view of this phone.
    pub view: Option<PhoneView>,
    /// The socket is open.
    pub online: bool,
    /// While the socket is closed: why, as far as the phone can tell.
    pub outage: Outage,
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
    /// Consent given on this page (queued or confirmed), until the server's view says so.
    consented_here: bool,
    /// Every statement text this phone has seen, by id (for the spotlight).
    texts: BTreeMap<u32, StatementView>,
    prefix: String,
    counter: u64,
}

impl PhoneModel {
    /// A phone whose request ids start with `prefix` (random per page load, so ids never repeat
    /// after a reload), resuming a saved queue.
    pub fn new(prefix: &str, queue: Vec<Queued>) -> PhoneModel {
        let mut local_votes = BTreeMap::new();
        for q in &queue {
            if let ClientMessage::Vote(v) = &q.message {
                local_votes.insert(v.statement, v.vote);
            }
        }
        PhoneModel {
            view: None,
            online: false,
            outage: Outage::Reconnecting,
            queue,
            local_votes,
            local_positions: BTreeMap::new(),
            notice: None,
            showing: None,
            consented_here: false,
            texts: BTreeMap::new(),
            prefix: prefix.to_string(),
            counter: 0,
        }
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("{}-{}", self.prefix, self.counter)
    }

    fn enqueue(&mut self, id: String, message: ClientMessage) -> Vec<ClientMessage> {
        let held = self.voting_paused() && matches!(message, ClientMessage::Vote(_));
        self.queue.push(Queued {
            id,
            message: message.clone(),
        });
        if self.online && !held {
            vec![message]
        } else {
            Vec::new()
        }
    }

    /// Everything queued, except votes while voting is paused (they wait for a view saying it
    /// is open again).
    fn resend_all(&self) -> Vec<ClientMessage> {
        let paused = self.voting_paused();
        self.queue
            .iter()
            .filter(|q| !(paused && is_vote(q)))
            .map(|q| q.message.clone())
            .collect()
    }

    fn answered(&mut self, id: Option<&str>) -> Option<Queued> {
        let id = id?;
        let i = self.queue.iter().position(|q| q.id == id)?;
        Some(self.queue.remove(i))
    }

    /// Applies an event; returns the messages to send now.
    pub fn apply(&mut self, event: PhoneEvent) -> Vec<ClientMessage> {
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

    fn apply_inner(&mut self, event: PhoneEvent) -> Vec<ClientMessage> {
        match event {
            PhoneEvent::Connected => {
                self.online = true;
                self.resend_all()
            }
            PhoneEvent::Disconnected(why) => {
                let was_online = std::mem::replace(&mut self.online, false);
                self.outage = match why {
                    Closed::NoNetwork => Outage::NoNetwork,
                    Closed::ServerRestart => Outage::Reconnecting,
                    // No reason given: a socket that just dropped is being reconnected; a retry
                    // that failed again changes nothing the phone said (the server's answer
                    // over HTTP does: `ServerReached`).
                    Closed::Unknown if was_online => Outage::Reconnecting,
                    Closed::Unknown => self.outage,
                };
                Vec::new()
            }
            PhoneEvent::ServerReached(reached) => {
                if !self.online {
                    self.outage = if reached {
                        Outage::Reconnecting
                    } else {
                        Outage::NoNetwork
                    };
                }
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
                // The last feedback was about something before: it goes with the next tap.
                self.notice = None;
                let id = self.next_id();
                self.local_votes.insert(statement, vote);
                let msg = ClientMessage::Vote(VoteRequest {
                    id: id.clone(),
                    statement,
                    vote,
                });
                self.enqueue(id, msg)
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
                self.enqueue(id, msg)
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
                self.enqueue(id, msg)
            }
            PhoneEvent::Consent => {
                if self.consented() {
                    return Vec::new();
                }
                self.consented_here = true;
                let id = self.next_id();
                self.enqueue(id.clone(), ClientMessage::Consent(Consent { id }))
            }
            PhoneEvent::AddNote(text) => {
                let text = text.trim().to_string();
                let chars = text.chars().count();
                if chars == 0 || chars > NOTE_MAX_CHARS as usize {
                    return Vec::new();
                }
                let id = self.next_id();
                let msg = ClientMessage::AddNote(NewNote {
                    id: id.clone(),
                    text,
                });
                self.enqueue(id, msg)
            }
            PhoneEvent::WithdrawNote(note) => {
                // "Note added" no longer holds once the note is withdrawn.
                self.notice = None;
                let id = self.next_id();
                let msg = ClientMessage::WithdrawNote(WithdrawNote {
                    id: id.clone(),
                    note,
                });
                self.enqueue(id, msg)
            }
            PhoneEvent::PassReporter => {
                if self
                    .queued()
                    .any(|m| matches!(m, ClientMessage::PassReporter(_)))
                {
                    return Vec::new();
                }
                let id = self.next_id();
                self.enqueue(id.clone(), ClientMessage::PassReporter(PassReporter { id }))
            }
            PhoneEvent::Statements(list) => {
                for s in list {
                    self.texts.insert(s.id, s);
                }
                Vec::new()
            }
            PhoneEvent::Server(msg) => self.server(msg),
        }
    }

    /// The queued requests.
    fn queued(&self) -> impl Iterator<Item = &ClientMessage> + '_ {
        self.queue.iter().map(|q| &q.message)
    }

    /// Remembers the texts of every statement in `view`.
    fn learn_texts(&mut self, view: &PhoneView) {
        let reasons = view
            .group
            .iter()
            .flat_map(|g| g.reasons.iter().map(|r| &r.statement));
        let spectrum = view.spectrum.iter().map(|p| &p.statement);
        for s in view
            .next
            .iter()
            .chain(&view.upcoming)
            .chain(&view.my_statements)
            .chain(reasons)
            .chain(spectrum)
            .chain(&view.spotlight)
        {
            self.texts.insert(s.id, s.clone());
        }
    }

    fn server(&mut self, msg: ServerMessage) -> Vec<ClientMessage> {
        match msg {
            ServerMessage::Phone(view) => {
                let was_paused = self.voting_paused();
                // New tables (or none): a "note added" was about the table before.
                let plan = |v: Option<&PhoneView>| v.and_then(|v| v.table.as_ref()).map(|t| t.plan);
                if plan(self.view.as_ref()) != plan(Some(&view))
                    && self.notice == Some(Notice::NoteSent)
                {
                    self.notice = None;
                }
                self.learn_texts(&view);
                // Votes the server now shows are no longer only local.
                let confirmed: Vec<u32> = view.votes.iter().map(|v| v.statement).collect();
                let queued: Vec<u32> = self
                    .queue
                    .iter()
                    .filter_map(|q| match &q.message {
                        ClientMessage::Vote(v) => Some(v.statement),
                        _ => None,
                    })
                    .collect();
                self.local_votes
                    .retain(|s, _| !confirmed.contains(s) || queued.contains(s));
                self.view = Some(*view);
                // Voting resumed: the votes held meanwhile go out now.
                if was_paused && !self.voting_paused() && self.online {
                    return self.resend_all();
                }
            }
            ServerMessage::Ack(a) => {
                self.answered(Some(&a.id));
            }
            ServerMessage::SpectrumAck(a) => {
                self.answered(a.id.as_deref());
            }
            ServerMessage::NoteAck(a) => {
                if self.answered(Some(&a.id)).is_some() {
                    self.notice = Some(Notice::NoteSent);
                }
            }
            ServerMessage::Done(d) => {
                self.answered(Some(&d.id));
            }
            ServerMessage::StatementAdded(a) => {
                if self.answered(a.id.as_deref()).is_some() {
                    self.notice = Some(Notice::StatementSent);
                }
            }
            ServerMessage::Rejected(r) => {
                if r.status == 429 || r.code == Some(ErrorCode::VotingPaused) {
                    // Stays queued: resent on Retry, or (paused) when voting resumes.
                    return Vec::new();
                }
                if let Some(q) = self.answered(r.id.as_deref()) {
                    match q.message {
                        ClientMessage::Vote(v) => {
                            self.local_votes.remove(&v.statement);
                        }
                        ClientMessage::Consent(_) => self.consented_here = false,
                        _ => {}
                    }
                }
                self.notice = Some(Notice::Refused {
                    code: r.code,
                    error: r.error,
                });
            }
            ServerMessage::Welcome { .. }
            | ServerMessage::Room(_)
            | ServerMessage::Host(_)
            | ServerMessage::Pong
            | ServerMessage::Error(_) => {}
        }
        Vec::new()
    }

    /// The facilitator's controls, as the last view had them.
    pub fn controls(&self) -> Option<&RoomControls> {
        self.view.as_ref().map(|v| &v.room.controls)
    }

    /// The facilitator paused voting: votes wait in the queue until it resumes.
    pub fn voting_paused(&self) -> bool {
        self.controls().is_some_and(|c| c.voting_paused)
    }

    /// This phone's vote on a statement: made here (perhaps still queued), else the server's.
    pub fn my_vote(&self, statement: u32) -> Option<Vote> {
        self.local_votes.get(&statement).copied().or_else(|| {
            self.view
                .as_ref()?
                .votes
                .iter()
                .find(|v| v.statement == statement)
                .map(|v| v.vote)
        })
    }

    /// The statement the facilitator put in the spotlight: its id, its text when this phone has
    /// seen it, and this phone's vote on it.
    pub fn spotlight(&self) -> Option<(u32, Option<&StatementView>, Option<Vote>)> {
        let id = self.controls()?.spotlight?;
        Some((id, self.texts.get(&id), self.my_vote(id)))
    }

    /// The spotlight's statement when this phone has not seen its text (the page reads it from
    /// the room's public view).
    pub fn spotlight_text_missing(&self) -> Option<u32> {
        match self.spotlight()? {
            (id, None, _) => Some(id),
            _ => None,
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

    /// The participant accepted the room's rules: the server says so, or it was done here
    /// (perhaps still queued, perhaps before a reload).
    pub fn consented(&self) -> bool {
        self.consented_here
            || self.view.as_ref().is_some_and(|v| v.consented)
            || self
                .queued()
                .any(|m| matches!(m, ClientMessage::Consent(_)))
    }

    /// This phone's table, while tables are formed.
    pub fn table(&self) -> Option<&PhoneTable> {
        self.view.as_ref()?.table.as_ref()
    }

    /// This phone reports for its table (and has not just passed the role on).
    pub fn reporter(&self) -> bool {
        self.table().is_some_and(|t| t.reporter)
            && !self
                .queued()
                .any(|m| matches!(m, ClientMessage::PassReporter(_)))
    }

    /// The table's notes as the server has them, without those withdrawn here.
    pub fn table_notes(&self) -> Vec<TableNote> {
        let withdrawn: Vec<u32> = self
            .queued()
            .filter_map(|m| match m {
                ClientMessage::WithdrawNote(w) => Some(w.note),
                _ => None,
            })
            .collect();
        self.table()
            .map(|t| {
                t.notes
                    .iter()
                    .filter(|n| !withdrawn.contains(&n.id))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Notes written here that the server has not acknowledged yet (text, oldest first).
    pub fn pending_notes(&self) -> Vec<String> {
        self.queued()
            .filter_map(|m| match m {
                ClientMessage::AddNote(n) => Some(n.text.clone()),
                _ => None,
            })
            .collect()
    }

    /// Votes waiting to be sent or acknowledged.
    pub fn queued_votes(&self) -> usize {
        self.queue.iter().filter(|q| is_vote(q)).count()
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

/// A queued vote (not a statement, a position, a note…).
fn is_vote(q: &Queued) -> bool {
    matches!(q.message, ClientMessage::Vote(_))
}

mod revote;
#[cfg(test)]
mod tests;

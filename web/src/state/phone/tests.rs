use super::*;
use polyphony_protocol::{
    CastVote, Done, ModerationState, NoteAck, Rejection, Revote, RoomControls, RoomInfo,
    RoomSettings, Stage, VoteAck,
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
    phone_view(next, upcoming, votes, None, false)
}

fn phone_view(
    next: Option<u32>,
    upcoming: &[u32],
    votes: &[(u32, Vote)],
    table: Option<PhoneTable>,
    consented: bool,
) -> ServerMessage {
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
            rules: String::new(),
            controls: RoomControls::default(),
            brief: vec![],
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
        table,
        consented,
        spotlight: None,
    }))
}

fn id_of(message: &ClientMessage) -> String {
    let v = serde_json::to_value(message).unwrap_or_default();
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
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    let again = m.apply(PhoneEvent::Connected);
    assert_eq!(
        again, sent,
        "same message, same id: the server counts it once"
    );
}

#[test]
fn a_queue_saved_by_the_earlier_build_as_json_text_is_read_back() {
    // Earlier builds saved each request as a JSON string inside the queue: a phone updated
    // mid-workshop must keep (and send) its unsent vote.
    let saved = r#"[{"id":"old-1","message":"{\"type\":\"vote\",\"id\":\"old-1\",\"statement\":3,\"vote\":\"agree\"}"}]"#;
    let restored: Vec<Queued> = serde_json::from_str(saved).expect("the old form reads");
    assert_eq!(
        restored[0].message,
        ClientMessage::Vote(VoteRequest {
            id: "old-1".into(),
            statement: 3,
            vote: Vote::Agree
        })
    );
    let mut m = PhoneModel::new("b", restored);
    assert_eq!(m.my_vote(3), Some(Vote::Agree));
    assert_eq!(m.apply(PhoneEvent::Connected).len(), 1);
    // Saved again, it takes the typed form, which reads back the same.
    let again = serde_json::to_string(&m.queue).unwrap_or_default();
    assert!(again.contains(r#""message":{"type":"vote""#), "{again}");
    let reread: Vec<Queued> = serde_json::from_str(&again).unwrap_or_default();
    assert_eq!(reread, m.queue);
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
        code: Some(ErrorCode::RateLimited),
    })));
    assert_eq!(m.queue.len(), 1);
    assert_eq!(m.apply(PhoneEvent::Retry).len(), 1);
    m.apply(PhoneEvent::Server(ServerMessage::Rejected(Rejection {
        id: Some("p-1".into()),
        status: 409,
        error: "the room is closed".into(),
        code: Some(ErrorCode::RoomClosed),
    })));
    assert!(m.queue.is_empty());
    assert!(m.local_votes.is_empty());
    assert_eq!(
        m.notice,
        Some(Notice::Refused {
            code: Some(ErrorCode::RoomClosed),
            error: "the room is closed".into()
        }),
        "the code, which the page words in the reader's language"
    );
    m.apply(PhoneEvent::Vote {
        statement: 1,
        vote: Vote::Pass,
    });
    assert_eq!(m.notice, None, "old feedback goes with the next vote");
}

#[test]
fn empty_statements_are_not_sent() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    assert!(m.apply(PhoneEvent::AddStatement("   ".into())).is_empty());
    assert_eq!(m.apply(PhoneEvent::AddStatement(" Yes ".into())).len(), 1);
}

fn table(reporter: bool, notes: &[(u32, bool, bool)]) -> PhoneTable {
    PhoneTable {
        plan: 1,
        number: 3,
        group: Some("B".into()),
        size: 7,
        reporter,
        notes: notes
            .iter()
            .map(|&(id, mine, released)| TableNote {
                id,
                text: format!("note {id}"),
                mine,
                released,
            })
            .collect(),
    }
}

fn kind_of(message: &ClientMessage) -> String {
    let v = serde_json::to_value(message).unwrap_or_default();
    v["type"].as_str().unwrap_or_default().to_string()
}

#[test]
fn consent_is_asked_once_and_shows_the_vote_screen_at_once() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    assert!(!m.consented());
    let out = m.apply(PhoneEvent::Consent);
    assert_eq!(out.len(), 1);
    assert_eq!(kind_of(&out[0]), "consent");
    assert!(
        m.consented(),
        "the vote screen appears before the server answers"
    );
    assert!(
        m.apply(PhoneEvent::Consent).is_empty(),
        "a second tap sends nothing"
    );
    m.apply(PhoneEvent::Server(ServerMessage::Done(Done {
        id: id_of(&out[0]),
        duplicate: false,
    })));
    assert!(m.queue.is_empty());
    assert!(m.consented(), "still consented before the new view arrives");
    // After a reload, the server's view says so.
    let mut after = PhoneModel::new("q", vec![]);
    assert!(!after.consented());
    after.apply(PhoneEvent::Server(phone_view(
        Some(0),
        &[1],
        &[],
        None,
        true,
    )));
    assert!(after.consented());
    assert!(after.apply(PhoneEvent::Consent).is_empty());
}

#[test]
fn consent_given_offline_is_saved_and_resent_with_its_id() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    assert!(m.apply(PhoneEvent::Consent).is_empty(), "offline: queued");
    m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Agree,
    });
    // The page reloads while still offline: the saved queue keeps the consent.
    let saved = serde_json::to_string(&m.queue).unwrap_or_default();
    let restored: Vec<Queued> = serde_json::from_str(&saved).unwrap_or_default();
    let mut after = PhoneModel::new("b", restored);
    after.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    assert!(after.consented());
    let out = after.apply(PhoneEvent::Connected);
    assert_eq!(out.len(), 2);
    assert_eq!(
        (kind_of(&out[0]), id_of(&out[0])),
        ("consent".into(), "p-1".into())
    );
    assert_eq!(
        (kind_of(&out[1]), id_of(&out[1])),
        ("vote".into(), "p-2".into())
    );
}

#[test]
fn a_refused_consent_asks_again() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[], &[])));
    m.apply(PhoneEvent::Consent);
    m.apply(PhoneEvent::Server(ServerMessage::Rejected(Rejection {
        id: Some("p-1".into()),
        status: 409,
        error: "the room is closed".into(),
        code: Some(ErrorCode::RoomClosed),
    })));
    assert!(!m.consented());
}

#[test]
fn notes_queue_offline_and_are_resent_with_the_same_ids() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(false, &[])),
        true,
    )));
    assert!(m.apply(PhoneEvent::AddNote("  ".into())).is_empty());
    assert!(m.apply(PhoneEvent::AddNote("x".repeat(281))).is_empty());
    assert!(m.queue.is_empty(), "empty and over-long notes are not sent");
    assert!(m
        .apply(PhoneEvent::AddNote(" We share a worry ".into()))
        .is_empty());
    assert_eq!(m.pending_notes(), vec!["We share a worry".to_string()]);
    let first = m.apply(PhoneEvent::Connected);
    assert_eq!(first.len(), 1);
    assert_eq!(kind_of(&first[0]), "add_note");
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    let again = m.apply(PhoneEvent::Connected);
    assert_eq!(again, first, "same id: the server adds the note once");
    m.apply(PhoneEvent::Server(ServerMessage::NoteAck(NoteAck {
        id: id_of(&first[0]),
        note: 5,
        duplicate: true,
    })));
    assert!(m.pending_notes().is_empty());
    assert_eq!(m.notice, Some(Notice::NoteSent));
}

#[test]
fn a_withdrawn_note_disappears_at_once_and_comes_back_if_refused() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(false, &[(4, true, false), (6, false, true)])),
        true,
    )));
    assert_eq!(m.table_notes().len(), 2);
    let out = m.apply(PhoneEvent::WithdrawNote(4));
    assert_eq!(kind_of(&out[0]), "withdraw_note");
    assert_eq!(
        m.table_notes().iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![6]
    );
    m.apply(PhoneEvent::Server(ServerMessage::Rejected(Rejection {
        id: Some(id_of(&out[0])),
        status: 409,
        error: "already released".into(),
        code: None,
    })));
    assert_eq!(m.table_notes().len(), 2);
}

#[test]
fn passing_the_reporter_role_hides_the_prompt_and_sends_once() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(true, &[])),
        true,
    )));
    assert!(m.reporter());
    assert_eq!(m.table().map(|t| t.number), Some(3));
    let out = m.apply(PhoneEvent::PassReporter);
    assert_eq!(kind_of(&out[0]), "pass_reporter");
    assert!(!m.reporter());
    assert!(
        m.apply(PhoneEvent::PassReporter).is_empty(),
        "a double tap passes once"
    );
    m.apply(PhoneEvent::Server(ServerMessage::Done(Done {
        id: id_of(&out[0]),
        duplicate: false,
    })));
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(false, &[])),
        true,
    )));
    assert!(!m.reporter() && m.queue.is_empty());
}

/// `msg` (a phone view) with the facilitator's controls changed by `f`.
fn with_controls(msg: ServerMessage, f: impl FnOnce(&mut RoomControls)) -> ServerMessage {
    match msg {
        ServerMessage::Phone(mut v) => {
            f(&mut v.room.controls);
            ServerMessage::Phone(v)
        }
        other => other,
    }
}

fn paused(msg: ServerMessage) -> ServerMessage {
    with_controls(msg, |c| c.voting_paused = true)
}

fn refused_as_paused(id: &str) -> ServerMessage {
    ServerMessage::Rejected(Rejection {
        id: Some(id.into()),
        status: 409,
        error: "voting is paused".into(),
        code: Some(ErrorCode::VotingPaused),
    })
}

#[test]
fn votes_made_while_paused_wait_and_go_out_when_voting_resumes() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(paused(view(Some(0), &[1, 2], &[]))));
    assert!(m.voting_paused());
    let sent = m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Agree,
    });
    assert!(sent.is_empty(), "a vote made while paused is not sent");
    assert_eq!(m.queued_votes(), 1);
    assert_eq!(
        m.current().map(|s| s.id),
        Some(1),
        "the phone moves on meanwhile"
    );
    // Neither a retry nor a reconnect sends it while the room is paused…
    assert!(m.apply(PhoneEvent::Retry).is_empty());
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    assert!(m.apply(PhoneEvent::Connected).is_empty());
    // …but other requests still go out.
    assert_eq!(m.apply(PhoneEvent::AddStatement("Mine".into())).len(), 1);
    // Another paused view changes nothing; the view saying voting is open sends the held vote.
    assert!(m
        .apply(PhoneEvent::Server(paused(view(Some(1), &[0, 2], &[]))))
        .is_empty());
    let resumed = m.apply(PhoneEvent::Server(view(Some(1), &[0, 2], &[])));
    assert!(!m.voting_paused());
    let votes: Vec<&ClientMessage> = resumed.iter().filter(|j| kind_of(j) == "vote").collect();
    assert_eq!(votes.len(), 1);
    assert_eq!(id_of(votes[0]), "p-1");
    m.apply(PhoneEvent::Server(ServerMessage::Ack(VoteAck {
        id: "p-1".into(),
        duplicate: false,
    })));
    assert_eq!(m.queued_votes(), 0);
}

#[test]
fn a_vote_refused_as_paused_stays_queued_and_is_resent_on_resume() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    let sent = m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Disagree,
    });
    assert_eq!(sent.len(), 1, "the room was open as far as the phone knew");
    // The facilitator paused just before it arrived.
    m.apply(PhoneEvent::Server(refused_as_paused("p-1")));
    assert_eq!(m.queue.len(), 1, "kept, not dropped");
    assert_eq!(
        m.local_votes.get(&0),
        Some(&Vote::Disagree),
        "still shown as voted"
    );
    assert_eq!(m.notice, None, "not shown as refused");
    assert_eq!(m.current().map(|s| s.id), Some(1));
    assert_eq!(m.progress(), (1, 4));
    m.apply(PhoneEvent::Server(paused(view(Some(0), &[1], &[]))));
    assert!(
        m.apply(PhoneEvent::Retry).is_empty(),
        "nothing while paused"
    );
    assert_eq!(
        m.current().map(|s| s.id),
        Some(1),
        "the held vote keeps its statement off the screen"
    );
    let resumed = m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    assert_eq!(resumed, sent, "the same message, the same id");
    m.apply(PhoneEvent::Server(ServerMessage::Ack(VoteAck {
        id: "p-1".into(),
        duplicate: false,
    })));
    m.apply(PhoneEvent::Server(view(
        Some(1),
        &[],
        &[(0, Vote::Disagree)],
    )));
    assert!(m.queue.is_empty() && m.local_votes.is_empty());
}

#[test]
fn a_refusal_as_paused_without_a_paused_view_is_retried() {
    // Paused and resumed at once: the phone may never get a view saying it was paused.
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    let sent = m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Pass,
    });
    m.apply(PhoneEvent::Server(refused_as_paused("p-1")));
    assert_eq!(m.apply(PhoneEvent::Retry), sent);
}

#[test]
fn a_saved_queue_waits_out_a_pause_after_a_reload() {
    let queue = {
        let mut m = PhoneModel::new("a", vec![]);
        m.apply(PhoneEvent::Server(paused(view(Some(0), &[1], &[]))));
        m.apply(PhoneEvent::Vote {
            statement: 0,
            vote: Vote::Agree,
        });
        m.queue.clone()
    };
    let mut after = PhoneModel::new("b", queue);
    // Before any view the phone cannot know about the pause: it sends, and is refused.
    assert_eq!(after.apply(PhoneEvent::Connected).len(), 1);
    after.apply(PhoneEvent::Server(refused_as_paused("a-1")));
    after.apply(PhoneEvent::Server(paused(view(Some(0), &[1], &[]))));
    assert_eq!(after.queued_votes(), 1);
    assert_eq!(
        after
            .apply(PhoneEvent::Server(view(Some(0), &[1], &[])))
            .len(),
        1
    );
}

fn revote_on(msg: ServerMessage, statements: &[u32]) -> ServerMessage {
    with_controls(msg, |c| {
        c.revote = Some(Revote {
            id: 1,
            statements: statements.to_vec(),
            opened: 1000,
        })
    })
}

#[test]
fn a_statement_asked_again_is_shown_again_with_the_earlier_vote() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(1), &[2], &[(0, Vote::Agree)])));
    assert_eq!(m.asked_again(0), None);
    // The vote on 1 is acknowledged; before the next view, the second vote opens on 0 and 1.
    let sent = m.apply(PhoneEvent::Vote {
        statement: 1,
        vote: Vote::Disagree,
    });
    m.apply(PhoneEvent::Server(ServerMessage::Ack(VoteAck {
        id: id_of(&sent[0]),
        duplicate: false,
    })));
    m.apply(PhoneEvent::Server(revote_on(
        view(Some(0), &[1, 2], &[(0, Vote::Agree), (1, Vote::Disagree)]),
        &[0, 1],
    )));
    assert_eq!(
        m.current().map(|s| s.id),
        Some(2),
        "the statement on screen stays"
    );
    m.apply(PhoneEvent::Vote {
        statement: 2,
        vote: Vote::Pass,
    });
    assert_eq!(
        m.current().map(|s| s.id),
        Some(0),
        "then the one asked again"
    );
    assert_eq!(m.asked_again(0), Some(Vote::Agree));
    assert_eq!(m.asked_again(2), None, "not in the second vote");
    assert_eq!(m.revote_place(0), Some((1, 2)), "1 of the 2 asked again");
    assert_eq!(m.revote_place(2), None);
    m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Disagree,
    });
    assert_eq!(
        m.current().map(|s| s.id),
        Some(1),
        "a vote acknowledged before the second vote does not hide the statement asked again"
    );
    assert_eq!(m.asked_again(1), Some(Vote::Disagree));
    assert_eq!(
        m.revote_place(1),
        Some((2, 2)),
        "the vote sent from here counts at once"
    );
    assert_eq!(
        m.my_vote(0),
        Some(Vote::Disagree),
        "the new vote shows at once"
    );
}

#[test]
fn the_spotlight_is_read_from_every_text_the_phone_has_seen() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    assert_eq!(m.spotlight(), None);
    m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Agree,
    });
    // Voted on: no longer in the view, but its text is known.
    m.apply(PhoneEvent::Server(with_controls(
        view(Some(1), &[], &[(0, Vote::Agree)]),
        |c| c.spotlight = Some(0),
    )));
    let (id, text, vote) = m.spotlight().unwrap_or((9, None, None));
    assert_eq!(
        (id, text.map(|s| s.text.as_str()), vote),
        (0, Some("s0"), Some(Vote::Agree))
    );
    assert_eq!(m.spotlight_text_missing(), None);
    // A statement this phone never saw: the page reads it from the room view.
    m.apply(PhoneEvent::Server(with_controls(
        view(Some(1), &[], &[(0, Vote::Agree)]),
        |c| c.spotlight = Some(7),
    )));
    assert_eq!(m.spotlight_text_missing(), Some(7));
    m.apply(PhoneEvent::Statements(vec![statement(7)]));
    assert_eq!(m.spotlight_text_missing(), None);
    assert_eq!(
        m.spotlight()
            .and_then(|(_, s, _)| s.map(|s| s.text.clone())),
        Some("s7".to_string())
    );
}

#[test]
fn every_error_code_has_words_except_the_unknown_one() {
    use crate::i18n::{error_key, t, Lang};
    use ErrorCode as C;
    let known = [
        C::UnknownRoom,
        C::NotFacilitator,
        C::NotParticipant,
        C::RoomClosed,
        C::RoomFull,
        C::ServerFull,
        C::StatementLimit,
        C::NotFound,
        C::StatementPending,
        C::StatementRejected,
        C::ParticipantsCannotAdd,
        C::RoundNotOpen,
        C::VotingPaused,
        C::RateLimited,
        C::EmptyStatement,
        C::DuplicateStatement,
        C::TooLong,
        C::NoTable,
        C::NotReporter,
        C::Invalid,
        C::BadRequest,
        C::Internal,
    ];
    for c in known {
        let k = error_key(c);
        assert!(k.is_some(), "{c:?}");
        for lang in Lang::ALL {
            assert!(k.is_some_and(|k| !t(lang, k).is_empty()));
        }
    }
    assert_eq!(error_key(C::Other), None);
    // A code from a newer server reads as Other (the English sentence is the fallback).
    let r: Rejection =
        serde_json::from_str(r#"{"id":null,"status":409,"error":"x","code":"something_new"}"#)
            .unwrap_or(Rejection {
                id: None,
                status: 0,
                error: String::new(),
                code: None,
            });
    assert_eq!(r.code, Some(C::Other));
}

#[test]
fn a_note_notice_goes_with_the_note_or_the_tables_it_was_about() {
    let table = |plan| PhoneTable {
        plan,
        number: 1,
        group: None,
        size: 4,
        reporter: false,
        notes: vec![],
    };
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(1)),
        true,
    )));
    let sent = m.apply(PhoneEvent::AddNote("We share a worry".into()));
    m.apply(PhoneEvent::Server(ServerMessage::NoteAck(NoteAck {
        id: id_of(&sent[0]),
        note: 7,
        duplicate: false,
    })));
    assert_eq!(m.notice, Some(Notice::NoteSent));
    // The same tables, a new view: the notice stays.
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(1)),
        true,
    )));
    assert_eq!(m.notice, Some(Notice::NoteSent));
    // Tables formed again: it was about the old table.
    m.apply(PhoneEvent::Server(phone_view(
        None,
        &[],
        &[],
        Some(table(2)),
        true,
    )));
    assert_eq!(m.notice, None);
    // Withdrawing a note clears "note added" at once.
    let sent = m.apply(PhoneEvent::AddNote("Another".into()));
    m.apply(PhoneEvent::Server(ServerMessage::NoteAck(NoteAck {
        id: id_of(&sent[0]),
        note: 8,
        duplicate: false,
    })));
    assert_eq!(m.notice, Some(Notice::NoteSent));
    m.apply(PhoneEvent::WithdrawNote(8));
    assert_eq!(m.notice, None);
}

#[test]
fn the_phone_says_offline_only_when_its_own_network_is_down() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    // The room moves to another server: the server says so (1012); the network is fine.
    m.apply(PhoneEvent::Disconnected(Closed::ServerRestart));
    assert!(!m.online);
    assert_eq!(m.outage, Outage::Reconnecting);
    // Reconnecting fails while the room is between servers (no reason a browser can read):
    // still reconnecting, and the server answering over HTTP (503) says the same.
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    assert_eq!(m.outage, Outage::Reconnecting);
    m.apply(PhoneEvent::ServerReached(true));
    assert_eq!(m.outage, Outage::Reconnecting);
    m.apply(PhoneEvent::Connected);
    assert!(m.online);
    // An answer arriving after the socket is back changes nothing.
    m.apply(PhoneEvent::ServerReached(false));
    assert!(m.online);

    // A socket that drops without a reason is being reconnected; once the server cannot be
    // reached at all, the phone is offline, and stays so through failed retries until the
    // server answers again.
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    assert_eq!(m.outage, Outage::Reconnecting);
    m.apply(PhoneEvent::ServerReached(false));
    assert_eq!(m.outage, Outage::NoNetwork);
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    assert_eq!(m.outage, Outage::NoNetwork);
    m.apply(PhoneEvent::ServerReached(true));
    assert_eq!(m.outage, Outage::Reconnecting);
    // The browser says it is offline: offline, whatever was said before.
    m.apply(PhoneEvent::Disconnected(Closed::NoNetwork));
    assert_eq!(m.outage, Outage::NoNetwork);
}

#[test]
fn a_vote_queued_while_the_room_moves_is_sent_again_with_its_id_and_answered_once() {
    let mut m = PhoneModel::new("p", vec![]);
    m.apply(PhoneEvent::Connected);
    m.apply(PhoneEvent::Server(view(Some(0), &[1], &[])));
    m.apply(PhoneEvent::Disconnected(Closed::ServerRestart));
    let sent = m.apply(PhoneEvent::Vote {
        statement: 0,
        vote: Vote::Agree,
    });
    assert!(
        sent.is_empty(),
        "nothing goes out while the socket is closed"
    );
    assert_eq!(m.queued_votes(), 1);
    m.apply(PhoneEvent::Disconnected(Closed::Unknown));
    m.apply(PhoneEvent::ServerReached(true));
    assert_eq!(
        m.queued_votes(),
        1,
        "still queued while the room is between servers"
    );
    let resent = m.apply(PhoneEvent::Connected);
    assert_eq!(resent.len(), 1);
    assert_eq!(id_of(&resent[0]), "p-1");
    m.apply(PhoneEvent::Server(ServerMessage::Ack(VoteAck {
        id: "p-1".into(),
        duplicate: false,
    })));
    assert_eq!(m.queued_votes(), 0);
    assert!(
        m.apply(PhoneEvent::Connected).is_empty(),
        "answered: not sent again"
    );
}

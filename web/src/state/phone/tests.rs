use super::*;
use polyphony_protocol::{
    CastVote, Done, ModerationState, NoteAck, Rejection, RoomInfo, RoomSettings, Stage, VoteAck,
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

fn kind_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
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
    m.apply(PhoneEvent::Disconnected);
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

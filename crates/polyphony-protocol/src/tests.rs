#![allow(clippy::unwrap_used)]
use super::*;

#[test]
fn client_messages_are_tagged_snake_case() {
    let m = ClientMessage::Vote(VoteRequest {
        id: "v1".into(),
        statement: 3,
        vote: Vote::Agree,
    });
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(
        json,
        r#"{"type":"vote","id":"v1","statement":3,"vote":"agree"}"#
    );
    let back: ClientMessage = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    let ping: ClientMessage = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
    assert_eq!(ping, ClientMessage::Ping);
}

#[test]
fn unknown_fields_and_types_are_refused() {
    assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"shout"}"#).is_err());
    assert!(serde_json::from_str::<NewRoom>(r#"{"topic":"t","colour":"red"}"#).is_err());
}

#[test]
fn settings_default_when_absent() {
    let r: NewRoom = serde_json::from_str(r#"{"topic":"t"}"#).unwrap();
    assert_eq!(r.settings, RoomSettings::default());
    assert_eq!(r.settings.statement_max_chars, 280);
}

#[test]
fn server_messages_round_trip() {
    let room = RoomInfo {
        code: "ABC234".into(),
        topic: "t".into(),
        description: String::new(),
        language: "zh-TW".into(),
        settings: RoomSettings::default(),
        stage: Stage::Groups,
        closed: false,
        created: 1,
        rules: String::new(),
        brief: vec![],
        controls: RoomControls {
            voting_paused: true,
            timer: Some(Timer {
                started: 5,
                seconds: 60,
            }),
            ..RoomControls::default()
        },
    };
    let phone = ServerMessage::Phone(Box::new(PhoneView {
        room: room.clone(),
        next: None,
        upcoming: vec![],
        voted: 1,
        total: 2,
        votes: vec![CastVote {
            statement: 4,
            vote: Vote::Pass,
        }],
        group: None,
        spectrum: None,
        my_statements: vec![],
        table: Some(PhoneTable {
            plan: 1,
            number: 3,
            group: Some("B".into()),
            size: 7,
            reporter: true,
            notes: vec![TableNote {
                id: 1,
                text: "n".into(),
                mine: true,
                released: false,
            }],
        }),
        consented: true,
        spotlight: None,
    }));
    let view = ServerMessage::Room(Box::new(RoomView {
        room: Some(room),
        ..RoomView::default()
    }));
    for m in [phone, view, ServerMessage::Pong] {
        let json = serde_json::to_string(&m).unwrap();
        let back: ServerMessage = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m, "{json}");
    }
}

#[test]
fn stage_names_round_trip() {
    for s in Stage::ALL {
        assert_eq!(Stage::parse(s.as_str()), Some(s));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, format!("\"{}\"", s.as_str()));
    }
    assert_eq!(Stage::parse("lunch"), None);
}

#[test]
fn control_requests_read_their_wire_form() {
    let r: ControlRequest =
        serde_json::from_str(r#"{"action":"start_timer","minutes":5}"#).unwrap();
    assert_eq!(r, ControlRequest::StartTimer { minutes: 5 });
    let r: ControlRequest = serde_json::from_str(r#"{"action":"spotlight"}"#).unwrap();
    assert_eq!(r, ControlRequest::Spotlight { statement: None });
    assert!(serde_json::from_str::<ControlRequest>(
        r#"{"action":"start_timer","minutes":5,"x":1}"#
    )
    .is_err());
    // A room stored before the controls existed reads as "nothing set".
    let info: RoomInfo = serde_json::from_str(
        r#"{"code":"A","topic":"t","description":"","language":"en","settings":{},"stage":"collect","closed":false,"created":0}"#,
    )
    .unwrap();
    assert_eq!(info.controls, RoomControls::default());
    assert_eq!(
        Timer {
            started: 1000,
            seconds: 60
        }
        .ends(),
        61_000
    );
}

//! Every JSON example in `docs/protocol.md` parses into the type its code block names, and every
//! WebSocket message type has an example: the page cannot drift from the code.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use polyphony_protocol::*;
use serde::de::DeserializeOwned;

const DOC: &str = include_str!("../../../docs/protocol.md");

/// (type name, JSON) of every block opened with "```json TypeName".
fn examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in DOC.lines() {
        match &mut current {
            None => {
                if let Some(name) = line.strip_prefix("```json ") {
                    current = Some((name.trim().to_string(), String::new()));
                }
            }
            Some((name, body)) => {
                if line.starts_with("```") {
                    out.push((name.clone(), body.clone()));
                    current = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

fn parse<T: DeserializeOwned>(name: &str, json: &str) -> T {
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("{name} example does not parse: {e}\n{json}"))
}

#[test]
fn docs_examples_parse() {
    let all = examples();
    assert!(all.len() >= 25, "only {} examples found", all.len());
    let mut server_types = BTreeSet::new();
    let mut client_types = BTreeSet::new();
    for (name, json) in &all {
        match name.as_str() {
            "NewRoom" => drop(parse::<NewRoom>(name, json)),
            "RoomInfo" => drop(parse::<RoomInfo>(name, json)),
            "BriefCard" => drop(parse::<BriefCard>(name, json)),
            "BriefPosition" => drop(parse::<BriefPosition>(name, json)),
            "[BriefCard]" => {
                let cards = parse::<Vec<BriefCard>>(name, json);
                assert_eq!(check_brief(&cards), Ok(()), "{json}");
            }
            "RoomCreated" => drop(parse::<RoomCreated>(name, json)),
            "Joined" => drop(parse::<Joined>(name, json)),
            "VoteRequest" => drop(parse::<VoteRequest>(name, json)),
            "VoteAck" => drop(parse::<VoteAck>(name, json)),
            "NewStatement" => drop(parse::<NewStatement>(name, json)),
            "StatementAdded" => drop(parse::<StatementAdded>(name, json)),
            "ModerationRequest" => drop(parse::<ModerationRequest>(name, json)),
            "ModerationItem" => drop(parse::<ModerationItem>(name, json)),
            "RejectPending" => drop(parse::<RejectPending>(name, json)),
            "RejectedPending" => drop(parse::<RejectedPending>(name, json)),
            "StageRequest" => drop(parse::<StageRequest>(name, json)),
            "SpectrumStart" => drop(parse::<SpectrumStart>(name, json)),
            "SpectrumRoundRequest" => drop(parse::<SpectrumRoundRequest>(name, json)),
            "SpectrumPosition" => drop(parse::<SpectrumPosition>(name, json)),
            "SpectrumAck" => drop(parse::<SpectrumAck>(name, json)),
            "SpectrumView" => drop(parse::<SpectrumView>(name, json)),
            "ControlRequest" => drop(parse::<ControlRequest>(name, json)),
            "RoomControls" => drop(parse::<RoomControls>(name, json)),
            "ChangeView" => drop(parse::<ChangeView>(name, json)),
            "LiveGroupsView" => drop(parse::<LiveGroupsView>(name, json)),
            "RevoteProgress" => drop(parse::<RevoteProgress>(name, json)),
            "TablesRequest" => drop(parse::<TablesRequest>(name, json)),
            "TablesView" => drop(parse::<TablesView>(name, json)),
            "NewNote" => drop(parse::<NewNote>(name, json)),
            "NoteAck" => drop(parse::<NoteAck>(name, json)),
            "WithdrawNote" => drop(parse::<WithdrawNote>(name, json)),
            "PassReporter" => drop(parse::<PassReporter>(name, json)),
            "Consent" => drop(parse::<Consent>(name, json)),
            "Done" => drop(parse::<Done>(name, json)),
            "HostNote" => drop(parse::<HostNote>(name, json)),
            "PhoneTable" => drop(parse::<PhoneTable>(name, json)),
            "ClientMessage" => {
                parse::<ClientMessage>(name, json);
                let v: serde_json::Value = serde_json::from_str(json).unwrap();
                client_types.insert(v["type"].as_str().unwrap().to_string());
            }
            "ServerMessage" => {
                parse::<ServerMessage>(name, json);
                let v: serde_json::Value = serde_json::from_str(json).unwrap();
                server_types.insert(v["type"].as_str().unwrap().to_string());
            }
            other => panic!("docs/protocol.md names an unknown type {other}"),
        }
    }
    assert_eq!(
        client_types,
        [
            "add_note",
            "add_statement",
            "consent",
            "pass_reporter",
            "ping",
            "spectrum",
            "vote",
            "withdraw_note"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        server_types,
        [
            "ack",
            "done",
            "error",
            "host",
            "note_ack",
            "phone",
            "pong",
            "rejected",
            "room",
            "spectrum_ack",
            "statement_added",
            "welcome"
        ]
        .map(String::from)
        .into()
    );
}

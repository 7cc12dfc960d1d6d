//! Every HTTP path the server serves and the web app calls, and the headers that carry a
//! credential, written once: the server's router takes the templates ([`route`]), the web app
//! and the tests fill them ([`at`]). A path changed here changes on both sides; a path spelled
//! by hand on one side only is how `/spectrum` and `/spectrums` came to disagree.

/// Where the API lives: every [`route`] is under it.
pub const API: &str = "/api";

/// The header that carries the facilitator key.
pub const FACILITATOR_KEY_HEADER: &str = "x-facilitator-key";

/// The header that carries a participant token.
pub const PARTICIPANT_TOKEN_HEADER: &str = "x-participant-token";

/// The API's routes under [`API`], as the server's router writes them (`{name}` is a path
/// parameter). Each says its method and who may call it.
pub mod route {
    /// `GET`: the server is up, and its protocol version.
    pub const HEALTH: &str = "/health";
    /// `POST`: create a room (`NewRoom` → `RoomCreated`).
    pub const ROOMS: &str = "/rooms";
    /// `GET`: a room's public facts (`RoomInfo`), also of a closed room.
    pub const ROOM: &str = "/rooms/{code}";
    /// `PUT` (key): the room's settings.
    pub const SETTINGS: &str = "/rooms/{code}/settings";
    /// `PUT` (key): replace the briefing cards.
    pub const BRIEF: &str = "/rooms/{code}/brief";
    /// `POST`: join (`?admission=` the projector's code, unless the room's admission is open).
    pub const JOIN: &str = "/rooms/{code}/join";
    /// `GET` (key): the projector's joining code and the console's join figures.
    pub const ADMISSION: &str = "/rooms/{code}/admission";
    /// `POST` with the key: remove the identities that joined in a window (`RemoveJoined`).
    pub const REMOVE_JOINED: &str = "/rooms/{code}/participants/remove";
    /// `GET` (token): the phone's view.
    pub const ME: &str = "/rooms/{code}/me";
    /// `POST` (token): a vote.
    pub const VOTES: &str = "/rooms/{code}/votes";
    /// `POST` (token or key): a statement; `GET` (key): every statement with its moderation.
    pub const STATEMENTS: &str = "/rooms/{code}/statements";
    /// `POST` (key): moderate one statement.
    pub const MODERATION: &str = "/rooms/{code}/statements/{sid}/moderation";
    /// `POST` (key): reject every pending statement, or every pending one of one author.
    pub const REJECT_PENDING: &str = "/rooms/{code}/statements/reject-pending";
    /// `POST` (key): change the stage.
    pub const STAGE: &str = "/rooms/{code}/stage";
    /// `POST` (key): close the room.
    pub const CLOSE: &str = "/rooms/{code}/close";
    /// `GET`: what the projector shows (`RoomView`).
    pub const VIEW: &str = "/rooms/{code}/view";
    /// `POST` (key): start a spectrum on a statement.
    pub const SPECTRUMS: &str = "/rooms/{code}/spectrums";
    /// `GET`: one spectrum (`?from=&to=` rounds).
    pub const SPECTRUM: &str = "/rooms/{code}/spectrums/{id}";
    /// `POST` (key): open or close a spectrum's round.
    pub const SPECTRUM_ROUND: &str = "/rooms/{code}/spectrums/{id}/round";
    /// `POST` (token): where a phone stands.
    pub const SPECTRUM_POSITIONS: &str = "/rooms/{code}/spectrum-positions";
    /// `POST` (key): form the tables (again); `DELETE` (key): dissolve them.
    pub const TABLES: &str = "/rooms/{code}/tables";
    /// `POST` (token): a note; `GET` (key): every table's notes.
    pub const NOTES: &str = "/rooms/{code}/notes";
    /// `POST` (token): withdraw one's note.
    pub const WITHDRAW_NOTE: &str = "/rooms/{code}/notes/{note}/withdraw";
    /// `POST` (key): release a note to the projector and the report.
    pub const RELEASE_NOTE: &str = "/rooms/{code}/notes/{note}/release";
    /// `POST` (token): the reporter passes the role on.
    pub const PASS_REPORTER: &str = "/rooms/{code}/reporter/pass";
    /// `POST` (token): accept the room's rules.
    pub const CONSENT: &str = "/rooms/{code}/consent";
    /// `POST` (key): one facilitator control.
    pub const CONTROLS: &str = "/rooms/{code}/controls";
    /// `GET` (key in the query): the take-away report as one file.
    pub const REPORT_DOWNLOAD: &str = "/rooms/{code}/export/report.html";
    /// `GET` (key in the query): one export file.
    pub const EXPORT: &str = "/rooms/{code}/export/{file}";
    /// The WebSocket: a screen (no credential), a phone (`?token=`), the console (`?key=`).
    pub const WS: &str = "/rooms/{code}/ws";
}

/// The published report's page (outside the API): `/r/{code}/report`.
pub const REPORT_PAGE: &str = "/r/{code}/report";

/// `route` under [`API`] with its parameters filled in order: `at(route::JOIN, &["AB12"])` is
/// `/api/rooms/AB12/join`.
///
/// ```
/// use polyphony_protocol::paths::{at, route};
/// assert_eq!(at(route::JOIN, &["AB12"]), "/api/rooms/AB12/join");
/// assert_eq!(at(route::MODERATION, &["AB12", "3"]), "/api/rooms/AB12/statements/3/moderation");
/// ```
pub fn at(route: &str, params: &[&str]) -> String {
    format!("{API}{}", fill(route, params))
}

/// `template` with its `{…}` parameters replaced by `params`, in order (a missing one is left
/// empty).
///
/// ```
/// use polyphony_protocol::paths::{fill, REPORT_PAGE};
/// assert_eq!(fill(REPORT_PAGE, &["AB12"]), "/r/AB12/report");
/// ```
pub fn fill(template: &str, params: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut next = params.iter();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(next.next().copied().unwrap_or_default());
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_under_rooms_or_health_and_fills() {
        for r in [route::ROOM, route::JOIN, route::SPECTRUM_ROUND, route::WS] {
            assert!(r.starts_with("/rooms/{code}"), "{r}");
            assert!(!fill(r, &["X", "1"]).contains('{'), "{r}");
        }
        assert_eq!(
            at(route::SPECTRUM_ROUND, &["C", "2"]),
            "/api/rooms/C/spectrums/2/round"
        );
        assert_eq!(at(route::ROOMS, &[]), "/api/rooms");
    }
}

//! Every address the app uses, built here and nowhere else: the page URLs it links to and
//! reads ([`Route`], [`page`]), the server's API paths ([`api`], `docs/protocol.md`) and the
//! browser storage keys ([`storage_key`]).

/// Which screen a path shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: create or join a room.
    Start,
    /// `/r/{code}`: a participant's phone.
    Phone(String),
    /// `/r/{code}/screen`: the projector.
    Screen(String),
    /// `/r/{code}/host`: the facilitator console.
    Host(String),
    /// `/explore`: analyse a Polis export in the browser.
    Explore,
    /// Anything else.
    NotFound,
}

impl Route {
    /// Reads a URL path (the inverse of the [`page`] functions; codes are upper-cased).
    pub fn parse(path: &str) -> Route {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Route::Start,
            ["explore"] => Route::Explore,
            ["r", code] => Route::Phone(code.to_uppercase()),
            ["r", code, "screen"] => Route::Screen(code.to_uppercase()),
            ["r", code, "host"] => Route::Host(code.to_uppercase()),
            _ => Route::NotFound,
        }
    }
}

/// The app's own pages (the server returns `index.html` for each).
pub mod page {
    /// The start page: create or join a room.
    pub const HOME: &str = "/";

    /// The explorer.
    pub const EXPLORE: &str = "/explore";

    /// The explorer's Web Worker script (written by `cargo xtask web`; it loads the engine).
    pub const EXPLORER_WORKER: &str = "/explorer-worker.js";

    /// A participant's phone page: `/r/{code}`.
    pub fn phone(code: &str) -> String {
        format!("/r/{code}")
    }

    /// The admission code a phone's address carries (`#join=123456`, from the projector's QR
    /// code), if `hash` (`location.hash`) has one.
    pub fn admission_in(hash: &str) -> Option<String> {
        let digits: String = hash.strip_prefix("#join=")?.chars().take(6).collect();
        (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
    }

    /// The phone's page with an admission code: `/r/{code}#join={digits}`.
    pub fn phone_admitted(code: &str, digits: &str) -> String {
        format!("/r/{code}#join={digits}")
    }

    /// The projector: `/r/{code}/screen`.
    pub fn screen(code: &str) -> String {
        format!("/r/{code}/screen")
    }

    /// The facilitator console, carrying its key in the fragment (never sent to the server):
    /// `/r/{code}/host#key={key}`.
    pub fn host(code: &str, key: &str) -> String {
        format!("/r/{code}/host#key={key}")
    }

    /// The take-away report (server-rendered; 404 until published unless `key` is given):
    /// `/r/{code}/report`, or `/r/{code}/report?key={key}` for the facilitator's own look.
    pub fn report(code: &str, key: Option<&str>) -> String {
        match key {
            Some(k) => format!(
                "{}?key={k}",
                polyphony_protocol::paths::fill(polyphony_protocol::paths::REPORT_PAGE, &[code])
            ),
            None => {
                polyphony_protocol::paths::fill(polyphony_protocol::paths::REPORT_PAGE, &[code])
            }
        }
    }

    /// The facilitator key in a console URL's fragment (`#key=…`), if there is one.
    pub fn key_in_hash(hash: &str) -> Option<&str> {
        hash.strip_prefix("#key=")
    }
}

/// The server's HTTP and WebSocket paths (`docs/protocol.md`), each filled from its one
/// definition in `polyphony_protocol::paths` (the server's router takes the same templates).
pub mod api {

    use polyphony_protocol::paths::{at, route};

    pub use polyphony_protocol::paths::FACILITATOR_KEY_HEADER;

    /// `POST`: create a room (`at(route::ROOMS, &[])`, as a constant; a test checks they agree).
    pub const ROOMS: &str = "/api/rooms";

    /// A typed code as it goes into a query: its digits only.
    fn digits(a: &str) -> String {
        a.chars().filter(char::is_ascii_digit).take(6).collect()
    }

    /// `GET`: the room's public facts (`RoomInfo`), also of a closed room.
    pub fn room_info(code: &str) -> String {
        at(route::ROOM, &[code])
    }

    /// `PUT` (key): replace the briefing cards (`[BriefCard]`).
    pub fn brief(code: &str) -> String {
        at(route::BRIEF, &[code])
    }

    /// `GET`: what the projector shows (`RoomView`); a phone reads a statement's text from it.
    pub fn view(code: &str) -> String {
        at(route::VIEW, &[code])
    }

    /// `POST` with the key: remove the identities that joined in a window.
    pub fn remove_joined(code: &str) -> String {
        at(route::REMOVE_JOINED, &[code])
    }

    /// A participant's own view (with its token header): also how a phone learns that its
    /// saved token is no longer in the room.
    pub fn me(code: &str) -> String {
        at(route::ME, &[code])
    }

    /// `POST`: join a room as a participant.
    pub fn join(code: &str) -> String {
        at(route::JOIN, &[code])
    }

    /// `POST` with the projector's code: a phone joins (`?admission=123456`).
    pub fn join_with(code: &str, admission: Option<&str>) -> String {
        match admission {
            Some(a) => format!("{}?admission={}", join(code), digits(a)),
            None => join(code),
        }
    }

    /// `GET` (key): the projector's joining code and the console's join figures.
    pub fn admission(code: &str) -> String {
        at(route::ADMISSION, &[code])
    }

    /// The projector's WebSocket.
    pub fn ws_screen(code: &str) -> String {
        at(route::WS, &[code])
    }

    /// A phone's WebSocket.
    pub fn ws_phone(code: &str, token: &str) -> String {
        format!("{}?token={token}", ws_screen(code))
    }

    /// The facilitator's WebSocket.
    pub fn ws_host(code: &str, key: &str) -> String {
        format!("{}?key={key}", ws_screen(code))
    }

    /// `GET` (key): every statement with its moderation state.
    pub fn statements(code: &str) -> String {
        at(route::STATEMENTS, &[code])
    }

    /// `POST` (key): moderate one statement.
    pub fn moderation(code: &str, statement: u32) -> String {
        at(route::MODERATION, &[code, &statement.to_string()])
    }

    /// `POST` (key): reject every pending statement, or every pending one by one author.
    pub fn reject_pending(code: &str) -> String {
        at(route::REJECT_PENDING, &[code])
    }

    /// `POST` (key): change the stage.
    pub fn stage(code: &str) -> String {
        at(route::STAGE, &[code])
    }

    /// `POST` (key): close the room.
    pub fn close(code: &str) -> String {
        at(route::CLOSE, &[code])
    }

    /// `POST` (key): one facilitator control (`ControlRequest`): hide or reveal results, pause
    /// voting, a timer, the spotlight, group names, a second vote, the report published.
    pub fn controls(code: &str) -> String {
        at(route::CONTROLS, &[code])
    }

    /// `GET` (key in the query): the take-away report as one self-contained HTML file.
    pub fn report_download(code: &str, key: &str) -> String {
        format!("{}?key={key}", at(route::REPORT_DOWNLOAD, &[code]))
    }

    /// `POST` (key): start a spectrum on a statement.
    pub fn spectrums(code: &str) -> String {
        at(route::SPECTRUMS, &[code])
    }

    /// `POST` (key): open or close a spectrum's round.
    pub fn spectrum_round(code: &str, spectrum: u32) -> String {
        at(route::SPECTRUM_ROUND, &[code, &spectrum.to_string()])
    }

    /// `POST` (key): form the discussion tables (or form them again); `DELETE`: dissolve them.
    pub fn tables(code: &str) -> String {
        at(route::TABLES, &[code])
    }

    /// `GET` (key): every table's notes.
    pub fn notes(code: &str) -> String {
        at(route::NOTES, &[code])
    }

    /// `POST` (key): release a note to the projector and the report.
    pub fn release_note(code: &str, note: u32) -> String {
        at(route::RELEASE_NOTE, &[code, &note.to_string()])
    }

    /// `POST` (participant token): accept the room's rules (the phone sends it on its socket).
    pub fn consent(code: &str) -> String {
        at(route::CONSENT, &[code])
    }

    /// The files the console offers for download.
    pub const EXPORT_FILES: [&str; 8] = [
        "comments.csv",
        "comment-groups.csv",
        "tables.csv",
        "votes.csv",
        "participants-votes.csv",
        "summary.csv",
        "polyphony.json",
        "removed-votes.csv",
    ];

    /// `GET` (key in the query, so a plain link downloads it): one export file.
    pub fn export(code: &str, file: &str, key: &str) -> String {
        format!("{}?key={key}", at(route::EXPORT, &[code, file]))
    }
}

/// The browser's localStorage keys.
pub mod storage_key {
    /// The chosen UI language.
    pub const LANG: &str = "polyphony.lang";

    /// A room's facilitator key.
    pub fn facilitator_key(code: &str) -> String {
        format!("polyphony.key.{code}")
    }

    /// This browser's participant token in a room.
    pub fn participant_token(code: &str) -> String {
        format!("polyphony.token.{code}")
    }

    /// A phone's requests not yet answered by the server.
    pub fn queue(code: &str) -> String {
        format!("polyphony.queue.{code}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(Route::parse("/"), Route::Start);
        assert_eq!(Route::parse("/r/abc234"), Route::Phone("ABC234".into()));
        assert_eq!(
            Route::parse("/r/ABC234/screen"),
            Route::Screen("ABC234".into())
        );
        assert_eq!(
            Route::parse("/r/ABC234/host/"),
            Route::Host("ABC234".into())
        );
        assert_eq!(Route::parse("/explore"), Route::Explore);
        assert_eq!(Route::parse("/r"), Route::NotFound);
    }

    #[test]
    fn page_urls_read_back_as_their_routes() {
        assert_eq!(Route::parse(page::HOME), Route::Start);
        assert_eq!(Route::parse(page::EXPLORE), Route::Explore);
        assert_eq!(
            Route::parse(&page::phone("AB12")),
            Route::Phone("AB12".into())
        );
        assert_eq!(
            Route::parse(&page::screen("AB12")),
            Route::Screen("AB12".into())
        );
        let host = page::host("AB12", "k3y");
        let (path, hash) = host.split_at(host.find('#').unwrap_or(host.len()));
        assert_eq!(Route::parse(path), Route::Host("AB12".into()));
        assert_eq!(page::key_in_hash(hash), Some("k3y"));
        assert_eq!(page::key_in_hash(""), None);
    }

    #[test]
    fn api_paths_follow_the_protocol() {
        assert_eq!(api::join("AB12"), "/api/rooms/AB12/join");
        assert_eq!(
            api::ROOMS,
            polyphony_protocol::paths::at(polyphony_protocol::paths::route::ROOMS, &[])
        );
        assert_eq!(api::room_info("AB12"), "/api/rooms/AB12");
        assert_eq!(api::view("AB12"), "/api/rooms/AB12/view");
        assert_eq!(page::report("AB12", None), "/r/AB12/report");
        assert_eq!(api::ws_screen("AB12"), "/api/rooms/AB12/ws");
        assert_eq!(api::ws_phone("AB12", "t"), "/api/rooms/AB12/ws?token=t");
        assert_eq!(api::ws_host("AB12", "k"), "/api/rooms/AB12/ws?key=k");
        assert_eq!(api::statements("AB12"), "/api/rooms/AB12/statements");
        assert_eq!(
            api::moderation("AB12", 7),
            "/api/rooms/AB12/statements/7/moderation"
        );
        assert_eq!(api::stage("AB12"), "/api/rooms/AB12/stage");
        assert_eq!(api::brief("AB12"), "/api/rooms/AB12/brief");
        assert_eq!(api::close("AB12"), "/api/rooms/AB12/close");
        assert_eq!(api::spectrums("AB12"), "/api/rooms/AB12/spectrums");
        assert_eq!(
            api::spectrum_round("AB12", 2),
            "/api/rooms/AB12/spectrums/2/round"
        );
        assert_eq!(api::tables("AB12"), "/api/rooms/AB12/tables");
        assert_eq!(api::notes("AB12"), "/api/rooms/AB12/notes");
        assert_eq!(
            api::release_note("AB12", 4),
            "/api/rooms/AB12/notes/4/release"
        );
        assert_eq!(api::consent("AB12"), "/api/rooms/AB12/consent");
        assert_eq!(
            api::export("AB12", "votes.csv", "k"),
            "/api/rooms/AB12/export/votes.csv?key=k"
        );
        assert_eq!(storage_key::queue("AB12"), "polyphony.queue.AB12");
        assert_eq!(
            storage_key::participant_token("AB12"),
            "polyphony.token.AB12"
        );
        assert_eq!(storage_key::facilitator_key("AB12"), "polyphony.key.AB12");
    }

    /// `index.html` joins a phone's room and opens its socket while the app downloads: with the
    /// join and socket paths and the token's storage key built here (spelled in its JavaScript as `'…' + code + '…'`), and
    /// for the same page path.
    #[test]
    fn the_early_join_in_index_html_uses_these_addresses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/index.html");
        let html = std::fs::read_to_string(&path).unwrap_or_default();
        for spelled in [
            api::join("' + code + '"),
            storage_key::participant_token("' + code"),
            api::ws_phone("' + code + '", "' + t"),
        ] {
            assert!(html.contains(&spelled), "index.html spells {spelled}");
        }
        assert!(html.contains(r"location.pathname.match(/^\/r\/([A-Za-z0-9]{1,16})\/?$/)"));
        assert_eq!(
            Route::parse("/r/ab12/"),
            Route::Phone(page::phone("AB12")[3..].into())
        );
    }

    /// No other source file spells an API path, a room page URL or a storage key.
    #[test]
    fn addresses_are_built_only_here() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        assert!(files.len() > 10, "found the sources in {}", src.display());
        for file in files.iter().filter(|f| !f.ends_with("routes.rs")) {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for spelled in ["\"/api", "\"/r/", "\"polyphony."] {
                    assert!(
                        !code.contains(spelled),
                        "{}:{}: builds an address outside routes.rs",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
}

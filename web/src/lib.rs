//! Polyphony's web app: the phone view, the projector screen, the facilitator console and the
//! explorer, as yew function components over the server's documented API
//! (`docs/protocol.md`). The state each screen keeps is plain Rust in [`state`], tested
//! natively; every UI string comes from [`i18n`].

pub mod explore;
pub mod i18n;
pub mod state;

mod app;
mod net;

/// Starts the app in the browser.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

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
    /// Reads a URL path.
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

/// Group colours, colour-blind safe (Okabe–Ito blue, orange, bluish green), always shown with
/// the group's letter too.
pub const GROUP_COLOURS: [&str; 5] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"];

/// The colour of a group, by its label: A blue, B orange, C green.
pub fn group_colour(label: &str) -> &'static str {
    GROUP_COLOURS[state::label_index(label) % GROUP_COLOURS.len()]
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
}

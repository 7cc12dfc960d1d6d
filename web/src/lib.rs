//! Polyphony's web app: the phone view, the projector screen, the facilitator console and the
//! explorer, as yew function components over the server's documented API
//! (`docs/protocol.md`). The state each screen keeps is plain Rust in [`state`], tested
//! natively; every UI string comes from [`i18n`]; every URL, API path and storage key from
//! [`routes`].

pub mod i18n;
pub mod routes;
pub mod state;

mod app;
mod components;
mod hooks;
mod nav;
mod net;
mod pages;
mod storage;

pub use routes::Route;

/// Starts the app in the browser.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

/// Group colours, colour-blind safe (Okabe–Ito blue, orange, bluish green), always shown with
/// the group's letter too.
pub const GROUP_COLOURS: [&str; 5] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"];

/// The colour of a group, by its label: A blue, B orange, C green.
pub fn group_colour(label: &str) -> &'static str {
    GROUP_COLOURS[state::label_index(label) % GROUP_COLOURS.len()]
}

/// Table colours (Okabe–Ito yellow, sky blue, vermillion, reddish purple, and a light grey):
/// apart from the first groups' blue, orange and green so a table is never mistaken for a
/// group, light enough for black numbers, and always shown with the table's number: the same
/// colour on the phone and on the projector's tile.
pub const TABLE_COLOURS: [&str; 5] = ["#F0E442", "#56B4E9", "#D55E00", "#CC79A7", "#BBBBBB"];

/// The colour of a table, by its number (1-based).
pub fn table_colour(number: u32) -> &'static str {
    TABLE_COLOURS[(number.max(1) as usize - 1) % TABLE_COLOURS.len()]
}

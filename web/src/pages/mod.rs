//! One component per screen, chosen by [`crate::routes::Route`] in [`crate::app::App`].
//!
//! - [`start`]: create or join a room (`/`).
//! - [`phone`]: a participant's phone (`/r/{code}`).
//! - [`projector`]: the projector screen (`/r/{code}/screen`).
//! - [`console`]: the facilitator console (`/r/{code}/host#key=…`).
//! - [`explorer`]: a Polis export analysed in the browser (`/explore`).

use yew::prelude::*;

use crate::i18n::Lang;

pub mod console;
pub mod explorer;
pub mod phone;
pub mod projector;
pub mod start;

pub use console::HostPage;
pub use explorer::ExplorePage;
pub use phone::PhonePage;
pub use projector::ScreenPage;
pub use start::StartPage;

/// A page that needs only the UI language.
#[derive(Properties, PartialEq)]
pub struct LangProps {
    /// The UI language.
    pub lang: Lang,
}

/// A page of one room.
#[derive(Properties, PartialEq)]
pub struct CodeProps {
    /// The UI language.
    pub lang: Lang,
    /// The room's code (upper case).
    pub code: String,
}

//! The pieces the pages are made of. Each takes the UI language and the data it shows; none
//! talks to the server.

use polyphony_protocol::{RoomView, Stage};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{Key, Lang};

pub mod consensus;
pub mod divisive;
pub mod fullscreen;
pub mod groups;
pub mod language;
pub mod map;
pub mod qr;
pub mod spectrum;
pub mod table_card;
pub mod tables;
pub mod tr;

pub use consensus::Consensus;
pub use divisive::Divisive;
pub use fullscreen::FullscreenButton;
pub use groups::{group_cards_lines, reason_text, GroupCards};
pub use language::LangSwitch;
pub use map::OpinionMap;
pub use qr::qr_svg;
pub use spectrum::Spectrum;
pub use table_card::TableCard;
pub use tables::{GroupCounts, TablesBoard};
pub use tr::Tr;

/// A room view and how many of its items to show.
#[derive(Properties, PartialEq)]
pub struct ViewProps {
    /// The UI language.
    pub lang: Lang,
    /// What to show.
    pub view: RoomView,
    /// At most this many items.
    #[prop_or(5)]
    pub limit: usize,
    /// On the projector: the room the list has, so it shows only what fits.
    #[prop_or_default]
    pub fit: Option<crate::state::Fit>,
}

/// The text of the input or text area an input event came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target()
        .and_then(|t| {
            t.clone()
                .dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .ok()
                .or_else(|| {
                    t.dyn_into::<web_sys::HtmlTextAreaElement>()
                        .ok()
                        .map(|a| a.value())
                })
        })
        .unwrap_or_default()
}

/// The name of a stage, as a translation key.
pub fn stage_key(s: Stage) -> Key {
    match s {
        Stage::Collect => Key::StageCollect,
        Stage::Groups => Key::StageGroups,
        Stage::Divisive => Key::StageDivisive,
        Stage::Spectrum => Key::StageSpectrum,
        Stage::Tables => Key::StageTables,
        Stage::Report => Key::StageReport,
    }
}

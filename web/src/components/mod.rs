//! The pieces the pages are made of. Each takes the UI language and the data it shows; none
//! talks to the server.

use polyphony_protocol::{RoomView, Stage};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{Key, Lang};

pub mod brief;
pub mod brief_editor;
pub mod change;
pub mod consensus;
pub mod controls;
pub mod divisive;
pub mod error_text;
pub mod fullscreen;
pub mod groups;
pub mod join_watch;
pub mod language;
pub mod list_fit;
pub mod map;
pub mod paging;
pub mod phone_parts;
pub mod qr;
pub mod room_line;
pub mod run_sheet;
pub mod spectrum;
pub mod spectrum_console;
pub mod spotlight;
pub mod table_card;
pub mod tables;
pub mod timer;
pub mod tr;

pub use brief::{brief_list, BriefScreen};
pub use brief_editor::{BriefEditor, BriefForm};
pub use change::ChangeSummary;
pub use consensus::Consensus;
pub use controls::{CloseRoom, RoomControlsPanel};
pub use divisive::Divisive;
pub use error_text::error_text;
pub use fullscreen::FullscreenButton;
pub use groups::{group_cards_lines, reason_text, GroupCards};
pub use join_watch::JoinWatch;
pub use language::LangSwitch;
pub use map::OpinionMap;
pub use paging::{use_page_turns, PageTurner};
pub use qr::qr_svg;
pub use room_line::{ResultsHidden, RoomLine};
pub use spectrum::Spectrum;
pub use spectrum_console::SpectrumConsole;
pub use spotlight::Spotlight;
pub use table_card::TableCard;
pub use tables::{GroupCounts, TablesBoard};
pub use timer::TimerClock;
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
        Stage::Brief => Key::StageBrief,
        Stage::Collect => Key::StageCollect,
        Stage::Groups => Key::StageGroups,
        Stage::Divisive => Key::StageDivisive,
        Stage::Spectrum => Key::StageSpectrum,
        Stage::Tables => Key::StageTables,
        Stage::Report => Key::StageReport,
    }
}

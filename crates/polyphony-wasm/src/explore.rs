//! The web app's explorer: an export read once, then analysed with either preset, as the
//! `RoomView` the projector's components show. It runs in a Web Worker (`explorer-worker.js`,
//! written by `cargo xtask web`), so the page stays responsive on a large export and the
//! phones' app carries no engine.

use std::collections::BTreeMap;

use polyphony_analysis_view::fill_from_analysis;
use polyphony_core::{Moderation, Preset};
use polyphony_polis::{PolisConversation, VoteSign};
use polyphony_protocol::{ExploreView, ModerationState, RoomView, StatementView, MAP_POINTS_MAX};
use wasm_bindgen::prelude::*;

use crate::JsExportFiles;

/// Reads named files (an openData export: `comments.csv` with `votes.csv` or
/// `participants-votes.csv`; or the API pair `votes.json` + `comments.json`) through the one
/// reader the CLI uses (`polyphony_polis::read_named_files`).
pub fn read(files: &[(&str, &[u8])]) -> Result<PolisConversation, String> {
    polyphony_polis::read_named_files(files, VoteSign::Auto).map_err(|e| e.to_string())
}

/// The explorer's view of an export: one update with `preset` (`workshop` or `polis`), seed 0
/// (as `polyphony analyze`), every statement that is neither rejected nor meta shown.
pub fn view(data: &PolisConversation, preset: Preset) -> Result<RoomView, String> {
    let params = polyphony_core::AnalysisParams::builder(preset)
        .build()
        .map_err(|e| e.to_string())?;
    let analysis = data.to_conversation(params).update();
    let shown: BTreeMap<u32, StatementView> = data
        .statements
        .iter()
        .filter(|s| s.moderation != Moderation::Rejected && !s.is_meta)
        .map(|s| {
            (
                s.id,
                StatementView {
                    id: s.id,
                    text: s.text.clone(),
                    is_seed: s.is_seed,
                    moderation: ModerationState::Accepted,
                },
            )
        })
        .collect();
    let mut room = RoomView {
        voters: analysis.participant_count,
        votes: analysis.vote_count,
        ..RoomView::default()
    };
    fill_from_analysis(&mut room, &analysis, &shown);
    Ok(room)
}

/// JavaScript: `new ExportData(files)`: an export read once (the explorer's "reading" step),
/// then `exploreView(preset)` as often as the preset changes, without reading it again.
#[wasm_bindgen(js_name = ExportData)]
pub struct JsExportData {
    data: PolisConversation,
}

#[wasm_bindgen(js_class = ExportData)]
impl JsExportData {
    /// Reads the export's files (`{ "comments.csv": text, "votes.csv": text }`).
    #[wasm_bindgen(constructor)]
    pub fn new(files: &JsExportFiles) -> Result<JsExportData, JsError> {
        let map: BTreeMap<String, String> = serde_wasm_bindgen::from_value(files.into())
            .map_err(|e| JsError::new(&e.to_string()))?;
        let named: Vec<(&str, &[u8])> = map
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_bytes()))
            .collect();
        read(&named)
            .map(|data| JsExportData { data })
            .map_err(|e| JsError::new(&e))
    }

    /// The `ExploreView` (as JSON: the web app's own types) of one update with `preset`
    /// (`"workshop"`, `"polis"`; empty: workshop).
    #[wasm_bindgen(js_name = exploreView)]
    pub fn explore_view(&self, preset: &str) -> Result<String, JsError> {
        let preset = match preset {
            "" => Preset::default(),
            name => name
                .parse::<Preset>()
                .map_err(|e| JsError::new(&e.to_string()))?,
        };
        let room = view(&self.data, preset).map_err(|e| JsError::new(&e))?;
        serde_json::to_string(&ExploreView::thinned(room, MAP_POINTS_MAX))
            .map_err(|e| JsError::new(&e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> (String, Vec<u8>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/two-camps")
            .join(name);
        (name.to_string(), std::fs::read(path).unwrap_or_default())
    }

    fn named(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
        files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect()
    }

    #[test]
    fn the_fixture_splits_into_groups_in_both_presets() {
        let files = [fixture("votes.json"), fixture("comments.json")];
        let data = read(&named(&files));
        assert!(data.is_ok(), "{:?}", data.err());
        let Ok(data) = data else { return };
        for preset in [Preset::Workshop, Preset::Polis] {
            let room = view(&data, preset).unwrap_or_default();
            assert!(room.groups.len() >= 2, "{preset}");
            assert!(!room.divisive.is_empty());
            assert!(room.votes > 0);
            assert!(room.statements.iter().all(|s| !s.statement.text.is_empty()));
        }
    }

    #[test]
    fn missing_files_say_what_to_choose() {
        let err = read(&[("notes.txt", b"hi".as_slice())]).err();
        assert!(err.is_some_and(|e| e.contains("comments.csv")));
        let bad = read(&[("comments.csv", b"not,a,polis\nfile".as_slice())]);
        assert!(bad.is_err());
    }
}

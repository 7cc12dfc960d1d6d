//! The explorer's analysis: a Polis export read and analysed in the browser (nothing is
//! uploaded), as the `RoomView` the projector's components show.

use std::collections::BTreeMap;

use polyphony_core::{AnalysisParams, Moderation, Preset};
use polyphony_polis::{PolisConversation, VoteSign};
use polyphony_protocol::analysis_view::fill_from_analysis;
use polyphony_protocol::{ModerationState, RoomView, StatementView};

/// Reads the chosen files (name, text): an openData export (`comments.csv` with `votes.csv` or
/// `participants-votes.csv`) or an API pair (`votes.json` + `comments.json`), through the one
/// reader the CLI and the JavaScript bindings use (`polyphony_polis::read_named_files`).
pub fn read(files: &[(String, String)]) -> Result<PolisConversation, String> {
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    polyphony_polis::read_named_files(&named, VoteSign::Auto).map_err(|e| e.to_string())
}

/// Analyses the files with the workshop or the Polis preset (seed 0, as `polyphony analyze`).
pub fn analyze(files: &[(String, String)], polis: bool) -> Result<RoomView, String> {
    let data = read(files)?;
    let preset = if polis {
        Preset::Polis
    } else {
        Preset::Workshop
    };
    let params = AnalysisParams::builder(preset)
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
    let mut view = RoomView {
        voters: analysis.participant_count,
        votes: analysis.vote_count,
        ..RoomView::default()
    };
    fill_from_analysis(&mut view, &analysis, &shown);
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> (String, String) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/two-camps")
            .join(name);
        (
            name.to_string(),
            std::fs::read_to_string(path).unwrap_or_default(),
        )
    }

    #[test]
    fn the_fixture_splits_into_groups_in_both_presets() {
        let files = [fixture("votes.json"), fixture("comments.json")];
        for polis in [false, true] {
            let view = analyze(&files, polis).unwrap_or_default();
            assert!(view.groups.len() >= 2, "polis={polis}");
            assert!(!view.divisive.is_empty());
            assert!(view.votes > 0);
        }
    }

    #[test]
    fn missing_files_say_what_to_choose() {
        let err = analyze(&[("notes.txt".into(), "hi".into())], false).err();
        assert!(err.is_some_and(|e| e.contains("comments.csv")));
        let bad = analyze(
            &[("comments.csv".into(), "not,a,polis\nfile".into())],
            false,
        );
        assert!(bad.is_err());
    }
}

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::path::Path;

use polyphony_core::{AnalysisParams, Preset};

use crate::*;

/// The two-camps fixture as a report input, with every optional part filled.
fn fixture(lang: Lang) -> ReportInput {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
    let data = polyphony_polis::read_path(&dir, polyphony_polis::VoteSign::Auto).unwrap();
    let params = AnalysisParams::builder(Preset::Workshop)
        .seed(3)
        .build()
        .unwrap();
    let mut conv = data.to_conversation(params);
    let analysis = conv.update();
    let before_votes = conv.matrix().clone();
    let mut input = ReportInput::new("Two camps", lang, analysis.clone(), 3);
    input.description = "Background\nsecond line".into();
    input.statements = data
        .statements
        .iter()
        .map(|s| (s.id, s.text.clone()))
        .collect();
    input.spectrums = vec![SpectrumInput {
        statement: "Taxis first".into(),
        rounds: vec![[1, 2, 3, 2, 1], [0, 1, 3, 3, 2]],
        movement: vec![SpectrumMovement {
            label: "A".into(),
            toward_agree: 2,
            toward_disagree: 1,
            stayed: 3,
        }],
    }];
    input.table_notes = vec![TableNotes {
        table: 1,
        notes: vec!["We share safety".into()],
    }];
    // After talking, the first three participants who voted on the first statement vote
    // "agree" on it (some of them already did).
    let first = before_votes.statements()[0];
    let movers: Vec<u32> = before_votes
        .participants()
        .iter()
        .copied()
        .filter(|&p| before_votes.vote(p, first).is_some())
        .take(3)
        .collect();
    let later: Vec<polyphony_core::VoteEvent> = movers
        .iter()
        .map(|&p| polyphony_core::VoteEvent::new(p, first, polyphony_core::Vote::Agree, i64::MAX))
        .collect();
    conv.add_votes(&later);
    let after = conv.update();
    input.change = Some(ChangeInput::new(
        Moment::FirstHalfOfVotes,
        Moment::AllVotes,
        (&analysis, &before_votes),
        (&after, conv.matrix()),
    ));
    input
}

const SECTIONS: [&str; 9] = [
    "summary",
    "map",
    "groups",
    "consensus",
    "divisive",
    "spectrum",
    "notes",
    "change",
    "method",
];

#[test]
fn every_section_is_present_for_the_fixture() {
    let input = fixture(Lang::En);
    assert!(input.analysis.groups.is_some(), "the fixture has groups");
    let html = render(&input);
    for id in SECTIONS {
        assert!(
            html.contains(&format!(r#"<section id="{id}""#)),
            "section {id}"
        );
    }
    assert!(html.contains("<h1>Two camps</h1>"));
    assert!(html.contains(&format!("<b>{}</b>", input.counts.participants)));
    assert!(html.contains(&format!("<b>{}</b>", input.counts.votes)));
    // Group letters on the map, bars with text percentages, the method's parameters.
    assert!(html.contains(">A</text>") && html.contains(">B</text>"));
    assert!(html.contains("% agree ·"));
    assert!(html.contains("“workshop” settings and random seed 3"));
    assert!(html.contains("Comparing the first half of the votes with all the votes."));
    // The change is counted on the same people: of those who voted on the first statement
    // both times, exactly the movers who did not already agree moved, toward agreeing.
    let c = &input.change.as_ref().unwrap().change;
    let item = &c.panel.items[0];
    let first = input.analysis.statements[0];
    assert_eq!(item.item, first);
    assert!(item.everyone.answered_both >= 3);
    assert_eq!(item.everyone.toward_disagree, 0);
    assert!(item.everyone.toward_agree >= 1 && item.everyone.toward_agree <= 3);
    assert_eq!(
        item.everyone.answered_both,
        item.everyone.toward_agree + item.everyone.stayed
    );
    assert!(html.contains(&format!(
        "{} people voted on this statement both times: {} moved toward agreeing, 0 toward disagreeing, {} kept their vote.",
        item.everyone.answered_both, item.everyone.toward_agree, item.everyone.stayed
    )), "{html}");
}

#[test]
fn optional_sections_are_left_out_when_empty() {
    let mut input = fixture(Lang::En);
    input.spectrums.clear();
    input.table_notes.clear();
    input.change = None;
    let html = render(&input);
    for id in ["spectrum", "notes", "change"] {
        assert!(!html.contains(&format!(r#"<section id="{id}""#)), "{id}");
    }
}

#[test]
fn each_language_renders_its_own_strings() {
    let expect = [
        (Lang::ZhTw, "意見地圖", "共識"),
        (Lang::En, "Opinion map", "Common ground"),
        (Lang::Ja, "意見マップ", "共通点"),
        (Lang::Ko, "의견 지도", "공통점"),
    ];
    for (lang, map, consensus) in expect {
        let html = render(&fixture(lang));
        assert!(html.contains(&format!(r#"<html lang="{}">"#, lang.tag())));
        assert!(html.contains(map), "{lang}: {map}");
        assert!(html.contains(consensus), "{lang}: {consensus}");
        for other in Lang::ALL.iter().filter(|&&o| o != lang) {
            assert!(
                !html.contains(t(*other, Key::MethodTitle)),
                "{lang} report holds {other} text"
            );
        }
    }
}

#[test]
fn every_key_has_a_distinct_non_empty_string_per_language() {
    for lang in Lang::ALL {
        for &k in Key::ALL {
            assert!(!t(lang, k).trim().is_empty(), "{lang} {k:?}");
        }
    }
    assert_ne!(t(Lang::Ja, Key::MapCaption), t(Lang::ZhTw, Key::MapCaption));
}

#[test]
fn data_text_is_escaped() {
    let evil = "<script>alert(1)</script>";
    let mut input = fixture(Lang::En);
    input.topic = evil.into();
    input.description = evil.into();
    for text in input.statements.values_mut() {
        *text = evil.into();
    }
    input.group_names.insert(0, evil.into());
    input.table_notes[0].notes = vec![evil.into()];
    input.spectrums[0].statement = evil.into();
    if let Some(c) = &mut input.change {
        c.before = Moment::Named(evil.into());
    }
    let html = render(&input);
    assert!(!html.contains("<script"), "raw script tag in the output");
    assert!(!html.contains("alert(1)</"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<title>&lt;script&gt;"));
    assert!(html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
}

#[test]
fn no_script_and_no_external_resource() {
    for lang in Lang::ALL {
        let html = render(&fixture(lang)).to_ascii_lowercase();
        assert!(!html.contains("<script"));
        assert!(!html.contains("http"), "{lang}: a URL in the output");
        for needle in [
            "src=", "href=", "url(", "@import", "<link", "<iframe", "<img",
        ] {
            assert!(!html.contains(needle), "{lang}: {needle}");
        }
        // No event handler attributes either.
        assert!(!html.contains("onload=") && !html.contains("onerror="));
    }
}

#[test]
fn the_map_has_one_circle_per_participant_and_no_ids() {
    let input = fixture(Lang::En);
    let html = render(&input);
    let circles = html.matches("<circle").count();
    assert_eq!(circles, input.analysis.participants.len());
    assert_eq!(circles as u32, input.counts.participants);
    assert!(!html.contains("data-pid") && !html.contains("participant="));
    // The two camps vote alike inside each camp, so many people share a spot; each is still a
    // dot of their own, not hidden under another.
    let spots: std::collections::BTreeSet<&str> = html
        .split("<circle ")
        .skip(1)
        .filter_map(|c| c.split(" r=").next())
        .collect();
    assert_eq!(spots.len(), circles, "every dot at a place of its own");
}

#[test]
fn a_report_without_groups_still_renders() {
    let a = polyphony_core::Conversation::new(AnalysisParams::default()).update();
    let html = render(&ReportInput::new("Empty", Lang::Ko, a, 0));
    assert!(html.contains(t(Lang::Ko, Key::NoGroups)));
    assert_eq!(html.matches("<circle").count(), 0);
}

#[test]
fn unknown_languages_name_the_four() {
    let e = "fr".parse::<Lang>().unwrap_err();
    assert_eq!(e, ReportError::UnknownLanguage("fr".into()));
    assert!(e.to_string().contains("zh-TW, en, ja or ko"));
    for lang in Lang::ALL {
        assert_eq!(lang.tag().parse::<Lang>(), Ok(lang));
    }
}

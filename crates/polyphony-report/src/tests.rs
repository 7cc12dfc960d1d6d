#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::path::Path;

use polyphony_core::{AnalysisParams, ConsensusStatement, Preset, Stance, TableMode};

use crate::i18n::fill;
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
        plan: 1,
        mode: TableMode::SameGroup,
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
    assert!(html.contains("“Workshop (2–3 groups)” settings and random seed 3"));
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
        // The settings by their name in the reader's language, not the command line's word.
        assert!(
            html.contains(t(lang, Key::PresetWorkshop)),
            "{lang}: preset"
        );
        assert!(!html.contains("workshop"), "{lang}: the word `workshop`");
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
    // The one link: an empty inline icon, so that no browser asks for /favicon.ico.
    let icon = crate::sections::ICON.to_ascii_lowercase();
    for lang in Lang::ALL {
        let html = render(&fixture(lang)).to_ascii_lowercase();
        assert_eq!(html.matches(&icon).count(), 1, "{lang}: the inline icon");
        let html = html.replace(&icon, "");
        let mut served = fixture(lang);
        served.switcher = Some(Switcher { key: None });
        // The served page links to itself in other languages; nothing else.
        let served = render(&served).to_ascii_lowercase().replace(&icon, "");
        assert!(!served.contains("http") && !served.contains("<script"));
        assert_eq!(
            served.matches("href=").count(),
            served.matches(r#"href="?lang="#).count()
        );
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
    let e = ReportError::from("fr".parse::<Lang>().unwrap_err());
    assert_eq!(e, ReportError::UnknownLanguage("fr".into()));
    assert!(e.to_string().contains("zh-TW, en, ja or ko"));
    for lang in Lang::ALL {
        assert_eq!(lang.tag().parse::<Lang>(), Ok(lang));
    }
}

/// The part of `html` from section `id` to the end of that section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<section id="{id}""#))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

/// A consensus entry: `n_success` of `n_trials`.
fn entry(statement: u32, n_success: u32, n_trials: u32) -> ConsensusStatement {
    ConsensusStatement {
        statement,
        n_success,
        n_trials,
        p_success: 0.0,
        p_test: 0.0,
    }
}

#[test]
fn every_consensus_line_says_its_direction_and_share() {
    // The words of "81% disagree" / "75% agree" in each language.
    let words = [
        (Lang::ZhTw, "81% 不同意", "75% 同意", "之前：81% 不同意"),
        (
            Lang::En,
            "81% disagree",
            "75% agree",
            "before: 81% disagree",
        ),
        (Lang::Ja, "81% が反対", "75% が賛成", "以前：81% が反対"),
        (Lang::Ko, "81% 반대", "75% 동의", "이전: 81% 반대"),
    ];
    for (lang, disagree, agree, was) in words {
        let mut input = fixture(lang);
        // The room's consensus: statement 0 agreed by 12 of 16, statement 1 disagreed by 13.
        input.analysis.consensus.agree = vec![entry(0, 12, 16)];
        input.analysis.consensus.disagree = vec![entry(1, 13, 16)];
        // Gained: 1 (disagree, found in the later snapshot) and 0 (agree, found in the
        // report's analysis only). Lost: 2 (it was disagreed by 13 of 16), and 3, which the
        // earlier snapshot does not list (said without a share).
        let change = input.change.as_mut().unwrap();
        change.change.consensus_gained = vec![1, 0];
        change.change.consensus_lost = vec![2, 3];
        change.consensus_after.agree.clear();
        change.consensus_after.disagree = vec![entry(1, 13, 16)];
        change.consensus_before.agree.clear();
        change.consensus_before.disagree = vec![entry(2, 13, 16)];
        let html = render(&input);

        let consensus = section(&html, "consensus");
        assert!(
            consensus.contains(&format!(r#"<b class="dir">{agree}</b>"#)),
            "{lang}"
        );
        assert!(
            consensus.contains(&format!(r#"<b class="dir">{disagree}</b>"#)),
            "{lang}"
        );
        assert!(consensus.contains(&fill(t(lang, Key::VotedOn), &[("n", "16".into())])));
        assert!(consensus.contains(r#"<div class="st agree">"#));
        assert!(consensus.contains(r#"<div class="st disagree">"#));

        let change = section(&html, "change");
        let gained_at = change.find(t(lang, Key::GainedTitle)).unwrap();
        let lost_at = change.find(t(lang, Key::LostTitle)).unwrap();
        let (gained, lost) = (&change[gained_at..lost_at], &change[lost_at..]);
        assert_eq!(
            gained.matches(r#"<b class="dir">"#).count(),
            2,
            "{lang}: {gained}"
        );
        assert!(
            gained.contains(&format!(r#"<b class="dir">{disagree}</b>"#)),
            "{lang}"
        );
        assert!(
            gained.contains(&format!(r#"<b class="dir">{agree}</b>"#)),
            "{lang}"
        );
        assert!(
            lost.contains(&format!(r#"<b class="dir">{was}</b>"#)),
            "{lang}: {lost}"
        );
        // Statement 3 is listed, without a direction it cannot know.
        assert!(lost.contains(r##"<span class="sid">#3</span>"##));
        assert_eq!(
            lost.matches(r#"<b class="dir">"#).count(),
            1,
            "{lang}: {lost}"
        );
    }
}

/// Notes from three plans: same-group (tables 2 and 1), then mixed twice.
fn notes_of_three_plans() -> Vec<TableNotes> {
    let notes = |plan, mode, table, text: &str| TableNotes {
        plan,
        mode,
        table,
        notes: vec![text.to_string()],
    };
    vec![
        notes(1, TableMode::SameGroup, 2, "same-2"),
        notes(1, TableMode::SameGroup, 1, "same-1"),
        notes(2, TableMode::Mixed, 1, "mixed-a-1"),
        notes(3, TableMode::Mixed, 1, "mixed-b-1"),
        TableNotes {
            plan: 4,
            mode: TableMode::Mixed,
            table: 1,
            notes: vec![],
        },
    ]
}

#[test]
fn notes_are_grouped_under_a_heading_per_plan() {
    for lang in Lang::ALL {
        let mut input = fixture(lang);
        input.table_notes = notes_of_three_plans();
        let html = render(&input);
        let notes = section(&html, "notes");
        let heading = |key, n: Option<usize>| {
            let name = t(lang, key).to_string();
            let text = match n {
                Some(n) => fill(
                    t(lang, Key::PlanNth),
                    &[("plan", name), ("n", n.to_string())],
                ),
                None => name,
            };
            format!(r#"<h3 class="plan">{text}</h3>"#)
        };
        let table = |n: u32| {
            format!(
                "<h4>{}</h4>",
                fill(t(lang, Key::Table), &[("n", n.to_string())])
            )
        };
        let order = [
            heading(Key::PlanSameGroup, None),
            table(1),
            "same-1".to_string(),
            table(2),
            "same-2".to_string(),
            heading(Key::PlanMixed, Some(1)),
            table(1),
            "mixed-a-1".to_string(),
            heading(Key::PlanMixed, Some(2)),
            table(1),
            "mixed-b-1".to_string(),
        ];
        let mut at = 0;
        for needle in &order {
            let found = notes[at..]
                .find(needle.as_str())
                .unwrap_or_else(|| panic!("{lang}: {needle} after {at} in {notes}"));
            at += found + needle.len();
        }
        // Three plan headings: the plan without notes has none.
        assert_eq!(notes.matches(r#"<h3 class="plan">"#).count(), 3, "{lang}");
    }
    // One plan of each mode: no numbers.
    let mut input = fixture(Lang::En);
    input.table_notes = notes_of_three_plans();
    input.table_notes.retain(|n| n.plan != 3);
    let notes = render(&input);
    let notes = section(&notes, "notes");
    assert!(notes.contains(r#"<h3 class="plan">Same-group tables</h3>"#));
    assert!(notes.contains(r#"<h3 class="plan">Mixed tables</h3>"#));
    assert!(!notes.contains("seating"));
}

#[test]
fn the_language_switcher_links_the_four_languages_only_when_asked() {
    // The offline file: no links at all (but its inline icon).
    let html = render(&fixture(Lang::Ja)).replace(crate::sections::ICON, "");
    assert!(!html.contains("<nav") && !html.contains("href="));
    for lang in Lang::ALL {
        let mut input = fixture(lang);
        input.switcher = Some(Switcher { key: None });
        let html = render(&input);
        let nav = &html[html.find(r#"<nav class="langs""#).unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(nav.contains(&format!(r#"aria-label="{}""#, t(lang, Key::Languages))));
        for other in Lang::ALL {
            let link = format!(
                r#"<a href="?lang={0}" hreflang="{0}" lang="{0}">{1}</a>"#,
                other.tag(),
                other.endonym()
            );
            assert_eq!(nav.contains(&link), other != lang, "{lang}: {other}");
        }
        assert!(nav.contains(&format!(
            r#"<span aria-current="page" lang="{}">{}</span>"#,
            lang.tag(),
            lang.endonym()
        )));
        assert!(
            !html.contains("key="),
            "{lang}: no key unless the page had one"
        );
        // The only links are the switcher's, relative to the page (and the inline icon).
        assert_eq!(html.matches("href=").count(), 4);
        assert!(html.contains(crate::sections::ICON));
        assert_eq!(html.matches(r#"href="?lang="#).count(), 3);
    }
    // Opened with a key: the links keep it, encoded.
    let mut input = fixture(Lang::En);
    input.switcher = Some(Switcher {
        key: Some("k&1 x".into()),
    });
    let html = render(&input);
    assert!(html.contains(r#"<a href="?lang=ja&amp;key=k%261%20x" hreflang="ja""#));
    assert_eq!(html.matches("key=k%261%20x").count(), 3);
}

#[test]
fn the_not_published_page_speaks_the_reader_s_language() {
    for lang in Lang::ALL {
        let html = render_not_published("<Night buses>", lang, true);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(&format!(r#"<html lang="{}">"#, lang.tag())));
        assert!(html.contains("&lt;Night buses&gt;"));
        assert!(html.contains(t(lang, Key::NotPublishedTitle)));
        assert!(html.contains(t(lang, Key::NotPublishedText)));
        assert!(html.contains(r#"<nav class="langs""#));
        assert!(!html.contains("<script") && !html.contains("key="));
        for other in Lang::ALL.iter().filter(|&&o| o != lang) {
            assert!(
                !html.contains(t(*other, Key::NotPublishedText)),
                "{lang}: {other}"
            );
            assert!(!html.contains(t(*other, Key::Kicker)), "{lang}: {other}");
        }
    }
    let quoted = [
        (Lang::ZhTw, "「公開報告」"),
        (Lang::Ja, "「レポートを公開」"),
        (Lang::Ko, "‘보고서 공개’"),
    ];
    for (lang, quote) in quoted {
        assert!(t(lang, Key::NotPublishedText).contains(quote), "{lang}");
    }
    assert!(!render_not_published("T", Lang::En, false).contains("<nav"));
}

#[test]
fn accept_language_picks_the_first_language_the_report_speaks() {
    let cases = [
        ("ja,en-US;q=0.9", Some(Lang::Ja)),
        ("fr-FR, fr;q=0.9, ko;q=0.8, en;q=0.7", Some(Lang::Ko)),
        ("en;q=0.5, zh-TW", Some(Lang::ZhTw)),
        ("zh-HK", Some(Lang::ZhTw)),
        ("EN-gb", Some(Lang::En)),
        ("ja;q=0, ko;q=0.1", Some(Lang::Ko)),
        ("de, fr", None),
        ("*", None),
        ("", None),
        ("ja;q=oops, en", Some(Lang::En)),
    ];
    for (header, want) in cases {
        assert_eq!(Lang::from_accept_language(header), want, "{header}");
    }
}

/// Colour checks: a group never wears a vote's colour, under normal vision, deuteranopia and
/// protanopia (Machado, Oliveira and Fernandes 2009, full severity; CIE76 differences).
mod colours {
    use crate::html::{CSS, OUTSIDE, PALETTE};

    fn linear(hex: &str) -> [f64; 3] {
        let byte = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default());
        [1, 3, 5].map(|i| {
            let c = byte(i) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    }

    const VISIONS: [[[f64; 3]; 3]; 3] = [
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ],
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ],
    ];

    fn lab(hex: &str, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let c = linear(hex);
        let s = m.map(|row| (row[0] * c[0] + row[1] * c[1] + row[2] * c[2]).clamp(0.0, 1.0));
        let x = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
        let y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
        let z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// The smallest difference between two colours over the three visions.
    fn nearest(a: &str, b: &str) -> f64 {
        VISIONS
            .iter()
            .map(|m| {
                let (p, q) = (lab(a, m), lab(b, m));
                (0..3).map(|i| (p[i] - q[i]).powi(2)).sum::<f64>().sqrt()
            })
            .fold(f64::INFINITY, f64::min)
    }

    /// The colour a class of the style sheet paints (`.ag{background:#…}`).
    fn background(class: &str) -> &'static str {
        let at = CSS
            .find(&format!(".{class}{{background:"))
            .expect("class in the CSS");
        let start = at + class.len() + 13;
        &CSS[start..start + 7]
    }

    #[test]
    fn a_group_never_looks_like_a_vote() {
        let (agree, disagree) = (background("ag"), background("di"));
        assert_eq!([agree, disagree], ["#0072B2", "#D55E00"]);
        for g in PALETTE {
            for v in [agree, disagree] {
                assert!(nearest(g, v) >= 20.0, "group {g} vs vote {v}");
            }
            assert!(nearest(g, OUTSIDE) >= 12.0, "group {g} vs outside");
        }
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert!(nearest(a, b) >= 15.0, "{a} vs {b}");
            }
        }
        // The earlier palette's clash: A in the agree blue, B orange beside the vermillion.
        assert!(nearest("#0072B2", agree) < 20.0 && nearest("#E69F00", disagree) < 20.0);
    }

    #[test]
    fn the_report_reads_like_the_room() {
        let web = include_str!("../../../web/src/palette.rs");
        let line = web
            .lines()
            .find(|l| l.starts_with("pub const GROUP_COLOURS"))
            .expect("the web app's palette");
        for (i, c) in PALETTE.iter().enumerate() {
            assert!(line.contains(&format!("\"{c}\"")), "{c} in {line}");
            assert!(
                i == 0 || line.find(PALETTE[i - 1]) < line.find(c),
                "same order"
            );
        }
    }
}

#[test]
fn korean_particles_follow_the_word_before_them() {
    let html = render(&fixture(Lang::Ko));
    // The change section compares two moments ("…와(과) …을(를) 비교합니다") and says who moved
    // "A에서 B(으)로": every particle is chosen.
    assert!(html.contains("비교합니다"), "the change section is there");
    for pair in [
        "와(과)", "과(와)", "을(를)", "를(을)", "은(는)", "이(가)", "(으)로",
    ] {
        assert!(!html.contains(pair), "{pair} left in the Korean report");
    }
}

#[test]
fn a_group_stands_out_only_on_what_it_does_not_share_and_says_the_others_share() {
    let mut input = fixture(Lang::En);
    let a = &mut input.analysis;
    let statements = a.statements.clone();
    let groups = a.groups.as_mut().unwrap();
    assert!(groups.groups.len() >= 2);
    let template = groups.groups[0].representative[0].clone();
    let (shared, apart) = (statements[0], statements[1]);
    // Group 0's list opens with a statement it shares with the rest (repness at most 1, as
    // Polis's best-agreed entry can be), then one it stands out on.
    groups.groups[0].representative = vec![
        polyphony_core::RepresentativeStatement {
            statement: shared,
            repful_for: Stance::Agree,
            repness: 0.95,
            ..template.clone()
        },
        polyphony_core::RepresentativeStatement {
            statement: apart,
            repful_for: Stance::Agree,
            n_success: 3,
            n_trials: 4,
            repness: 2.0,
            ..template
        },
    ];
    for g in &mut groups.groups[1..] {
        g.representative.clear();
    }
    // The other groups' share of agree on `apart`, passes counted as votes.
    let column = statements.iter().position(|&s| s == apart).unwrap();
    let (agree, seen) = groups.groups[1..].iter().fold((0, 0), |(a, s), g| {
        (a + g.tallies[column].agree, s + g.tallies[column].seen)
    });
    let rest = (f64::from(agree) * 100.0 / f64::from(seen)).round();
    let label = groups.groups[0].label.clone();
    let html = render(&input);
    let part = section(&html, "groups");
    let text = |id| crate::html::esc(&input.statements[&id]);
    assert!(
        !part.contains(&text(shared)),
        "a shared statement is no reason"
    );
    assert!(part.contains(&text(apart)));
    let why = format!("75% of group {label} agree, against {rest}% of the other groups.");
    assert!(part.contains(&why), "{why} in {part}");
}

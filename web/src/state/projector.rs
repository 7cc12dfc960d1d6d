//! What the projector decides, as plain Rust: how long an ended timer stays up, which page of the
//! report stage shows (as the facilitator turned it from the console), what each step of a
//! spectrum counts (now, and in the first round shown, by group), and which way each group
//! leans on a divisive statement.

use polyphony_protocol::{ChangeView, GroupStance, RoomView, SpectrumRoundView, Timer};

use super::controls::{lean, panel_moved, Lean};

/// How long "Time" stays on the projector after a timer reaches zero, in milliseconds; then the
/// timer leaves the screen by itself.
pub const TIME_UP_SHOWN_MS: i64 = 60_000;

/// Where a timer is at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerPhase {
    /// Counting down.
    Running,
    /// At zero, for [`TIME_UP_SHOWN_MS`]: "Time".
    TimeUp,
    /// Ended more than [`TIME_UP_SHOWN_MS`] ago: off the screen.
    Gone,
}

/// The timer's phase at `now` (ms since the epoch), counted from [`Timer::ends`].
pub fn timer_phase(timer: &Timer, now: i64) -> TimerPhase {
    let ends = timer.ends();
    if now < ends {
        TimerPhase::Running
    } else if now < ends + TIME_UP_SHOWN_MS {
        TimerPhase::TimeUp
    } else {
        TimerPhase::Gone
    }
}

/// Milliseconds from `now` until the timer leaves the screen; `None` once it has.
pub fn timer_gone_in(timer: &Timer, now: i64) -> Option<i64> {
    let gone = timer.ends() + TIME_UP_SHOWN_MS;
    (now < gone).then_some(gone - now)
}

/// How long a report page stays up before the next while the pages turn by themselves, in
/// milliseconds.
pub const REPORT_PAGE_MS: u32 = 20_000;

/// The report stage's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportPage {
    /// Common ground and the groups.
    Summary,
    /// How the room changed since the groups first appeared.
    Change,
    /// Where the groups differ.
    Divisive,
    /// The latest spectrum and who moved.
    Spectrum,
}

/// Whether a change has anything to say (someone now votes more like another group, someone
/// changed their own vote, consensus gained or lost).
pub fn change_worth_showing(c: &ChangeView) -> bool {
    c.moved > 0
        || c.panels.iter().any(|p| panel_moved(&p.everyone))
        || !c.consensus_gained.is_empty()
        || !c.consensus_lost.is_empty()
}

/// The report stage's pages for this room: the summary, then the change, the divisive
/// statements and the latest spectrum when there is something to show. The projector and the
/// console count them alike.
pub fn report_pages(view: &RoomView) -> Vec<ReportPage> {
    let mut pages = vec![ReportPage::Summary];
    if view.change.as_ref().is_some_and(change_worth_showing) {
        pages.push(ReportPage::Change);
    }
    if !view.divisive.is_empty() {
        pages.push(ReportPage::Divisive);
    }
    if !view.spectrums.is_empty() {
        pages.push(ReportPage::Spectrum);
    }
    pages
}

/// The page shown (0-based) out of `pages`: the facilitator's `page` (the last one when the room
/// has fewer), and, only when `auto`, one page further for every `ticks` of
/// [`REPORT_PAGE_MS`] since the facilitator set it, round and round.
pub fn shown_page(page: u32, auto: bool, ticks: usize, pages: usize) -> usize {
    if pages == 0 {
        return 0;
    }
    let start = usize::try_from(page).unwrap_or(usize::MAX).min(pages - 1);
    if auto {
        (start + ticks % pages) % pages
    } else {
        start
    }
}

/// One group's people at one step of a spectrum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepShare {
    /// The group's id (`None`: people outside every group).
    pub group: Option<u32>,
    /// The group's letter ("" outside every group).
    pub label: String,
    /// How many of them stand here.
    pub n: u32,
}

/// One step of a spectrum as the projector shows it: how many people stand there now, how many
/// stood there in the earlier round shown beside it, and the groups they belong to (only groups
/// with someone here, in the round's group order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepCount {
    /// People at this step now.
    pub count: u32,
    /// People at this step in the earlier round, if one is shown.
    pub before: Option<u32>,
    /// Who they are, by group.
    pub shares: Vec<StepShare>,
}

/// The rounds a spectrum shows: the latest round whose counts are out (`now`) and, when it is
/// not the same, the first such round (`before`, drawn as an outline), as the movement compares
/// the first round with the last. Rounds whose counts are hidden are left out of both.
pub fn spectrum_rounds(
    rounds: &[SpectrumRoundView],
) -> (Option<&SpectrumRoundView>, Option<&SpectrumRoundView>) {
    let mut shown = rounds.iter().filter(|r| !r.hidden);
    let first = shown.next();
    let last = shown.next_back();
    match (first, last) {
        (Some(f), Some(l)) => (Some(l), Some(f)),
        (Some(f), None) => (Some(f), None),
        _ => (None, None),
    }
}

/// The five steps (strongly disagree first) of round `now`, with `before`'s counts beside.
pub fn step_counts(now: &SpectrumRoundView, before: Option<&SpectrumRoundView>) -> Vec<StepCount> {
    (0..5)
        .map(|i| StepCount {
            count: now.counts[i],
            before: before.map(|b| b.counts[i]),
            shares: now
                .by_group
                .iter()
                .filter(|g| g.counts[i] > 0)
                .map(|g| StepShare {
                    group: g.group,
                    label: g.label.clone(),
                    n: g.counts[i],
                })
                .collect(),
        })
        .collect()
}

/// Each group's lean on one statement, in the statement's group order (the words under a
/// divisive statement: "A mostly agrees, B is split"), read from that statement's own bars.
pub fn leans(groups: &[GroupStance]) -> Vec<(&GroupStance, Lean)> {
    groups.iter().map(|g| (g, lean(g))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyphony_protocol::{
        DivisiveView, ModerationState, PanelCounts, PanelView, SpectrumGroupCounts, SpectrumView,
        StatementView,
    };

    fn statement(id: u32) -> StatementView {
        StatementView {
            id,
            text: format!("s{id}"),
            is_seed: true,
            moderation: ModerationState::Accepted,
        }
    }

    #[test]
    fn an_ended_timer_says_time_for_a_minute_then_leaves() {
        let t = Timer {
            started: 1_000_000,
            seconds: 60,
        };
        let ends = t.ends();
        assert_eq!(timer_phase(&t, 1_000_000), TimerPhase::Running);
        assert_eq!(timer_phase(&t, ends - 1), TimerPhase::Running);
        assert_eq!(timer_phase(&t, ends), TimerPhase::TimeUp);
        assert_eq!(timer_phase(&t, ends + 59_999), TimerPhase::TimeUp);
        assert_eq!(timer_phase(&t, ends + 60_000), TimerPhase::Gone);
        assert_eq!(timer_phase(&t, ends + 3_600_000), TimerPhase::Gone);
        assert_eq!(timer_gone_in(&t, 1_000_000), Some(120_000));
        assert_eq!(timer_gone_in(&t, ends + 59_000), Some(1_000));
        assert_eq!(timer_gone_in(&t, ends + 60_000), None);
    }

    #[test]
    fn the_report_opens_on_the_first_page_and_turns_only_when_told() {
        // Turned by hand: the page stays, whatever time passes.
        assert_eq!(shown_page(0, false, 0, 4), 0);
        assert_eq!(shown_page(0, false, 7, 4), 0);
        assert_eq!(shown_page(2, false, 7, 4), 2);
        // A screen with fewer pages shows its last.
        assert_eq!(shown_page(3, false, 0, 2), 1);
        assert_eq!(shown_page(u32::MAX, false, 0, 3), 2);
        // By itself: one page a tick, from the facilitator's page, round and round.
        assert_eq!(shown_page(1, true, 0, 3), 1);
        assert_eq!(shown_page(1, true, 1, 3), 2);
        assert_eq!(shown_page(1, true, 2, 3), 0);
        assert_eq!(shown_page(0, true, usize::MAX, 3), usize::MAX % 3);
        assert_eq!(shown_page(5, true, 3, 0), 0, "no pages");
    }

    #[test]
    fn the_report_has_a_page_for_what_there_is() {
        let mut view = RoomView::default();
        assert_eq!(report_pages(&view), vec![ReportPage::Summary]);
        view.divisive = vec![DivisiveView {
            statement: statement(1),
            divisiveness: 0.5,
            groups: vec![],
        }];
        view.change = Some(ChangeView {
            since: polyphony_protocol::Stage::Groups,
            moved: 0,
            panels: vec![PanelView {
                statement: statement(1),
                everyone: PanelCounts {
                    answered_both: 4,
                    toward_agree: 0,
                    toward_disagree: 0,
                    stayed: 4,
                },
                groups: vec![],
            }],
            consensus_gained: vec![],
            consensus_lost: vec![],
        });
        assert_eq!(
            report_pages(&view),
            vec![ReportPage::Summary, ReportPage::Divisive],
            "a change where nobody moved has no page"
        );
        if let Some(c) = view.change.as_mut() {
            c.panels[0].everyone.toward_agree = 1;
        }
        view.spectrums = vec![SpectrumView {
            id: 0,
            statement: statement(1),
            open_round: None,
            movement_from: 1,
            movement_to: 1,
            rounds: vec![],
            movement: vec![],
        }];
        assert_eq!(
            report_pages(&view),
            vec![
                ReportPage::Summary,
                ReportPage::Change,
                ReportPage::Divisive,
                ReportPage::Spectrum
            ]
        );
    }

    fn round(round: u8, hidden: bool, a: [u32; 5], b: [u32; 5]) -> SpectrumRoundView {
        let counts = std::array::from_fn(|i| a[i] + b[i]);
        SpectrumRoundView {
            round,
            placed: counts.iter().sum(),
            hidden,
            counts,
            by_group: vec![
                SpectrumGroupCounts {
                    group: Some(0),
                    label: "A".into(),
                    counts: a,
                },
                SpectrumGroupCounts {
                    group: Some(1),
                    label: "B".into(),
                    counts: b,
                },
            ],
        }
    }

    #[test]
    fn a_spectrum_shows_its_latest_round_beside_its_first() {
        let r1 = round(1, false, [0, 0, 0, 1, 3], [3, 1, 0, 0, 0]);
        let r2 = round(2, false, [0, 0, 0, 2, 2], [1, 2, 1, 0, 0]);
        let r3 = round(3, true, [0; 5], [0; 5]);
        let rounds = vec![r1.clone(), r2.clone(), r3];
        let (now, before) = spectrum_rounds(&rounds);
        assert_eq!(
            now.map(|r| r.round),
            Some(2),
            "the hidden round 3 is left out"
        );
        assert_eq!(before.map(|r| r.round), Some(1));
        let one = [r1.clone()];
        assert_eq!(spectrum_rounds(&one).0.map(|r| r.round), Some(1));
        assert!(
            spectrum_rounds(&one).1.is_none(),
            "one round: nothing beside it"
        );
        assert_eq!(spectrum_rounds(&[]), (None, None));

        let steps = step_counts(&r2, Some(&r1));
        assert_eq!(steps.len(), 5);
        let counts: Vec<u32> = steps.iter().map(|s| s.count).collect();
        assert_eq!(counts, vec![1, 2, 1, 2, 2]);
        let before: Vec<Option<u32>> = steps.iter().map(|s| s.before).collect();
        assert_eq!(before, vec![Some(3), Some(1), Some(0), Some(1), Some(3)]);
        // Only the groups with someone at the step, each with its own number.
        let shares = |i: usize| -> Vec<(String, u32)> {
            steps[i]
                .shares
                .iter()
                .map(|s| (s.label.clone(), s.n))
                .collect()
        };
        assert_eq!(shares(0), vec![("B".to_string(), 1)]);
        assert_eq!(shares(3), vec![("A".to_string(), 2)]);
        for s in &steps {
            assert_eq!(s.shares.iter().map(|g| g.n).sum::<u32>(), s.count);
        }
        assert!(step_counts(&r1, None).iter().all(|s| s.before.is_none()));
    }

    #[test]
    fn each_statement_is_worded_from_its_own_bars() {
        let stance = |label: &str, agree: u32, disagree: u32| GroupStance {
            group: 0,
            label: label.into(),
            agree,
            disagree,
            passes: 0,
            seen: agree + disagree,
            agree_rate: 0.0,
        };
        // The walk-through's room: on the second statement C disagrees to a person.
        let first = [stance("A", 1, 5), stance("B", 5, 1), stance("C", 4, 1)];
        let second = [stance("A", 4, 2), stance("B", 3, 3), stance("C", 0, 5)];
        let words =
            |g: &[GroupStance]| -> Vec<Lean> { leans(g).into_iter().map(|(_, l)| l).collect() };
        assert_eq!(
            words(&first),
            vec![Lean::Disagrees, Lean::Agrees, Lean::Agrees]
        );
        assert_eq!(
            words(&second),
            vec![Lean::Agrees, Lean::Split, Lean::Disagrees]
        );
    }
}

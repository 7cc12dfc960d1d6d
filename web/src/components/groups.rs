//! The opinion groups: one card per group with what it stands for.

use polyphony_protocol::{GroupReason, GroupView, Stance};
use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::group_colour;
use crate::i18n::{Key, Lang};
use crate::state::controls::name_of_label;
use crate::state::{lines_with, Fit};

/// Lines a group card takes besides its statements (its heading and the gap after it).
const CARD_LINES: f64 = 1.6;
/// Lines the section heading takes.
const HEADING_LINES: f64 = 1.8;

/// The lines each of a group's first three reasons takes in a column `cols` ems wide.
fn reason_costs(g: &GroupView, cols: f64) -> impl Iterator<Item = f64> + '_ {
    g.representative
        .iter()
        .take(3)
        .map(move |r| lines_with(6.0, &r.statement.text, cols - 2.0) + 0.2)
}

/// For each group, how many of its reasons fit `fit` and the whole lines it may take (its first
/// reason is shown even when long, cut to that many lines). Every group's first reason comes
/// first: the column is shared out for them as water fills jars (a group that needs less than an
/// equal share leaves the rest to the others), and only the lines then left go to second and
/// third reasons, round by round. An equal share per group cut group A's long statement to three
/// lines over a third of an empty screen; sharing by whole needs gave B a second reason's lines
/// it could not use while A's first was cut.
pub fn reasons_that_fit(groups: &[GroupView], fit: Fit) -> Vec<(usize, f64)> {
    let n = groups.len();
    let total = (fit.lines - HEADING_LINES - CARD_LINES * n as f64).max(n as f64);
    let costs: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| reason_costs(g, fit.cols).collect())
        .collect();
    let first = |i: usize| costs[i].first().copied().unwrap_or(1.0);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| first(a).total_cmp(&first(b)));
    let mut budgets = vec![1.0; n];
    let mut left = total;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (n - k) as f64;
        let b = first(i).min(share).floor().max(1.0);
        budgets[i] = b;
        left -= b;
    }
    // Second and third reasons, in group order, while whole ones fit what is left (a first
    // reason shown whole frees what its share rounded off).
    let mut shown: Vec<usize> = costs.iter().map(|c| usize::from(!c.is_empty())).collect();
    let mut spare = total - budgets.iter().sum::<f64>()
        + costs
            .iter()
            .zip(&budgets)
            .map(|(c, b)| (b - c.first().copied().unwrap_or(0.0)).max(0.0))
            .sum::<f64>();
    for rank in 1..3 {
        for i in 0..n {
            if shown[i] != rank {
                continue;
            }
            if let Some(&c) = costs[i].get(rank) {
                if c <= spare {
                    spare -= c;
                    budgets[i] += c;
                    shown[i] += 1;
                }
            }
        }
    }
    shown.into_iter().zip(budgets).collect()
}

/// The lines the group cards take on the projector (what is left goes to other lists).
pub fn group_cards_lines(groups: &[GroupView], fit: Fit) -> f64 {
    let reasons: f64 = groups
        .iter()
        .zip(reasons_that_fit(groups, fit))
        .map(|(g, (k, budget))| reason_costs(g, fit.cols).take(k).sum::<f64>().min(budget))
        .sum();
    HEADING_LINES + CARD_LINES * groups.len() as f64 + reasons
}

/// One card per group: its letter, size and the statements that set it apart.
#[component]
pub fn GroupCards(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.groups.is_empty() {
        return html! { <p class="hint" id="no-groups"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    let shown = match p.fit {
        Some(fit) => reasons_that_fit(&p.view.groups, fit),
        None => vec![(3, 0.0); p.view.groups.len()],
    };
    html! {
        <section class="group-cards" id="groups">
            <h2><Tr lang={lang} k={Key::GroupsTitle} /></h2>
            { for p.view.groups.iter().zip(shown).map(|(g, (k, clamp))| html! {
                <article class="group-card" data-group={g.label.clone()}
                    style={format!("--group:{}{}", group_colour(&g.label),
                        if clamp > 0.0 { format!(";--clamp:{clamp:.0}") } else { String::new() })}>
                    <h3><span class="letter">{ g.label.clone() }</span>
                        if let Some(name) = name_of_label(&p.view, &g.label) { <span class="group-name">{ name.to_string() }</span> }
                        else { <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} /> }
                        { " · " }<Tr lang={lang} k={Key::People} args={vec![("n", g.size.to_string())]} /></h3>
                    <ul>{ for g.representative.iter().take(k).map(|r| html! { <li>{ reason_text(lang, r) }</li> }) }</ul>
                </article>
            }) }
        </section>
    }
}

/// A reason a group stands apart: how many of the group agree or disagree, then “statement”
/// (the share first, so a statement cut short on the projector never hides it).
pub fn reason_text(lang: Lang, r: &GroupReason) -> Html {
    let k = match r.stance {
        Stance::Agree => Key::StanceAgree,
        Stance::Disagree => Key::StanceDisagree,
    };
    html! {
        <>
            <strong class="share"><Tr lang={lang} k={k} args={vec![("percent", r.percent.to_string())]} /></strong>
            { format!(" {}", crate::i18n::quoted(lang, &r.statement.text)) }
        </>
    }
}

#[cfg(test)]
mod tests {
    use polyphony_protocol::{GroupReason, GroupView, ModerationState, Stance, StatementView};

    use super::*;

    fn group(label: &str, texts: &[&str]) -> GroupView {
        GroupView {
            representative: texts
                .iter()
                .enumerate()
                .map(|(i, t)| GroupReason {
                    statement: StatementView {
                        id: i as u32,
                        text: t.to_string(),
                        is_seed: true,
                        moderation: ModerationState::Accepted,
                    },
                    stance: Stance::Agree,
                    percent: 100,
                })
                .collect(),
            id: 0,
            label: label.into(),
            size: 5,
            center: [0.0, 0.0],
        }
    }

    #[test]
    fn a_long_reason_takes_the_lines_the_other_groups_leave() {
        let fit = Fit {
            cols: 29.0,
            lines: 17.75,
        };
        let long = "我".repeat(85);
        let short = "我覺得".to_string();
        let groups = [
            group("A", &[&long]),
            group("B", &[&short]),
            group("C", &[&short]),
        ];
        let shares = reasons_that_fit(&groups, fit);
        // 85 wide characters after a 6-em share, 27 ems a line: 4 lines, all of them.
        assert_eq!(shares[0], (1, 4.0), "{shares:?}");
        assert_eq!(shares[1].0, 1);
        assert!(group_cards_lines(&groups, fit) <= fit.lines);
        // Every first reason whole before anyone's second: B and C have three reasons each.
        let mid = "我".repeat(40);
        let groups = [
            group("A", &[&"我".repeat(130), &short, &short]),
            group("B", &[&mid, &mid, &mid]),
            group("C", &[&mid, &mid, &mid]),
        ];
        let shares = reasons_that_fit(&groups, fit);
        // 130 + 6 ems at 27 a line: 6 lines for A's first.
        assert!(shares[0].1 >= 6.0, "{shares:?}");
        assert!(
            group_cards_lines(&groups, fit) <= fit.lines + 0.01,
            "{shares:?}"
        );
        // Three long ones share the column: each at least its equal share (3 whole lines).
        let groups = [
            group("A", &[&long]),
            group("B", &[&long]),
            group("C", &[&long]),
        ];
        let shares = reasons_that_fit(&groups, fit);
        assert!(
            shares.iter().all(|&(k, b)| k == 1 && b >= 3.0),
            "{shares:?}"
        );
        assert!(group_cards_lines(&groups, fit) <= fit.lines);
    }
}

//! The opinion map: every participant as a dot in their group's colour, each group's letter
//! above it (black on the group's colour, in a black ring: the light colours are faint on white).

use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::group_colour;
use crate::i18n::{t, Key};
use crate::palette::NO_GROUP;
use crate::state::{map_layout, spread_duplicates};

/// The opinion map.
#[component]
pub fn OpinionMap(p: &ViewProps) -> Html {
    let (w, h) = (900.0, 640.0);
    let pts: Vec<[f64; 2]> = p.view.map.iter().map(|m| m.position).collect();
    let centers: Vec<[f64; 2]> = p.view.groups.iter().map(|g| g.center).collect();
    let all: Vec<[f64; 2]> = pts.iter().chain(centers.iter()).copied().collect();
    let placed = map_layout(&all, w, h, 90.0);
    let (dots, labels) = placed.split_at(pts.len().min(placed.len()));
    let dots = spread_duplicates(dots, 24.0);
    let label_of = |id: Option<u32>| -> Option<&str> {
        let id = id?;
        p.view
            .groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.label.as_str())
    };
    html! {
        <figure class="map" id="opinion-map">
            <figcaption><Tr lang={p.lang} k={Key::OpinionMap} /></figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={t(p.lang, Key::OpinionMap)}>
                { for dots.iter().zip(&p.view.map).map(|(xy, point)| {
                    let fill = label_of(point.group).map_or(NO_GROUP, group_colour);
                    html! { <circle class="dot" cx={format!("{:.1}", xy[0])} cy={format!("{:.1}", xy[1])} r="12" fill={fill} stroke="#111" stroke-width="2" /> }
                }) }
                { for labels.iter().zip(&p.view.groups).map(|(xy, g)| {
                    // The label sits above its group, so it never hides the dots.
                    let (x, y) = (xy[0], (xy[1] - 70.0).max(40.0));
                    html! {
                        <g class="group-label">
                            <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="34" fill={group_colour(&g.label)} stroke="#111" stroke-width="5" />
                            <text x={format!("{x:.1}")} y={format!("{:.1}", y + 14.0)} text-anchor="middle" font-size="40" font-weight="700" fill="#111">{ g.label.clone() }</text>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}

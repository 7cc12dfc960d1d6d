//! The facilitator's countdown, counted with this screen's own clock against the timer's start
//! (server time) and length: `mm:ss` (on the projector after the words "Time left"), then, at zero, a soft pulse and "Time" (no sound, nothing
//! else happens). On the projector (`fades`) "Time" stays for a minute
//! ([`TIME_UP_SHOWN_MS`](crate::state::projector::TIME_UP_SHOWN_MS), counted from the timer's
//! end), then the clock leaves the screen by itself.

use gloo_timers::callback::Interval;
use polyphony_protocol::Timer;
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{t, Key, Lang};
use crate::state::controls::{mm_ss, remaining_ms};
use crate::state::projector::{timer_phase, TimerPhase};

/// How often the clock redraws, in milliseconds.
const TICK_MS: u32 = 250;

/// The timer to show.
#[derive(Properties, PartialEq)]
pub struct TimerProps {
    /// The UI language.
    pub lang: Lang,
    /// The running timer.
    pub timer: Timer,
    /// The element's id.
    #[prop_or(AttrValue::Static("timer"))]
    pub id: AttrValue,
    /// Leave the screen a minute after zero (the projector); else "Time" stays until the timer
    /// is stopped (the console).
    #[prop_or(false)]
    pub fades: bool,
}

/// `mm:ss` left, ticking; "Time" with a soft pulse at zero.
#[component]
pub fn TimerClock(p: &TimerProps) -> Html {
    let redraw = use_force_update();
    use_effect_with(p.timer, move |_| {
        let tick = Interval::new(TICK_MS, move || redraw.force_update());
        move || drop(tick)
    });
    let now = js_sys::Date::now() as i64;
    if p.fades && timer_phase(&p.timer, now) == TimerPhase::Gone {
        return html! {};
    }
    let left = remaining_ms(&p.timer, now);
    let done = left == 0;
    html! {
        <div id={p.id.clone()} class={classes!("timer", done.then_some("time-up"))} role="timer"
            aria-label={t(p.lang, Key::TimeLeftLabel)} data-done={done.to_string()} data-left={(left / 1000).to_string()}>
            // On the projector the clock says what it counts (the room sees only the screen).
            if p.fades && !done { <span class="time-label"><Tr lang={p.lang} k={Key::TimeLeftLabel} /></span> }
            <span class="clock">{ mm_ss(left) }</span>
            if done { <span class="time-word"><Tr lang={p.lang} k={Key::TimeUp} /></span> }
        </div>
    }
}

//! The console's timer: minutes to start one with (1–30, a value outside said, not changed), and
//! while one runs, its clock and a stop button.

use polyphony_protocol::{ControlRequest, Timer, TIMER_MAX_MINUTES};
use yew::prelude::*;

use super::send::on_click;
use crate::components::{input_value, TimerClock, Tr};
use crate::i18n::{Key, Lang};

/// The timer control.
#[derive(Properties, PartialEq)]
pub struct TimerControlProps {
    /// The UI language.
    pub lang: Lang,
    /// The running timer, if any.
    pub timer: Option<Timer>,
    /// Sends a control.
    pub send: Callback<ControlRequest>,
}

/// Minutes to start a timer with, and while one runs, its clock and a stop button.
#[component]
pub fn TimerControl(p: &TimerControlProps) -> Html {
    let lang = p.lang;
    // The minutes as typed: a value outside 1–30 is said, not silently changed.
    let minutes_text = use_state(|| "5".to_string());
    let minutes = minutes_text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=TIMER_MAX_MINUTES).contains(m));
    let on_minutes = {
        let minutes_text = minutes_text.clone();
        Callback::from(move |e: InputEvent| minutes_text.set(input_value(&e)))
    };
    let start_timer = {
        let send = p.send.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(minutes) = minutes {
                send.emit(ControlRequest::StartTimer { minutes })
            }
        })
    };
    html! {
        <div class="control" id="timer-control">
            <label for="timer-minutes"><Tr lang={lang} k={Key::TimerMinutes} /></label>
            <div class="row">
                <input id="timer-minutes" class="size-input" type="number" min="1" max={TIMER_MAX_MINUTES.to_string()}
                    value={(*minutes_text).clone()} oninput={on_minutes} aria-invalid={minutes.is_none().to_string()} />
                <button id="start-timer" onclick={start_timer} disabled={minutes.is_none()}><Tr lang={lang} k={Key::StartTimer} /></button>
                if let Some(timer) = p.timer {
                    <TimerClock lang={lang} timer={timer} id="console-timer" />
                    <button id="stop-timer" onclick={on_click(&p.send, ControlRequest::StopTimer)}><Tr lang={lang} k={Key::StopTimer} /></button>
                }
            </div>
            if minutes.is_none() {
                <p class="error" id="timer-range" role="alert"><Tr lang={lang} k={Key::TimerRange} args={vec![("max", TIMER_MAX_MINUTES.to_string())]} /></p>
            }
        </div>
    }
}

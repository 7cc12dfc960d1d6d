//! A phone's discussion table: its number (large, on the table's black plate), the sign to look
//! for, the reporter's prompt (on the reporter's phone only), the table's notes and a box to add
//! one.

use polyphony_protocol::{PhoneTable, TableNote, NOTE_MAX_CHARS};
use yew::prelude::*;

use crate::components::{input_value, Tr};
use crate::i18n::{t, Key, Lang};
use crate::state::PhoneEvent;
use crate::table_plate_style;

/// What the table card shows; its actions go out as [`PhoneEvent`]s.
#[derive(Properties, PartialEq)]
pub struct TableCardProps {
    /// The UI language.
    pub lang: Lang,
    /// The phone's table.
    pub table: PhoneTable,
    /// The facilitator's name for the table's group, if it has one ("Group A · Safety first").
    #[prop_or_default]
    pub group_name: Option<String>,
    /// This phone reports for the table.
    pub reporter: bool,
    /// The table's notes (without those withdrawn here).
    pub notes: Vec<TableNote>,
    /// Notes written here, not acknowledged yet.
    pub pending: Vec<String>,
    /// The last note was stored.
    pub note_sent: bool,
    /// The participant's actions.
    pub on_event: Callback<PhoneEvent>,
}

/// The table card at the top of the phone while tables are formed.
#[component]
pub fn TableCard(p: &TableCardProps) -> Html {
    let lang = p.lang;
    let draft = use_state(String::new);
    let n = p.table.number;
    let num = || vec![("n", n.to_string())];
    let on_submit = {
        let (d, draft) = (p.on_event.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                d.emit(PhoneEvent::AddNote((*draft).clone()));
                draft.set(String::new());
            }
        })
    };
    let pass = {
        let d = p.on_event.clone();
        Callback::from(move |_: MouseEvent| d.emit(PhoneEvent::PassReporter))
    };
    let withdraw = |note: u32| {
        let d = p.on_event.clone();
        Callback::from(move |_: MouseEvent| d.emit(PhoneEvent::WithdrawNote(note)))
    };
    let used = draft.chars().count();
    // Adding a note: first for the reporter, after the notes for the others.
    let form = html! {
            <form class="add-note" id="add-note-form" onsubmit={on_submit}>
                <label for="new-note"><Tr lang={lang} k={Key::AddNote} /></label>
                <textarea id="new-note" rows="3" maxlength={NOTE_MAX_CHARS.to_string()} placeholder={t(lang, Key::NotePlaceholder)}
                    aria-describedby="note-count" value={(*draft).clone()}
                    oninput={ { let d = draft.clone(); Callback::from(move |e: InputEvent| d.set(input_value(&e))) } } />
                <p class="hint note-count" id="note-count">
                    <Tr lang={lang} k={Key::CharCount} args={vec![("n", used.to_string()), ("max", NOTE_MAX_CHARS.to_string())]} />
                </p>
                <button type="submit" id="add-note" class="primary"><Tr lang={lang} k={Key::AddNote} /></button>
                if p.note_sent { <p class="hint" role="status"><Tr lang={lang} k={Key::NoteSent} /></p> }
            </form>
    };
    html! {
        <section class="table-card" id="table-card" data-table={n.to_string()} style={table_plate_style()}>
            <div class="table-sign">
                <span class="table-big" id="table-number">{ n }</span>
                <div>
                    <strong class="table-label"><Tr lang={lang} k={Key::TableNumber} args={num()} /></strong>
                    <p class="look-for"><Tr lang={lang} k={Key::LookForSign} args={num()} /></p>
                    <p class="table-meta">
                        if let Some(g) = &p.table.group {
                            <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.clone())]} />
                            if let Some(name) = &p.group_name { { " · " }<span class="group-given-name">{ name.clone() }</span> }
                            { " · " }
                        }
                        <Tr lang={lang} k={Key::People} args={vec![("n", p.table.size.to_string())]} />
                    </p>
                </div>
            </div>
            if p.reporter {
                <div class="reporter" id="reporter-prompt">
                    <p class="reporter-text"><Tr lang={lang} k={Key::ReporterPrompt} args={num()} /></p>
                    <p class="hint"><Tr lang={lang} k={Key::ReporterPrivate} /></p>
                    <button id="pass-reporter" onclick={pass}><Tr lang={lang} k={Key::PassRole} /></button>
                </div>
            }
            // The reporter's task is writing the table's notes: the form first (in Japanese it
            // fell to the first screen's bottom edge under the notes); the others read first.
            if p.reporter { { form.clone() } }
            <h2 class="notes-title"><Tr lang={lang} k={Key::TableNotesTitle} /></h2>
            <ul class="table-notes" id="table-notes" aria-live="polite">
                { for p.notes.iter().map(|note| html! {
                    <li data-note={note.id.to_string()} data-mine={note.mine.to_string()} data-released={note.released.to_string()}>
                        <span class="note-text">{ note.text.clone() }</span>
                        <span class="note-marks">
                            if note.mine { <em class="mark"><Tr lang={lang} k={Key::NoteMine} /></em> }
                            if note.released { <em class="mark released-mark"><Tr lang={lang} k={Key::ReleasedMark} /></em> }
                            else if note.mine {
                                <button class="withdraw-note" onclick={withdraw(note.id)}><Tr lang={lang} k={Key::Withdraw} /></button>
                            }
                        </span>
                    </li>
                }) }
                { for p.pending.iter().map(|text| html! {
                    <li class="pending"><span class="note-text">{ text.clone() }</span>
                        <span class="note-marks"><em class="mark"><Tr lang={lang} k={Key::Sending} /></em></span></li>
                }) }
            </ul>
            if p.notes.is_empty() && p.pending.is_empty() { <p class="hint"><Tr lang={lang} k={Key::NoNotesYet} /></p> }
            if !p.reporter { { form } }
        </section>
    }
}

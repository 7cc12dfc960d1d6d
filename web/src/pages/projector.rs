//! The projector screen: the QR code to join, then the stage the facilitator chose.

use polyphony_protocol::Stage;
use yew::prelude::*;

use crate::components::{
    qr_svg, stage_key, Consensus, Divisive, GroupCards, OpinionMap, Spectrum, TablesBoard, Tr,
};
use crate::hooks::use_room_socket;
use crate::i18n::{t, Key};
use crate::nav;
use crate::pages::CodeProps;
use crate::routes::{api, page};

/// The projector page.
#[component]
pub fn ScreenPage(p: &CodeProps) -> Html {
    let lang = p.lang;
    let model = use_room_socket(Some(api::ws_screen(&p.code)));
    let m = model.borrow();
    let Some(view) = m.view.clone() else {
        return html! { <main class="page screen"><p role="status"><Tr lang={lang} k={Key::Loading} /></p></main> };
    };
    let Some(room) = view.room.clone() else {
        return html! {};
    };
    let phone_url = nav::absolute(&page::phone(&room.code));
    let counts = html! {
        <div class="counts">
            <div><span class="big" id="participant-count">{ view.participants }</span><Tr lang={lang} k={Key::Participants} /></div>
            <div><span class="big" id="vote-count">{ view.votes }</span><Tr lang={lang} k={Key::Votes} /></div>
        </div>
    };
    let body = match room.stage {
        Stage::Collect => html! {
            <div class="collect">
                <div class="qr" aria-label={t(lang, Key::ScanToJoin)} role="img">{ qr_svg(&phone_url) }</div>
                <div class="join-text">
                    <h2><Tr lang={lang} k={Key::ScanToJoin} /></h2>
                    <p><Tr lang={lang} k={Key::OrOpen} /></p>
                    <p class="url">{ phone_url.clone() }</p>
                    <p><Tr lang={lang} k={Key::RoomCode} />{ ": " }<span class="code" id="room-code">{ room.code.clone() }</span></p>
                    { counts.clone() }
                </div>
            </div>
        },
        Stage::Groups => html! {
            <div class="groups-stage">
                <OpinionMap lang={lang} view={view.clone()} />
                <div class="side">
                    <GroupCards lang={lang} view={view.clone()} />
                    <Consensus lang={lang} view={view.clone()} limit={3} />
                </div>
            </div>
        },
        Stage::Divisive => {
            html! { <Divisive lang={lang} items={view.divisive.clone()} limit={5} /> }
        }
        Stage::Spectrum => match view.spectrums.last() {
            Some(sp) => html! { <Spectrum lang={lang} spectrum={sp.clone()} /> },
            None => html! { <p class="hint"><Tr lang={lang} k={Key::NoSpectrumYet} /></p> },
        },
        Stage::Tables => match &view.tables {
            Some(tables) => html! { <TablesBoard lang={lang} tables={tables.clone()} /> },
            None => {
                html! { <p class="hint" id="no-tables"><Tr lang={lang} k={Key::NoTablesYet} /></p> }
            }
        },
        Stage::Report => html! {
            <div class="report">
                <Consensus lang={lang} view={view.clone()} limit={5} />
                <GroupCards lang={lang} view={view.clone()} />
                <Divisive lang={lang} items={view.divisive.clone()} limit={3} />
                { for view.spectrums.last().map(|sp| html! { <Spectrum lang={lang} spectrum={sp.clone()} /> }) }
            </div>
        },
    };
    html! {
        <main class="page screen" data-stage={room.stage.as_str()} data-online={m.online.to_string()}>
            <div class="screen-head">
                <h1 class="topic">{ room.topic.clone() }</h1>
                <span class="stage-name"><Tr lang={lang} k={stage_key(room.stage)} /></span>
                if room.stage != Stage::Collect {
                    <span class="mini-join">{ phone_url }{ " · " }<Tr lang={lang} k={Key::RoomCode} />{ " " }<strong>{ room.code.clone() }</strong></span>
                    { counts }
                }
                if !m.online { <span class="offline-dot" role="status"><Tr lang={lang} k={Key::Reconnecting} /></span> }
            </div>
            { body }
        </main>
    }
}

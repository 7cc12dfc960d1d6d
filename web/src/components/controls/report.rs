//! The console's take-away report control: private or published, its address, and the file to
//! download.

use polyphony_protocol::ControlRequest;
use yew::prelude::*;

use super::send::on_click;
use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::nav;
use crate::routes::{api, page};

/// The take-away report: private or published, its address, and the file to download.
/// Publishing is offered from the report stage on (`publishable`): before it the report can be
/// read and downloaded, but a first-time facilitator was one click from publishing an empty
/// one at the briefing. A published report can always be taken back.
pub(super) fn report_control(
    lang: Lang,
    code: &str,
    host_key: &str,
    (published, publishable): (bool, bool),
    send: &Callback<ControlRequest>,
) -> Html {
    let public = page::report(code, None);
    let own = page::report(code, Some(host_key));
    html! {
        <div class="control" id="report-control">
            <h3><Tr lang={lang} k={Key::ReportTitle} /></h3>
            if published {
                <p class="status-note" id="report-status" data-published="true"><Tr lang={lang} k={Key::ReportPublishedNote} /></p>
                <p><a id="report-link" href={public.clone()} target="_blank">{ nav::absolute(&public) }</a></p>
                <button id="unpublish-report" onclick={on_click(send, ControlRequest::UnpublishReport)}><Tr lang={lang} k={Key::UnpublishReport} /></button>
            } else {
                <p class="status-note" id="report-status" data-published="false"><Tr lang={lang} k={Key::ReportPrivateNote} /></p>
                <p><a id="report-link" href={own} target="_blank"><Tr lang={lang} k={Key::ReportOpen} /></a></p>
                if publishable {
                    <button id="publish-report" class="primary" onclick={on_click(send, ControlRequest::PublishReport)}><Tr lang={lang} k={Key::PublishReport} /></button>
                }
            }
            <p><a id="report-download" href={api::report_download(code, host_key)} download={format!("{code}-report.html")}>
                <Tr lang={lang} k={Key::ReportDownload} /></a></p>
        </div>
    }
}

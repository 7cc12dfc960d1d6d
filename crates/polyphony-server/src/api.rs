//! The HTTP API: one handler per endpoint, each a thin call into [`crate::LiveRoom`]; the
//! extractors in [`crate::extract`] find the room and check who asks. `docs/protocol.md` lists
//! the endpoints with examples.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use polyphony_protocol::paths::{self, route};
use polyphony_protocol::{
    AdmissionView, Consent, ControlRequest, Done, HostNote, Joined, ModerationItem,
    ModerationRequest, NewNote, NewRoom, NewStatement, NoteAck, PassReporter, PhoneView,
    RoomCreated, RoomInfo, RoomSettings, RoomView, SpectrumAck, SpectrumPosition,
    SpectrumRoundRequest, SpectrumStart, SpectrumView, StageRequest, StatementAdded, StatementView,
    TablesRequest, TablesView, VoteAck, VoteRequest, WithdrawNote,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::export::ExportFile;
use crate::extract::{key, AnyRoom, ApiJson, ClientIp, HostRoom, PhoneRoom, WriterRoom};
use crate::ws::{self, Role};
use crate::{export, AppState};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A room extractor's outcome, taken before the body and checked after it (see
/// [`crate::extract`]).
type Deferred<T> = Result<T, ApiError>;

/// The whole HTTP surface: `/api/...` and, for every other path, the web app.
pub fn app(state: AppState) -> Router {
    let max_body = state.limits().max_body_bytes;
    // A briefing at every limit, in any script, is larger than the default request limit.
    let brief_body = DefaultBodyLimit::max(max_body.max(polyphony_protocol::BRIEF_MAX_BODY_BYTES));
    let api = Router::new()
        .route(route::HEALTH, get(health))
        .route(route::ROOMS, post(create_room).layer(brief_body))
        .route(route::ROOM, get(room_info))
        .route(route::SETTINGS, put(set_settings))
        .route(route::BRIEF, put(set_brief).layer(brief_body))
        .route(route::JOIN, post(join))
        .route(route::ADMISSION, get(admission))
        .route(route::REMOVE_JOINED, post(remove_joined))
        .route(route::ME, get(me))
        .route(route::VOTES, post(vote))
        .route(route::STATEMENTS, post(add_statement).get(statements))
        .route(route::MODERATION, post(moderate))
        .route(route::REJECT_PENDING, post(reject_pending))
        .route(route::STAGE, post(set_stage))
        .route(route::CLOSE, post(close))
        .route(route::VIEW, get(view))
        .route(route::SPECTRUMS, post(start_spectrum))
        .route(route::SPECTRUM, get(spectrum))
        .route(route::SPECTRUM_ROUND, post(spectrum_round))
        .route(route::SPECTRUM_POSITIONS, post(spectrum_position))
        .route(route::TABLES, post(form_tables).delete(dissolve_tables))
        .route(route::NOTES, post(add_note).get(notes))
        .route(route::WITHDRAW_NOTE, post(withdraw_note))
        .route(route::RELEASE_NOTE, post(release_note))
        .route(route::PASS_REPORTER, post(pass_reporter))
        .route(route::CONSENT, post(consent))
        .route(route::CONTROLS, post(control))
        .route(route::REPORT_DOWNLOAD, get(report_download))
        .route(route::EXPORT, get(export_file))
        .route(route::WS, get(socket))
        .fallback(api_not_found);
    Router::new()
        .nest(paths::API, api)
        .route(paths::REPORT_PAGE, get(report_page))
        .fallback(crate::assets::serve)
        // A room another instance serves: forwarded there (a no-op on SQLite).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::cluster::forward::to_owner,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(crate::json_errors::json_errors))
        .layer(crate::compression::layer())
        .layer(crate::request_log::layer())
        .with_state(state)
}

fn parse_id(raw: &str, what: &str) -> Result<u32, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("no {what} {raw:?} in this room")))
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true, "protocol": polyphony_protocol::PROTOCOL_VERSION }))
}

async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no API endpoint {}", uri.path()))
}

async fn create_room(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    ApiJson(req): ApiJson<NewRoom>,
) -> Result<(StatusCode, Json<RoomCreated>), ApiError> {
    let created = state.create_room(req, from).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn room_info(AnyRoom(room): AnyRoom) -> ApiResult<RoomInfo> {
    Ok(Json(room.info()))
}

async fn set_settings(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<RoomSettings>,
) -> ApiResult<RoomInfo> {
    let HostRoom(room) = host?;
    Ok(Json(room.set_settings(req).await?))
}

/// Replaces the briefing cards (the whole list).
async fn set_brief(
    host: Deferred<HostRoom>,
    ApiJson(cards): ApiJson<Vec<polyphony_protocol::BriefCard>>,
) -> ApiResult<RoomInfo> {
    let HostRoom(room) = host?;
    Ok(Json(room.set_brief(cards).await?))
}

#[derive(Deserialize)]
struct JoinQuery {
    /// The projector's six-digit code (from the QR code's `#join=`, or typed).
    admission: Option<String>,
}

async fn join(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    AnyRoom(room): AnyRoom,
    Query(q): Query<JoinQuery>,
) -> Result<(StatusCode, Json<Joined>), ApiError> {
    // Joins per address and per room per minute; an address's later joins of the minute start
    // without a vote burst (see `Limits::full_bursts_per_address_per_minute`).
    // Only joins that happen count against the room (see `guard::JoinWindows`).
    let now = std::time::Instant::now();
    let burst = crate::util::lock(&state.inner.joins).admit(from, &room.code, now, state.limits());
    let burst = burst.inspect_err(|e| tracing::info!(ip = ?from, room = %room.code, "{e}"))?;
    let participant_token = room
        .join_from(from, burst, q.admission)
        .await
        .inspect_err(|e| crate::util::lock(&state.inner.joins).refused(from, &room.code, now, e))?;
    Ok((
        StatusCode::CREATED,
        Json(Joined {
            participant_token,
            room: room.info(),
        }),
    ))
}

/// What the projector shows for joining and what the console shows of who joins.
async fn admission(HostRoom(room): HostRoom) -> ApiResult<AdmissionView> {
    Ok(Json(room.admission_view()))
}

async fn me(PhoneRoom { room, pid }: PhoneRoom) -> ApiResult<PhoneView> {
    let analysis = room.analysis();
    Ok(Json(room.phone_view(pid, analysis.as_deref())))
}

async fn vote(
    phone: Deferred<PhoneRoom>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> ApiResult<VoteAck> {
    let PhoneRoom { room, pid } = phone?;
    Ok(Json(room.vote(pid, req).await?))
}

async fn add_statement(
    writer: Deferred<WriterRoom>,
    ApiJson(req): ApiJson<NewStatement>,
) -> Result<(StatusCode, Json<StatementAdded>), ApiError> {
    let WriterRoom { room, author } = writer?;
    let added = room.add_statement(author, req).await?;
    let status = if added.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(added)))
}

async fn statements(HostRoom(room): HostRoom) -> ApiResult<Vec<ModerationItem>> {
    Ok(Json(room.moderation_queue()))
}

async fn moderate(
    host: Deferred<HostRoom>,
    Path((_, sid)): Path<(String, String)>,
    ApiJson(req): ApiJson<ModerationRequest>,
) -> ApiResult<StatementView> {
    let HostRoom(room) = host?;
    let sid = parse_id(&sid, "statement")?;
    Ok(Json(room.moderate(sid, req.state).await?))
}

async fn reject_pending(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<polyphony_protocol::RejectPending>,
) -> ApiResult<polyphony_protocol::RejectedPending> {
    let HostRoom(room) = host?;
    let rejected = room.reject_pending(req.author_of).await?;
    Ok(Json(polyphony_protocol::RejectedPending { rejected }))
}

/// Removes the identities that joined in a window (a flood the console's joins by minute show).
async fn remove_joined(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<polyphony_protocol::RemoveJoined>,
) -> ApiResult<polyphony_protocol::RemovedJoined> {
    let HostRoom(room) = host?;
    Ok(Json(room.remove_joined(req).await?))
}

async fn set_stage(
    State(state): State<AppState>,
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<StageRequest>,
) -> ApiResult<RoomInfo> {
    let HostRoom(room) = host?;
    let info = room.set_stage(req.stage).await?;
    // A stage change is a moment worth a copy (`polyphony serve --backup`).
    state.backup_soon();
    Ok(Json(info))
}

async fn close(HostRoom(room): HostRoom) -> ApiResult<RoomInfo> {
    Ok(Json(room.close().await?))
}

async fn view(AnyRoom(room): AnyRoom) -> ApiResult<RoomView> {
    Ok(Json(room.snapshot().room_view.as_ref().clone()))
}

async fn start_spectrum(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<SpectrumStart>,
) -> Result<(StatusCode, Json<SpectrumView>), ApiError> {
    let HostRoom(room) = host?;
    Ok((
        StatusCode::CREATED,
        Json(room.start_spectrum(req.statement).await?),
    ))
}

#[derive(Deserialize)]
struct RoundsQuery {
    /// Movement from this round (default the first) …
    from: Option<u8>,
    /// … to this one (default the last opened).
    to: Option<u8>,
}

async fn spectrum(
    AnyRoom(room): AnyRoom,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<RoundsQuery>,
) -> ApiResult<SpectrumView> {
    let id = parse_id(&id, "spectrum")?;
    match (q.from, q.to) {
        (None, None) => Ok(Json(room.spectrum(id)?)),
        (from, to) => {
            let rounds = room.spectrum(id)?.rounds.len() as u8;
            let (from, to) = (from.unwrap_or(1), to.unwrap_or(rounds));
            Ok(Json(room.spectrum_between(id, from, to)?))
        }
    }
}

async fn spectrum_round(
    host: Deferred<HostRoom>,
    Path((_, id)): Path<(String, String)>,
    ApiJson(req): ApiJson<SpectrumRoundRequest>,
) -> ApiResult<SpectrumView> {
    let HostRoom(room) = host?;
    let id = parse_id(&id, "spectrum")?;
    Ok(Json(room.spectrum_round(id, req.open).await?))
}

async fn spectrum_position(
    phone: Deferred<PhoneRoom>,
    ApiJson(req): ApiJson<SpectrumPosition>,
) -> ApiResult<SpectrumAck> {
    let PhoneRoom { room, pid } = phone?;
    Ok(Json(room.spectrum_position(pid, req).await?))
}

async fn form_tables(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<TablesRequest>,
) -> Result<(StatusCode, Json<TablesView>), ApiError> {
    let HostRoom(room) = host?;
    Ok((StatusCode::CREATED, Json(room.form_tables(req).await?)))
}

async fn dissolve_tables(HostRoom(room): HostRoom) -> Result<StatusCode, ApiError> {
    room.dissolve_tables().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_note(
    phone: Deferred<PhoneRoom>,
    ApiJson(req): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<NoteAck>), ApiError> {
    let PhoneRoom { room, pid } = phone?;
    let ack = room.add_note(pid, req).await?;
    let status = if ack.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(ack)))
}

async fn notes(HostRoom(room): HostRoom) -> ApiResult<Vec<HostNote>> {
    Ok(Json(room.host_view().notes))
}

async fn withdraw_note(
    phone: Deferred<PhoneRoom>,
    Path((_, note)): Path<(String, String)>,
    ApiJson(req): ApiJson<WithdrawNote>,
) -> ApiResult<Done> {
    let PhoneRoom { room, pid } = phone?;
    let note = parse_id(&note, "note")?;
    if req.note != note {
        return Err(ApiError::bad_request(format!(
            "the body names note {}, the path note {note}",
            req.note
        )));
    }
    Ok(Json(room.withdraw_note(pid, req).await?))
}

async fn release_note(
    HostRoom(room): HostRoom,
    Path((_, note)): Path<(String, String)>,
) -> ApiResult<HostNote> {
    let note = parse_id(&note, "note")?;
    Ok(Json(room.release_note(note).await?))
}

async fn pass_reporter(
    phone: Deferred<PhoneRoom>,
    ApiJson(req): ApiJson<PassReporter>,
) -> ApiResult<Done> {
    let PhoneRoom { room, pid } = phone?;
    Ok(Json(room.pass_reporter(pid, req).await?))
}

async fn consent(phone: Deferred<PhoneRoom>, ApiJson(req): ApiJson<Consent>) -> ApiResult<Done> {
    let PhoneRoom { room, pid } = phone?;
    Ok(Json(room.consent(pid, req).await?))
}

#[derive(Deserialize)]
struct KeyQuery {
    key: Option<String>,
    /// `?raw=1`: CSV text cells exactly as said, not made spreadsheet-safe.
    raw: Option<String>,
}

/// Exports take the key in the header or, so that a plain download link works, in `?key=`.
/// CSV text cells are spreadsheet-safe unless `?raw=1` asks for the exact text.
async fn export_file(
    Path((_, file)): Path<(String, String)>,
    Query(q): Query<KeyQuery>,
    headers: HeaderMap,
    AnyRoom(room): AnyRoom,
) -> Result<Response, ApiError> {
    room.check_key(key(&headers).or(q.key.as_deref()))?;
    let which = ExportFile::parse(&file).ok_or_else(|| {
        ApiError::not_found(format!(
            "no export {file:?}; there are {}",
            ExportFile::names().join(", ")
        ))
    })?;
    let cells = export::cells(q.raw.as_deref()).map_err(ApiError::bad_request)?;
    room.settle().await;
    let body = export::build(&room, which, cells)?;
    let disposition = format!("attachment; filename=\"{}-{file}\"", room.code);
    Ok((
        [
            (header::CONTENT_TYPE, which.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

async fn control(
    host: Deferred<HostRoom>,
    ApiJson(req): ApiJson<ControlRequest>,
) -> ApiResult<RoomInfo> {
    let HostRoom(room) = host?;
    Ok(Json(room.control(req).await?))
}

#[derive(Deserialize)]
struct ReportQuery {
    key: Option<String>,
    /// `zh-TW`, `en`, `ja` or `ko`; the room's language when absent.
    lang: Option<String>,
}

/// The take-away report as a page, in the reader's language (`?lang=`, else the first of the
/// `Accept-Language` languages the report speaks, else the room's) with links to the other
/// languages: public once published, else only with the key. Anyone else gets a small page, 404,
/// in their language, saying the report is not published yet (a wrong key reads as none).
async fn report_page(
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
    AnyRoom(room): AnyRoom,
) -> Result<Response, ApiError> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = crate::report::reader_lang(&room, q.lang.as_deref(), accept);
    let with_key = room.check_key(key(&headers).or(q.key.as_deref())).is_ok();
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-cache"),
        (header::VARY, "Accept-Language"),
    ];
    if !room.info().controls.report_published && !with_key {
        let html = crate::report::not_published_html(&room, lang);
        let mut resp = (StatusCode::NOT_FOUND, headers, html).into_response();
        resp.extensions_mut()
            .insert(crate::json_errors::PageForPeople);
        return Ok(resp);
    }
    // The language links keep the key only when it came in the address (and is right).
    let key_in_query = q.key.filter(|k| room.check_key(Some(k)).is_ok());
    let html = crate::report::report_page_html(&room, lang, key_in_query).await?;
    Ok((headers, html).into_response())
}

/// The same report as a file to keep (the facilitator's key, published or not).
async fn report_download(
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
    AnyRoom(room): AnyRoom,
) -> Result<Response, ApiError> {
    room.check_key(key(&headers).or(q.key.as_deref()))?;
    let html = crate::report::report_html(&room, q.lang.as_deref()).await?;
    let disposition = format!("attachment; filename=\"{}-report.html\"", room.code);
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        html,
    )
        .into_response())
}

#[derive(Deserialize)]
struct SocketQuery {
    token: Option<String>,
    key: Option<String>,
}

async fn socket(
    State(state): State<AppState>,
    ClientIp(from): ClientIp,
    Query(q): Query<SocketQuery>,
    AnyRoom(room): AnyRoom,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let role = match (&q.token, &q.key) {
        (Some(t), _) => Role::Phone(room.participant(Some(t))?),
        (None, Some(k)) => {
            room.check_key(Some(k))?;
            Role::Host
        }
        (None, None) => Role::Screen,
    };
    let upgrade = upgrade.map_err(|e| {
        ApiError::bad_request(format!(
            "this endpoint takes a WebSocket upgrade ({})",
            e.body_text()
        ))
    })?;
    // Open sockets per address: the slot is held by the socket's task until it ends.
    let slot = match from {
        Some(ip) => {
            let max = state.limits().max_websockets_per_address;
            match state.inner.sockets.try_take(ip, max) {
                Some(slot) => Some(slot),
                None => {
                    // One line a second at most: a keep-alive connection can ask for thousands
                    // of refused upgrades a second (1.1 MB of log a second, measured).
                    if crate::util::once_a_second(&WS_REFUSAL_LOGGED) {
                        tracing::warn!(%ip, max, "WebSocket refused: too many from this address");
                    }
                    return Err(ApiError::with_status(
                        StatusCode::TOO_MANY_REQUESTS,
                        format!("at most {max} open WebSockets per address; close one first"),
                    ));
                }
            }
        }
        None => None,
    };
    let shutdown = state.shutdown_receiver();
    // A frame's header announces its length: refusing a frame over the message limit there
    // closes the socket before anything is buffered. Outgoing, each send is awaited (flushed)
    // under a timeout, so a socket holds at most one message in flight (see [`ws`]).
    let max = state.limits().max_body_bytes;
    let send_timeout = state.limits().ws_send_timeout;
    let budget_kib =
        u32::try_from((state.limits().socket_send_budget_bytes / 1024).max(1)).unwrap_or(u32::MAX);
    let budget = (std::sync::Arc::clone(&state.inner.send_budget), budget_kib);
    // Each socket's read buffer is allocated up front (128 KiB by default): a phone sends a
    // few hundred bytes at a time, so 8 KiB (grown as a message needs, up to `max`) keeps a
    // thousand idle screens from holding 128 MiB.
    Ok(upgrade
        .read_buffer_size(8 * 1024)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move {
            ws::serve(socket, room, role, shutdown, send_timeout, budget).await;
            drop(slot);
        }))
}

/// When a refused WebSocket was last logged (`util::once_a_second`).
static WS_REFUSAL_LOGGED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

//! The HTTP API: one handler per endpoint, each a thin call into [`crate::LiveRoom`].
//! `docs/protocol.md` lists them with examples.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use polyphony_protocol::{
    Joined, ModerationItem, ModerationRequest, NewRoom, NewStatement, PhoneView, RoomCreated,
    RoomInfo, RoomSettings, RoomView, SpectrumAck, SpectrumPosition, SpectrumRoundRequest,
    SpectrumStart, SpectrumView, StageRequest, StatementAdded, StatementView, VoteAck, VoteRequest,
};
use serde::Deserialize;

use crate::error::ServerError;
use crate::room::LiveRoom;
use crate::ws::{self, Role};
use crate::{export, AppState};

/// A JSON body whose rejections are [`ServerError`]s (400 with `{"error": ...}`).
pub(crate) struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(v) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

type ApiResult<T> = Result<Json<T>, ServerError>;

/// The whole HTTP surface: `/api/...` and, for every other path, the web app.
pub fn app(state: AppState) -> Router {
    let max_body = state.limits().max_body_bytes;
    let api = Router::new()
        .route("/health", get(health))
        .route("/rooms", post(create_room))
        .route("/rooms/{code}", get(room_info))
        .route("/rooms/{code}/settings", put(set_settings))
        .route("/rooms/{code}/join", post(join))
        .route("/rooms/{code}/me", get(me))
        .route("/rooms/{code}/votes", post(vote))
        .route(
            "/rooms/{code}/statements",
            post(add_statement).get(statements),
        )
        .route("/rooms/{code}/statements/{sid}/moderation", post(moderate))
        .route("/rooms/{code}/stage", post(set_stage))
        .route("/rooms/{code}/close", post(close))
        .route("/rooms/{code}/view", get(view))
        .route("/rooms/{code}/spectrums", post(start_spectrum))
        .route("/rooms/{code}/spectrums/{id}", get(spectrum))
        .route("/rooms/{code}/spectrums/{id}/round", post(spectrum_round))
        .route("/rooms/{code}/spectrum-positions", post(spectrum_position))
        .route("/rooms/{code}/export/{file}", get(export_file))
        .route("/rooms/{code}/ws", get(socket))
        .fallback(api_not_found);
    Router::new()
        .nest("/api", api)
        .fallback(crate::assets::serve)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn key(headers: &HeaderMap) -> Option<&str> {
    header_str(headers, "x-facilitator-key")
}

fn token(headers: &HeaderMap) -> Option<&str> {
    header_str(headers, "x-participant-token")
}

fn host_room(
    state: &AppState,
    code: &str,
    headers: &HeaderMap,
) -> Result<Arc<LiveRoom>, ServerError> {
    let room = state.room(code)?;
    room.check_key(key(headers))?;
    Ok(room)
}

fn parse_id(raw: &str, what: &str) -> Result<u32, ServerError> {
    raw.parse()
        .map_err(|_| ServerError::NotFound(format!("no {what} {raw:?} in this room")))
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true, "protocol": polyphony_protocol::PROTOCOL_VERSION }))
}

async fn api_not_found(uri: Uri) -> ServerError {
    ServerError::NotFound(format!("no API endpoint {}", uri.path()))
}

async fn create_room(
    State(state): State<AppState>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(req): ApiJson<NewRoom>,
) -> Result<(StatusCode, Json<RoomCreated>), ServerError> {
    let created = state
        .create_room(req, addr.map(|Extension(ConnectInfo(a))| a.ip()))
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn room_info(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<RoomInfo> {
    Ok(Json(state.room(&code)?.info()))
}

async fn set_settings(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RoomSettings>,
) -> ApiResult<RoomInfo> {
    let room = host_room(&state, &code, &headers)?;
    Ok(Json(room.set_settings(req).await?))
}

async fn join(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<(StatusCode, Json<Joined>), ServerError> {
    let room = state.room(&code)?;
    let participant_token = room.join().await?;
    Ok((
        StatusCode::CREATED,
        Json(Joined {
            participant_token,
            room: room.info(),
        }),
    ))
}

async fn me(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<PhoneView> {
    let room = state.room(&code)?;
    let pid = room.participant(token(&headers))?;
    let analysis = room.analysis();
    Ok(Json(room.phone_view(pid, analysis.as_deref())))
}

async fn vote(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<VoteRequest>,
) -> ApiResult<VoteAck> {
    let room = state.room(&code)?;
    let pid = room.participant(token(&headers))?;
    Ok(Json(room.vote(pid, req).await?))
}

async fn add_statement(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewStatement>,
) -> Result<(StatusCode, Json<StatementAdded>), ServerError> {
    let room = state.room(&code)?;
    let author = if key(&headers).is_some() {
        room.check_key(key(&headers))?;
        None
    } else {
        Some(room.participant(token(&headers))?)
    };
    let added = room.add_statement(author, req).await?;
    let status = if added.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(added)))
}

async fn statements(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Vec<ModerationItem>> {
    let room = host_room(&state, &code, &headers)?;
    Ok(Json(room.moderation_queue()))
}

async fn moderate(
    State(state): State<AppState>,
    Path((code, sid)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ModerationRequest>,
) -> ApiResult<StatementView> {
    let room = host_room(&state, &code, &headers)?;
    let sid = parse_id(&sid, "statement")?;
    Ok(Json(room.moderate(sid, req.state).await?))
}

async fn set_stage(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<StageRequest>,
) -> ApiResult<RoomInfo> {
    let room = host_room(&state, &code, &headers)?;
    Ok(Json(room.set_stage(req.stage).await?))
}

async fn close(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<RoomInfo> {
    let room = host_room(&state, &code, &headers)?;
    Ok(Json(room.close().await?))
}

async fn view(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<RoomView> {
    let room = state.room(&code)?;
    Ok(Json(room.snapshot().room_view.as_ref().clone()))
}

async fn start_spectrum(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SpectrumStart>,
) -> Result<(StatusCode, Json<SpectrumView>), ServerError> {
    let room = host_room(&state, &code, &headers)?;
    Ok((
        StatusCode::CREATED,
        Json(room.start_spectrum(req.statement).await?),
    ))
}

async fn spectrum(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult<SpectrumView> {
    let room = state.room(&code)?;
    let id = parse_id(&id, "spectrum")?;
    Ok(Json(room.spectrum(id)?))
}

async fn spectrum_round(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SpectrumRoundRequest>,
) -> ApiResult<SpectrumView> {
    let room = host_room(&state, &code, &headers)?;
    let id = parse_id(&id, "spectrum")?;
    Ok(Json(room.spectrum_round(id, req.open).await?))
}

async fn spectrum_position(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SpectrumPosition>,
) -> ApiResult<SpectrumAck> {
    let room = state.room(&code)?;
    let pid = room.participant(token(&headers))?;
    Ok(Json(room.spectrum_position(pid, req).await?))
}

#[derive(Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

/// Exports take the key in the header or, so that a plain download link works, in `?key=`.
async fn export_file(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    Query(q): Query<KeyQuery>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    let room = state.room(&code)?;
    room.check_key(key(&headers).or(q.key.as_deref()))?;
    room.settle().await;
    let (content_type, body) = export::file(&room, &file)?;
    let disposition = format!("attachment; filename=\"{}-{file}\"", room.code);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
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
    Path(code): Path<String>,
    Query(q): Query<SocketQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ServerError> {
    let room = state.room(&code)?;
    let role = match (&q.token, &q.key) {
        (Some(t), _) => Role::Phone(room.participant(Some(t))?),
        (None, Some(k)) => {
            room.check_key(Some(k))?;
            Role::Host
        }
        (None, None) => Role::Screen,
    };
    let upgrade = upgrade.map_err(|e| {
        ServerError::BadRequest(format!(
            "this endpoint takes a WebSocket upgrade ({})",
            e.body_text()
        ))
    })?;
    let shutdown = state.shutdown_receiver();
    Ok(upgrade
        .max_message_size(state.limits().max_body_bytes)
        .on_upgrade(move |socket| ws::serve(socket, room, role, shutdown)))
}

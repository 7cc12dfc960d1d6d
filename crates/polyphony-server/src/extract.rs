//! Axum extractors: [`ApiJson`] (a body whose rejections are [`ApiError`]s), and the room a
//! request is about with who is asking: [`HostRoom`] (facilitator key checked), [`PhoneRoom`]
//! (participant token resolved), [`AnyRoom`] (anyone) and [`WriterRoom`] (key or token).
//!
//! Handlers with a body take these as `Result<HostRoom, ApiError>` and unwrap them after the
//! body, so that a malformed body is reported before a missing key, as the endpoints always
//! have.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::Json;

use crate::error::ApiError;
use crate::room::LiveRoom;
use crate::AppState;

/// A JSON body whose rejections are [`ApiError`]s (400 with `{"error": ...}`).
pub(crate) struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(v) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The facilitator key header.
pub(crate) fn key(headers: &HeaderMap) -> Option<&str> {
    header(headers, polyphony_protocol::paths::FACILITATOR_KEY_HEADER)
}

/// The participant token header.
fn token(headers: &HeaderMap) -> Option<&str> {
    header(headers, polyphony_protocol::paths::PARTICIPANT_TOKEN_HEADER)
}

/// The room named by the path's `{code}`.
async fn room_of(parts: &mut Parts, state: &AppState) -> Result<Arc<LiveRoom>, ApiError> {
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await?;
    let code = params.get("code").map_or("", String::as_str);
    Ok(state.room(code)?)
}

/// The room in the path, for anyone.
pub(crate) struct AnyRoom(pub Arc<LiveRoom>);

impl FromRequestParts<AppState> for AnyRoom {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(AnyRoom(room_of(parts, state).await?))
    }
}

/// The room in the path, for its facilitator (`x-facilitator-key` checked).
pub(crate) struct HostRoom(pub Arc<LiveRoom>);

impl FromRequestParts<AppState> for HostRoom {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let room = room_of(parts, state).await?;
        room.check_key(key(&parts.headers))?;
        Ok(HostRoom(room))
    }
}

/// The room in the path and the participant whose `x-participant-token` this is.
pub(crate) struct PhoneRoom {
    pub room: Arc<LiveRoom>,
    pub pid: u32,
}

impl FromRequestParts<AppState> for PhoneRoom {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let room = room_of(parts, state).await?;
        let pid = room.participant(token(&parts.headers))?;
        Ok(PhoneRoom { room, pid })
    }
}

/// The room in the path and who writes to it: the facilitator when a key is sent (`author`
/// `None`), else the participant of the token.
pub(crate) struct WriterRoom {
    pub room: Arc<LiveRoom>,
    pub author: Option<u32>,
}

impl FromRequestParts<AppState> for WriterRoom {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let room = room_of(parts, state).await?;
        let author = match key(&parts.headers) {
            Some(k) => {
                room.check_key(Some(k))?;
                None
            }
            None => Some(room.participant(token(&parts.headers))?),
        };
        Ok(WriterRoom { room, author })
    }
}

/// The client's address: the peer's, or with `Limits::trust_proxy` the last `X-Forwarded-For`
/// entry (the address the proxy in front saw). `None` for in-process requests (tests).
pub(crate) struct ClientIp(pub Option<IpAddr>);

/// The last address in the `X-Forwarded-For` headers (the one the nearest proxy appended).
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ClientIp(client_ip(
            &parts.headers,
            &parts.extensions,
            state,
        )))
    }
}

/// [`ClientIp`] of a whole request (the forwarding middleware's).
pub(crate) fn client_ip_of(req: &axum::extract::Request, state: &AppState) -> Option<IpAddr> {
    client_ip(req.headers(), req.extensions(), state)
}

/// The client's address: from another instance of the cluster that forwarded the request
/// (its secret shown), the phone's address it names (else the instance's own); else as
/// [`ClientIp`] says. Without the secret, `x-polyphony-client` is ignored like any header a
/// phone may write.
fn client_ip(
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    state: &AppState,
) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip());
    if let Some(cluster) = state.cluster() {
        let shown = header(headers, crate::cluster::forward::PEER_HEADER);
        if shown.is_some_and(|p| crate::util::same_secret(p, &cluster.secret)) {
            return header(headers, crate::cluster::forward::CLIENT_HEADER)
                .and_then(|ip| ip.parse().ok())
                .or(peer);
        }
    }
    if state.limits().trust_proxy {
        if let Some(ip) = forwarded_for(headers) {
            return Some(ip);
        }
    }
    peer
}

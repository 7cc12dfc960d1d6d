//! Several instances on one PostgreSQL database: which rooms this one serves, and reaching the
//! others.
//!
//! Each room lives on exactly one instance at a time (its lease, `store/lease.rs`); the room's
//! model, commands and analysis run there, rebuilt from the store exactly as at a restart.
//! This module is what keeps that true while instances come and go:
//!
//! - the **lease thread** (its own connection) renews this instance's leases, claims rooms
//!   whose lease ran out (an owner that died or was paused: failover), loads what it claimed and
//!   hands it to the async side to serve, and tells it which rooms it lost (to retire them:
//!   their tasks stop, their sockets close, the phones reconnect and reach the new owner);
//! - the **listener thread** `LISTEN`s to lease changes (`NOTIFY polyphony_leases` with the
//!   room's code, sent by every claim) so the sockets this instance forwards to a room's former
//!   owner close at once, rather than when that owner is found dead;
//! - [`Cluster::locate`] answers where a room lives for a request that reached an instance not
//!   serving it: here (claimed now, nobody held it), at another instance's address (forwarded,
//!   `forward.rs`), or nowhere;
//! - with each renewal the lease thread also says this instance is alive at its address and
//!   reads the other live instances' addresses (`cluster_members`): connections from those are
//!   forwarded phones, not capped per address (`peers.rs`).
//!
//! A solo instance ([`Instance::solo`], the default) runs the same threads: it holds every
//! room, renews, and fences off an older process of itself.

pub(crate) mod forward;
mod peers;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, oneshot};

use crate::state::Inner;
use crate::store::{Leasing, PgBackend, StoreError, StoredRoom, Whereabouts};
use crate::util::lock;
use crate::AppState;

/// How often an instance looks for rooms whose lease ran out (with the lease's length, the
/// bound on how long a room whose owner died stays unserved).
const CLAIM_EVERY: Duration = Duration::from_millis(250);

/// How long a forwarded request may take: an owner that stopped answering (paused, cut off)
/// holds a phone no longer than this; its lease runs out well before.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the other instances' addresses are resolved again when their list has not changed
/// (a name's address may have).
const RESOLVE_AGAIN: Duration = Duration::from_secs(60);

/// Where a room lives, for a request that reached this instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Located {
    /// Served here (now).
    Here,
    /// Served by the instance at this address.
    Elsewhere(String),
    /// No room has this code.
    Unknown,
    /// The room is between owners, or the database cannot be reached: ask again shortly.
    Unavailable,
}

enum Request {
    Locate {
        code: String,
        reply: oneshot::Sender<Located>,
    },
    Release(oneshot::Sender<()>),
}

/// What the lease thread tells the async side.
enum Event {
    /// Rooms claimed and loaded: serve them (then answer the request that asked, if any).
    Claimed {
        rooms: Vec<StoredRoom>,
        reply: Option<oneshot::Sender<Located>>,
    },
    /// Rooms (row ids) another instance holds now: retire them.
    Lost(Vec<i64>),
    /// The other live instances' addresses (`http://host:port`), list number `generation`.
    Members {
        generation: u64,
        addresses: Vec<String>,
    },
}

/// This instance's part in a cluster; held by the [`AppState`].
pub(crate) struct Cluster {
    requests: mpsc::Sender<Request>,
    /// Codes of rooms whose lease changed hands (from `LISTEN`).
    moves: broadcast::Sender<String>,
    /// Where rooms served elsewhere live, as last read (code → address): a phone's requests
    /// after the first skip the database. Forgotten when the room moves (`LISTEN`) or its
    /// owner cannot be reached.
    owners: Arc<Mutex<HashMap<String, String>>>,
    /// The secret instances show each other (see `forward.rs`).
    pub(crate) secret: String,
    pub(crate) http: reqwest::Client,
    /// Where forwarded connections leave from: the advertised address, when it is this
    /// machine's (`peers.rs`).
    pub(crate) source: Option<std::net::IpAddr>,
    /// The other live instances' addresses.
    peers: Arc<peers::Peers>,
    stop: Arc<AtomicBool>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Cluster {
    /// Starts the lease and listener threads for a PostgreSQL store (blocking: connects).
    pub(crate) fn start(leasing: &Leasing) -> Result<(Cluster, EventsRx), StoreError> {
        let mut pg = PgBackend::connect(
            &leasing.url,
            "polyphony-leases",
            leasing.instance.clone(),
            leasing.fences.clone(),
        )?;
        let secret = pg.cluster_secret()?;
        let (requests, rx) = mpsc::channel();
        let (events_tx, events_rx) = tokio::sync::mpsc::unbounded_channel();
        let (moves, _) = broadcast::channel(256);
        let stop = Arc::new(AtomicBool::new(false));
        let thread_leasing = leasing.clone();
        thread::Builder::new()
            .name("polyphony-leases".into())
            .spawn(move || lease_loop(pg, thread_leasing, rx, events_tx))
            .map_err(|e| StoreError::Failed(format!("cannot start the lease thread: {e}")))?;
        let owners = Arc::new(Mutex::new(HashMap::new()));
        let listener = Listener {
            moves: moves.clone(),
            owners: Arc::clone(&owners),
            stop: Arc::clone(&stop),
        };
        let url = leasing.url.clone();
        thread::Builder::new()
            .name("polyphony-listen".into())
            .spawn(move || listen_loop(&url, &listener))
            .map_err(|e| StoreError::Failed(format!("cannot start the listener thread: {e}")))?;
        let source = leasing.instance.advertise().and_then(|a| {
            let source = peers::source_address(a);
            match source {
                Some(ip) => {
                    tracing::info!(%ip, "forwarded requests leave from the advertised address")
                }
                None => tracing::info!(
                    advertise = a,
                    "the advertised address is not this machine's: forwarded requests leave from \
                     the address the system picks, which the others exempt from the per-address \
                     cap only if it is the advertised one (a NAT's)"
                ),
            }
            source
        });
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(FORWARD_TIMEOUT)
            .local_address(source)
            .build()
            .map_err(|e| StoreError::Failed(format!("cannot build the forwarding client: {e}")))?;
        Ok((
            Cluster {
                requests,
                moves,
                owners,
                secret,
                http,
                source,
                peers: Arc::new(peers::Peers::default()),
                stop,
            },
            EventsRx(events_rx),
        ))
    }

    /// Where the room with this code lives; claims it when nobody holds it (then it is served
    /// here before this answers).
    pub(crate) async fn locate(&self, code: &str) -> Located {
        if let Some(address) = lock(&self.owners).get(code) {
            return Located::Elsewhere(address.clone());
        }
        let (reply, rx) = oneshot::channel();
        let asked = self.requests.send(Request::Locate {
            code: code.to_owned(),
            reply,
        });
        if asked.is_err() {
            return Located::Unavailable;
        }
        let answer = rx.await.unwrap_or(Located::Unavailable);
        if let Located::Elsewhere(address) = &answer {
            lock(&self.owners).insert(code.to_owned(), address.clone());
        }
        answer
    }

    /// Forgets where `code` lives (its owner could not be reached): the next request asks the
    /// database.
    pub(crate) fn forget_owner(&self, code: &str) {
        lock(&self.owners).remove(code);
    }

    /// Lets this instance's leases run out now (clean shutdown), after its last writes.
    pub(crate) async fn release(&self) {
        let (tx, rx) = oneshot::channel();
        if self.requests.send(Request::Release(tx)).is_ok() {
            let _ = rx.await;
        }
    }

    /// A receiver of the codes of rooms that changed hands.
    pub(crate) fn moves(&self) -> broadcast::Receiver<String> {
        self.moves.subscribe()
    }

    /// Whether a connection from `ip` comes from another live instance (forwarding phones:
    /// not capped per address).
    pub(crate) fn is_instance(&self, ip: std::net::IpAddr) -> bool {
        self.peers.contains(ip)
    }
}

/// The lease thread's events, for [`serve_events`].
pub(crate) struct EventsRx(tokio::sync::mpsc::UnboundedReceiver<Event>);

/// Serves what the lease thread claimed and retires what it lost, until the server is gone
/// (it holds the state weakly, so it never keeps a server alive).
pub(crate) async fn serve_events(state: Weak<Inner>, mut events: EventsRx) {
    while let Some(event) = events.0.recv().await {
        let Some(inner) = state.upgrade() else { return };
        let state = AppState { inner };
        match event {
            Event::Claimed { rooms, reply } => {
                let mut answer = Located::Here;
                for room in rooms {
                    let code = room.code.clone();
                    if state.room(&code).is_ok() {
                        continue;
                    }
                    if let Err(e) = state.start_room(room).await {
                        tracing::error!(room = %code, error = %e, "cannot serve a claimed room");
                        answer = Located::Unavailable;
                    } else {
                        tracing::info!(room = %code, "room claimed: served here now");
                    }
                }
                if let Some(reply) = reply {
                    let _ = reply.send(answer);
                }
            }
            Event::Lost(ids) => {
                for id in ids {
                    if let Some(code) = state.retire_room_id(id) {
                        tracing::warn!(room = %code, "lease lost: another instance serves this room now");
                    }
                }
            }
            Event::Members {
                generation,
                addresses,
            } => {
                // Resolved aside: a slow name lookup must not hold up serving claimed rooms.
                if let Some(cluster) = state.cluster() {
                    let peers = Arc::clone(&cluster.peers);
                    tokio::spawn(async move { peers.learn(generation, &addresses).await });
                }
            }
        }
    }
}

fn lease_loop(
    mut pg: PgBackend,
    leasing: Leasing,
    rx: mpsc::Receiver<Request>,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
) {
    let renew_every = leasing.instance.renew_every();
    let mut members = MemberList::default();
    members.read(&mut pg, &events);
    let mut next_renew = Instant::now() + renew_every;
    let mut next_claim = Instant::now() + CLAIM_EVERY;
    loop {
        let wait = next_renew
            .min(next_claim)
            .saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(Request::Locate { code, reply }) => locate(&mut pg, &code, reply, &events),
            Ok(Request::Release(done)) => {
                if let Err(e) = pg.release_all() {
                    tracing::warn!(error = %e, "cannot release the leases");
                }
                let _ = done.send(());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if pg.is_closed() {
            match PgBackend::connect(
                &leasing.url,
                "polyphony-leases",
                leasing.instance.clone(),
                leasing.fences.clone(),
            ) {
                Ok(fresh) => pg = fresh,
                Err(e) => {
                    tracing::warn!(error = %e, "the lease connection is lost; trying again");
                    thread::sleep(CLAIM_EVERY);
                    continue;
                }
            }
        }
        let now = Instant::now();
        if now >= next_renew {
            next_renew = now + renew_every;
            match pg.renew() {
                Ok(lost) if !lost.is_empty() => {
                    let _ = events.send(Event::Lost(lost));
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot renew the leases"),
            }
            members.read(&mut pg, &events);
        }
        if now >= next_claim {
            next_claim = now + CLAIM_EVERY;
            claim_and_send(&mut pg, &events);
        }
    }
}

/// The other instances' addresses as last sent to the async side.
#[derive(Default)]
struct MemberList {
    generation: u64,
    sent: Option<(Vec<String>, Instant)>,
}

impl MemberList {
    /// Renews this instance's member row and reads the others'; sends their addresses when they
    /// changed (or every [`RESOLVE_AGAIN`], to resolve names again).
    fn read(&mut self, pg: &mut PgBackend, events: &tokio::sync::mpsc::UnboundedSender<Event>) {
        let addresses = match pg.members() {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the other instances");
                return;
            }
        };
        let fresh = self
            .sent
            .as_ref()
            .is_some_and(|(sent, at)| *sent == addresses && at.elapsed() < RESOLVE_AGAIN);
        if fresh {
            return;
        }
        self.generation += 1;
        self.sent = Some((addresses.clone(), Instant::now()));
        let _ = events.send(Event::Members {
            generation: self.generation,
            addresses,
        });
    }
}

/// Claims every free room, loads it and sends it to be served.
fn claim_and_send(pg: &mut PgBackend, events: &tokio::sync::mpsc::UnboundedSender<Event>) {
    let claimed = match pg.claim_free(false) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim rooms");
            return;
        }
    };
    if claimed.is_empty() {
        return;
    }
    let ids: Vec<i64> = claimed.iter().map(|(id, _)| *id).collect();
    match pg.load_claimed(&ids) {
        Ok(rooms) => {
            let _ = events.send(Event::Claimed { rooms, reply: None });
        }
        Err(e) => tracing::error!(error = %e, "cannot load claimed rooms"),
    }
}

/// Answers where `code` lives; a room nobody holds is claimed, loaded and handed to the async
/// side, which answers once it serves it.
fn locate(
    pg: &mut PgBackend,
    code: &str,
    reply: oneshot::Sender<Located>,
    events: &tokio::sync::mpsc::UnboundedSender<Event>,
) {
    let room_id = match pg.whereabouts(code) {
        Ok(Whereabouts::Free { room_id }) => room_id,
        Ok(Whereabouts::Elsewhere { address }) => {
            let _ = reply.send(Located::Elsewhere(address));
            return;
        }
        Ok(Whereabouts::Unknown) => {
            let _ = reply.send(Located::Unknown);
            return;
        }
        Err(_) => {
            let _ = reply.send(Located::Unavailable);
            return;
        }
    };
    match pg.claim_room(room_id) {
        Ok(Some(_)) => match pg.load_claimed(&[room_id]) {
            Ok(rooms) => {
                let _ = events.send(Event::Claimed {
                    rooms,
                    reply: Some(reply),
                });
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot load a claimed room");
                let _ = reply.send(Located::Unavailable);
            }
        },
        // Another instance claimed it in between: ask where, once more.
        Ok(None) => {
            let answer = match pg.whereabouts(code) {
                Ok(Whereabouts::Elsewhere { address }) => Located::Elsewhere(address),
                _ => Located::Unavailable,
            };
            let _ = reply.send(answer);
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim a room");
            let _ = reply.send(Located::Unavailable);
        }
    }
}

/// What the listener thread tells: rooms that moved, to proxies and to the owners' cache.
struct Listener {
    moves: broadcast::Sender<String>,
    owners: Arc<Mutex<HashMap<String, String>>>,
    stop: Arc<AtomicBool>,
}

/// `LISTEN polyphony_leases`: every claim's room code goes to [`Cluster::moves`] and out of
/// the owners' cache. Connects again after a failure (forgetting every cached owner, since
/// moves may have been missed); ends when the cluster is dropped.
fn listen_loop(url: &str, listener: &Listener) {
    let (moves, stop) = (&listener.moves, &*listener.stop);
    while !stop.load(Ordering::Relaxed) {
        let mut client = match crate::store::connect_as(url, "polyphony-listen") {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen to lease changes; trying again");
                thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        lock(&listener.owners).clear();
        if let Err(e) = client.batch_execute(&format!("LISTEN {}", crate::store::lease::CHANNEL)) {
            tracing::warn!(error = %e, "cannot listen to lease changes; trying again");
            thread::sleep(Duration::from_secs(1));
            continue;
        }
        while !stop.load(Ordering::Relaxed) && !client.is_closed() {
            let mut notifications = client.notifications();
            let mut iter = notifications.timeout_iter(Duration::from_millis(500));
            loop {
                match postgres::fallible_iterator::FallibleIterator::next(&mut iter) {
                    Ok(Some(n)) => {
                        lock(&listener.owners).remove(n.payload());
                        let _ = moves.send(n.payload().to_owned());
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the lease notifications; listening again");
                        break;
                    }
                }
            }
        }
    }
}

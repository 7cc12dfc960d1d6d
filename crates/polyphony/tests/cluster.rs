//! Several `polyphony serve` instances on one PostgreSQL database, as child processes: any
//! instance answers any phone (forwarded to the room's owner), the owner killed with SIGKILL
//! mid-vote is replaced within a bounded time with every acknowledged write there once, an
//! owner paused past its lease (SIGSTOP) cannot write after another took over (fencing), and
//! the sockets one instance forwards to another are not capped as one address's while a
//! stranger's are.
//!
//! Needs `POLYPHONY_TEST_POSTGRES` (`cargo xtask test` starts a throw-away server); fails,
//! never skips, without it.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{create_open_room, fresh_postgres, http, Server};
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const STATEMENTS: usize = 10;
const PHONES: usize = 60;

/// One instance of the cluster; woken (SIGCONT) before it is killed, in case a test left it
/// stopped.
struct Instance {
    server: Server,
    /// `http://127.0.0.1:port`, which it also advertises to the others.
    base: String,
    /// Its log lines so far (also passed on to this test's stderr).
    log: Arc<Mutex<Vec<String>>>,
}

impl Instance {
    /// Waits until a line of its log contains `text`.
    fn wait_for_log(&self, text: &str, timeout: Duration) {
        let start = Instant::now();
        while !self.log.lock().unwrap().iter().any(|l| l.contains(text)) {
            assert!(
                start.elapsed() < timeout,
                "{}: no log line with {text:?} within {timeout:?}",
                self.base
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = signal(&self.server.child, "CONT");
    }
}

fn signal(child: &Child, sig: &str) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill")
        .args([format!("-{sig}"), child.id().to_string()])
        .status()
}

fn free_port(ip: &str) -> u16 {
    std::net::TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts one instance of the cluster on database `db`, advertising its own address.
fn start(db: &str, lease_ms: u64) -> Instance {
    start_on(db, lease_ms, "127.0.0.1", &[])
}

/// Starts one instance of the cluster on database `db`, listening on `ip` (a loopback address:
/// its forwarded connections leave from there too) and advertising it, with `more` flags.
fn start_on(db: &str, lease_ms: u64, ip: &str, more: &[&str]) -> Instance {
    let port = free_port(ip);
    let base = format!("http://{ip}:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["serve", "--addr", &format!("{ip}:{port}"), "--db", db])
        .args(["--advertise", &base, "--lease-ms", &lease_ms.to_string()])
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let stderr = child.stderr.take().unwrap();
    let kept = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            kept.lock().unwrap().push(without_colours(&line));
        }
    });
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("Polyphony is listening on "), "{first}");
    std::thread::spawn(move || for _ in lines {});
    let server = Server {
        child,
        addr: format!("{ip}:{port}"),
    };
    Instance { server, base, log }
}

/// `line` without its terminal colour codes (`ESC [ … m`).
fn without_colours(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

/// A TCP connection to `base` (`http://ip:port`) from `local`, one of this machine's loopback
/// addresses (as a phone with its own address).
fn tcp_from(local: &str, base: &str) -> TcpStream {
    let to: SocketAddr = base.strip_prefix("http://").unwrap().parse().unwrap();
    let from = SocketAddr::new(local.parse().unwrap(), 0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(from).unwrap();
        let stream = socket.connect(to).await.unwrap().into_std().unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
    })
}

/// An HTTP client whose connections leave from `local`.
fn client_from(local: &str) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(3))
        .local_address(local.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

fn client() -> reqwest::blocking::Client {
    http(Duration::from_secs(3))
}

/// Three camps: each agrees with its own third of the statements and disagrees with the
/// rest; everyone agrees with the last one.
fn camp_vote(camp: usize, s: usize) -> &'static str {
    if s == STATEMENTS - 1 || s / 3 == camp {
        "agree"
    } else {
        "disagree"
    }
}

/// GET `path` on `base` until it answers 200 (or `timeout`); the JSON.
fn get_ok(http: &reqwest::blocking::Client, url: &str, timeout: Duration) -> Option<Value> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if let Ok(r) = http.get(url).send() {
            if r.status().is_success() {
                return r.json().ok();
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn create_room(http: &reqwest::blocking::Client, base: &str) -> (String, String) {
    let statements: Vec<String> = (0..STATEMENTS).map(|i| format!("Statement {i}")).collect();
    create_open_room(http, &format!("{base}/api"), "Failover", &statements, 5)
}

fn join(http: &reqwest::blocking::Client, base: &str, code: &str) -> String {
    // Retries while the room is between owners (503) or an instance is gone.
    let start = Instant::now();
    loop {
        if let Ok(r) = http.post(format!("{base}/api/rooms/{code}/join")).send() {
            if r.status().is_success() {
                let v: Value = r.json().unwrap();
                return v["participant_token"].as_str().unwrap().to_string();
            }
        }
        assert!(start.elapsed() < Duration::from_secs(30), "cannot join");
        std::thread::sleep(Duration::from_millis(100));
    }
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn connect(base: &str, code: &str, token: &str) -> Option<Socket> {
    let host = base.strip_prefix("http://").unwrap();
    let url = format!("ws://{host}/api/rooms/{code}/ws?token={token}");
    let (mut ws, _) = tungstenite::connect(url).ok()?;
    if let MaybeTlsStream::Plain(s) = ws.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    }
    Some(ws)
}

/// A phone's WebSocket to `base` from its own address `local`; the refusal, if any.
fn connect_from(local: &str, base: &str, code: &str, token: &str) -> Result<Socket, String> {
    let host = base.strip_prefix("http://").unwrap();
    let url = format!("ws://{host}/api/rooms/{code}/ws?token={token}");
    let stream = tcp_from(local, base);
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    match tungstenite::client(url, MaybeTlsStream::Plain(stream)) {
        Ok((ws, _)) => Ok(ws),
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(r))) => Err(format!(
            "{}: {}",
            r.status(),
            String::from_utf8_lossy(r.body().as_deref().unwrap_or_default())
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Sends `msg` and waits for the answer naming `id`: `Some(answer)`, or `None` when the socket
/// closed or went quiet (the phone reconnects and resends, as the app does).
fn request(ws: &mut Socket, msg: &Value, id: &str) -> Option<Value> {
    ws.send(Message::text(msg.to_string())).ok()?;
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if v["id"] == id {
                    return Some(v);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// One phone: joins through `bases[index % n]`, adds a statement and votes on every statement
/// over a WebSocket, and on
/// any failure reconnects to the next instance and resends what was not acknowledged. Answers
/// its token and the acknowledged ids.
fn phone(
    bases: &[String],
    index: usize,
    code: &str,
    camp: usize,
    acked: &AtomicUsize,
) -> (String, usize) {
    let first = index % bases.len();
    let http = client();
    let token = join(&http, &bases[first], code);
    let mut at = first;
    let mut ws = None;
    let mut reconnects = 0;
    // Ten votes, and half way through a statement of the phone's own.
    let mut requests: Vec<(String, Value, &str)> = (0..STATEMENTS)
        .map(|s| {
            let id = format!("v{s}");
            let msg =
                json!({ "type": "vote", "id": id, "statement": s, "vote": camp_vote(camp, s) });
            (id, msg, "ack")
        })
        .collect();
    let own =
        json!({ "type": "add_statement", "id": "s0", "text": format!("Phone {index} says this") });
    requests.insert(STATEMENTS / 2, ("s0".into(), own, "statement_added"));
    for (id, msg, answer_type) in &requests {
        loop {
            if ws.is_none() {
                ws = connect(&bases[at], code, &token);
                if ws.is_none() {
                    at = (at + 1) % bases.len();
                    reconnects += 1;
                    assert!(reconnects < 200, "a phone never got back in");
                    std::thread::sleep(Duration::from_millis(150));
                    continue;
                }
            }
            match request(ws.as_mut().unwrap(), msg, id) {
                Some(answer) if answer["type"] == *answer_type => {
                    if *answer_type == "ack" {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    break;
                }
                Some(answer) => panic!("request refused: {answer}"),
                None => {
                    ws = None;
                    at = (at + 1) % bases.len();
                    reconnects += 1;
                    assert!(reconnects < 200, "a phone never got back in");
                    std::thread::sleep(Duration::from_millis(150));
                }
            }
        }
        // Phones vote at a human pace, so the owner dies mid-vote.
        std::thread::sleep(Duration::from_millis(60));
    }
    (token, reconnects)
}

/// What a view says about the groups: each group's label and member count.
fn groups(view: &Value) -> BTreeMap<String, u64> {
    view["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["label"].as_str().unwrap().to_string(),
                g["size"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn three_instances_survive_the_owner_killed_mid_vote() {
    let db = fresh_postgres("polyphony_cluster");
    let mut instances: Vec<Instance> = (0..3).map(|_| start(&db, 2000)).collect();
    let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();
    let http = client();
    // The room is created on the first instance, which owns it.
    let (code, key) = create_room(&http, &bases[0]);
    // Every instance answers for it (two by forwarding).
    for b in &bases {
        let v = get_ok(
            &http,
            &format!("{b}/api/rooms/{code}/view"),
            Duration::from_secs(5),
        );
        assert!(v.is_some(), "{b} does not answer for the room");
    }

    let acked = Arc::new(AtomicUsize::new(0));
    let phones: Vec<_> = (0..PHONES)
        .map(|i| {
            let (bases, code, acked) = (bases.clone(), code.clone(), Arc::clone(&acked));
            std::thread::spawn(move || phone(&bases, i, &code, i % 3, &acked))
        })
        .collect();
    // A control set through an instance that forwards it, before the kill.
    let spot = http
        .post(format!("{}/api/rooms/{code}/controls", bases[2]))
        .header("x-facilitator-key", &key)
        .json(&json!({ "action": "spotlight", "statement": 3 }))
        .send()
        .unwrap();
    assert!(spot.status().is_success(), "{:?}", spot.text());
    // Mid-vote: the owner is killed.
    let start_wait = Instant::now();
    while acked.load(Ordering::SeqCst) < PHONES * STATEMENTS / 3 {
        assert!(
            start_wait.elapsed() < Duration::from_secs(60),
            "votes do not flow"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut owner = instances.remove(0);
    owner.server.sigkill();
    let killed = Instant::now();
    let acked_at_kill = acked.load(Ordering::SeqCst);
    // Takeover: another instance serves the room (a write goes through).
    let survivors: Vec<String> = bases[1..].to_vec();
    let mut took_over = None;
    while took_over.is_none() {
        assert!(
            killed.elapsed() < Duration::from_secs(30),
            "nobody took the room over"
        );
        let r = http
            .post(format!("{}/api/rooms/{code}/controls", survivors[0]))
            .header("x-facilitator-key", &key)
            .json(&json!({ "action": "resume_voting" }))
            .send();
        if r.is_ok_and(|r| r.status().is_success()) {
            took_over = Some(killed.elapsed());
        } else {
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    let took_over = took_over.unwrap();
    println!(
        "takeover: the room was served again {:.2} s after SIGKILL of its owner \
         ({acked_at_kill} votes acknowledged at the kill)",
        took_over.as_secs_f64()
    );
    assert!(took_over < Duration::from_secs(10), "took {took_over:?}");
    // The outage's 503s are expected and retried: warnings that name the room and why (at
    // most one a second per room on each instance), never errors.
    let room = format!("room=\"{code}\"");
    let mut warned = 0;
    for survivor in &instances {
        let log = survivor.log.lock().unwrap();
        let errors: Vec<&String> = log.iter().filter(|l| l.contains("ERROR")).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", survivor.base);
        warned += log
            .iter()
            .filter(|l| {
                l.contains(" WARN ") && l.contains("the client retries") && l.contains(&room)
            })
            .count();
    }
    println!("{warned} warnings of the room unavailable on the two survivors");
    assert!(warned > 0, "the outage's 503s were not logged as warnings");

    let results: Vec<(String, usize)> = phones.into_iter().map(|p| p.join().unwrap()).collect();
    assert_eq!(acked.load(Ordering::SeqCst), PHONES * STATEMENTS);
    let reconnected = results.iter().filter(|(_, r)| *r > 0).count();
    println!("{reconnected} of {PHONES} phones reconnected at least once");
    assert!(
        reconnected > 0,
        "no phone was cut off: the kill did not happen mid-vote"
    );

    // Every acknowledged vote is there, once, with its value, on every instance.
    let total = PHONES * STATEMENTS;
    let views: Vec<Value> = survivors
        .iter()
        .map(|b| {
            let start = Instant::now();
            loop {
                let v = get_ok(
                    &http,
                    &format!("{b}/api/rooms/{code}/view"),
                    Duration::from_secs(5),
                )
                .unwrap();
                if v["analyzed_votes"] == total as u64 {
                    break v;
                }
                assert!(start.elapsed() < Duration::from_secs(20), "{b}: {v}");
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .collect();
    for v in &views {
        assert_eq!(v["votes"], total as u64, "counted once: {v}");
        assert_eq!(v["participants"], PHONES as u64);
    }
    assert_eq!(
        groups(&views[0]),
        groups(&views[1]),
        "the same groups on every instance"
    );
    assert_eq!(
        views[0]["room"]["controls"]["spotlight"], 3,
        "the control is there"
    );
    // Every phone's statement once.
    let comments = http
        .get(format!(
            "{}/api/rooms/{code}/export/comments.csv",
            survivors[1]
        ))
        .header("x-facilitator-key", &key)
        .send()
        .unwrap()
        .text()
        .unwrap();
    for i in 0..PHONES {
        let text = format!("Phone {i} says this");
        assert_eq!(comments.matches(&text).count(), 1, "{text}: {comments}");
    }
    assert_eq!(
        comments.lines().count(),
        1 + STATEMENTS + PHONES,
        "{comments}"
    );
    assert!(groups(&views[0]).len() >= 2, "{}", views[0]);
    for (i, (token, _)) in results.iter().enumerate() {
        let b = &survivors[i % 2];
        let me: Value = http
            .get(format!("{b}/api/rooms/{code}/me"))
            .header("x-participant-token", token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let votes: BTreeSet<(u64, String)> = me["votes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["statement"].as_u64().unwrap(),
                    v["vote"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let want: BTreeSet<(u64, String)> = (0..STATEMENTS)
            .map(|s| (s as u64, camp_vote(i % 3, s).to_string()))
            .collect();
        assert_eq!(votes, want, "phone {i}");
    }
}

#[test]
fn an_owner_paused_past_its_lease_cannot_write_after_another_took_over() {
    let db = fresh_postgres("polyphony_fencing");
    let a = start(&db, 1500);
    let b = start(&db, 1500);
    let http = client();
    let (code, _key) = create_room(&http, &a.base);
    let token = join(&http, &a.base, &code);
    // A phone's socket straight to the owner.
    let mut ws = connect(&a.base, &code, &token).unwrap();
    let first = json!({ "type": "vote", "id": "v0", "statement": 0, "vote": "agree" });
    assert_eq!(request(&mut ws, &first, "v0").unwrap()["type"], "ack");

    // The owner stops (SIGSTOP) past its lease; the other instance takes the room over.
    signal(&a.server.child, "STOP").unwrap();
    let paused = Instant::now();
    let view = get_ok(
        &http,
        &format!("{}/api/rooms/{code}/view", b.base),
        Duration::from_secs(20),
    );
    let view = view.expect("the second instance never took the room over");
    println!(
        "takeover of a paused owner: {:.2} s",
        paused.elapsed().as_secs_f64()
    );
    assert_eq!(view["votes"], 1);
    // While it is stopped, the phone sends a vote on its socket to the old owner (the kernel
    // holds it); then the owner wakes up (SIGCONT).
    ws.send(Message::text(
        json!({ "type": "vote", "id": "v1", "statement": 1, "vote": "disagree" }).to_string(),
    ))
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    signal(&a.server.child, "CONT").unwrap();
    // The old owner must not acknowledge it: its write is fenced off, and the socket closes so
    // the phone reconnects.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut closed = false;
    while Instant::now() < deadline {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                assert_ne!(v["type"], "ack", "a fenced owner acknowledged a write: {v}");
            }
            Ok(Message::Close(frame)) => {
                if let Some(f) = frame {
                    assert_eq!(u16::from(f.code), 1012, "{f:?}");
                }
                closed = true;
                break;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "the old owner kept the phone's socket open");
    // The new owner has only what was acknowledged.
    let me = |base: &str| -> Value {
        http.get(format!("{base}/api/rooms/{code}/me"))
            .header("x-participant-token", &token)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    assert_eq!(me(&b.base)["votes"].as_array().unwrap().len(), 1);
    // The old owner now forwards the room to the new one: the same answer through either.
    assert_eq!(me(&a.base)["votes"], me(&b.base)["votes"]);
    // The phone reconnects (to the old owner's address: forwarded) and resends: stored once.
    let mut ws = connect(&a.base, &code, &token).unwrap();
    let again = json!({ "type": "vote", "id": "v1", "statement": 1, "vote": "disagree" });
    let ack = request(&mut ws, &again, "v1").unwrap();
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(ack["duplicate"], false, "the fenced write was not stored");
    assert_eq!(me(&b.base)["votes"].as_array().unwrap().len(), 2);
}

/// The per-address connection cap of the next test's instances.
const CAP: usize = 8;

/// Sends one request with a stranger's forged instance headers on `stream` (kept alive) and
/// answers the status line of the answer.
fn forged_request(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let request = "GET /api/health HTTP/1.1\r\nhost: polyphony\r\n\
                   x-polyphony-peer: 00112233445566778899aabbccddeeff0011223344556677\r\n\
                   x-polyphony-client: 127.9.9.9\r\n\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    text.lines().next().unwrap_or_default().to_owned()
}

/// What a connection refused at accept reads: the answer, whole, then the end.
fn refusal(mut stream: TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut got = String::new();
    let _ = stream.read_to_string(&mut got);
    got
}

#[test]
fn forwarded_sockets_are_not_capped_as_one_address_but_a_strangers_are() {
    let db = fresh_postgres("polyphony_peers");
    let cap = ["--max-connections-per-address", "8"];
    // The owner and an instance that forwards to it, each on its own loopback address.
    let owner = start_on(&db, 3000, "127.0.0.2", &cap);
    let edge = start_on(&db, 3000, "127.0.0.3", &cap);
    // The owner has read the edge's address among the live instances.
    owner.wait_for_log("other instances at 127.0.0.3:", Duration::from_secs(15));
    let http = client();
    let (code, key) = create_room(&http, &owner.base);

    // Three times the cap of phones, each from its own address, join and open their sockets
    // through the edge, all held at once: the edge holds that many connections to the owner,
    // all from 127.0.0.3.
    let phones = 3 * CAP;
    let mut sockets = Vec::new();
    for i in 0..phones {
        let ip = format!("127.1.0.{}", i + 1);
        let token = join(&client_from(&ip), &edge.base, &code);
        let ws = connect_from(&ip, &edge.base, &code, &token)
            .unwrap_or_else(|e| panic!("phone {i}'s socket through the edge was refused: {e}"));
        sockets.push(ws);
    }
    for (i, ws) in sockets.iter_mut().enumerate() {
        let vote = json!({ "type": "vote", "id": "v0", "statement": 0, "vote": "agree" });
        let ack = request(ws, &vote, "v0").unwrap_or_else(|| panic!("phone {i}: no answer"));
        assert_eq!(ack["type"], "ack", "phone {i}: {ack}");
    }
    // The owner counted each phone by its own address, not by the edge's.
    let admission: Value = http
        .get(format!("{}/api/rooms/{code}/admission", owner.base))
        .header("x-facilitator-key", &key)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(admission["active"], phones as u64, "{admission}");
    assert_eq!(admission["top_address_participants"], 1, "{admission}");

    // A stranger is capped on either instance, whatever it claims: CAP connections, each
    // answered (a request with forged instance headers, kept alive), then the next is refused
    // at once.
    for (n, target) in [&owner.base, &edge.base].into_iter().enumerate() {
        let stranger = format!("127.1.1.{}", n + 1);
        let mut held: Vec<TcpStream> = (0..CAP).map(|_| tcp_from(&stranger, target)).collect();
        for stream in &mut held {
            assert_eq!(forged_request(stream), "HTTP/1.1 200 OK", "{target}");
        }
        let answer = refusal(tcp_from(&stranger, target));
        assert!(
            answer.starts_with("HTTP/1.1 429 "),
            "{target}: the stranger's connection {} was not refused: {answer:?}",
            CAP + 1
        );
        assert!(
            answer.contains("too many connections from this address"),
            "{answer}"
        );
    }

    // Nor does the stranger's claimed address count for it without the cluster's secret:
    // rooms one address may create in an hour (30), each claiming another address, and the
    // next is refused. With the secret (an instance's), the address it names is believed.
    let stranger = client_from("127.1.2.1");
    let new_room = json!({ "topic": "Claims", "statements": ["One"] });
    for i in 0..30 {
        let r = stranger
            .post(format!("{}/api/rooms", owner.base))
            .header(
                "x-polyphony-peer",
                "00112233445566778899aabbccddeeff0011223344556677",
            )
            .header("x-polyphony-client", format!("127.9.0.{}", i + 1))
            .json(&new_room)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "room {i}: {}", r.status());
    }
    let r = stranger
        .post(format!("{}/api/rooms", owner.base))
        .header(
            "x-polyphony-peer",
            "00112233445566778899aabbccddeeff0011223344556677",
        )
        .header("x-polyphony-client", "127.9.0.31")
        .json(&new_room)
        .send()
        .unwrap();
    assert_eq!(r.status(), 429, "the forged client address was believed");
    let mut pg = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let secret: String = pg
        .query_one("SELECT secret FROM polyphony_cluster", &[])
        .unwrap()
        .get(0);
    let r = stranger
        .post(format!("{}/api/rooms", owner.base))
        .header("x-polyphony-peer", &secret)
        .header("x-polyphony-client", "127.9.0.32")
        .json(&new_room)
        .send()
        .unwrap();
    assert!(
        r.status().is_success(),
        "with the secret the named address counts: {}",
        r.status()
    );
}

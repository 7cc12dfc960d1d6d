//! Room leases on PostgreSQL: each room lives on exactly one instance at a time.
//!
//! A lease is a row of `room_leases`: the room, its owner (an id each process draws at start),
//! the owner's internal address (where other instances forward the room's requests), an epoch
//! and an expiry by the database's clock (`clock_timestamp()`, so instances need no agreement
//! on time). The owner renews its leases every [`Instance::renew_every`]; a lease nobody renewed
//! for [`Instance::lease`] may be claimed by any instance, which raises the epoch.
//!
//! Fencing: every write a room's commands make runs [`PgBackend::check_fence`] first, inside the
//! group transaction: it reads the room's lease row `FOR KEY SHARE` and refuses the write
//! ([`StoreError::LeaseLost`]) unless this instance still holds that row at the epoch it
//! claimed. The lock is held until the transaction ends, and a claim locks that row `FOR
//! UPDATE` (the one row lock `FOR KEY SHARE` conflicts with), so the two are ordered by the
//! database: a write that committed before the claim is in what the new owner loads after its
//! claim, and a write after the claim sees the new epoch and is refused. A renewal is a plain
//! `UPDATE` of `expires` (a `FOR NO KEY UPDATE` lock), which does not conflict with the
//! writers' locks: renewing never waits for, or deadlocks with, the owner's own writes (with
//! `FOR SHARE` it did, under load: PostgreSQL broke the deadlock by failing a renewal or a whole
//! group of writes) — an instance that was paused (`SIGSTOP`) or cut off past its lease cannot
//! write after another took over, whatever its own clock says. A paused instance can also not
//! hold the row locked for ever: the writer's connection has `idle_in_transaction_session_timeout`,
//! so the server ends a transaction whose client stopped talking, and its writes are not
//! acknowledged.
//!
//! Claims also `NOTIFY polyphony_leases` (the room's code), the wake-up other instances use to
//! drop sockets they forward to the previous owner at once (see `crate::cluster`).
//!
//! Members: each instance started with an address (`--advertise`) keeps a row in
//! `cluster_members` (its address, an expiry), renewed with its leases, whether or not it holds
//! a room, so that the others know every live instance's address, an instance that only
//! forwards included ([`PgBackend::members`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::pg::PgBackend;
use super::{StoreError, StoredRoom};
use crate::util::lock;

/// The rooms this instance holds, with the epoch of each claim: written by whoever claims
/// (the writer thread at start and on creating a room, the lease thread later) and read by the
/// writer's fence.
pub(crate) type Fences = Arc<Mutex<HashMap<i64, i64>>>;

/// The notification channel of lease changes (payload: the room's code).
pub(crate) const CHANNEL: &str = "polyphony_leases";

/// How many leases an instance's row in `cluster_members` lasts without renewal (renewed with
/// its leases): a renewal late by a lease or two never caps the sockets it forwards, and a dead
/// instance's address stays exempt a little longer, which costs nothing (nothing else connects
/// from it).
const MEMBER_LEASES: i64 = 10;

/// Who this process is among the instances sharing a PostgreSQL database.
///
/// ```
/// use polyphony_server::Instance;
/// // One instance alone on its database (the default): takes every room at start.
/// let solo = Instance::solo();
/// assert!(solo.advertise().is_none());
/// // One of several: other instances reach it at this address.
/// let member = Instance::member("http://10.0.0.5:8080").unwrap();
/// assert_eq!(member.advertise(), Some("http://10.0.0.5:8080"));
/// ```
#[derive(Clone, Debug)]
pub struct Instance {
    owner: String,
    advertise: Option<String>,
    lease: Duration,
    renew_every: Duration,
}

impl Instance {
    /// How long a lease lasts without renewal: how long a room stays unserved after its owner
    /// died, before another instance may claim it.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(3);

    /// The only instance on its database: at start it takes every room, whoever held it before
    /// (a restart after a crash serves at once; an older process still running is fenced off).
    pub fn solo() -> Instance {
        Instance {
            owner: new_owner_id(),
            advertise: None,
            lease: Instance::DEFAULT_LEASE,
            renew_every: Instance::DEFAULT_LEASE / 3,
        }
    }

    /// One of several instances on one database, reachable by the others at `advertise`
    /// (`http://host:port`, no path): it claims the rooms nobody holds, forwards the others'
    /// requests to their owners, and takes over a room whose owner stopped renewing.
    pub fn member(advertise: &str) -> Result<Instance, String> {
        let a = advertise.trim().trim_end_matches('/');
        let rest = a
            .strip_prefix("http://")
            .ok_or_else(|| format!("{advertise:?}: an instance address is http://host:port"))?;
        if rest.is_empty() || rest.contains('/') || !rest.contains(':') {
            return Err(format!(
                "{advertise:?}: an instance address is http://host:port, without a path"
            ));
        }
        Ok(Instance {
            advertise: Some(a.to_owned()),
            ..Instance::solo()
        })
    }

    /// A shorter or longer lease (tests; a deployment whose database is far away). Renewal
    /// runs three times per lease.
    pub fn with_lease(mut self, lease: Duration) -> Instance {
        let lease = lease.max(Duration::from_millis(300));
        self.lease = lease;
        self.renew_every = lease / 3;
        self
    }

    /// The address other instances forward to; `None` for a solo instance.
    pub fn advertise(&self) -> Option<&str> {
        self.advertise.as_deref()
    }

    /// This process's owner id in the lease rows.
    pub(crate) fn owner(&self) -> &str {
        &self.owner
    }

    /// How long a lease lasts.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// How often the owner renews.
    pub fn renew_every(&self) -> Duration {
        self.renew_every
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }

    fn address(&self) -> &str {
        self.advertise.as_deref().unwrap_or("")
    }
}

fn new_owner_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rngs::OsRng.gen();
    format!("{}-{n:016x}", std::process::id())
}

/// Where a room lives, as its lease row says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Whereabouts {
    /// No room has this code.
    Unknown,
    /// Another instance holds a live lease: forward there.
    Elsewhere {
        /// Its internal address.
        address: String,
    },
    /// Nobody holds it (no lease, or one that ran out), or this instance does.
    Free {
        /// The room's row id.
        room_id: i64,
    },
}

impl PgBackend {
    /// The write fence: room `room_id`'s lease must still be this instance's, at the epoch it
    /// claimed (see the module's text). Checked once per room and transaction (the share lock
    /// holds until the end); nothing to check when leases are off.
    pub(crate) fn check_fence(&mut self, room_id: i64) -> Result<(), StoreError> {
        if self.fenced.contains(&room_id) {
            return Ok(());
        }
        let held = lock(&self.fences).get(&room_id).copied();
        let Some(epoch) = held else {
            return Err(StoreError::LeaseLost(room_id));
        };
        let row = self.query_opt(
            "SELECT epoch, owner FROM room_leases WHERE room_id = $1 FOR KEY SHARE",
            &[&room_id],
        )?;
        let ours = row.is_some_and(|r| {
            r.get::<_, i64>(0) == epoch && r.get::<_, &str>(1) == self.instance.owner()
        });
        if !ours {
            // The lease thread's next renewal finds the room lost too and retires it.
            return Err(StoreError::LeaseLost(room_id));
        }
        self.fenced.insert(room_id);
        Ok(())
    }

    /// Forgets the rooms checked in this transaction (a new transaction, or a savepoint rolled
    /// back with the locks it took).
    pub(crate) fn unfence(&mut self) {
        self.fenced.clear();
    }

    /// Gives a new room its lease (epoch 1), in the transaction that inserts it.
    pub(crate) fn lease_new_room(&mut self, room_id: i64, code: &str) -> Result<(), StoreError> {
        let lease_ms = self.instance.lease_ms();
        let (owner, address) = (
            self.instance.owner().to_owned(),
            self.instance.address().to_owned(),
        );
        self.execute(
            "INSERT INTO room_leases (room_id, owner, address, epoch, expires)
             VALUES ($1, $2, $3, 1, clock_timestamp() + $4::bigint * interval '1 millisecond')",
            &[&room_id, &owner, &address, &lease_ms],
        )?;
        self.notify(code)?;
        lock(&self.fences).insert(room_id, 1);
        self.fenced.insert(room_id);
        Ok(())
    }

    fn notify(&mut self, code: &str) -> Result<(), StoreError> {
        self.execute("SELECT pg_notify('polyphony_leases', $1)", &[&code])?;
        Ok(())
    }

    /// Claims, in one transaction, every room without a lease and every lease that ran out —
    /// at start also, for a solo instance, every lease whatever its state, and for a member the
    /// leases a previous process at this same address held (only one process listens on an
    /// address, so that one is gone). Answers the rooms claimed with their new epochs, already
    /// in the fences.
    pub(crate) fn claim_free(&mut self, at_start: bool) -> Result<Vec<(i64, i64)>, StoreError> {
        let lease_ms = self.instance.lease_ms();
        let owner = self.instance.owner().to_owned();
        let address = self.instance.address().to_owned();
        let solo = self.instance.advertise().is_none();
        let take_any = at_start && solo;
        let take_own_address = at_start && !solo;
        self.simple("BEGIN")?;
        let claimed = (|| {
            let mut claimed = Vec::new();
            for r in self.query(
                "INSERT INTO room_leases (room_id, owner, address, epoch, expires)
                 SELECT id, $1, $2, 1, clock_timestamp() + $3::bigint * interval '1 millisecond'
                 FROM rooms r
                 WHERE NOT EXISTS (SELECT 1 FROM room_leases l WHERE l.room_id = r.id)
                 ON CONFLICT DO NOTHING
                 RETURNING room_id, epoch",
                &[&owner, &address, &lease_ms],
            )? {
                claimed.push((r.get::<_, i64>(0), r.get::<_, i64>(1)));
            }
            for r in self.query(
                "UPDATE room_leases SET owner = $1, address = $2, epoch = epoch + 1,
                        expires = clock_timestamp() + $3::bigint * interval '1 millisecond'
                 WHERE room_id IN (
                     SELECT room_id FROM room_leases
                     WHERE owner <> $1
                       AND (expires < clock_timestamp() OR $4 OR ($5 AND address = $2))
                     -- FOR UPDATE: waits for no writer (a row a writer holds is skipped, and
                     -- claimed on a later turn), and orders the claim after its commit.
                     FOR UPDATE SKIP LOCKED)
                 RETURNING room_id, epoch",
                &[&owner, &address, &lease_ms, &take_any, &take_own_address],
            )? {
                claimed.push((r.get::<_, i64>(0), r.get::<_, i64>(1)));
            }
            for (room_id, _) in &claimed {
                let code: Option<String> = self
                    .query_opt("SELECT code FROM rooms WHERE id = $1", &[room_id])?
                    .map(|r| r.get(0));
                if let Some(code) = code {
                    self.notify(&code)?;
                }
            }
            Ok(claimed)
        })();
        let claimed = match claimed {
            Ok(c) => c,
            Err(e) => {
                let _ = self.simple("ROLLBACK");
                return Err(e);
            }
        };
        self.simple("COMMIT")?;
        let mut fences = lock(&self.fences);
        for (room_id, epoch) in &claimed {
            fences.insert(*room_id, *epoch);
        }
        Ok(claimed)
    }

    /// Renews every lease this instance holds; answers the rooms it no longer holds at the
    /// epoch it claimed (taken over while it was away), removed from the fences.
    pub(crate) fn renew(&mut self) -> Result<Vec<i64>, StoreError> {
        let lease_ms = self.instance.lease_ms();
        let owner = self.instance.owner().to_owned();
        let rows = self.query(
            "UPDATE room_leases SET expires = clock_timestamp() + $2::bigint * interval '1 millisecond'
             WHERE owner = $1
             RETURNING room_id, epoch",
            &[&owner, &lease_ms],
        )?;
        let renewed: HashMap<i64, i64> = rows
            .iter()
            .map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1)))
            .collect();
        let unrenewed: Vec<(i64, i64)> = lock(&self.fences)
            .iter()
            .filter(|(room, epoch)| renewed.get(room) != Some(epoch))
            .map(|(room, epoch)| (*room, *epoch))
            .collect();
        if unrenewed.is_empty() {
            return Ok(Vec::new());
        }
        // Lost: a committed lease row names another owner or epoch. A room whose row is not
        // committed yet (created in the writer's open transaction) is not lost.
        let ids: Vec<i64> = unrenewed.iter().map(|(room, _)| *room).collect();
        let rows = self.query(
            "SELECT room_id, owner, epoch FROM room_leases WHERE room_id = ANY($1)",
            &[&ids],
        )?;
        let owner = self.instance.owner().to_owned();
        let lost: Vec<i64> = rows
            .iter()
            .filter(|r| {
                let room: i64 = r.get(0);
                let held = unrenewed
                    .iter()
                    .find(|(id, _)| *id == room)
                    .map(|(_, e)| *e);
                r.get::<_, &str>(1) != owner || Some(r.get::<_, i64>(2)) != held
            })
            .map(|r| r.get::<_, i64>(0))
            .collect();
        let mut fences = lock(&self.fences);
        for room in &lost {
            fences.remove(room);
        }
        Ok(lost)
    }

    /// Lets every lease of this instance run out now (a clean shutdown: the others, or this
    /// server started again, claim the rooms at once), and takes it off the members.
    pub(crate) fn release_all(&mut self) -> Result<(), StoreError> {
        let owner = self.instance.owner().to_owned();
        self.execute(
            "UPDATE room_leases SET expires = clock_timestamp() - interval '1 second'
             WHERE owner = $1",
            &[&owner],
        )?;
        self.execute("DELETE FROM cluster_members WHERE owner = $1", &[&owner])?;
        lock(&self.fences).clear();
        Ok(())
    }

    /// Says this instance is alive at its address for [`MEMBER_LEASES`] leases (a member; a
    /// solo instance forwards nothing and is no member), forgets instances gone for an hour,
    /// and answers the other live instances' addresses, sorted: connections from those are
    /// forwarded phones, not one address's (`crate::cluster::peers`).
    pub(crate) fn members(&mut self) -> Result<Vec<String>, StoreError> {
        if self.instance.advertise().is_none() {
            return Ok(Vec::new());
        }
        let ttl_ms = self.instance.lease_ms().saturating_mul(MEMBER_LEASES);
        let owner = self.instance.owner().to_owned();
        let address = self.instance.address().to_owned();
        self.execute(
            "INSERT INTO cluster_members (owner, address, expires)
             VALUES ($1, $2, clock_timestamp() + $3::bigint * interval '1 millisecond')
             ON CONFLICT (owner) DO UPDATE SET address = EXCLUDED.address, expires = EXCLUDED.expires",
            &[&owner, &address, &ttl_ms],
        )?;
        self.execute(
            "DELETE FROM cluster_members WHERE expires < clock_timestamp() - interval '1 hour'",
            &[],
        )?;
        let rows = self.query(
            "SELECT DISTINCT address FROM cluster_members
             WHERE owner <> $1 AND expires > clock_timestamp() AND address <> ''
             ORDER BY address",
            &[&owner],
        )?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    /// Where the room with join code `code` lives.
    pub(crate) fn whereabouts(&mut self, code: &str) -> Result<Whereabouts, StoreError> {
        let row = self.query_opt(
            "SELECT r.id, l.address, l.owner, l.expires > clock_timestamp()
             FROM rooms r LEFT JOIN room_leases l ON l.room_id = r.id
             WHERE r.code = $1",
            &[&code],
        )?;
        let Some(r) = row else {
            return Ok(Whereabouts::Unknown);
        };
        let room_id: i64 = r.get(0);
        let address: Option<String> = r.get(1);
        let owner: Option<String> = r.get(2);
        let live: Option<bool> = r.get(3);
        Ok(match (address, owner, live) {
            (Some(address), Some(owner), Some(true))
                if owner != self.instance.owner() && !address.is_empty() =>
            {
                Whereabouts::Elsewhere { address }
            }
            _ => Whereabouts::Free { room_id },
        })
    }

    /// Claims room `room_id` if nobody holds it (no lease, or one that ran out); answers the
    /// new epoch, or `None` when another instance holds it (or this one already does). The
    /// row is locked `FOR UPDATE` first: an `UPDATE` of non-key columns alone (as `ON CONFLICT
    /// DO UPDATE` is) would not wait for the previous owner's writers, which hold it `FOR KEY
    /// SHARE`.
    pub(crate) fn claim_room(&mut self, room_id: i64) -> Result<Option<i64>, StoreError> {
        if let Some(epoch) = lock(&self.fences).get(&room_id) {
            return Ok(Some(*epoch));
        }
        self.simple("BEGIN")?;
        let claimed = self.claim_room_in_transaction(room_id);
        match claimed {
            Ok(epoch) => {
                self.simple("COMMIT")?;
                if let Some(epoch) = epoch {
                    lock(&self.fences).insert(room_id, epoch);
                }
                Ok(epoch)
            }
            Err(e) => {
                let _ = self.simple("ROLLBACK");
                Err(e)
            }
        }
    }

    fn claim_room_in_transaction(&mut self, room_id: i64) -> Result<Option<i64>, StoreError> {
        let lease_ms = self.instance.lease_ms();
        let owner = self.instance.owner().to_owned();
        let address = self.instance.address().to_owned();
        let inserted = self.query_opt(
            "INSERT INTO room_leases (room_id, owner, address, epoch, expires)
             VALUES ($1, $2, $3, 1, clock_timestamp() + $4::bigint * interval '1 millisecond')
             ON CONFLICT DO NOTHING
             RETURNING epoch",
            &[&room_id, &owner, &address, &lease_ms],
        )?;
        let epoch = match inserted {
            Some(row) => row.get::<_, i64>(0),
            None => {
                let row = self.query_opt(
                    "SELECT expires < clock_timestamp() FROM room_leases
                     WHERE room_id = $1 FOR UPDATE",
                    &[&room_id],
                )?;
                if !row.is_some_and(|r| r.get::<_, bool>(0)) {
                    return Ok(None);
                }
                let row = self.query_opt(
                    "UPDATE room_leases SET owner = $2, address = $3, epoch = epoch + 1,
                            expires = clock_timestamp() + $4::bigint * interval '1 millisecond'
                     WHERE room_id = $1
                     RETURNING epoch",
                    &[&room_id, &owner, &address, &lease_ms],
                )?;
                match row {
                    Some(r) => r.get::<_, i64>(0),
                    None => return Ok(None),
                }
            }
        };
        let code: Option<String> = self
            .query_opt("SELECT code FROM rooms WHERE id = $1", &[&room_id])?
            .map(|r| r.get(0));
        if let Some(code) = code {
            self.notify(&code)?;
        }
        Ok(Some(epoch))
    }

    /// The secret instances show each other when forwarding a phone's request (so the owner
    /// may take the phone's address from it): drawn by the first instance, shared through the
    /// database.
    pub(crate) fn cluster_secret(&mut self) -> Result<String, StoreError> {
        use rand::Rng;
        let bytes: [u8; 24] = rand::rngs::OsRng.gen();
        let drawn: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.execute(
            "INSERT INTO polyphony_cluster (id, secret) VALUES (1, $1) ON CONFLICT DO NOTHING",
            &[&drawn],
        )?;
        let row = self.query_opt("SELECT secret FROM polyphony_cluster WHERE id = 1", &[])?;
        row.map(|r| r.get(0))
            .ok_or_else(|| StoreError::Failed("the cluster secret is missing".into()))
    }

    /// Loads the rooms with these row ids (after claiming them: what they hold then is every
    /// write the previous owner committed).
    pub(crate) fn load_claimed(&mut self, ids: &[i64]) -> Result<Vec<StoredRoom>, StoreError> {
        self.load_rooms_with_ids(ids)
    }
}

//! The other instances' addresses: their connections are not capped per address.
//!
//! Every TCP connection is counted against its source address at accept (`conn.rs`), before a
//! byte of it is read: one address holds at most `Limits::connections_per_address` (1,200 by
//! default). An instance forwarding a busy room's phones to the room's owner connects from one
//! address with a connection per phone, so the owner would refuse it past 1,200, as it refuses
//! one hall behind one NAT address. Its address is known, though: every live instance keeps a
//! row in `cluster_members` with the address it advertises (`store/lease.rs`), written only by
//! instances (they hold the database's credentials). Connections from those addresses are not
//! capped per address (the server-wide `Limits::max_connections` still counts them), and the
//! phones behind them are counted by their own address at the owner (`x-polyphony-client`,
//! believed only with the cluster's secret: `extract.rs`) for the per-address caps on
//! WebSockets, joins and actions.
//!
//! A phone cannot claim to be an instance: the exemption goes by the connection's source
//! address, which a phone does not choose, never by a header. What it trusts is everything that
//! connects from an instance's address: on a host shared by several instances (one machine,
//! `cargo xtask cluster`), everything on that host.
//!
//! So that the owner sees a forwarding instance at the address the instance advertises,
//! forwarded connections leave from that address when it is one of this machine's
//! ([`source_address`]); otherwise from the address the system picks (behind a NAT, the NAT's
//! address: advertise that one).

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Mutex;
use std::time::Duration;

use crate::util::lock;

/// The longest an instance's name may take to resolve (an address literal takes no lookup).
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The other live instances' IP addresses, as last learnt.
#[derive(Debug, Default)]
pub(crate) struct Peers {
    known: Mutex<Known>,
}

#[derive(Debug, Default)]
struct Known {
    /// The member list these came from (newer lists have higher numbers).
    generation: u64,
    ips: BTreeSet<IpAddr>,
}

impl Peers {
    /// Whether `ip` is another live instance's address (an IPv4 address seen on a dual-stack
    /// socket as `::ffff:a.b.c.d` is that IPv4 address).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        lock(&self.known).ips.contains(&ip.to_canonical())
    }

    /// Resolves the other instances' advertised addresses (`http://host:port`) and keeps their
    /// IP addresses, unless the list of a later `generation` was kept meanwhile. An address that
    /// cannot be resolved is left out (and said in the log): its connections are capped as any
    /// address's until it resolves.
    pub(crate) async fn learn(&self, generation: u64, addresses: &[String]) {
        let mut ips = BTreeSet::new();
        for address in addresses {
            match resolve(address).await {
                Ok(found) => ips.extend(found),
                Err(e) => tracing::warn!(
                    %address,
                    error = %e,
                    "cannot resolve another instance's address: its connections are capped per \
                     address meanwhile"
                ),
            }
        }
        let mut known = lock(&self.known);
        if generation < known.generation {
            return;
        }
        known.generation = generation;
        if known.ips != ips {
            let list: Vec<String> = ips.iter().map(ToString::to_string).collect();
            tracing::info!(
                instances = ?addresses,
                "other instances at {}: their connections are not capped per address",
                if list.is_empty() { "no address".to_owned() } else { list.join(", ") }
            );
            known.ips = ips;
        }
    }
}

/// The IP addresses of `address` (`http://host:port`).
async fn resolve(address: &str) -> Result<Vec<IpAddr>, String> {
    let host_port = address.strip_prefix("http://").unwrap_or(address);
    match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host(host_port)).await {
        Ok(Ok(found)) => Ok(found.map(|a| a.ip().to_canonical()).collect()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", RESOLVE_TIMEOUT.as_secs())),
    }
}

/// The address this instance's forwarded connections leave from: the one it advertises
/// (`http://host:port`, the host resolved at start), when it is one of this machine's, so that
/// the owner sees the address it knows from `cluster_members`. `None` when the advertised
/// address is not this machine's (a NAT or a port mapping in between): the system picks.
pub(crate) fn source_address(advertise: &str) -> Option<IpAddr> {
    let host_port = advertise.strip_prefix("http://").unwrap_or(advertise);
    host_port
        .to_socket_addrs()
        .ok()?
        .map(|a| a.ip())
        .find(|ip| !ip.is_unspecified() && UdpSocket::bind(SocketAddr::new(*ip, 0)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[tokio::test]
    async fn the_other_instances_addresses_and_nobody_else() {
        let peers = Peers::default();
        assert!(!peers.contains(ip("127.0.0.3")));
        peers
            .learn(
                1,
                &["http://127.0.0.3:8080".into(), "http://[::1]:9".into()],
            )
            .await;
        assert!(peers.contains(ip("127.0.0.3")));
        // The same IPv4 address on a dual-stack socket.
        assert!(peers.contains(ip("::ffff:127.0.0.3")));
        assert!(peers.contains(ip("::1")));
        // Any other address is not an instance's, a neighbour's included.
        assert!(!peers.contains(ip("127.0.0.4")));
        assert!(!peers.contains(ip("10.0.0.3")));
        // A later list replaces it; an earlier one, resolved late, does not.
        peers.learn(3, &["http://127.0.0.5:8080".into()]).await;
        peers.learn(2, &["http://127.0.0.3:8080".into()]).await;
        assert!(peers.contains(ip("127.0.0.5")));
        assert!(!peers.contains(ip("127.0.0.3")));
        // An instance gone from the list is no longer exempt.
        peers.learn(4, &[]).await;
        assert!(!peers.contains(ip("127.0.0.5")));
    }

    #[test]
    fn forwarded_connections_leave_from_the_advertised_address_when_it_is_here() {
        assert_eq!(
            source_address("http://127.0.0.7:8080"),
            Some(ip("127.0.0.7"))
        );
        // Not this machine's (TEST-NET-3, never assigned): the system picks.
        assert_eq!(source_address("http://203.0.113.9:8080"), None);
        assert_eq!(source_address("http://0.0.0.0:8080"), None);
    }
}

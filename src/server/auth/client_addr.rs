//! Who a request comes from: the peer's address, or behind a trusted reverse proxy the address it
//! forwarded; and the request id a client may send, kept only when it is short and plain.

use ipnet::IpNet;
use std::net::IpAddr;

/// The longest request id kept from a client.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// Whether a client's `X-Request-Id` is kept: 1 to 64 characters of `[A-Za-z0-9._-]`.
pub fn is_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The client's address. `X-Forwarded-For` is believed only when the peer is a trusted proxy;
/// then the client is the right-most address that is not itself a trusted proxy (each proxy
/// appends the address it saw, so addresses further left are whatever the client wrote). An
/// entry that cannot be read stops the walk at the peer: nothing left of it can be trusted.
pub fn client_addr(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded.iter().rev().flat_map(|h| h.rsplit(',')) {
        let Some(addr) = parse_hop(hop.trim()) else {
            return Some(peer);
        };
        client = addr;
        if !is_trusted(&addr) {
            break;
        }
    }
    Some(client)
}

/// One `X-Forwarded-For` entry: an address, with or without a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(a) = hop.parse::<IpAddr>() {
        return Some(a);
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

/// The address a throttle counts by: an IPv4 address, or an IPv6 address's /64 (one subscriber
/// line holds a whole /64, so counting single addresses would count nothing).
pub fn throttle_address(addr: &str) -> String {
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match ipnet::Ipv6Net::new(v6, 64) {
            Ok(net) => net.trunc().to_string(),
            Err(_) => addr.to_string(),
        },
        _ => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // A client that writes the header itself changes nothing.
        assert_eq!(
            client_addr(Some(ip("203.0.113.9")), &["198.51.100.1"], &trusted),
            Some(ip("203.0.113.9"))
        );
        // Through the proxy: the right-most address the proxy did not add itself.
        assert_eq!(
            client_addr(Some(ip("10.0.0.2")), &["1.2.3.4, 198.51.100.7"], &trusted),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_addr(Some(ip("10.0.0.2")), &["198.51.100.7, 10.0.0.3"], &trusted),
            Some(ip("198.51.100.7"))
        );
        // No trusted proxies configured: the header never counts.
        assert_eq!(
            client_addr(Some(ip("10.0.0.2")), &["198.51.100.7"], &[]),
            Some(ip("10.0.0.2"))
        );
        // A proxy that forwards nothing usable: the proxy's own address.
        assert_eq!(
            client_addr(Some(ip("10.0.0.2")), &["garbage"], &trusted),
            Some(ip("10.0.0.2"))
        );
        // Ports are read; an unreadable entry never lets one further left through.
        assert_eq!(
            client_addr(
                Some(ip("10.0.0.2")),
                &["6.6.6.6, 198.51.100.7:5060"],
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_addr(Some(ip("10.0.0.2")), &["6.6.6.6, what"], &trusted),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_addr(
                Some(ip("10.0.0.2")),
                &["6.6.6.6", "[2001:db8::7]:443"],
                &trusted
            ),
            Some(ip("2001:db8::7"))
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            throttle_address("2001:db8:1:2:aaaa::1"),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_address("2001:db8:1:2:bbbb::9"),
            throttle_address("2001:db8:1:2:aaaa::1")
        );
        assert_eq!(throttle_address("198.51.100.7"), "198.51.100.7");
    }

    #[test]
    fn request_ids_are_short_and_plain() {
        assert!(is_request_id("req-42_a.b"));
        assert!(!is_request_id(""));
        assert!(!is_request_id(&"a".repeat(65)));
        assert!(!is_request_id("a b"));
        assert!(!is_request_id("a\u{202E}b"));
    }
}

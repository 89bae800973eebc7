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
/// appends the address it saw, so addresses further left are whatever the client wrote).
pub fn client_addr(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = forwarded
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    Some(
        hops.iter()
            .rev()
            .find(|a| !is_trusted(a))
            .or(hops.first())
            .copied()
            .unwrap_or(peer),
    )
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

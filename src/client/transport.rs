//! Whether a server address is safe to send a password or token to.

/// The host of `base` when it is plain `http://` to a machine other than this one: a password sent
/// there crosses the network readable by anyone in between. `None` for HTTPS and for loopback.
/// The address is read as the client will read it (`HTTP://`, `http:host` are plain HTTP too).
pub fn plain_http_to_remote(base: &str) -> Option<String> {
    let url = reqwest::Url::parse(base.trim()).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| host.to_string())
}

/// The refusal shown when a password would go over plain HTTP to another machine.
pub fn refuse_plain_http(base: &str, insecure: bool) -> anyhow::Result<()> {
    match plain_http_to_remote(base) {
        Some(host) if !insecure => anyhow::bail!(
            "refusing to send a password over plain HTTP to {host}: anyone on the way could read it. \
             Use an https:// address, or pass --insecure if this network is yours alone"
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_to_another_machine_is_flagged() {
        assert_eq!(
            plain_http_to_remote("http://pbx.example.net:8640"),
            Some("pbx.example.net".into())
        );
        assert_eq!(
            plain_http_to_remote("http://10.1.2.3/"),
            Some("10.1.2.3".into())
        );
        assert_eq!(plain_http_to_remote("https://pbx.example.net"), None);
        assert_eq!(plain_http_to_remote("http://127.0.0.1:8640"), None);
        assert_eq!(plain_http_to_remote("http://localhost:8640"), None);
        assert_eq!(plain_http_to_remote("http://[::1]:8640"), None);
        assert_eq!(
            plain_http_to_remote("http://user@127.0.0.1.evil.example/"),
            Some("127.0.0.1.evil.example".into())
        );
        assert_eq!(
            plain_http_to_remote("HTTP://pbx.example.net"),
            Some("pbx.example.net".into())
        );
        assert_eq!(
            plain_http_to_remote("http:pbx.example.net"),
            Some("pbx.example.net".into())
        );
        assert!(refuse_plain_http("http://pbx.example.net", false).is_err());
        assert!(refuse_plain_http("http://pbx.example.net", true).is_ok());
    }
}

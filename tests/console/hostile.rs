//! The console under a hostile server: garbage instead of HTTP, answers that are not JSON or not
//! the API's JSON, huge and endless bodies, bodies that trickle, connections dropped mid-answer.
//! Through each, the console keeps running, says what went wrong in words, keeps what was typed,
//! and shows real data again once the server behaves.
//!
//! The hostile server sits in front of a real one: when told to behave it passes each request on,
//! so the same console can fail and recover without starting again.

use crate::harness::{Console, demo_server};
use dealerctl::client::{ApiClient, ClientError, MAX_ANSWER};
use dealerctl::credentials::CredentialStore;
use dealerctl::model::{PageParams, TenantFilter};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const W: u16 = 110;
const H: u16 = 30;

/// What the hostile server does with the next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// Passes the request to the real server and its answer back.
    Behave,
    /// Bytes that are not HTTP at all.
    Garbage,
    /// A JSON answer whose body is not JSON.
    NotJson,
    /// An HTML page (a captive portal, a proxy's login page) with status 200.
    Html,
    /// Valid JSON of another shape, holding a long string a careless message would quote.
    WrongShape,
    /// An answer that announces 500 MB.
    HugeDeclared,
    /// An answer whose body goes on and on (until the client stops reading, or 256 MiB).
    Endless,
    /// An error status whose body goes on and on.
    EndlessError,
    /// An answer that sends one byte every 100 ms.
    Trickle,
    /// Headers that promise 10 kB, a few bytes, then a closed connection.
    CutShort,
    /// The connection closed as soon as the request is in.
    HangUp,
}

const MISBEHAVIOURS: [Act; 10] = [
    Act::Garbage,
    Act::NotJson,
    Act::Html,
    Act::WrongShape,
    Act::HugeDeclared,
    Act::Endless,
    Act::EndlessError,
    Act::Trickle,
    Act::CutShort,
    Act::HangUp,
];

/// Marks every byte the hostile server makes up, so a screen quoting them is caught.
const PAYLOAD: &str = "HOSTILE-PAYLOAD";

/// Where an endless body stops if nobody stops reading it: far above any limit the client may
/// have, yet small enough that a client without one does not take the machine down.
const ENDLESS_CAP: u64 = 256 * 1024 * 1024;

struct Shared {
    act: Mutex<Act>,
    upstream: String,
    /// Body bytes the last endless answer got out before the client stopped reading.
    sent: AtomicU64,
    /// Set when the last endless answer ended.
    ended: AtomicBool,
}

struct Hostile {
    url: String,
    shared: Arc<Shared>,
}

impl Hostile {
    async fn start(upstream: String) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            act: Mutex::new(Act::Behave),
            upstream,
            sent: AtomicU64::new(0),
            ended: AtomicBool::new(false),
        });
        let s = shared.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(serve(sock, s.clone(), http.clone()));
            }
        });
        Hostile { url, shared }
    }

    fn set(&self, act: Act) {
        *self.shared.act.lock().unwrap() = act;
        self.shared.sent.store(0, Ordering::SeqCst);
        self.shared.ended.store(false, Ordering::SeqCst);
    }

    /// The body bytes an endless answer got out, once it has ended (bounded wait).
    async fn endless_sent(&self) -> u64 {
        for _ in 0..500 {
            if self.shared.ended.load(Ordering::SeqCst) {
                return self.shared.sent.load(Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the endless answer never ended: nobody closed the connection");
    }
}

/// A request as read off the wire.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// One connection: each request gets what the act says at the time it comes in. Only a behaving
/// answer keeps the connection open, so a pooled connection never outlives a change of act.
async fn serve(mut sock: TcpStream, shared: Arc<Shared>, http: reqwest::Client) {
    while let Some(req) = read_request(&mut sock).await {
        let act = *shared.act.lock().unwrap();
        let head = |status: &str, kind: &str, length: Option<usize>| {
            let length = length.map_or(String::new(), |n| format!("content-length: {n}\r\n"));
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\n{length}connection: close\r\n\r\n"
            )
        };
        let whole = |status: &str, kind: &str, body: String| {
            format!("{}{body}", head(status, kind, Some(body.len())))
        };
        let _ = match act {
            Act::Behave => {
                if forward(&mut sock, &shared.upstream, &http, req)
                    .await
                    .is_err()
                {
                    return;
                }
                continue;
            }
            Act::Garbage => {
                let mut bytes = b"\x00\xff\x13\x37 SSH-2.0-".to_vec();
                bytes.extend_from_slice(PAYLOAD.as_bytes());
                bytes.extend_from_slice(&[0xfe; 200]);
                sock.write_all(&bytes).await
            }
            Act::NotJson => {
                let body = format!("\u{1}\u{2}{PAYLOAD} {{{{{{ \u{7f}");
                sock.write_all(whole("200 OK", "application/json", body).as_bytes())
                    .await
            }
            Act::Html => {
                let body = format!("<html><body><h1>{PAYLOAD}: please sign in</h1></body></html>");
                sock.write_all(whole("200 OK", "text/html; charset=utf-8", body).as_bytes())
                    .await
            }
            Act::WrongShape => {
                let long = PAYLOAD.repeat(1000);
                let body = format!(r#"{{"items":"{long}","total":"{long}","{PAYLOAD}":[1,2]}}"#);
                sock.write_all(whole("200 OK", "application/json", body).as_bytes())
                    .await
            }
            Act::HugeDeclared => {
                let h = head("200 OK", "application/json", Some(500_000_000));
                endless(&mut sock, &shared, h).await
            }
            Act::Endless => {
                let h = head("200 OK", "application/json", None);
                endless(&mut sock, &shared, h).await
            }
            Act::EndlessError => {
                let h = head("500 Internal Server Error", "application/json", None);
                endless(&mut sock, &shared, h).await
            }
            Act::Trickle => {
                let h = head("200 OK", "application/json", Some(10_000));
                let mut r = sock.write_all(h.as_bytes()).await;
                // Ends when the client gives up and closes (a write then fails), or after 60 s.
                for _ in 0..600 {
                    if r.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    r = sock.write_all(b" ").await;
                }
                r
            }
            Act::CutShort => {
                let h = head("200 OK", "application/json", Some(10_000));
                sock.write_all(format!("{h}{{\"items\":[").as_bytes()).await
            }
            Act::HangUp => Ok(()),
        };
        return;
    }
}

/// Writes `head`, then blank JSON (valid so far, so a client reading it all would go on) until
/// the client stops reading or the cap is reached; counts what got out.
async fn endless(sock: &mut TcpStream, shared: &Shared, head: String) -> std::io::Result<()> {
    let chunk = vec![b' '; 64 * 1024];
    let mut r = sock.write_all(head.as_bytes()).await;
    let mut sent = 0u64;
    while r.is_ok() && sent < ENDLESS_CAP {
        r = sock.write_all(&chunk).await;
        if r.is_ok() {
            sent += chunk.len() as u64;
        }
    }
    shared.sent.store(sent, Ordering::SeqCst);
    shared.ended.store(true, Ordering::SeqCst);
    r
}

/// Passes a request to the real server and writes its answer back (keeping the connection).
async fn forward(
    sock: &mut TcpStream,
    upstream: &str,
    http: &reqwest::Client,
    req: Request,
) -> std::io::Result<()> {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut rb = http.request(method, format!("{upstream}{}", req.target));
    for (k, v) in &req.headers {
        if !matches!(k.as_str(), "host" | "content-length" | "connection") {
            rb = rb.header(k, v);
        }
    }
    let answer = rb
        .body(req.body)
        .send()
        .await
        .map_err(std::io::Error::other)?;
    let status = answer.status();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (k, v) in answer.headers() {
        let k = k.as_str();
        if !matches!(k, "content-length" | "transfer-encoding" | "connection") {
            out.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap_or_default()));
        }
    }
    let body = answer.bytes().await.map_err(std::io::Error::other)?;
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    sock.write_all(out.as_bytes()).await?;
    sock.write_all(&body).await
}

/// The client the console uses here: as the real one, with a time-out short enough that a
/// trickling answer fails within the test.
fn quick_client(url: &str) -> ApiClient {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    ApiClient::with_http(http, url)
}

/// A demo server, the hostile one in front of it, and a console signed in through both.
async fn console_behind_hostile(email: &str) -> (Console, Hostile, tempfile::TempDir) {
    let (server, dir) = demo_server().await;
    let hostile = Hostile::start(server.url()).await;
    let token = ApiClient::new(&server.url())
        .unwrap()
        .login(email, dealerctl::server::demo::DEMO_PASSWORD)
        .await
        .unwrap()
        .token;
    let mut c = Console::attach_client(
        quick_client(&hostile.url),
        Some(email.into()),
        Arc::new(CredentialStore::memory()),
        None,
    );
    c.server = Some(server);
    c.boot(Some(token)).await;
    (c, hostile, dir)
}

/// Words the console should show for each misbehaviour (any one of them).
fn words_for(act: Act) -> &'static [&'static str] {
    match act {
        Act::Garbage | Act::HangUp => &["connection lost", "cannot reach the server"],
        Act::NotJson => &["could not be read: not JSON"],
        Act::Html => &["could not be read: text/html, not JSON"],
        Act::WrongShape => &["could not be read: JSON of another shape"],
        Act::HugeDeclared | Act::Endless => &["larger than 16 MiB; it was not read"],
        Act::EndlessError => &["the server answered 500 without an error description"],
        Act::Trickle => &["took too long to answer", "connection lost"],
        Act::CutShort => &["the answer broke off", "connection lost"],
        Act::Behave => &[],
    }
}

/// Misbehaviours that are a broken connection: the console goes offline and retries by itself.
fn drops_the_connection(act: Act) -> bool {
    matches!(
        act,
        Act::Garbage | Act::HangUp | Act::Trickle | Act::CutShort
    )
}

fn assert_said_in_words(act: Act, screen: &str) {
    // Words may wrap inside a box: read the screen as one run of words.
    let flat = screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words_for(act).iter().any(|w| flat.contains(w)),
        "{act:?}: the error is not shown in words:\n{screen}"
    );
    assert!(
        !screen.contains(PAYLOAD) && !screen.contains('\u{fffd}'),
        "{act:?}: the screen quotes what the server sent:\n{screen}"
    );
}

#[tokio::test]
async fn a_list_survives_every_misbehaviour_and_shows_real_data_again() {
    let (mut c, hostile, _dir) = console_behind_hostile("admin@acme.example").await;
    c.keys("2").await;
    assert!(c.screen(W, H).contains("Tenants (33 of 33)"));
    for act in MISBEHAVIOURS {
        hostile.set(act);
        c.keys("r").await;
        let screen = c.screen(W, H);
        assert_said_in_words(act, &screen);
        assert!(
            screen.contains("Acme HQ"),
            "{act:?}: what was loaded stays on screen:\n{screen}"
        );
        if drops_the_connection(act) {
            assert!(!c.app.online, "{act:?}: shown as offline:\n{screen}");
        }

        hostile.set(Act::Behave);
        if drops_the_connection(act) {
            // No key pressed: the console's own retry brings it back.
            c.until(Duration::from_secs(10), |app| app.online).await;
            c.settle().await;
        } else {
            c.keys("r").await;
        }
        let screen = c.screen(W, H);
        assert!(
            screen.contains("Tenants (33 of 33)") && screen.contains("Acme HQ"),
            "{act:?}: real data again:\n{screen}"
        );
        assert!(
            !screen.contains("offline") && words_for(act).iter().all(|w| !screen.contains(w)),
            "{act:?}: the error is gone once the server behaves:\n{screen}"
        );
    }
}

#[tokio::test]
async fn the_sign_in_screen_keeps_what_was_typed_through_every_misbehaviour() {
    let (server, _dir) = demo_server().await;
    let hostile = Hostile::start(server.url()).await;
    for act in MISBEHAVIOURS {
        let mut c = Console::attach_client(
            quick_client(&hostile.url),
            None,
            Arc::new(CredentialStore::memory()),
            None,
        );
        c.boot(None).await;
        hostile.set(act);
        c.keys("staff@riverside.example<enter>demo-password<enter>")
            .await;
        let screen = c.screen(W, H);
        assert!(c.app.me.is_none() && c.app.signin.is_some(), "{act:?}");
        assert_said_in_words(act, &screen);
        assert!(
            screen.contains("staff@riverside.example"),
            "{act:?}: the e-mail typed stays:\n{screen}"
        );
        // The password stays too: enter alone signs in once the server behaves.
        hostile.set(Act::Behave);
        c.keys("<enter>").await;
        let screen = c.screen(W, H);
        assert!(
            screen.contains("staff@riverside.example (Riverside Resell)")
                && screen.contains("Riverside Dental"),
            "{act:?}: signed in with what was typed:\n{screen}"
        );
    }
}

#[tokio::test]
async fn a_form_keeps_what_was_typed_when_saving_meets_a_misbehaviour() {
    let (mut c, hostile, _dir) = console_behind_hostile("admin@acme.example").await;
    c.keys("jj").await;
    let northwind = c.app.tree.selected_row().unwrap().id.clone();
    let api = c.client_as("admin@acme.example").await;
    for (n, act) in MISBEHAVIOURS.into_iter().enumerate() {
        let phone = format!("+44 20 7946 {n:04}");
        c.keys("e").await;
        assert!(c.app.form.is_some(), "{act:?}: {}", c.screen(W, H));
        // The phone field: clear it, type a new number.
        c.keys("<tab><tab>").await;
        for _ in 0..40 {
            c.keys("<bs>").await;
        }
        c.keys(&phone).await;
        hostile.set(act);
        c.keys("<enter>").await;
        let screen = c.screen(W, H);
        assert!(
            c.app.form.is_some(),
            "{act:?}: the form stays open:\n{screen}"
        );
        assert!(
            screen.contains(&phone),
            "{act:?}: the number typed stays:\n{screen}"
        );
        assert_said_in_words(act, &screen);

        hostile.set(Act::Behave);
        c.keys("<enter>").await;
        let screen = c.screen(W, H);
        assert!(
            c.app.form.is_none() && screen.contains("saved the dealer"),
            "{act:?}: saved once the server behaves:\n{screen}"
        );
        assert_eq!(api.get_dealer(&northwind).await.unwrap().phone, phone);
        // Back online for the next round (the retry after a broken connection included).
        c.until(Duration::from_secs(10), |app| app.online).await;
        c.settle().await;
        assert!(
            !c.screen(W, H).contains("offline"),
            "{act:?}:\n{}",
            c.screen(W, H)
        );
    }
}

#[tokio::test]
async fn huge_and_endless_answers_are_refused_without_reading_them_whole() {
    let (server, _dir) = demo_server().await;
    let hostile = Hostile::start(server.url()).await;
    let token = ApiClient::new(&server.url())
        .unwrap()
        .login("admin@acme.example", dealerctl::server::demo::DEMO_PASSWORD)
        .await
        .unwrap()
        .token;
    // The client as the console builds it (its own time-outs), so nothing here ends by time.
    let client = ApiClient::new(&hostile.url).unwrap().with_token(token);
    let list = || async {
        client
            .list_tenants(&TenantFilter::default(), &PageParams::default())
            .await
    };
    // What may still be in flight when the client stops: socket buffers on both ends.
    let slack = 32 * 1024 * 1024;

    hostile.set(Act::HugeDeclared);
    let e = list().await.unwrap_err();
    assert!(matches!(e, ClientError::TooLarge { .. }), "{e:?}");
    assert!(
        hostile.endless_sent().await < slack,
        "an announced 500 MB is refused before reading"
    );

    hostile.set(Act::Endless);
    let e = list().await.unwrap_err();
    assert!(
        matches!(e, ClientError::TooLarge { limit } if limit == MAX_ANSWER),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "the server's answer is larger than 16 MiB; it was not read"
    );
    let sent = hostile.endless_sent().await;
    assert!(
        sent < MAX_ANSWER as u64 + slack,
        "the client read {sent} bytes of an endless answer"
    );

    hostile.set(Act::EndlessError);
    let e = list().await.unwrap_err();
    assert_eq!(e.status(), Some(500), "{e:?}");
    let sent = hostile.endless_sent().await;
    assert!(
        sent < slack,
        "the client read {sent} bytes of an endless error answer"
    );

    hostile.set(Act::Behave);
    assert_eq!(list().await.unwrap().total, 33);
}

#[tokio::test]
async fn answers_that_are_not_the_apis_become_short_sentences_without_the_servers_bytes() {
    let (server, _dir) = demo_server().await;
    let hostile = Hostile::start(server.url()).await;
    let client = quick_client(&hostile.url).with_token("any");
    for act in MISBEHAVIOURS {
        hostile.set(act);
        let e = client.me().await.unwrap_err();
        let text = e.to_string();
        assert!(
            !text.contains(PAYLOAD) && text.chars().count() <= 200,
            "{act:?}: {text}"
        );
        assert!(
            words_for(act).iter().any(|w| text.contains(w)) || matches!(e, ClientError::Network(_)),
            "{act:?}: {text}"
        );
    }
}

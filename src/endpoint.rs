//! `metrics --listen`: a small synchronous HTTP/1.1 endpoint for Prometheus, on std's
//! `TcpListener`, with `httparse` reading the request head.
//!
//! Each connection gets a thread of its own (at most [`MAX_CONNECTIONS`]), answers one
//! request and closes, as Prometheus expects of a scrape target that says
//! `Connection: close`. Every scrape gathers afresh; at most `max_scrapes` gather and
//! render at once and the others get 503 at once. The scrape place is given back as soon
//! as the answer is rendered, so a client that reads its answer slowly holds only its own
//! connection, and that for at most [`SEND_DEADLINE`] in all (not per write: a client
//! that takes a few bytes now and then is cut off all the same). A request head must
//! arrive within [`SOCKET_TIMEOUT`]. When every connection place is taken, a new
//! connection takes the place of the oldest one still waiting for its request head (so
//! that idle connections cannot keep a scrape out), and is closed at once only when every
//! place is busy answering. The accept loop notices Ctrl-C or SIGTERM within [`POLL`],
//! and a failing accept(2) (out of file descriptors, say) is waited out, not fatal.

use crate::error::{Error, Result, Status};
use crate::model::metrics::Exposition;
use crate::output;
use crate::render::openmetrics::{self, Dialect};
use crate::signals;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the accept loop looks for a stop request.
pub const POLL: Duration = Duration::from_millis(50);
/// How long a request head may take to arrive.
pub const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the whole answer may take to be sent, however the client reads it.
pub const SEND_DEADLINE: Duration = Duration::from_secs(20);
/// Connections served at once. A connection beyond them takes the place of the oldest
/// one still waiting for its request head, or is closed at once when there is none.
pub const MAX_CONNECTIONS: usize = 512;
/// The kernel's send buffer for one connection (it doubles it). Left to itself it grows
/// to 4 MiB, so that a client that reads nothing would pin that much kernel memory per
/// connection; bounded, such a client holds its own connection until [`SEND_DEADLINE`].
const SEND_BUFFER: usize = 256 * 1024;
/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;
/// How long a closing connection waits for the client's unread bytes (so that closing
/// with them unread does not reset the connection before the client read the answer).
const LINGER: Duration = Duration::from_secs(1);
/// How long a stop waits for connections in flight to finish.
const DRAIN: Duration = Duration::from_secs(1);

const INDEX: &str = "<!DOCTYPE html>\n<html><head><title>shmctl-rs metrics</title></head>\n<body><h1>shmctl-rs</h1>\n<p>System V shared-memory metrics: <a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

/// What a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Metrics,
    Index,
    NotFound,
    MethodNotAllowed,
}

/// The route of `method` on `target` (its query string ignored; an absolute
/// `http://host/path` taken as its path): GET or HEAD of `/metrics` or `/`.
pub fn route(method: &str, target: &str) -> Route {
    let origin = ["http://", "https://"]
        .iter()
        .find_map(|scheme| target.strip_prefix(scheme))
        .map_or(target, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = origin.split(['?', '#']).next().unwrap_or("");
    let page = match path {
        "/metrics" => Route::Metrics,
        "/" => Route::Index,
        _ => return Route::NotFound,
    };
    if method == "GET" || method == "HEAD" {
        page
    } else {
        Route::MethodNotAllowed
    }
}

/// The quality a media range of an `Accept` header gives to `type/subtype`: `Some(q)`
/// when it names it exactly, `None` when it does not (or only through a wildcard).
fn quality(range: &str, media_type: &str) -> Option<f32> {
    let mut parts = range.split(';');
    let name = parts.next()?.trim();
    if !name.eq_ignore_ascii_case(media_type) {
        return None;
    }
    let q = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
        .and_then(|(_, v)| v.trim().parse::<f32>().ok())
        .unwrap_or(1.0);
    Some(q)
}

/// The format a scraper asked for: OpenMetrics when its `Accept` header names it at
/// least as highly as the Prometheus text format, the text format otherwise (also with
/// no header or wildcards only), as Prometheus' own client libraries do.
pub fn negotiate(accept: Option<&str>) -> Dialect {
    let best = |media_type: &str| {
        accept
            .into_iter()
            .flat_map(|a| a.split(','))
            .filter_map(|range| quality(range, media_type))
            .fold(None, |best: Option<f32>, q| {
                Some(best.map_or(q, |b| b.max(q)))
            })
    };
    match (best("application/openmetrics-text"), best("text/plain")) {
        (Some(om), text) if om > 0.0 && text.is_none_or(|t| om >= t) => Dialect::OpenMetrics,
        _ => Dialect::Text,
    }
}

/// A request head: what the endpoint looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// Every `Accept` header, joined with commas.
    pub accept: Option<String>,
}

/// Parse a request head: `Ok(None)` while it is incomplete, `Err` for what is not HTTP/1.x.
pub fn parse_head(bytes: &[u8]) -> std::result::Result<Option<Head>, httparse::Error> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    if request.parse(bytes)?.is_partial() {
        return Ok(None);
    }
    let accept: Vec<&str> = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("accept"))
        .filter_map(|h| std::str::from_utf8(h.value).ok())
        .collect();
    Ok(Some(Head {
        method: request.method.unwrap_or_default().to_string(),
        target: request.path.unwrap_or_default().to_string(),
        accept: (!accept.is_empty()).then(|| accept.join(",")),
    }))
}

/// A response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn text(status: u16, body: String) -> Answer {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: body.into_bytes(),
        }
    }

    fn reason(&self) -> &'static str {
        match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "",
        }
    }

    /// The status line and headers.
    pub fn head(&self) -> String {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            self.reason(),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head
    }

    /// Send the answer to `stream` by `deadline` at the latest: each write may block only
    /// for what is left of the time, so that a client that reads a little now and then
    /// cannot stretch the answer out.
    fn send_by(
        &self,
        stream: &mut TcpStream,
        with_body: bool,
        deadline: Instant,
    ) -> io::Result<()> {
        let head = self.head();
        let body: &[u8] = if with_body { &self.body } else { &[] };
        for mut part in [head.as_bytes(), body] {
            while !part.is_empty() {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                stream.set_write_timeout(Some(left))?;
                match stream.write(part) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => part = &part[n..],
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// Places in use, and a cap on them; a [`Slot`] holds one until dropped.
#[derive(Clone)]
struct Slots {
    used: Arc<AtomicUsize>,
    max: usize,
}

struct Slot(Arc<AtomicUsize>);

impl Slots {
    fn new(max: usize) -> Slots {
        Slots {
            used: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }

    fn take(&self) -> Option<Slot> {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(&self.used)))
    }

    /// A place even over the cap: for a connection that takes the place of one being
    /// closed (which gives its own back as its thread ends).
    fn take_over(&self) -> Slot {
        self.used.fetch_add(1, Ordering::SeqCst);
        Slot(Arc::clone(&self.used))
    }

    fn in_use(&self) -> usize {
        self.used.load(Ordering::SeqCst)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The answer to `head`. A scrape holds one of `scrapes` while it gathers and renders,
/// and gives it back before the answer is sent.
fn answer<F>(head: &Head, gather: &F, scrapes: &Slots) -> Answer
where
    F: Fn() -> Result<Exposition>,
{
    match route(&head.method, &head.target) {
        Route::Index => Answer {
            status: 200,
            content_type: "text/html; charset=utf-8",
            headers: Vec::new(),
            body: INDEX.as_bytes().to_vec(),
        },
        Route::NotFound => Answer::text(404, "not found: the metrics are at /metrics\n".into()),
        Route::MethodNotAllowed => {
            let mut a = Answer::text(405, "method not allowed: use GET or HEAD\n".into());
            a.headers.push(("Allow", "GET, HEAD".into()));
            a
        }
        Route::Metrics => {
            let Some(slot) = scrapes.take() else {
                let mut a = Answer::text(
                    503,
                    format!(
                        "too many scrapes at once (at most {}); try again\n",
                        scrapes.max
                    ),
                );
                a.headers.push(("Retry-After", "1".into()));
                return a;
            };
            let dialect = negotiate(head.accept.as_deref());
            let _slot = slot;
            match gather() {
                Ok(exposition) => Answer {
                    status: 200,
                    content_type: dialect.content_type(),
                    headers: Vec::new(),
                    body: openmetrics::render(&exposition, dialect).into_bytes(),
                },
                Err(e) => {
                    output::warn(format!("scrape failed: {e}"));
                    Answer::text(500, format!("scrape failed: {e}\n"))
                }
            }
        }
    }
}

/// Read a request head within [`SOCKET_TIMEOUT`]: the head, or the answer for a client
/// that sent something else (`None`: it went away; nothing to answer).
fn read_head(stream: &mut TcpStream) -> std::result::Result<Head, Option<Answer>> {
    let deadline = Instant::now() + SOCKET_TIMEOUT;
    let mut buf = vec![0u8; MAX_HEAD];
    let mut len = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timed_out = || Answer::text(408, "the request took too long\n".into());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Some(timed_out()));
        }
        match stream.read(&mut buf[len..]) {
            Ok(0) => return Err(None),
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Some(timed_out()));
            }
            Err(_) => return Err(None),
        }
        match parse_head(&buf[..len]) {
            Ok(Some(head)) => return Ok(head),
            Ok(None) if len == buf.len() => {
                return Err(Some(Answer::text(
                    431,
                    "the request head is too large\n".into(),
                )));
            }
            Ok(None) => {}
            Err(e) => {
                return Err(Some(Answer::text(
                    400,
                    format!("not an HTTP/1.x request: {e}\n"),
                )));
            }
        }
    }
}

/// Close the way HTTP servers do: no more writing, then take what the client still sends
/// for a moment, so that its unread bytes do not reset the connection under the answer.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    let mut taken = 0;
    while Instant::now() < deadline && taken < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => taken += n,
        }
    }
}

/// Connections still waiting for their request head, oldest first: those a new
/// connection may take the place of when every place is taken.
#[derive(Clone, Default)]
struct Waiting(Arc<Mutex<VecDeque<(u64, TcpStream)>>>);

impl Waiting {
    fn queue(&self) -> std::sync::MutexGuard<'_, VecDeque<(u64, TcpStream)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Count connection `id` as waiting (a connection that cannot be cloned is not).
    fn add(&self, id: u64, stream: &TcpStream) {
        if let Ok(handle) = stream.try_clone() {
            self.queue().push_back((id, handle));
        }
    }

    fn remove(&self, id: u64) {
        self.queue().retain(|(waiting, _)| *waiting != id);
    }

    /// Close the oldest waiting connection (its thread's read then ends): false when no
    /// connection waits.
    fn close_oldest(&self) -> bool {
        let oldest = self.queue().pop_front();
        oldest.is_some_and(|(_, stream)| {
            let _ = stream.shutdown(Shutdown::Both);
            true
        })
    }
}

fn connection<F>(mut stream: TcpStream, id: u64, waiting: &Waiting, gather: &F, scrapes: &Slots)
where
    F: Fn() -> Result<Exposition>,
{
    let _ = nix::sys::socket::setsockopt(&stream, nix::sys::socket::sockopt::SndBuf, &SEND_BUFFER);
    let head = read_head(&mut stream);
    waiting.remove(id);
    let (answer, with_body) = match head {
        Ok(head) => (answer(&head, gather, scrapes), head.method != "HEAD"),
        Err(Some(answer)) => (answer, true),
        Err(None) => return,
    };
    let deadline = Instant::now() + SEND_DEADLINE;
    match answer.send_by(&mut stream, with_body, deadline) {
        Ok(()) => linger(&mut stream),
        // Out of time: reset the connection, so that what is still queued for the client
        // is dropped rather than sent at its pace after the close.
        Err(_) => {
            let reset = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            let _ =
                nix::sys::socket::setsockopt(&stream, nix::sys::socket::sockopt::Linger, &reset);
        }
    }
}

/// Let every connection have its file descriptors: the soft limit up to the hard one.
fn raise_open_files_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
    {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// Wait up to [`POLL`] for a connection to accept.
fn incoming(listener: &TcpListener) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
    let timeout = PollTimeout::try_from(POLL).unwrap_or(PollTimeout::MAX);
    matches!(poll(&mut fds, timeout), Ok(n) if n > 0)
}

/// Serve `GET /metrics` on `addr` until Ctrl-C, SIGTERM or SIGHUP (then exit status 130),
/// gathering with `gather` on every scrape.
pub fn serve<F>(addr: SocketAddr, max_scrapes: usize, gather: F) -> Result<Status>
where
    F: Fn() -> Result<Exposition> + Send + Sync + 'static,
{
    signals::install()?;
    raise_open_files_limit();
    let listener = TcpListener::bind(addr).map_err(|e| {
        let status = match e.kind() {
            io::ErrorKind::PermissionDenied => Status::PermissionDenied,
            _ => Status::Failure,
        };
        Error::new(status, format!("listen {addr}: {e}"))
    })?;
    let bound = listener.local_addr()?;
    let gather = Arc::new(gather);
    let scrapes = Slots::new(max_scrapes);
    let connections = Slots::new(MAX_CONNECTIONS);
    let waiting = Waiting::default();
    let mut next_id: u64 = 0;
    output::note(format!(
        "serving metrics on http://{bound}/metrics (at most {max_scrapes} scrapes at once); Ctrl-C or SIGTERM stops"
    ));
    let mut last_warning: Option<Instant> = None;
    while !signals::stop_requested() {
        if !incoming(&listener) {
            continue;
        }
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::ConnectionAborted
                ) =>
            {
                continue;
            }
            Err(e) => {
                // Out of file descriptors or memory: the connection waits in the queue
                // until some close; say so now and then, and do not spin.
                if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    output::warn(format!("listen {bound}: cannot accept a connection: {e}"));
                    last_warning = Some(Instant::now());
                }
                std::thread::sleep(POLL);
                continue;
            }
        };
        // Over the cap, the connection takes the place of the oldest one that has not
        // sent its request yet, or is closed at once when every place is answering.
        let place = match connections.take() {
            Some(place) => place,
            None if waiting.close_oldest() => connections.take_over(),
            None => continue,
        };
        next_id += 1;
        let id = next_id;
        waiting.add(id, &stream);
        let (gather, scrapes, waiting) = (Arc::clone(&gather), scrapes.clone(), waiting.clone());
        let spawned = std::thread::Builder::new()
            .name("http".into())
            .spawn(move || {
                let _place = place;
                connection(stream, id, &waiting, gather.as_ref(), &scrapes);
            });
        if let Err(e) = spawned {
            output::warn(format!("cannot start a thread for a connection: {e}"));
        }
    }
    drop(listener);
    let deadline = Instant::now() + DRAIN;
    while connections.in_use() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(Status::Interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("GET", "/metrics"), Route::Metrics);
        assert_eq!(route("HEAD", "/metrics?x=1"), Route::Metrics);
        assert_eq!(route("GET", "/"), Route::Index);
        assert_eq!(route("POST", "/metrics"), Route::MethodNotAllowed);
        assert_eq!(route("DELETE", "/"), Route::MethodNotAllowed);
        assert_eq!(route("GET", "/metrics/"), Route::NotFound);
        assert_eq!(route("POST", "/nothing"), Route::NotFound);
        assert_eq!(route("GET", "*"), Route::NotFound);
        assert_eq!(route("GET", "http://host:9834/metrics"), Route::Metrics);
        assert_eq!(route("GET", "http://host:9834"), Route::Index);
        assert_eq!(route("GET", "https://host/x"), Route::NotFound);
    }

    #[test]
    fn scrapers_get_the_format_they_prefer() {
        // Prometheus 2.x and 3.x, then curl, then a text-only scraper.
        let prometheus2 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        let prometheus3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
        assert_eq!(negotiate(Some(prometheus2)), Dialect::OpenMetrics);
        assert_eq!(negotiate(Some(prometheus3)), Dialect::OpenMetrics);
        assert_eq!(negotiate(Some("*/*")), Dialect::Text);
        assert_eq!(negotiate(None), Dialect::Text);
        assert_eq!(negotiate(Some("text/plain;version=0.0.4")), Dialect::Text);
        assert_eq!(
            negotiate(Some(
                "text/plain;q=0.9, Application/OpenMetrics-Text ; q=0.5"
            )),
            Dialect::Text
        );
        assert_eq!(
            negotiate(Some("application/openmetrics-text;q=0")),
            Dialect::Text
        );
        assert_eq!(negotiate(Some("garbage;;q=x,,")), Dialect::Text);
    }

    #[test]
    fn request_heads_are_parsed_whole_or_asked_for_more() {
        let full = b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\naccept: application/openmetrics-text\r\n\r\n";
        assert_eq!(
            parse_head(full).unwrap(),
            Some(Head {
                method: "GET".into(),
                target: "/metrics".into(),
                accept: Some("text/plain,application/openmetrics-text".into()),
            })
        );
        assert_eq!(parse_head(&full[..20]).unwrap(), None);
        assert_eq!(
            parse_head(b"HEAD / HTTP/1.0\r\n\r\n")
                .unwrap()
                .unwrap()
                .accept,
            None
        );
        assert!(parse_head(b"NONSENSE\r\n\r\n").is_err());
        assert!(parse_head(b"PRI * HTTP/2.0\r\n\r\n").is_err());
    }

    #[test]
    fn answers_say_their_length_and_close() {
        let mut a = Answer::text(503, "busy\n".into());
        a.headers.push(("Retry-After", "1".into()));
        assert_eq!(
            a.head(),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"
        );
    }

    #[test]
    fn scrape_places_are_capped_and_given_back() {
        let slots = Slots::new(2);
        let a = slots.take().unwrap();
        let _b = slots.take().unwrap();
        assert!(slots.take().is_none());
        drop(a);
        assert_eq!(slots.in_use(), 1);
        assert!(slots.take().is_some());
        let gather = || -> Result<Exposition> { Err(Error::other("not here")) };
        let head = Head {
            method: "GET".into(),
            target: "/metrics".into(),
            accept: None,
        };
        let full = Slots::new(0);
        assert_eq!(answer(&head, &gather, &full).status, 503);
        let one = Slots::new(1);
        let (failed, said) = crate::output::capture::messages(|| answer(&head, &gather, &one));
        assert_eq!(failed.status, 500);
        assert_eq!(said, ["warning: scrape failed: not here"]);
        assert_eq!(one.in_use(), 0, "given back once the answer is rendered");
    }
}

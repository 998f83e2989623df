// Listing: the local web service every experiment of the chapter talks to.
//
// A small HTTP/1.0 server on tokio, bound to 127.0.0.1 only, that waits a
// configurable latency before answering, like a slow API far away. It runs
// on a thread of its own with its own runtime, so the blocking experiments
// can use it from ordinary threads. This file is also a complete program (see
// `main` at the bottom).

extern crate tokio;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How the server treats every request: the well-behaved API, or one of the
/// failures a client must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Waits the latency, then answers with a proper HTTP response.
    Answer,
    /// Accepts the connection, reads the request and never says a word.
    NeverAnswer,
    /// Waits the latency, then sends something that is not HTTP.
    Malformed,
}

/// A running server. Dropping it stops the server and joins its thread.
///
/// The server owns a whole tokio runtime on its own thread rather than
/// borrowing the caller's: the blocking experiments have no runtime at all,
/// and the runtime experiments must not share theirs with the server, or a
/// blocked runtime would also block the service it waits for.
pub struct Server {
    addr: SocketAddr,
    in_flight: Arc<Gauge>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a well-behaved server answering after `latency`.
    pub fn start(latency: Duration) -> std::io::Result<Server> {
        Server::start_with(latency, Behaviour::Answer)
    }

    /// Starts a server that behaves as told.
    pub fn start_with(latency: Duration, behaviour: Behaviour) -> std::io::Result<Server> {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let in_flight = Arc::new(Gauge::default());
        let gauge = Arc::clone(&in_flight);
        let thread = std::thread::Builder::new()
            .name("local-server".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => return drop(addr_tx.send(Err(err))),
                };
                runtime.block_on(async move {
                    let listener = match listen_on_loopback() {
                        Ok(listener) => listener,
                        Err(err) => return drop(addr_tx.send(Err(err))),
                    };
                    let _ = addr_tx.send(listener.local_addr());
                    tokio::select! {
                        _ = accept_forever(listener, latency, behaviour, gauge) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        let addr = addr_rx
            .recv()
            .map_err(|_| std::io::Error::other("the server thread died while starting"))??;
        Ok(Server {
            addr,
            in_flight,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where the server listens (always on 127.0.0.1, on a port the OS chose).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The most requests the server was serving at once since the last
    /// call (or since it started); the count starts again from those being
    /// served now.
    pub fn take_peak_in_flight(&self) -> usize {
        let now = self.in_flight.now.load(Ordering::SeqCst);
        self.in_flight.peak.swap(now, Ordering::SeqCst)
    }
}

/// Counts the requests being served: how many now, and the most at once.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    /// Runs `serving`, counted as one request in flight until it ends (or
    /// is dropped, when the server stops).
    async fn count<F: Future>(self: Arc<Self>, serving: F) -> F::Output {
        struct Leaving(Arc<Gauge>);
        impl Drop for Leaving {
            fn drop(&mut self) {
                self.0.now.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let _leaving = Leaving(self);
        serving.await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds 127.0.0.1 on a free port with a backlog deep enough for a thousand
/// clients connecting at once (the default of `std` is 128).
fn listen_on_loopback() -> std::io::Result<tokio::net::TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    socket.listen(4096)
}

// ANCHOR: accept
/// Accepts connections and serves each one in a task of its own, so a
/// thousand slow requests wait their latency at the same time (`in_flight`
/// counts them). If `accept` fails, most often because the process has no
/// file descriptor left (EMFILE), trying again at once would fail again at
/// once and spin a core: the loop pauses instead, twice as long after each
/// failure in a row.
async fn accept_forever(
    listener: tokio::net::TcpListener,
    latency: Duration,
    behaviour: Behaviour,
    in_flight: Arc<Gauge>,
) {
    let mut pause = Duration::from_millis(1);
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                let serving = serve(stream, latency, behaviour);
                tokio::spawn(Arc::clone(&in_flight).count(serving));
                pause = Duration::from_millis(1);
            }
            Err(_) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(100));
            }
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: serve
/// Reads the request, waits the latency (or forever, or answers garbage,
/// as the server was told to behave) and answers.
async fn serve(mut stream: TcpStream, latency: Duration, behaviour: Behaviour) {
    let Ok(path) = read_request_path(&mut stream).await else {
        return;
    };
    if behaviour == Behaviour::NeverAnswer {
        // Hold the connection open and say nothing until the server stops.
        return std::future::pending().await;
    }
    tokio::time::sleep(latency).await; // the "far away" part of the API
    let response = match behaviour {
        Behaviour::Malformed => "this is not HTTP\r\n".to_string(),
        _ => respond(&path),
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
// ANCHOR_END: serve

// ANCHOR: routes
/// The API: `/weather/<city>` answers a small JSON document, `/page/<n>` a
/// page of text whose size depends on `n` (web pages differ in size too).
fn respond(path: &str) -> String {
    let (status, content_type, body) = if let Some(city) = path.strip_prefix("/weather/") {
        let city = city.replace("%20", " ");
        let body = format!(
            "{{\"city\":\"{city}\",\"celsius\":{}}}",
            pretend_temperature(&city)
        );
        ("200 OK", "application/json", body)
    } else if let Some(n) = path
        .strip_prefix("/page/")
        .and_then(|n| n.parse::<usize>().ok())
    {
        ("200 OK", "text/plain", page_text(n))
    } else {
        (
            "404 Not Found",
            "text/plain",
            format!("no such page: {path}\n"),
        )
    };
    format!(
        "HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}
// ANCHOR_END: routes

/// The body of `/page/<n>`: 1,000 to 8,000 bytes of text, always the same for the same `n`.
pub fn page_text(n: usize) -> String {
    let line = format!("line of page {n}\n");
    let lines = (1000 + (n * 1237) % 7000) / line.len();
    line.repeat(lines.max(1))
}

/// A made-up but stable temperature (the same formula as the baseline lab's).
pub fn pretend_temperature(city: &str) -> i32 {
    let letters: u32 = city.bytes().map(u32::from).sum();
    18 + (letters % 17) as i32
}

/// Reads until the blank line that ends the request's head and returns the
/// path of its `GET` line.
async fn read_request_path(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    Ok(path.to_string())
}

/// Starts the server and asks it for one forecast with a plain blocking socket.
pub fn main() {
    use std::io::{Read, Write};
    let server = Server::start(Duration::from_millis(20)).unwrap();
    assert!(server.addr().ip().is_loopback());
    let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /weather/Oslo HTTP/1.0\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    println!("{response}");
    assert!(response.starts_with("HTTP/1.0 200 OK"));
    let celsius = pretend_temperature("Oslo");
    assert!(response.ends_with(&format!("{{\"city\":\"Oslo\",\"celsius\":{celsius}}}")));
    assert_eq!(server.take_peak_in_flight(), 1, "one request, served alone");
}

// Listing: fetching pages with blocking sockets, then with non-blocking
// sockets and a busy loop.
//
// Plain `std::net::TcpStream`, no runtime: this is what a Python program
// does with `socket.socket()` before asyncio, and `sock.setblocking(False)`
// after. This file is also a complete program (see `main` at the bottom).

extern crate anyhow;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

/// One page the server sent back.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub path: String,
    /// The size of the body, without the HTTP head.
    pub bytes: usize,
}

// ANCHOR: blocking
/// Fetches one page the blocking way: every call parks the thread until the
/// OS has something to give back, so the thread does nothing else meanwhile.
pub fn fetch_blocking(addr: SocketAddr, path: &str, timeout: Duration) -> anyhow::Result<Page> {
    let attempt = || -> anyhow::Result<Page> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())?;
        let mut response = Vec::new();
        // Blocks here for the whole latency of the server.
        stream
            .read_to_end(&mut response)
            .map_err(|err| match err.kind() {
                ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                    anyhow!("no answer within {timeout:?}")
                }
                _ => err.into(),
            })?;
        page_from_response(path, &response)
    };
    attempt().with_context(|| format!("GET {path} from {addr}"))
}

/// One request after another: the waits add up.
pub fn fetch_sequential(
    requests: &[(SocketAddr, String)],
    timeout: Duration,
) -> Vec<anyhow::Result<Page>> {
    requests
        .iter()
        .map(|(addr, path)| fetch_blocking(*addr, path, timeout))
        .collect()
}
// ANCHOR_END: blocking

/// Checks the status line and measures the body of a raw HTTP response.
pub fn page_from_response(path: &str, response: &[u8]) -> anyhow::Result<Page> {
    let text = String::from_utf8_lossy(response);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        let first_line = text.lines().next().unwrap_or("");
        bail!("malformed response: expected an HTTP head, got {first_line:?}");
    };
    let status = head.lines().next().unwrap_or("");
    if !status.starts_with("HTTP/1.") || !status.contains(" 200 ") {
        bail!("the server answered {status:?}");
    }
    Ok(Page {
        path: path.to_string(),
        bytes: body.len(),
    })
}

/// What the busy loop got, and how often it asked in vain.
#[derive(Debug)]
pub struct BusyLoopReport {
    pub pages: Vec<anyhow::Result<Page>>,
    /// Reads that returned `WouldBlock`: "nothing yet, ask again later".
    pub wasted_polls: u64,
}

// ANCHOR: busy_loop
/// Sends every request first, then asks every socket in turn "anything
/// yet?" until all have answered. Non-blocking reads never park the thread,
/// so all the waits overlap... and the thread spins at 100 % CPU asking.
pub fn fetch_busy_loop(requests: &[(SocketAddr, String)], timeout: Duration) -> BusyLoopReport {
    struct InFlight {
        stream: Option<TcpStream>,
        received: Vec<u8>,
        result: Option<anyhow::Result<Page>>,
    }
    let mut in_flight: Vec<InFlight> = requests
        .iter()
        .map(|(addr, path)| match send_request(*addr, path, timeout) {
            Ok(stream) => InFlight {
                stream: Some(stream),
                received: Vec::new(),
                result: None,
            },
            Err(err) => InFlight {
                stream: None,
                received: Vec::new(),
                result: Some(Err(err.context(format!("GET {path} from {addr}")))),
            },
        })
        .collect();

    let deadline = Instant::now() + timeout;
    let mut wasted_polls = 0;
    let mut buffer = [0u8; 4096];
    while in_flight.iter().any(|request| request.result.is_none()) {
        for (request, (addr, path)) in in_flight.iter_mut().zip(requests) {
            let Some(stream) = request.stream.as_mut() else {
                continue;
            };
            match stream.read(&mut buffer) {
                Ok(0) => {
                    let page = page_from_response(path, &request.received);
                    request.result = Some(page.with_context(|| format!("GET {path} from {addr}")));
                    request.stream = None;
                }
                Ok(n) => request.received.extend_from_slice(&buffer[..n]),
                Err(err) if err.kind() == ErrorKind::WouldBlock => wasted_polls += 1,
                Err(err) => {
                    request.result =
                        Some(Err(anyhow!(err).context(format!("GET {path} from {addr}"))));
                    request.stream = None;
                }
            }
        }
        if Instant::now() >= deadline {
            for (request, (addr, path)) in in_flight.iter_mut().zip(requests) {
                if request.result.is_none() {
                    request.result = Some(Err(anyhow!(
                        "GET {path} from {addr}: no answer within {timeout:?}"
                    )));
                }
            }
        }
    }
    BusyLoopReport {
        pages: in_flight
            .into_iter()
            .map(|request| request.result.expect("every request has a result"))
            .collect(),
        wasted_polls,
    }
}

/// Connects (blocking, it is quick on loopback), sends the request, then
/// switches the socket to non-blocking mode for the long wait.
fn send_request(addr: SocketAddr, path: &str, timeout: Duration) -> anyhow::Result<TcpStream> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())?;
    stream.set_nonblocking(true)?;
    Ok(stream)
}
// ANCHOR_END: busy_loop

/// A stand-in for the lab's server, so this file runs on its own: it serves
/// `connections` connections, each on a thread that reads the request,
/// waits `latency` and answers a short page, then stops.
fn tiny_server(latency: Duration, connections: usize) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(connections) {
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                std::thread::sleep(latency);
                let _ = stream.write_all(b"HTTP/1.0 200 OK\r\n\r\nhello");
            });
        }
    });
    addr
}

/// Three pages of 50 ms each: about 150 ms one after another, about 50 ms
/// with the busy loop, which asks many times in vain meanwhile.
pub fn main() {
    let latency = Duration::from_millis(50);
    let addr = tiny_server(latency, 6);
    let requests: Vec<(SocketAddr, String)> =
        (1..=3).map(|n| (addr, format!("/page/{n}"))).collect();
    let timeout = Duration::from_secs(10);

    let start = Instant::now();
    let pages = fetch_sequential(&requests, timeout);
    let sequential = start.elapsed();
    assert!(pages.iter().all(|page| page.as_ref().unwrap().bytes == 5));
    assert!(sequential >= 3 * latency);

    let start = Instant::now();
    let report = fetch_busy_loop(&requests, timeout);
    let busy = start.elapsed();
    assert!(report.pages.iter().all(|page| page.is_ok()));
    assert!(report.wasted_polls > 0);
    println!(
        "sequential {sequential:.2?}, busy loop {busy:.2?} with {} wasted polls",
        report.wasted_polls
    );
}

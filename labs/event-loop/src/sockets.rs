// Listing: fetching pages with blocking sockets, then with non-blocking
// sockets and a busy loop.
//
// Plain `std::net::TcpStream`, no runtime: this is what a Python program
// does with `socket.socket()` before asyncio, and `sock.setblocking(False)`
// after. This file is also a complete program (see `main` at the bottom);
// it uses `labkit` for what is not its lesson: reading the HTTP answer, and
// a stand-in server when it runs on its own.

extern crate anyhow;
extern crate labkit;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};

// ANCHOR: blocking
/// Fetches one page the blocking way and returns the size of its body.
/// Every call parks the thread until the OS has something to give back, so
/// the thread does nothing else meanwhile.
pub fn fetch_blocking(addr: SocketAddr, path: &str, timeout: Duration) -> anyhow::Result<usize> {
    let attempt = || -> anyhow::Result<usize> {
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
        Ok(labkit::http::body_of(&response)?.len())
    };
    attempt().with_context(|| format!("GET {path} from {addr}"))
}

/// One request after another: the waits add up.
pub fn fetch_sequential(
    requests: &[(SocketAddr, String)],
    timeout: Duration,
) -> Vec<anyhow::Result<usize>> {
    requests
        .iter()
        .map(|(addr, path)| fetch_blocking(*addr, path, timeout))
        .collect()
}
// ANCHOR_END: blocking

/// What the busy loop got, and how often it asked in vain.
#[derive(Debug)]
pub struct BusyLoopReport {
    /// Each page's body size, or why it failed, in request order.
    pub pages: Vec<anyhow::Result<usize>>,
    /// Reads that returned `WouldBlock`: "nothing yet, ask again later".
    pub wasted_polls: u64,
}

// ANCHOR: send
/// A request on its way: its socket until the answer is complete, the
/// bytes received so far, and the outcome once it is known.
struct InFlight {
    stream: Option<TcpStream>,
    received: Vec<u8>,
    outcome: Option<anyhow::Result<usize>>,
}

/// Connects and sends the request the blocking way (quick on loopback),
/// then switches the socket to non-blocking mode for the long wait.
fn send(addr: SocketAddr, path: &str, timeout: Duration) -> InFlight {
    let sent = || -> anyhow::Result<TcpStream> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())?;
        stream.set_nonblocking(true)?; // from now on, a read never parks the thread
        Ok(stream)
    };
    let (stream, outcome) = match sent() {
        Ok(stream) => (Some(stream), None),
        Err(err) => (None, Some(Err(err))),
    };
    let received = Vec::new();
    InFlight {
        stream,
        received,
        outcome,
    }
}
// ANCHOR_END: send

// ANCHOR: busy_loop
/// Sends every request first, then asks every socket in turn "anything
/// yet?" until all have answered. Non-blocking reads never park the thread,
/// so the waits overlap... and the thread spins at 100 % CPU asking.
pub fn fetch_busy_loop(requests: &[(SocketAddr, String)], timeout: Duration) -> BusyLoopReport {
    let mut in_flight: Vec<InFlight> = requests
        .iter()
        .map(|(addr, path)| send(*addr, path, timeout))
        .collect();
    let deadline = Instant::now() + timeout;
    let (mut wasted_polls, mut buffer) = (0, [0u8; 4096]);
    while in_flight.iter().any(|request| request.outcome.is_none()) {
        for request in &mut in_flight {
            let Some(stream) = request.stream.as_mut() else {
                continue; // answered, or failed to send
            };
            let outcome = match stream.read(&mut buffer) {
                Ok(0) => labkit::http::body_of(&request.received).map(|body| body.len()),
                Ok(n) => {
                    request.received.extend_from_slice(&buffer[..n]);
                    continue; // more may come: the answer ends when the server closes
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    wasted_polls += 1; // nothing yet: ask again next time round
                    continue;
                }
                Err(err) => Err(err.into()),
            };
            (request.outcome, request.stream) = (Some(outcome), None);
        }
        if Instant::now() >= deadline {
            for request in in_flight.iter_mut().filter(|r| r.outcome.is_none()) {
                request.outcome = Some(Err(anyhow!("no answer within {timeout:?}")));
            }
        }
    }
    report(in_flight, requests, wasted_polls)
}
// ANCHOR_END: busy_loop

/// Every request's outcome, in request order, each error naming its request.
fn report(
    in_flight: Vec<InFlight>,
    requests: &[(SocketAddr, String)],
    wasted_polls: u64,
) -> BusyLoopReport {
    let pages = in_flight
        .into_iter()
        .zip(requests)
        .map(|(request, (addr, path))| {
            let outcome = request.outcome.expect("every request has an outcome");
            outcome.with_context(|| format!("GET {path} from {addr}"))
        });
    BusyLoopReport {
        pages: pages.collect(),
        wasted_polls,
    }
}

/// Three pages of 50 ms each: about 150 ms one after another, about 50 ms
/// with the busy loop, which asks many times in vain meanwhile.
pub fn main() {
    let latency = Duration::from_millis(50);
    let addr = labkit::http::stand_in_server(latency, 6, "hello").unwrap();
    let requests: Vec<(SocketAddr, String)> =
        (1..=3).map(|n| (addr, format!("/page/{n}"))).collect();
    let timeout = Duration::from_secs(10);

    let start = Instant::now();
    let pages = fetch_sequential(&requests, timeout);
    let sequential = start.elapsed();
    assert!(pages.iter().all(|page| *page.as_ref().unwrap() == 5));
    assert!(sequential >= 3 * latency);

    let start = Instant::now();
    let report = fetch_busy_loop(&requests, timeout);
    let busy = start.elapsed();
    assert!(report.pages.iter().all(|page| *page.as_ref().unwrap() == 5));
    assert!(report.wasted_polls > 0);
    println!(
        "sequential {sequential:.2?}, busy loop {busy:.2?} with {} wasted polls",
        report.wasted_polls
    );
}

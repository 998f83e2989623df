//! Just enough HTTP/1.0 for the labs' clients: a stand-in server that lets a
//! listing run on its own, and the one parser of the answers.
//!
//! The event-loop lab fetches pages three ways (blocking sockets, a
//! hand-built event loop, tokio), and each listing must also run as a
//! complete program, without the lab's own server. What they share, and what
//! is not their lesson, lives here once: [`stand_in_server`] (a thread per
//! connection, `std` only) and [`body_of`] (check the status line, return
//! the body).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use anyhow::bail;

/// Starts a server on 127.0.0.1 (on a port the OS chooses) that serves
/// `connections` connections, each on a thread of its own: it reads the
/// request's head, waits `latency`, answers `200 OK` with `body` and closes
/// the connection. After that many connections it stops accepting. A
/// stand-in for the lab's server, so that a listing runs on its own.
pub fn stand_in_server(
    latency: Duration,
    connections: usize,
    body: &'static str,
) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
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
                let _ = stream.write_all(format!("HTTP/1.0 200 OK\r\n\r\n{body}").as_bytes());
            });
        }
    });
    Ok(addr)
}

/// An address on 127.0.0.1 where nobody listens: connecting to it is
/// refused at once (a port the OS just handed out and took back).
pub fn refused_addr() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.local_addr()
}

/// The body of a raw HTTP/1.x response (everything the server sent, up to
/// the closed connection) if its status is `200`, or why not.
pub fn body_of(response: &[u8]) -> anyhow::Result<String> {
    let text = String::from_utf8_lossy(response);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        let first_line = text.lines().next().unwrap_or("");
        bail!("malformed response: expected an HTTP head, got {first_line:?}");
    };
    let status = head.lines().next().unwrap_or("");
    if !status.starts_with("HTTP/1.") || !status.contains(" 200 ") {
        bail!("the server answered {status:?}");
    }
    Ok(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_of_good_and_bad_answers() {
        assert_eq!(
            body_of(b"HTTP/1.0 200 OK\r\nA: b\r\n\r\nhello").unwrap(),
            "hello"
        );
        let not_found = body_of(b"HTTP/1.0 404 Not Found\r\n\r\nno").unwrap_err();
        assert_eq!(
            not_found.to_string(),
            "the server answered \"HTTP/1.0 404 Not Found\""
        );
        let garbage = body_of(b"this is not HTTP\r\n").unwrap_err();
        assert!(garbage.to_string().starts_with("malformed response"));
    }

    #[test]
    fn the_stand_in_answers_after_its_latency() {
        let latency = Duration::from_millis(20);
        let addr = stand_in_server(latency, 1, "hi").unwrap();
        let start = std::time::Instant::now();
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        assert!(start.elapsed() >= latency);
        assert_eq!(body_of(&response).unwrap(), "hi");
        let refused = std::net::TcpStream::connect(refused_addr().unwrap());
        assert!(refused.is_err());
    }
}

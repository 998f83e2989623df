// Listing: the same requests through tokio: weather with `join!` and
// `JoinSet`, pages with `JoinSet`, timeouts, and `select!`.
//
// tokio is the mini tokio of the previous listing grown up: the same
// reactor (mio), an executor with many threads, and sockets whose every
// wait is an `.await`. This file is also a complete program (see `main` at
// the bottom).

extern crate anyhow;
extern crate serde_json;
extern crate tokio;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

// ANCHOR: get
/// Sends `GET path` and returns the body of the answer. Every step is an
/// `.await`: while this request waits, the runtime runs other tasks. The
/// whole exchange is bounded by `limit`; when it runs out, the unfinished
/// future is dropped, which closes its socket. That is cancellation in Rust.
pub async fn get(addr: SocketAddr, path: &str, limit: Duration) -> anyhow::Result<String> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        let request = format!("GET {path} HTTP/1.0\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        body_of(&response)
    };
    tokio::time::timeout(limit, exchange)
        .await
        .unwrap_or_else(|_elapsed| Err(anyhow!("no answer within {limit:?}")))
        .with_context(|| format!("GET {path} from {addr}"))
}
// ANCHOR_END: get

/// Checks the status line of a raw HTTP response and returns its body.
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

/// What the weather API answers for one city.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub city: String,
    pub celsius: i64,
}

/// Asks the API about one city.
pub async fn forecast(addr: SocketAddr, city: &str, limit: Duration) -> anyhow::Result<Forecast> {
    let body = get(
        addr,
        &format!("/weather/{}", city.replace(' ', "%20")),
        limit,
    )
    .await?;
    let json: serde_json::Value = serde_json::from_str(&body).context("reading the forecast")?;
    let celsius = json["celsius"]
        .as_i64()
        .context("the forecast has no temperature")?;
    Ok(Forecast {
        city: city.to_string(),
        celsius,
    })
}

// ANCHOR: weather_join
/// Five requests in one task: `join!` polls all five futures together and
/// returns when the last is done, like `asyncio.gather`.
pub async fn five_cities_with_join(
    addr: SocketAddr,
    limit: Duration,
) -> anyhow::Result<Vec<Forecast>> {
    let (a, b, c, d, e) = tokio::join!(
        forecast(addr, "Bangkok", limit),
        forecast(addr, "Chiang Mai", limit),
        forecast(addr, "Phuket", limit),
        forecast(addr, "Khon Kaen", limit),
        forecast(addr, "Hat Yai", limit),
    );
    Ok(vec![a?, b?, c?, d?, e?])
}
// ANCHOR_END: weather_join

// ANCHOR: weather_joinset
/// Any number of requests, each in a task of its own (`tokio::spawn`, like
/// `asyncio.create_task`). Tasks finish in any order, so each returns its
/// index with its result and the answers are put back in request order.
pub async fn cities_with_joinset(
    addr: SocketAddr,
    cities: &[&str],
    limit: Duration,
) -> Vec<anyhow::Result<Forecast>> {
    let mut tasks = JoinSet::new();
    for (index, city) in cities.iter().enumerate() {
        let city = city.to_string();
        tasks.spawn(async move { (index, forecast(addr, &city, limit).await) });
    }
    let mut answers: Vec<Option<anyhow::Result<Forecast>>> = Vec::new();
    answers.resize_with(cities.len(), || None);
    while let Some(joined) = tasks.join_next().await {
        let (index, answer) = joined.expect("a forecast task panicked");
        answers[index] = Some(answer);
    }
    answers.into_iter().flatten().collect()
}
// ANCHOR_END: weather_joinset

// ANCHOR: fetch_all
/// Fetches every page concurrently, one task per request; returns each
/// page's size or why it failed, in request order. A failed request is
/// just one `Err` among the results: the others carry on.
pub async fn fetch_all(
    requests: &[(SocketAddr, String)],
    limit: Duration,
) -> Vec<anyhow::Result<usize>> {
    let mut tasks = JoinSet::new();
    for (index, (addr, path)) in requests.iter().cloned().enumerate() {
        tasks.spawn(async move { (index, get(addr, &path, limit).await.map(|b| b.len())) });
    }
    let mut sizes: Vec<Option<anyhow::Result<usize>>> = Vec::new();
    sizes.resize_with(requests.len(), || None);
    while let Some(joined) = tasks.join_next().await {
        let (index, size) = joined.expect("a fetch task panicked");
        sizes[index] = Some(size);
    }
    sizes.into_iter().flatten().collect()
}

/// The same requests, each awaited before the next is sent.
pub async fn fetch_one_after_another(
    requests: &[(SocketAddr, String)],
    limit: Duration,
) -> Vec<anyhow::Result<usize>> {
    let mut sizes = Vec::new();
    for (addr, path) in requests {
        sizes.push(get(*addr, path, limit).await.map(|body| body.len()));
    }
    sizes
}
// ANCHOR_END: fetch_all

// ANCHOR: select
/// Asks two mirrors for the same page and keeps the first *answer*. A
/// request that fails (refused, timed out, not HTTP) does not win: its
/// `Ok(body)` pattern does not match, so `select!` disables that branch and
/// waits on for the other. Once one answers, the other future is dropped on
/// the spot: its request is cancelled and its socket closed. If both fail,
/// the `else` branch runs.
pub async fn first_of_two_mirrors(
    mirrors: [SocketAddr; 2],
    path: &str,
    limit: Duration,
) -> anyhow::Result<(usize, String)> {
    tokio::select! {
        Ok(body) = get(mirrors[0], path, limit) => Ok((0, body)),
        Ok(body) = get(mirrors[1], path, limit) => Ok((1, body)),
        else => bail!("neither mirror answered GET {path}"),
    }
}
// ANCHOR_END: select

/// A stand-in for the lab's server, so this file runs on its own: it serves
/// `connections` connections, each on a thread that reads the request,
/// waits `latency` and answers a forecast for Oslo, then stops.
fn tiny_server(latency: Duration, connections: usize) -> SocketAddr {
    use std::io::{Read, Write};
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
                let _ = stream.write_all(b"HTTP/1.0 200 OK\r\n\r\n{\"celsius\":20}");
            });
        }
    });
    addr
}

/// Five forecasts of 50 ms each at once; then two races, against a slow
/// mirror and against one that refuses the connection at once.
#[tokio::main]
pub async fn main() {
    let limit = Duration::from_secs(10);
    let fast = tiny_server(Duration::from_millis(50), 7);
    let slow = tiny_server(Duration::from_secs(1), 1);
    let refusing = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap() // nobody listens here once it is dropped
    };
    let start = std::time::Instant::now();
    let forecasts = five_cities_with_join(fast, limit).await.unwrap();
    println!("{forecasts:?} in {:.2?}", start.elapsed());
    assert_eq!(forecasts.len(), 5);
    assert!(forecasts.iter().all(|forecast| forecast.celsius == 20));

    for (other, what) in [(slow, "a slow mirror"), (refusing, "a refusing mirror")] {
        let (winner, body) = first_of_two_mirrors([other, fast], "/", limit)
            .await
            .unwrap();
        println!("against {what}, mirror {winner} answered first");
        assert_eq!(
            (winner, body.len()),
            (1, 14),
            "the fast mirror's answer wins"
        );
    }
}

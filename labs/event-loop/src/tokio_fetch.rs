// Listing: the same requests through tokio: weather with `join!` and
// `JoinSet`, pages with `JoinSet`, at most N at once with a `Semaphore`,
// timeouts, and `select!`.
//
// tokio is the mini tokio of the previous listing grown up: the same
// reactor (mio), an executor with many threads, and sockets whose every
// wait is an `.await`. This file is also a complete program (see `main` at
// the bottom); it uses `labkit` for what is not its lesson (reading the
// HTTP answer, a stand-in server when it runs on its own).

extern crate anyhow;
extern crate labkit;
extern crate serde_json;
extern crate tokio;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
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
        labkit::http::body_of(&response)
    };
    tokio::time::timeout(limit, exchange)
        .await
        .unwrap_or_else(|_elapsed| Err(anyhow!("no answer within {limit:?}")))
        .with_context(|| format!("GET {path} from {addr}"))
}
// ANCHOR_END: get

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
    in_request_order(tasks, cities.len()).await
}

/// Waits for every task of `tasks` (each returns its index and its result)
/// and returns the results in index order.
async fn in_request_order<T: 'static>(mut tasks: JoinSet<(usize, T)>, count: usize) -> Vec<T> {
    let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.expect("a request task panicked");
        results[index] = Some(result);
    }
    results.into_iter().flatten().collect()
}
// ANCHOR_END: weather_joinset

/// The five cities one after another: each request awaited before the next
/// is sent, so the waits add up (the baseline the chapter compares with).
pub async fn cities_in_turn(
    addr: SocketAddr,
    cities: &[&str],
    limit: Duration,
) -> Vec<anyhow::Result<Forecast>> {
    let mut answers = Vec::new();
    for city in cities {
        answers.push(forecast(addr, city, limit).await);
    }
    answers
}

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
    in_request_order(tasks, requests.len()).await
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

// ANCHOR: limited
/// Fetches every page in a task of its own, but lets at most `in_flight` of
/// them talk to the server at once. Each task first takes a permit from
/// the semaphore, waiting while none is left, and hands it back by dropping
/// it when its request is done (Python: `async with semaphore:`).
pub async fn fetch_limited(
    requests: &[(SocketAddr, String)],
    in_flight: usize,
    limit: Duration,
) -> Vec<anyhow::Result<usize>> {
    let permits = Arc::new(Semaphore::new(in_flight));
    let mut tasks = JoinSet::new();
    for (index, (addr, path)) in requests.iter().cloned().enumerate() {
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire().await.expect("the semaphore stays open");
            (index, get(addr, &path, limit).await.map(|b| b.len()))
        }); // `_permit` is dropped here: the next task may go
    }
    in_request_order(tasks, requests.len()).await
}
// ANCHOR_END: limited

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

/// Five forecasts of 50 ms each at once; two races, against a slow mirror
/// and against one that refuses the connection at once; and four pages of
/// 50 ms, two at a time.
#[tokio::main]
pub async fn main() {
    let limit = Duration::from_secs(10);
    let forecast = "{\"celsius\":20}";
    let fast = labkit::http::stand_in_server(Duration::from_millis(50), 11, forecast).unwrap();
    let slow = labkit::http::stand_in_server(Duration::from_secs(1), 1, forecast).unwrap();
    let refusing = labkit::http::refused_addr().unwrap();
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

    let pages: Vec<(SocketAddr, String)> = (1..=4).map(|n| (fast, format!("/{n}"))).collect();
    let start = std::time::Instant::now();
    let sizes = fetch_limited(&pages, 2, limit).await;
    assert!(sizes.iter().all(|size| *size.as_ref().unwrap() == 14));
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "two at a time"
    );
}

//! `weather`: five cities, 2 s per request, one after another and all at
//! once with tokio (`join!`, `JoinSet`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use event_loop::server::{self, Server};
use event_loop::tokio_fetch::{self, Forecast};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};

use super::{runtime, waits_in_flight};

/// The request latency the Python weather lab simulates for one city.
pub const CITY_LATENCY: Duration = Duration::from_secs(2);

/// The Python lab's five cities.
pub const CITIES: [&str; 5] = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"];

/// The variants, as the rows name them.
pub const IN_TURN: &str = "in turn";
pub const JOIN: &str = "join!";
pub const JOINSET: &str = "JoinSet";

pub fn run(common: &Common) -> Result<Results> {
    let latency = common.scale.duration(CITY_LATENCY);
    let server = Server::start(latency).context("starting the local server")?;
    common.say(format!(
        "Checking the weather in {} cities, {} per request.",
        CITIES.len(),
        format_duration(latency)
    ));
    let (results, forecasts) = measure(common, &server, latency, "")?;
    for forecast in forecasts {
        common.say(format!("  {}: {} °C", forecast.city, forecast.celsius));
    }
    Ok(results)
}

/// Runs the weather variants in interleaved rounds against `server`; each
/// variant's name starts with `prefix` (the `python` experiment's "tokio, ",
/// which leaves `join!` out). Returns the rows, and the forecasts of the
/// `JoinSet` variant's median round.
pub fn measure(
    common: &Common,
    server: &Server,
    latency: Duration,
    prefix: &str,
) -> Result<(Results, Vec<Forecast>)> {
    let runtime = runtime()?;
    let addr = server.addr();
    let patience = latency * 5 + Duration::from_secs(5);
    let named = |variant: &str| format!("{prefix}{variant}");
    let mut bench = Bench::new("weather", common);
    bench.variant(&named(IN_TURN), || {
        runtime.block_on(tokio_fetch::cities_in_turn(addr, &CITIES, patience))
    });
    if prefix.is_empty() {
        bench.variant(&named(JOIN), || {
            flatten(runtime.block_on(tokio_fetch::five_cities_with_join(addr, patience)))
        });
    }
    bench.variant(&named(JOINSET), || {
        runtime.block_on(tokio_fetch::cities_with_joinset(addr, &CITIES, patience))
    });
    let run = bench.run(|variant, answers| check(variant, answers, addr))?;
    let forecasts = run
        .get(&named(JOINSET))
        .map(|measured| measured.median_value().iter().flatten().cloned().collect())
        .unwrap_or_default();
    let mut results = run.results_with(|_, row| {
        row.with("requests", CITIES.len())
            .with("waiting", format_duration(latency * CITIES.len() as u32));
    });
    let ceiling = waits_in_flight(&[latency; CITIES.len()]);
    for contender in [JOIN, JOINSET] {
        if results.get("weather", &named(contender)).is_some() {
            results.paired_speedup("weather", &named(contender), &named(IN_TURN), &ceiling)?;
        }
    }
    Ok((results, forecasts))
}

/// `join!` returns all five or the first error; as a list of answers.
fn flatten(joined: anyhow::Result<Vec<Forecast>>) -> Vec<anyhow::Result<Forecast>> {
    match joined {
        Ok(forecasts) => forecasts.into_iter().map(Ok).collect(),
        Err(err) => vec![Err(err)],
    }
}

/// Every city answered, in order, with the server's temperature for it.
fn check(variant: &str, answers: &[anyhow::Result<Forecast>], addr: SocketAddr) -> Result<()> {
    ensure!(
        answers.len() == CITIES.len(),
        "{variant}: {} answers from {addr}, not {}",
        answers.len(),
        CITIES.len()
    );
    for (answer, city) in answers.iter().zip(CITIES) {
        let forecast = answer
            .as_ref()
            .map_err(|err| anyhow::anyhow!("{variant}: {city}: {err:#}"))?;
        ensure!(
            forecast.city == city
                && forecast.celsius == i64::from(server::pretend_temperature(city)),
            "{variant}: asked about {city}, got {forecast:?}"
        );
    }
    Ok(())
}

//! `baseline weather`: three requests of 2 s, one after another.

use std::time::Duration;

use anyhow::{Result, ensure};
use baseline::weather::{self, Forecast};
use labkit::timing::format_duration;
use labkit::{Bench, Common};

use super::CITY_LATENCY;

/// Checks that every city was asked, in order, and got its forecast.
pub fn check(cities: &[&str], forecasts: &[Forecast]) -> Result<()> {
    let asked: Vec<&str> = forecasts.iter().map(|f| f.city.as_str()).collect();
    ensure!(asked == cities, "asked {asked:?}, not {cities:?}");
    Ok(())
}

pub fn run(common: &Common, cities: usize) -> Result<()> {
    let cities = &weather::CITIES[..cities];
    let latency = common.scale.duration(CITY_LATENCY);
    common.say(format!(
        "Checking the weather in {} cities, {} per request, one after another.",
        cities.len(),
        format_duration(latency)
    ));
    let mut bench = Bench::new("weather", common);
    bench.variant("sequential", || weather::check_cities(cities, latency));
    let run = bench.run(|_, forecasts| check(cities, forecasts))?;
    for forecast in run.measured[0].median_value() {
        common.say(format!("  {}: {} °C", forecast.city, forecast.celsius));
    }
    let waiting: Duration = latency * cities.len() as u32;
    let results = run.results_with(|measured, row| {
        row.with("requests", measured.median_value().len())
            .with("waiting", format_duration(waiting));
    });
    results.print(common)
}

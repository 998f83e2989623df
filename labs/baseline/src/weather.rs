// Listing: checking the weather one city at a time.
//
// This file is a module of the `baseline` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom), so it uses
// nothing but the standard library.

use std::thread;
use std::time::{Duration, Instant};

/// What the pretend weather service answers for one city.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub city: String,
    pub celsius: i32,
}

// ANCHOR: fetch_forecast
/// Asks the weather service about one city.
///
/// The network round trip is simulated with `thread::sleep`: like a real
/// blocking call, it parks the thread until the answer arrives. The CPU has
/// nothing to do meanwhile, and neither does the rest of the program.
pub fn fetch_forecast(city: &str, latency: Duration) -> Forecast {
    thread::sleep(latency); // waiting for the network
    Forecast {
        city: city.to_string(),
        celsius: pretend_temperature(city),
    }
}
// ANCHOR_END: fetch_forecast

// ANCHOR: check_cities
/// Checks every city in turn. The request for the second city is not even
/// sent until the first has been answered, so the waits add up.
pub fn check_cities(cities: &[&str], latency: Duration) -> Vec<Forecast> {
    let mut forecasts = Vec::new();
    for city in cities {
        forecasts.push(fetch_forecast(city, latency));
    }
    forecasts
}
// ANCHOR_END: check_cities

/// A made-up but stable temperature, so every run prints the same forecast.
fn pretend_temperature(city: &str) -> i32 {
    let letters: u32 = city.bytes().map(u32::from).sum();
    18 + (letters % 17) as i32
}

/// The cities the lab checks, in order (the Python lab checks the first 3).
pub const CITIES: [&str; 10] = [
    "Bangkok",
    "Chiang Mai",
    "Phuket",
    "Khon Kaen",
    "Hat Yai",
    "Cairo",
    "Lima",
    "Oslo",
    "Osaka",
    "Quito",
];

/// A small run of the listing: 3 cities, 50 ms each.
pub fn main() {
    let latency = Duration::from_millis(50);
    let start = Instant::now();
    let forecasts = check_cities(&CITIES[..3], latency);
    let elapsed = start.elapsed();
    for forecast in &forecasts {
        println!("{}: {} °C", forecast.city, forecast.celsius);
    }
    println!("3 cities in {elapsed:.2?}");
    // One after another, so the three waits add up: never less than 3 × 50 ms.
    assert!(elapsed >= 3 * latency);
}

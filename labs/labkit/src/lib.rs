//! `labkit`: the small support crate every lab of *Concurrency Lab* shares.
//!
//! The labs exist to show readers numbers they can reproduce. Everything that
//! is not the concurrency under study lives here, written once, so that each
//! lab's own code stays about its chapter:
//!
//! - [`cli`]: the options every lab takes (`--scale`, `--json`, `--rounds`,
//!   `--json-out`) and the way every lab exits (a one-line error, exit code 2
//!   for bad arguments);
//! - [`timing`]: timing a closure, wall and CPU time, human-readable durations;
//! - [`bench`]: **the measurement method** of every timed experiment:
//!   interleaved rounds, medians with their spread, paired speedups with
//!   physical ceilings, and a check of the cores the machine delivered (read
//!   its module docs before timing anything);
//! - [`results`]: result rows, speedups, the table printer and the JSON
//!   document (`--json`, `--json-out`);
//! - [`http`]: just enough HTTP/1.0 for the labs' clients (a stand-in
//!   server for listings that run on their own, the response parser);
//! - [`os`]: what the operating system says about this process (threads, memory);
//! - [`process`]: running a child program bounded in time, leaving nothing behind;
//! - [`python`]: the Python twins: finding interpreters, running a twin, its JSON;
//! - [`transcript`]: the output files the book shows, how they are made and how
//!   a test proves they still match the program;
//! - [`timeline`]: a span recorder (which task ran on which thread, when) and
//!   the SVG timelines the book draws from it;
//! - [`testing`]: the command-line promises every lab's tests check;
//! - [`claims`]: what every lab's claims tests do with a committed sidecar.

pub mod bench;
pub mod claims;
pub mod cli;
pub mod http;
pub mod os;
pub mod process;
pub mod python;
pub mod results;
pub mod testing;
pub mod timeline;
pub mod timing;
pub mod transcript;

pub use bench::{Bench, Ceiling};
pub use cli::{Common, Scale};
pub use results::{Document, Results, Row};
pub use timing::{Measurement, measure, measure_best};

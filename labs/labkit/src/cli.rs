//! The command-line conventions every lab follows.
//!
//! Each lab is a `clap` program whose top-level parser flattens [`Common`], so
//! `--scale`, `--json`, `--rounds` and `--json-out` work the same everywhere
//! and may follow the subcommand (`cargo run -p baseline -- weather --scale 0.1`). Labs start
//! through [`run`], which turns argument errors into one line on stderr and
//! exit code 2, and runtime errors into one line and exit code 1: a reader
//! never sees a panic or a backtrace for a typo.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use clap::Parser;

/// Options shared by every lab, flattened into each lab's parser.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct Common {
    /// Multiply every simulated delay and work size by F.
    /// 1 reproduces the Python material's sizes; the tests use 0.01.
    #[arg(
        long,
        global = true,
        value_name = "F",
        default_value = "1",
        allow_negative_numbers = true
    )]
    pub scale: Scale,

    /// Print the results as one JSON document (method facts and rows)
    /// instead of a table.
    #[arg(long, global = true)]
    pub json: bool,

    /// How many interleaved rounds timed experiments run (each variant once
    /// per round; rows show the median and the fastest–slowest round).
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 5,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub rounds: u32,

    /// Also write the JSON document to PATH (the run still prints its table).
    #[arg(long, global = true, value_name = "PATH")]
    pub json_out: Option<PathBuf>,
}

impl Default for Common {
    /// The options of a bare command line: scale 1, a table, 5 rounds.
    fn default() -> Self {
        Common {
            scale: Scale::ONE,
            json: false,
            rounds: 5,
            json_out: None,
        }
    }
}

impl Common {
    /// Prints a line of narration, but only in table mode: with `--json`
    /// standard output must stay a single JSON document.
    pub fn say(&self, line: impl fmt::Display) {
        if !self.json {
            println!("{line}");
        }
    }
}

/// A positive, finite factor applied to the Python material's delays and sizes.
///
/// It is a type of its own (not a bare `f64`) so that a value that has been
/// checked once can be used everywhere without checking again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale(f64);

impl Scale {
    /// The Python material's own sizes.
    pub const ONE: Scale = Scale(1.0);

    /// Checks `factor` (positive and finite) and wraps it.
    pub fn new(factor: f64) -> anyhow::Result<Scale> {
        anyhow::ensure!(
            factor.is_finite() && factor > 0.0,
            "the scale must be a positive number, got {factor}"
        );
        Ok(Scale(factor))
    }

    /// The factor itself.
    pub fn factor(self) -> f64 {
        self.0
    }

    /// Scales a simulated delay (`2 s` at scale 0.01 is `20 ms`).
    pub fn duration(self, full: Duration) -> Duration {
        full.mul_f64(self.0)
    }

    /// Scales a work size, rounding to the nearest whole number and never
    /// going below 1, so a tiny scale still does some work.
    pub fn count(self, full: u64) -> u64 {
        ((full as f64 * self.0).round() as u64).max(1)
    }
}

impl Default for Scale {
    fn default() -> Self {
        Scale::ONE
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Scale {
    type Err = anyhow::Error;
    fn from_str(text: &str) -> anyhow::Result<Scale> {
        let factor: f64 = text
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("expected a number such as 1 or 0.01, got '{text}'"))?;
        Scale::new(factor)
    }
}

/// Parses the command line and runs a lab's body with the conventions above.
///
/// `--help` and `--version` print and exit 0. Any other argument error prints
/// clap's first line (which names the problem) and exits 2. An `Err` from
/// `body` prints `error: ` and the whole cause chain on one line and exits 1.
pub fn run<C: Parser>(body: impl FnOnce(C) -> anyhow::Result<()>) -> ExitCode {
    let cli = match C::try_parse() {
        Ok(cli) => cli,
        Err(err) => return argument_error(err),
    };
    match body(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Like [`run`], for a body that chooses its own exit code (a deadlock
/// watchdog, say, exits with a code of its own).
pub fn run_with_code<C: Parser>(body: impl FnOnce(C) -> anyhow::Result<ExitCode>) -> ExitCode {
    let cli = match C::try_parse() {
        Ok(cli) => cli,
        Err(err) => return argument_error(err),
    };
    match body(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn argument_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::SUCCESS
        }
        // A bare `cargo run -p lab` shows the help, which lists the experiments.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(2)
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("error: bad arguments");
            eprintln!("{first} (see --help)");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_accepts_positive_numbers_only() {
        assert_eq!("0.01".parse::<Scale>().unwrap().factor(), 0.01);
        for bad in ["0", "-1", "nan", "inf", "fast", ""] {
            assert!(bad.parse::<Scale>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn scale_shrinks_delays_and_sizes() {
        let tiny = Scale::new(0.01).unwrap();
        assert_eq!(
            tiny.duration(Duration::from_secs(2)),
            Duration::from_millis(20)
        );
        assert_eq!(tiny.count(500), 5);
        assert_eq!(tiny.count(10), 1, "never below one unit of work");
    }
}

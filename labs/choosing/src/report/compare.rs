//! `choosing compare`: every chapter's headline experiment rerun on the
//! reader's machine, beside the numbers the book recorded (the committed
//! sidecars `labs/<lab>/outputs/*.json`), with both machines' facts, written
//! as a markdown page and a self-contained HTML page.
//!
//! The logic (is a figure inside the book's spread, and if not, the likely
//! reason) is [`verdict`] and [`reason`]; [`page`] and [`html`] write it.

mod collect;
mod page;

pub use collect::run;
pub use page::{Facts, html, page};

use labkit::Document;

use super::{Figure, Headline, Spread};

/// The facts of the machine one run was made on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Machine {
    pub cores: usize,
    /// The cores the machine delivered during the run (median of its checks).
    pub cores_delivered: Option<f64>,
    pub disturbed: bool,
    pub rustc: Option<String>,
    pub os: Option<String>,
    /// The interpreter a twin's run used: `CPython 3.11.7`.
    pub python: Option<String>,
}

impl Machine {
    /// The facts a run's JSON document carries.
    pub fn of(document: &Document) -> Machine {
        Machine {
            cores: document.cores,
            cores_delivered: document
                .method
                .as_ref()
                .and_then(|m| m.cores_delivered())
                .map(|d| d.median),
            disturbed: document.disturbed(),
            ..Machine::default()
        }
    }
}

/// Where the reader's figure falls against the book's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the book's fastest–slowest spread.
    Inside,
    /// Above it (a larger speedup, or a longer time).
    Above,
    /// Below it.
    Below,
    /// The same outcome (balances, who finished).
    Same,
    /// Another outcome.
    Different,
    /// Not compared: times at another `--scale` than the book's.
    NotCompared,
}

impl Verdict {
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Inside => "inside the book's spread",
            Verdict::Above => "above the book's spread",
            Verdict::Below => "below the book's spread",
            Verdict::Same => "the same outcome",
            Verdict::Different => "another outcome",
            Verdict::NotCompared => "not compared (another --scale)",
        }
    }
}

/// How far outside the book's spread a figure may fall and still count as
/// inside it: 1 %, the precision a median of a few rounds can claim. (A
/// wait's speedup repeats so closely that the book's spread can be 9.98–9.98;
/// 9.99 is not a different machine.)
pub const MARGIN: f64 = 0.01;

/// The reader's figure against the book's: a speedup's median against the
/// book's min–max of per-round speedups; a time's median against the book's
/// fastest–slowest round (only at the book's scale); values as text.
pub fn verdict(book: &Figure, reader: &Figure, same_scale: bool) -> Verdict {
    let against = |spread: Spread, value: f64| {
        if value < spread.min * (1.0 - MARGIN) {
            Verdict::Below
        } else if value > spread.max * (1.0 + MARGIN) {
            Verdict::Above
        } else {
            Verdict::Inside
        }
    };
    match (book.speedup, reader.speedup, &book.values, &reader.values) {
        (Some(book), Some(reader), _, _) => against(book, reader.median),
        (_, _, Some(book), Some(reader)) => {
            if book == reader {
                Verdict::Same
            } else {
                Verdict::Different
            }
        }
        _ if same_scale => against(book.wall, reader.wall.median),
        _ => Verdict::NotCompared,
    }
}

/// The likely reason a figure falls outside the book's spread, read from
/// the two machines' facts; `None` for a figure inside it.
pub fn reason(
    verdict: Verdict,
    core_bound: bool,
    same_scale: bool,
    book: &Machine,
    reader: &Machine,
) -> Option<String> {
    let delivered = |m: &Machine| m.cores_delivered.unwrap_or(m.cores as f64);
    let (b, r) = (delivered(book), delivered(reader));
    let outside = matches!(verdict, Verdict::Above | Verdict::Below);
    let reason = match verdict {
        Verdict::Inside | Verdict::Same | Verdict::NotCompared => return None,
        Verdict::Different => {
            "a race's or a timeout's outcome can vary from run to run: the chapter shows its \
             distribution"
                .to_string()
        }
        _ if book.python.is_some() && reader.python.is_some() && book.python != reader.python => {
            format!(
                "a different Python: {} here, {} in the book",
                reader.python.as_deref().unwrap_or("?"),
                book.python.as_deref().unwrap_or("?")
            )
        }
        Verdict::Below if core_bound && reader.cores < book.cores => format!(
            "fewer cores: {} here, {} on the book's machine",
            reader.cores, book.cores
        ),
        Verdict::Below if core_bound && r < 0.9 * b => format!(
            "fewer cores delivered during the run: {r:.2} of {} here, {b:.2} of {} for the book",
            reader.cores, book.cores
        ),
        Verdict::Above if core_bound && reader.cores > book.cores => format!(
            "more cores: {} here, {} on the book's machine",
            reader.cores, book.cores
        ),
        Verdict::Above if core_bound && b < 0.9 * r => format!(
            "the book's run got fewer cores: {b:.2} of {} for the book, {r:.2} of {} here",
            book.cores, reader.cores
        ),
        _ if !core_bound && !same_scale => "at a smaller --scale the waits are shorter, so the \
             fixed costs (starting threads, the timer's resolution) weigh more"
            .to_string(),
        _ if reader.disturbed => format!(
            "a busy machine: this run got {r:.2} of its {} cores",
            reader.cores
        ),
        _ if !core_bound && outside && book.os != reader.os => format!(
            "another OS's timer resolution: sleeps and wake-ups round differently ({} here, {} \
             for the book)",
            reader.os.as_deref().unwrap_or("not recorded"),
            book.os.as_deref().unwrap_or("not recorded")
        ),
        _ => "beyond the spread the book's rounds caught, on a machine that gave both runs their \
              cores: rerun with more --rounds to tell noise from a difference"
            .to_string(),
    };
    Some(reason)
}

/// One figure compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub headline: Headline,
    /// "Rust", or the twin's interpreter.
    pub side: String,
    pub book: Figure,
    pub reader: Figure,
    pub verdict: Verdict,
    pub reason: Option<String>,
}

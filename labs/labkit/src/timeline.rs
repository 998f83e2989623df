//! Timelines: which task ran where, and when, drawn as an SVG.
//!
//! A [`Recorder`] collects [`Span`]s: a label (the task), a lane (by default
//! the OS thread that ran it, but any string will do: a runtime, a socket, a
//! phase of an event loop), an optional category that picks the colour, a
//! start and an end measured from the recorder's creation. Recording costs
//! two clock reads, two small allocations (the lane and label names) and one
//! uncontended lock, well under a microsecond ([`cost_per_span`] measures
//! it), so it does not distort the millisecond-long tasks the labs draw.
//!
//! [`render_svg`] draws the spans: one lane per distinct lane key (optionally
//! one row per task inside a lane), one bar per span, a time axis and a
//! legend. The SVG has no XML prologue and no blank lines and is sized by its
//! `viewBox`, so the book can inline it with an mdBook include and it scales with
//! the page. Spans marked *waiting* (the task is in progress but does not run:
//! it sleeps, or awaits a timer) are drawn pale, so concurrency (tasks in
//! progress at the same time) and parallelism (tasks running at the same
//! time, in different lanes) can be told apart at a glance.
//!
//! The checks the labs' tests need live here too: [`check_spans`] (spans are
//! well-formed and running spans never overlap within one lane),
//! [`overlap_across_lanes`] (evidence of parallelism) and [`check_xml`] (a
//! small well-formedness check for the SVG).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};

mod labels;
mod svg;
#[cfg(test)]
mod tests;
mod xml;

pub use labels::{escape, natural_order};
pub use svg::{SvgOptions, render_svg};
pub use xml::{check_xml, svg_lanes};

/// One stretch of time a task spent in one lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Where it happened: an OS thread's name, or any key the caller chose.
    pub lane: String,
    /// What happened: usually the task's name.
    pub label: String,
    /// The colour key; spans without one are coloured by their label.
    pub category: Option<String>,
    /// When it started, measured from the recorder's creation.
    pub start: Duration,
    /// When it ended (never before `start`).
    pub end: Duration,
    /// True when the task was in progress but not running (sleeping, awaiting).
    pub waiting: bool,
}

impl Span {
    /// The colour key: the category if there is one, else the label.
    pub fn colour_key(&self) -> &str {
        self.category.as_deref().unwrap_or(&self.label)
    }

    /// How long the span lasted.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }

    /// Whether two spans share some instant of time (touching ends do not count).
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The lane a span gets when the caller names none: the current thread's
/// name, or `thread N` for an unnamed thread.
pub fn current_thread_lane() -> String {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) => name.to_string(),
        None => {
            let id = format!("{:?}", thread.id());
            let digits: String = id.chars().filter(char::is_ascii_digit).collect();
            format!("thread {digits}")
        }
    }
}

/// Collects spans from any number of threads.
///
/// A `Mutex<Vec<Span>>` rather than per-thread buffers: the labs record a
/// few dozen spans of milliseconds each, so an uncontended lock (tens of
/// nanoseconds) is cheap enough and keeps the recorder simple to share by
/// reference (`&Recorder` is `Send + Sync`).
#[derive(Debug)]
pub struct Recorder {
    origin: Instant,
    spans: Mutex<Vec<Span>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// A recorder whose time zero is now.
    pub fn new() -> Recorder {
        Recorder {
            origin: Instant::now(),
            spans: Mutex::new(Vec::new()),
        }
    }

    /// The recorder's time zero.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// Time since the recorder's time zero.
    pub fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    /// `instant` as an offset from time zero (zero if it came before).
    pub fn offset(&self, instant: Instant) -> Duration {
        instant.saturating_duration_since(self.origin)
    }

    /// Opens a span labelled `label` in the current thread's lane; it ends
    /// when the returned guard is dropped (or [`Open::end`] is called).
    pub fn begin(&self, label: impl Into<String>) -> Open<'_> {
        Open {
            recorder: self,
            span: Some(Span {
                lane: current_thread_lane(),
                label: label.into(),
                category: None,
                start: self.now(),
                end: Duration::ZERO,
                waiting: false,
            }),
        }
    }

    /// Runs `work` inside a span labelled `label` in the current thread's lane.
    pub fn record<T>(&self, label: impl Into<String>, work: impl FnOnce() -> T) -> T {
        let _span = self.begin(label);
        work()
    }

    /// Adds a span made by hand (for instance a wait measured across `.await`s).
    pub fn push(&self, span: Span) {
        self.spans
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(span);
    }

    /// Every span so far, ordered by start time (then lane, then label).
    pub fn spans(&self) -> Vec<Span> {
        let mut spans = self
            .spans
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        spans.sort_by(|a, b| {
            (a.start, &a.lane, &a.label, a.end).cmp(&(b.start, &b.lane, &b.label, b.end))
        });
        spans
    }
}

/// A span that is still open; it is recorded when dropped.
#[derive(Debug)]
pub struct Open<'a> {
    recorder: &'a Recorder,
    span: Option<Span>,
}

impl Open<'_> {
    /// Sets the colour key.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        if let Some(span) = &mut self.span {
            span.category = Some(category.into());
        }
        self
    }

    /// Puts the span in another lane than the current thread's.
    pub fn lane(mut self, lane: impl Into<String>) -> Self {
        if let Some(span) = &mut self.span {
            span.lane = lane.into();
        }
        self
    }

    /// Marks the span as waiting: in progress, not running (drawn pale).
    pub fn waiting(mut self) -> Self {
        if let Some(span) = &mut self.span {
            span.waiting = true;
        }
        self
    }

    /// Ends the span now (dropping the guard does the same).
    pub fn end(self) {}
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if let Some(mut span) = self.span.take() {
            span.end = self.recorder.now();
            self.recorder.push(span);
        }
    }
}

/// The average cost of recording one empty span, over `spans` recordings on
/// the calling thread: what the recorder adds to each task it measures.
pub fn cost_per_span(spans: u32) -> Duration {
    let spans = spans.max(1);
    let recorder = Recorder::new();
    let start = Instant::now();
    for _ in 0..spans {
        recorder.record("probe", || std::hint::black_box(()));
    }
    let elapsed = start.elapsed();
    assert_eq!(recorder.spans().len(), spans as usize);
    elapsed / spans
}

/// Checks that every span ends no earlier than it starts and that running
/// (not waiting) spans never overlap within one lane: a thread runs one
/// thing at a time.
pub fn check_spans(spans: &[Span]) -> Result<()> {
    for span in spans {
        ensure!(
            span.end >= span.start,
            "span ends before it starts: {span:?}"
        );
        ensure!(!span.lane.is_empty(), "span without a lane: {span:?}");
    }
    let running: Vec<&Span> = spans.iter().filter(|s| !s.waiting).collect();
    for (i, a) in running.iter().enumerate() {
        for b in &running[i + 1..] {
            if a.lane == b.lane && a.overlaps(b) {
                bail!(
                    "two running spans overlap in lane '{}': {a:?} and {b:?}",
                    a.lane
                );
            }
        }
    }
    Ok(())
}

/// The first pair of running spans in different lanes that overlap in
/// time: evidence that two things ran at the same instant (parallelism).
pub fn overlap_across_lanes(spans: &[Span]) -> Option<(&Span, &Span)> {
    let running: Vec<&Span> = spans.iter().filter(|s| !s.waiting).collect();
    for (i, a) in running.iter().enumerate() {
        for b in &running[i + 1..] {
            if a.lane != b.lane && a.overlaps(b) {
                return Some((a, b));
            }
        }
    }
    None
}

/// The lanes of `spans`, in order of first appearance.
pub fn lanes(spans: &[Span]) -> Vec<String> {
    let mut lanes: Vec<String> = Vec::new();
    for span in spans {
        if !lanes.contains(&span.lane) {
            lanes.push(span.lane.clone());
        }
    }
    lanes
}

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

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};

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

/// How [`render_svg`] lays the picture out.
#[derive(Debug, Clone)]
pub struct SvgOptions {
    /// A line of text above the lanes.
    pub title: String,
    /// One row per distinct label inside each lane (true), or one row per lane.
    pub row_per_label: bool,
    /// Width of the picture in SVG units (it scales to the page anyway).
    pub width: u32,
    /// The length of the time axis; `None` means the end of the last span.
    pub time_span: Option<Duration>,
    /// Lanes in name order (true), or in order of first appearance.
    pub sort_lanes: bool,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            title: String::new(),
            row_per_label: true,
            width: 760,
            time_span: None,
            sort_lanes: true,
        }
    }
}

/// Colours that stay distinct for colour-blind readers (Okabe and Ito).
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999933", "#444444",
];

/// Escapes text for use inside SVG text and attribute values (every lab
/// that draws an SVG of its own uses this one).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A tick step of 1, 2 or 5 times a power of ten giving 4 to 10 ticks.
fn tick_step(total: Duration) -> Duration {
    let total_ns = total.as_nanos().max(1) as f64;
    let mut step = 10f64.powf((total_ns / 10.0).log10().floor());
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if total_ns / (step * factor) <= 10.0 {
            step *= factor;
            break;
        }
    }
    Duration::from_nanos(step.max(1.0) as u64)
}

/// A short tick label: `0`, `250 ms`, `1.5 s`, `40 µs`.
fn tick_label(t: Duration, step: Duration) -> String {
    if t.is_zero() {
        return "0".into();
    }
    let (value, unit, unit_ns) = if step >= Duration::from_secs(1) || t >= Duration::from_secs(1) {
        (t.as_secs_f64(), "s", 1e9)
    } else if step >= Duration::from_millis(1) {
        (t.as_secs_f64() * 1e3, "ms", 1e6)
    } else if step >= Duration::from_micros(1) {
        (t.as_secs_f64() * 1e6, "µs", 1e3)
    } else {
        (t.as_nanos() as f64, "ns", 1.0)
    };
    // As many decimals as the step needs, no more.
    let step_in_unit = step.as_nanos() as f64 / unit_ns;
    let decimals = if step_in_unit >= 1.0 {
        0
    } else {
        (-step_in_unit.log10()).ceil() as usize
    };
    format!("{value:.decimals$} {unit}")
}

/// Compares names so that `task 2` comes before `task 10`: runs of digits
/// compare as numbers, everything else as text.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(text: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in text.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((was_digit, chunk)) if *was_digit == digit => chunk.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let key = |text: &str| {
        chunks(text)
            .into_iter()
            .map(|(digit, chunk)| {
                if digit {
                    let trimmed = chunk.trim_start_matches('0');
                    (trimmed.len(), trimmed.to_string())
                } else {
                    (0, chunk)
                }
            })
            .collect::<Vec<_>>()
    };
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// Draws `spans` as an SVG timeline: one lane per lane key (in name order
/// unless told otherwise), one bar per span, a time axis and a legend of
/// colours (one per colour key, in name order).
pub fn render_svg(spans: &[Span], options: &SvgOptions) -> String {
    const LEFT: f64 = 150.0;
    const RIGHT: f64 = 24.0;
    const ROW: f64 = 16.0;
    const ROW_GAP: f64 = 4.0;
    const LANE_PAD: f64 = 6.0;
    const LANE_GAP: f64 = 6.0;
    const FONT: &str = "font-family=\"sans-serif\" font-size=\"12\" fill=\"#222\"";

    let width = f64::from(options.width.max(300));
    let end = options
        .time_span
        .unwrap_or_else(|| spans.iter().map(|s| s.end).max().unwrap_or_default())
        .max(Duration::from_nanos(1));
    let plot = width - LEFT - RIGHT;
    let x_of = |t: Duration| LEFT + plot * (t.as_secs_f64() / end.as_secs_f64()).min(1.0);

    // Colours, by colour key in name order, so that the same task gets the
    // same colour in every picture of a series.
    let mut keys: Vec<&str> = spans.iter().map(Span::colour_key).collect();
    keys.sort_by(|a, b| natural_order(a, b));
    keys.dedup();
    let colour = |key: &str| {
        let i = keys.iter().position(|k| *k == key).unwrap_or(0);
        PALETTE[i % PALETTE.len()]
    };
    let any_waiting = spans.iter().any(|s| s.waiting);

    let mut body = String::new();
    let mut y = 0.0;
    let title_y = 18.0;
    if !options.title.is_empty() {
        y = 28.0;
    }
    // Legend: one swatch per colour key, then the pale "waiting" swatch.
    let legend_y = y + 6.0;
    let mut lx = LEFT;
    for key in &keys {
        let _ = writeln!(
            body,
            "<rect x=\"{lx:.1}\" y=\"{legend_y:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>",
            colour(key)
        );
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" {FONT}>{}</text>",
            lx + 16.0,
            legend_y + 10.5,
            escape(key)
        );
        lx += 16.0 + 7.0 * key.chars().count() as f64 + 14.0;
    }
    if any_waiting {
        let _ = writeln!(
            body,
            "<rect x=\"{lx:.1}\" y=\"{legend_y:.1}\" width=\"12\" height=\"12\" fill=\"#888\" fill-opacity=\"0.25\" stroke=\"#888\"/>",
        );
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" {FONT}>pale: waiting, not running</text>",
            lx + 16.0,
            legend_y + 10.5
        );
    }
    y = legend_y + 24.0;

    // Lanes.
    let top = y;
    let mut lane_names = lanes(spans);
    if options.sort_lanes {
        lane_names.sort_by(|a, b| natural_order(a, b));
    }
    for (lane_index, lane) in lane_names.iter().enumerate() {
        let in_lane: Vec<&Span> = spans.iter().filter(|s| &s.lane == lane).collect();
        let mut rows: Vec<&str> = Vec::new();
        if options.row_per_label {
            for span in &in_lane {
                if !rows.contains(&span.label.as_str()) {
                    rows.push(&span.label);
                }
            }
            rows.sort_by(|a, b| natural_order(a, b));
        } else {
            rows.push("");
        }
        let lane_height = 2.0 * LANE_PAD + rows.len() as f64 * (ROW + ROW_GAP) - ROW_GAP;
        let shade = if lane_index % 2 == 0 {
            "#f2f2f2"
        } else {
            "#e6e6e6"
        };
        let _ = writeln!(body, "<g class=\"lane\" data-lane=\"{}\">", escape(lane));
        let _ = writeln!(
            body,
            "<rect x=\"0\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{lane_height:.1}\" fill=\"{shade}\"/>"
        );
        let _ = writeln!(
            body,
            "<text x=\"8\" y=\"{:.1}\" {FONT} font-weight=\"bold\">{}</text>",
            y + LANE_PAD + ROW * 0.8,
            escape(lane)
        );
        for span in &in_lane {
            let row = if options.row_per_label {
                rows.iter().position(|r| *r == span.label).unwrap_or(0)
            } else {
                0
            };
            let bar_y = y + LANE_PAD + row as f64 * (ROW + ROW_GAP);
            let x = x_of(span.start);
            let w = (x_of(span.end) - x).max(1.0);
            let fill = colour(span.colour_key());
            let style = if span.waiting {
                format!(
                    "fill=\"{fill}\" fill-opacity=\"0.25\" stroke=\"{fill}\" stroke-width=\"1\""
                )
            } else {
                format!("fill=\"{fill}\"")
            };
            let _ = writeln!(
                body,
                "<rect x=\"{x:.1}\" y=\"{bar_y:.1}\" width=\"{w:.1}\" height=\"{ROW:.1}\" {style}><title>{}: {} to {}{}</title></rect>",
                escape(&span.label),
                crate::timing::format_duration(span.start),
                crate::timing::format_duration(span.end),
                if span.waiting { " (waiting)" } else { "" }
            );
            if options.row_per_label && w > 7.0 * span.label.chars().count() as f64 + 6.0 {
                let text_fill = if span.waiting { "#222" } else { "#fff" };
                let _ = writeln!(
                    body,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"11\" fill=\"{text_fill}\">{}</text>",
                    x + 3.0,
                    bar_y + ROW * 0.75,
                    escape(&span.label)
                );
            }
        }
        body.push_str("</g>\n");
        y += lane_height + LANE_GAP;
    }

    // Time axis.
    let axis_y = y + 2.0;
    let _ = writeln!(
        body,
        "<line x1=\"{LEFT:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#222\"/>",
        LEFT + plot
    );
    let step = tick_step(end);
    let mut t = Duration::ZERO;
    while t <= end {
        let x = x_of(t);
        let _ = writeln!(
            body,
            "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-opacity=\"0.15\"/>",
            axis_y + 4.0
        );
        let _ = writeln!(
            body,
            "<text x=\"{x:.1}\" y=\"{:.1}\" {FONT} text-anchor=\"middle\">{}</text>",
            axis_y + 18.0,
            tick_label(t, step)
        );
        t += step;
    }
    let _ = writeln!(
        body,
        "<text x=\"8\" y=\"{:.1}\" {FONT}>time</text>",
        axis_y + 18.0
    );
    let height = axis_y + 28.0;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        escape(if options.title.is_empty() {
            "timeline"
        } else {
            &options.title
        })
    );
    let _ = writeln!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{width:.0}\" height=\"{height:.0}\" fill=\"#fff\"/>"
    );
    if !options.title.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"8\" y=\"{title_y:.1}\" font-family=\"sans-serif\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">{}</text>",
            escape(&options.title)
        );
    }
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// A small XML well-formedness check, enough for the SVGs this module
/// writes: tags nest and close, attributes are quoted, entities are known,
/// there is one root element, and nothing but whitespace lies outside it.
/// Also refuses blank lines and an `<?xml` prologue, which would break the
/// HTML block the book inlines the SVG into.
pub fn check_xml(text: &str) -> Result<()> {
    ensure!(
        !text.starts_with("<?xml"),
        "an XML prologue breaks inlining"
    );
    ensure!(
        !text.lines().any(|l| l.trim().is_empty()) || text.trim().is_empty(),
        "a blank line would end the HTML block in Markdown"
    );
    let bytes: Vec<char> = text.chars().collect();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let check_text = |chunk: &str| -> Result<()> {
        let mut rest = chunk;
        while let Some(amp) = rest.find('&') {
            let after = &rest[amp + 1..];
            let semi = after
                .find(';')
                .ok_or_else(|| anyhow::anyhow!("'&' without ';' in {chunk:?}"))?;
            let entity = &after[..semi];
            let known = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || (entity.starts_with('#') && entity.len() > 1);
            ensure!(known, "unknown entity &{entity};");
            rest = &after[semi + 1..];
        }
        ensure!(!chunk.contains('<'), "stray '<' in {chunk:?}");
        Ok(())
    };
    while i < bytes.len() {
        if bytes[i] != '<' {
            let start = i;
            while i < bytes.len() && bytes[i] != '<' {
                i += 1;
            }
            let chunk: String = bytes[start..i].iter().collect();
            if stack.is_empty() {
                ensure!(
                    chunk.trim().is_empty(),
                    "text outside the root element: {chunk:?}"
                );
            }
            check_text(&chunk)?;
            continue;
        }
        let close = bytes[i..]
            .iter()
            .position(|&c| c == '>')
            .ok_or_else(|| anyhow::anyhow!("unclosed '<'"))?;
        let tag: String = bytes[i + 1..i + close].iter().collect();
        i += close + 1;
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or_else(|| anyhow::anyhow!("</{name}> closes nothing"))?;
            ensure!(open == name.trim(), "<{open}> closed by </{name}>");
            continue;
        }
        ensure!(
            !tag.starts_with('!') && !tag.starts_with('?'),
            "unexpected <{tag}>"
        );
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        ensure!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c)),
            "bad tag name in <{tag}>"
        );
        // Attributes: name="value" pairs, nothing else.
        let mut rest = tag[name.len()..].trim_start();
        let mut seen: Vec<&str> = Vec::new();
        while !rest.is_empty() {
            let eq = rest
                .find('=')
                .ok_or_else(|| anyhow::anyhow!("attribute without '=' in <{tag}>"))?;
            let attr = rest[..eq].trim();
            ensure!(
                !attr.is_empty() && !attr.contains(char::is_whitespace),
                "bad attribute name in <{tag}>"
            );
            ensure!(!seen.contains(&attr), "attribute {attr} twice in <{tag}>");
            seen.push(attr);
            let after = &rest[eq + 1..];
            let quote = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| anyhow::anyhow!("unquoted attribute {attr} in <{tag}>"))?;
            let value_end = after[1..]
                .find(quote)
                .ok_or_else(|| anyhow::anyhow!("unterminated attribute {attr} in <{tag}>"))?;
            check_text(&after[1..1 + value_end])?;
            rest = after[1 + value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
            ensure!(roots == 1, "more than one root element");
        }
        if !self_closing {
            stack.push(name);
        }
    }
    ensure!(stack.is_empty(), "unclosed elements: {stack:?}");
    ensure!(roots == 1, "no root element");
    Ok(())
}

/// The lane names an SVG drawn by [`render_svg`] contains, in order.
pub fn svg_lanes(svg: &str) -> Vec<String> {
    svg.split("<g class=\"lane\" data-lane=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| {
            name.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(lane: &str, label: &str, start_ms: u64, end_ms: u64) -> Span {
        Span {
            lane: lane.into(),
            label: label.into(),
            category: None,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            waiting: false,
        }
    }

    #[test]
    fn recorded_spans_are_well_formed_and_sequential_within_a_thread() {
        let recorder = Recorder::new();
        for i in 0..5 {
            recorder.record(format!("task {i}"), || {
                std::thread::sleep(Duration::from_millis(1))
            });
        }
        {
            let _wait = recorder.begin("pause").category("idle").waiting();
        }
        let spans = recorder.spans();
        assert_eq!(spans.len(), 6);
        check_spans(&spans).unwrap();
        let lane = current_thread_lane();
        assert!(spans.iter().all(|s| s.lane == lane));
        // A sleep never ends early, so each span lasts at least 1 ms.
        assert!(
            spans[..5]
                .iter()
                .all(|s| s.duration() >= Duration::from_millis(1))
        );
        assert!(spans[5].waiting);
        assert_eq!(spans[5].colour_key(), "idle");
        assert!(overlap_across_lanes(&spans).is_none());
    }

    #[test]
    fn threads_get_their_own_lanes() {
        let recorder = Recorder::new();
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|scope| {
            for name in ["left", "right"] {
                let (recorder, barrier) = (&recorder, &barrier);
                std::thread::Builder::new()
                    .name(name.into())
                    .spawn_scoped(scope, move || {
                        // Both spans are open across the barrier, so they overlap in time.
                        let _span = recorder.begin(name);
                        barrier.wait();
                        std::thread::sleep(Duration::from_millis(2));
                    })
                    .unwrap();
            }
        });
        let spans = recorder.spans();
        check_spans(&spans).unwrap();
        let mut seen = lanes(&spans);
        seen.sort();
        assert_eq!(seen, ["left", "right"]);
        assert!(overlap_across_lanes(&spans).is_some());
        let unnamed = std::thread::spawn(current_thread_lane).join().unwrap();
        assert!(unnamed.starts_with("thread "), "{unnamed}");
    }

    #[test]
    fn overlapping_running_spans_in_one_lane_are_refused() {
        let bad = [span("main", "a", 0, 10), span("main", "b", 5, 15)];
        assert!(check_spans(&bad).is_err());
        let mut waiting = bad.clone();
        waiting[1].waiting = true;
        check_spans(&waiting).unwrap();
        let touching = [span("main", "a", 0, 10), span("main", "b", 10, 15)];
        check_spans(&touching).unwrap();
        let backwards = [span("main", "a", 10, 5)];
        assert!(check_spans(&backwards).is_err());
    }

    #[test]
    fn svg_is_well_formed_with_one_lane_per_thread() {
        let mut spans = vec![
            span("worker <1>", "knead & bake", 0, 100),
            span("worker 2", "b", 20, 90),
            span("worker <1>", "c", 100, 180),
            span("main", "d", 0, 5),
        ];
        spans[2].waiting = true;
        spans[3].category = Some("setup \"quoted\"".into());
        for row_per_label in [true, false] {
            let svg = render_svg(
                &spans,
                &SvgOptions {
                    title: "A 'title' & more".into(),
                    row_per_label,
                    ..SvgOptions::default()
                },
            );
            check_xml(&svg).unwrap();
            assert!(svg.starts_with("<svg "));
            assert!(svg.contains("viewBox=\"0 0 "));
            assert_eq!(svg_lanes(&svg), ["main", "worker 2", "worker <1>"]);
            assert_eq!(svg.matches("<title>").count(), 4, "one bar per span");
            assert!(svg.contains("<text"));
        }
        let unsorted = render_svg(
            &spans,
            &SvgOptions {
                sort_lanes: false,
                ..SvgOptions::default()
            },
        );
        assert_eq!(svg_lanes(&unsorted), ["worker <1>", "worker 2", "main"]);
        let empty = render_svg(&[], &SvgOptions::default());
        check_xml(&empty).unwrap();
        assert!(svg_lanes(&empty).is_empty());
    }

    #[test]
    fn the_xml_check_catches_mistakes() {
        check_xml("<a x=\"1\"><b/>t &amp; u</a>\n").unwrap();
        for bad in [
            "<?xml version=\"1.0\"?><a/>",
            "<a><b></a></b>",
            "<a x=1/>",
            "<a>&nbsp;</a>",
            "<a/><b/>",
            "<a>\n\n</a>",
            "text<a/>",
            "<a",
        ] {
            assert!(check_xml(bad).is_err(), "{bad:?} passed");
        }
    }

    #[test]
    fn names_sort_like_people_expect() {
        let mut names = vec!["task 10", "task 2", "main", "task 1", "rayon 0"];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(names, ["main", "rayon 0", "task 1", "task 2", "task 10"]);
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(
            tick_step(Duration::from_millis(1200)),
            Duration::from_millis(200)
        );
        assert_eq!(
            tick_step(Duration::from_millis(100)),
            Duration::from_millis(10)
        );
        assert_eq!(tick_step(Duration::from_secs(7)), Duration::from_secs(1));
        let step = Duration::from_millis(200);
        assert_eq!(tick_label(Duration::from_millis(400), step), "400 ms");
        assert_eq!(tick_label(Duration::from_millis(1200), step), "1.2 s");
        assert_eq!(tick_label(Duration::ZERO, step), "0");
        assert_eq!(
            tick_label(Duration::from_micros(1500), Duration::from_micros(500)),
            "1500 µs"
        );
    }

    #[test]
    fn recording_is_cheap() {
        // The bound the lab prints and checks in release is 1 µs; a debug
        // build on a busy machine gets a much wider margin.
        assert!(cost_per_span(2_000) < Duration::from_micros(50));
    }
}

//! Drawing recorded spans as an SVG timeline: one lane a row, one span a
//! bar, a time axis with readable ticks.

use std::fmt::Write as _;
use std::time::Duration;

use super::labels::{tick_label, tick_step};
use super::*;

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

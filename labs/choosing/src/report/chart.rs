//! A horizontal bar chart of speedups, several series per headline, as an
//! SVG written for inlining: in the book (inside a markdown paragraph: no
//! XML prologue and no blank lines) and in the comparison's HTML page.

use std::fmt::Write as _;

/// One group of bars: a headline.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub chapter: String,
    /// One value per series; `None` draws "no number" instead of a bar.
    pub values: Vec<Option<f64>>,
}

/// One series: its name in the legend, its colour, and what a missing
/// value says.
#[derive(Debug, Clone, Copy)]
pub struct Series {
    pub name: &'static str,
    pub colour: &'static str,
    pub missing: &'static str,
}

/// The chart of `groups`, one bar per series in each.
pub fn svg(title: &str, series: &[Series], groups: &[Group]) -> String {
    let largest = groups
        .iter()
        .flat_map(|g| g.values.iter().flatten().copied())
        .fold(2.0_f64, f64::max);
    let bar = 14.0;
    let (label_width, plot_width, top) = (200.0, 440.0, 40.0);
    let group_height = bar * series.len() as f64 + 14.0;
    let width = label_width + plot_width + 70.0;
    let height = top + group_height * groups.len() as f64 + 30.0;
    let x = |speedup: f64| label_width + plot_width * (speedup / (largest * 1.05));
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"##,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>"##
    );
    let mut legend_x = 10.0;
    for s in series {
        let _ = writeln!(
            out,
            r##"<rect x="{legend_x}" y="10" width="12" height="12" fill="{}"/><text x="{}" y="20">{}</text>"##,
            s.colour,
            legend_x + 16.0,
            escape(s.name)
        );
        legend_x += 28.0 + 6.5 * s.name.chars().count() as f64;
    }
    for (i, group) in groups.iter().enumerate() {
        let y = top + group_height * i as f64;
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><text x="{}" y="{}" text-anchor="end" font-size="10" fill="#666">{}</text>"##,
            label_width - 8.0,
            y + 12.0,
            escape(&group.label),
            label_width - 8.0,
            y + 25.0,
            escape(&group.chapter)
        );
        for (j, (s, value)) in series.iter().zip(&group.values).enumerate() {
            let y = y + bar * j as f64;
            match value {
                None => {
                    let _ = writeln!(
                        out,
                        r##"<text x="{}" y="{}" font-size="10" fill="#777">{}</text>"##,
                        label_width + 4.0,
                        y + 11.0,
                        escape(s.missing)
                    );
                }
                Some(value) => {
                    let _ = writeln!(
                        out,
                        r##"<rect x="{label_width}" y="{y}" width="{:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{}">{value:.2}x</text>"##,
                        (x(*value) - label_width).max(1.0),
                        bar - 2.0,
                        s.colour,
                        x(*value) + 4.0,
                        y + 11.0
                    );
                }
            }
        }
    }
    let one = x(1.0);
    let bottom = top + group_height * groups.len() as f64;
    let _ = writeln!(
        out,
        r##"<line x1="{one:.1}" y1="{}" x2="{one:.1}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/><text x="{one:.1}" y="{}" text-anchor="middle">1x: no gain</text>"##,
        top - 6.0,
        bottom + 16.0
    );
    out.push_str("</svg>\n");
    out
}

/// Escapes text for SVG and HTML (written once, in labkit).
pub use labkit::timeline::escape;

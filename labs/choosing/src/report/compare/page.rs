//! The comparison written out: a markdown page and a self-contained HTML one.

use super::super::chart::{self, Group, Series, escape};
use super::super::{Figure, secs};
use labkit::Document;

use super::collect::interpreter;
use super::{Comparison, Machine};

/// Both machines, summed up for the page.
pub struct Facts {
    pub command: String,
    pub same_scale: bool,
    pub book: String,
    pub book_python: String,
    pub reader: String,
    pub reader_os: String,
    pub reader_python: String,
}

/// Cores, the cores delivered across the runs, disturbed runs, rustc.
pub(super) fn summary(machines: &[Machine], rustc: Option<String>) -> String {
    let cores = machines.first().map_or(0, |m| m.cores);
    let delivered: Vec<f64> = machines.iter().filter_map(|m| m.cores_delivered).collect();
    let low = delivered.iter().copied().fold(f64::INFINITY, f64::min);
    let high = delivered.iter().copied().fold(0.0, f64::max);
    let disturbed = machines.iter().filter(|m| m.disturbed).count();
    format!(
        "{cores} cores; delivered {low:.2}–{high:.2} during the runs; {disturbed} of {} runs \
         disturbed; {}",
        machines.len(),
        rustc.unwrap_or_else(|| "rustc not recorded".into())
    )
}

/// The interpreters the twins' runs name, each with its GIL: `CPython
/// 3.11.7 (GIL on); CPython 3.13.15t (GIL off)`.
pub(super) fn pythons<'a>(documents: impl IntoIterator<Item = &'a Document>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for document in documents {
        for row in &document.rows {
            if let Some(name) = interpreter(&[row])
                && name != "CPython"
                && !seen.contains(&name)
            {
                seen.push(name);
            }
        }
    }
    let gil = |name: &String| {
        if name.contains("GIL off") {
            name.clone()
        } else {
            format!("{name} (GIL on)")
        }
    };
    seen.iter().map(gil).collect::<Vec<_>>().join("; ")
}

fn spread_text(c: &Figure) -> String {
    match (c.speedup, &c.values) {
        (Some(s), _) => format!("{:.2}x ({:.2}–{:.2})", s.median, s.min, s.max),
        (None, Some(values)) => values.clone(),
        _ => format!(
            "{} ({}–{})",
            secs(c.wall.median),
            secs(c.wall.min),
            secs(c.wall.max)
        ),
    }
}

/// The page as markdown.
pub fn page(facts: &Facts, comparisons: &[Comparison]) -> String {
    let mut out = String::from("# Your run beside the book's\n\n");
    out.push_str(&format!(
        "Made by `{}`. The book's figures are the median and the fastest–slowest spread of \
         its recorded rounds; yours count as inside that spread within {:.0} % of its ends.",
        facts.command,
        super::MARGIN * 100.0
    ));
    if !facts.same_scale {
        out.push_str(
            " At a --scale other than 1 the times are shorter than the book's: only speedups \
             and outcomes are compared.",
        );
    }
    out.push_str("\n\n");
    out.push_str(&labkit::results::table(
        &["", "the book's runs", "your run"],
        [
            vec!["machine".into(), facts.book.clone(), facts.reader.clone()],
            vec![
                "OS".into(),
                "not recorded in the sidecars".into(),
                facts.reader_os.clone(),
            ],
            vec![
                "Python".into(),
                facts.book_python.clone(),
                facts.reader_python.clone(),
            ],
        ],
    ));
    out.push('\n');
    let rows = comparisons.iter().map(|c| {
        vec![
            c.headline.label.to_string(),
            c.side.clone(),
            spread_text(&c.book),
            spread_text(&c.reader),
            c.verdict.words().to_string(),
        ]
    });
    out.push_str(&labkit::results::table(
        &["headline", "run", "the book", "yours", "verdict"],
        rows,
    ));
    let outside: Vec<&Comparison> = comparisons.iter().filter(|c| c.reason.is_some()).collect();
    if !outside.is_empty() {
        out.push_str("\nWhere yours differs, the likely reason:\n\n");
        for c in outside {
            out.push_str(&format!(
                "- {} ({}), {}: {}.\n",
                c.headline.label,
                c.side,
                c.verdict.words(),
                c.reason.as_deref().unwrap_or("")
            ));
        }
    }
    out
}

const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;\
color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;\
padding:.3em .6em;text-align:left}th{background:#f3f3f3}.above,.below,.different{background:#fde8d8}\
.inside,.same{background:#e6f4e6}code{background:#f3f3f3;padding:0 .2em}";

/// The page as one self-contained HTML file: inline style, the chart inline.
pub fn html(facts: &Facts, comparisons: &[Comparison]) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Your run beside the book's</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Your run beside the book's</h1>\n<p>Made by <code>{}</code>. The book's figures \
         are the median and the fastest–slowest spread of its recorded rounds; yours count as \
         inside that spread within {:.0} % of its ends.</p>\n",
        escape(&facts.command),
        super::MARGIN * 100.0
    );
    out.push_str("<table>\n<tr><th></th><th>the book's runs</th><th>your run</th></tr>\n");
    for (what, book, reader) in [
        ("machine", &facts.book, &facts.reader),
        (
            "OS",
            &"not recorded in the sidecars".to_string(),
            &facts.reader_os,
        ),
        ("Python", &facts.book_python, &facts.reader_python),
    ] {
        out.push_str(&format!(
            "<tr><th>{what}</th><td>{}</td><td>{}</td></tr>\n",
            escape(book),
            escape(reader)
        ));
    }
    out.push_str(
        "</table>\n<table>\n<tr><th>headline</th><th>run</th><th>the book</th>\
                  <th>yours</th><th>verdict</th><th>likely reason</th></tr>\n",
    );
    for c in comparisons {
        let class = format!("{:?}", c.verdict).to_lowercase();
        out.push_str(&format!(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&class),
            escape(c.headline.label),
            escape(&c.side),
            escape(&spread_text(&c.book)),
            escape(&spread_text(&c.reader)),
            escape(c.verdict.words()),
            escape(c.reason.as_deref().unwrap_or(""))
        ));
    }
    out.push_str("</table>\n");
    let groups: Vec<Group> = comparisons
        .iter()
        .filter(|c| c.book.speedup.is_some())
        .map(|c| Group {
            label: format!("{} ({})", c.headline.label, c.side),
            chapter: c.headline.chapter.to_string(),
            values: vec![
                c.book.speedup.map(|s| s.median),
                c.reader.speedup.map(|s| s.median),
            ],
        })
        .collect();
    out.push_str(&chart::svg(
        "Speedups: the book's recorded run and yours",
        &[
            Series {
                name: "the book's run",
                colour: "#9e9e9e",
                missing: "no number",
            },
            Series {
                name: "your run",
                colour: "#e07b39",
                missing: "no number",
            },
        ],
        &groups,
    ));
    out.push_str("</body>\n</html>\n");
    out
}

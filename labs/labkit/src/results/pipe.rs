//! Pipe tables: the cells of a row (times with their spread, speedups),
//! rendering aligned columns, telling numbers from text, and reading a
//! printed table back.

use serde_json::Value;

use super::Row;
use crate::bench::spread;
use crate::timing::format_duration;

/// `159.3 ms`, or `159.3 ms (155.0–170.2)` for a row with several samples.
pub(super) fn wall_cell(row: &Row) -> String {
    match &row.samples {
        Some(samples) if samples.len() > 1 => {
            let s = spread(samples);
            let formatted = format_duration(row.wall());
            let (median, unit) = split_unit(&formatted);
            let decimals = median.split_once('.').map_or(0, |(_, d)| d.len());
            let scale = match unit {
                "s" => 1.0,
                "ms" => 1e3,
                "µs" => 1e6,
                _ => 1e9,
            };
            format!(
                "{median} {unit} ({:.decimals$}–{:.decimals$})",
                s.min * scale,
                s.max * scale
            )
        }
        _ => format_duration(row.wall()),
    }
}

fn split_unit(text: &str) -> (&str, &str) {
    text.split_once(' ').unwrap_or((text, ""))
}

/// `1.97x`, or `1.97x (1.93–2.00)` for a paired speedup.
pub(super) fn speedup_cell(row: &Row) -> String {
    match (row.speedup, row.speedup_min, row.speedup_max) {
        (Some(s), Some(low), Some(high)) => format!("{s:.2}x ({low:.2}–{high:.2})"),
        (Some(s), _, _) => format!("{s:.2}x"),
        _ => String::new(),
    }
}

pub(super) fn format_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.3}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Renders a pipe table with aligned columns. Numbers are right-aligned,
/// text is left-aligned. Usable for any table a lab prints, not only results.
pub fn table(header: &[impl AsRef<str>], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| h.as_ref().to_string()).collect();
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let columns = header.len();
    let width = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .chain(std::iter::once(&header[i]))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let numeric = |cell: &str| is_number(cell);
    let line = |cells: &[String]| {
        let mut out = String::from("|");
        for (i, w) in widths.iter().enumerate() {
            let cell = cells.get(i).map_or("", String::as_str);
            if numeric(cell) && i > 0 {
                out.push_str(&format!(" {cell:>w$} |"));
            } else {
                out.push_str(&format!(" {cell:<w$} |"));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header);
    out.push('|');
    for w in &widths {
        out.push_str(&"-".repeat(w + 2));
        out.push('|');
    }
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Is `cell` a number, possibly with a unit (`6.004 s`, `1.96x`, `42 %`)?
/// Such cells are right-aligned; text such as `2 threads` is not a number.
pub(super) fn is_number(cell: &str) -> bool {
    let cell = without_range(cell);
    const UNITS: [&str; 11] = [
        " s", " ms", " µs", " ns", "x", " %", "%", " B", " KiB", " MiB", " GiB",
    ];
    let bare = UNITS
        .iter()
        .find_map(|unit| cell.strip_suffix(unit))
        .unwrap_or(cell);
    !bare.is_empty() && bare.replace(['_', ','], "").parse::<f64>().is_ok()
}

/// A cell without its bracketed range: `1.97x (1.93–2.00)` is `1.97x`.
/// (Only a bracket that holds a number, a dash and a number is a range.)
fn without_range(cell: &str) -> &str {
    if let Some((value, rest)) = cell.split_once(" (")
        && let Some(range) = rest.strip_suffix(')')
        && let Some((low, high)) = range.split_once('–')
        && low.parse::<f64>().is_ok()
        && high.parse::<f64>().is_ok()
    {
        value
    } else {
        cell
    }
}

/// A pipe table read back from text: its header and its rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cell in `column` of the first row whose first cell is `key`... or
    /// whose `variant` cell is `key`, when the table has a `variant` column.
    pub fn cell(&self, key: &str, column: &str) -> Option<&str> {
        let col = self.header.iter().position(|h| h == column)?;
        let key_col = self.header.iter().position(|h| h == "variant").unwrap_or(0);
        let row = self
            .rows
            .iter()
            .find(|r| r.get(key_col).is_some_and(|c| c == key))?;
        row.get(col).map(String::as_str)
    }
}

/// Finds every pipe table in `text` (header line, `|---|` rule, rows).
pub fn read_tables(text: &str) -> Vec<Table> {
    let split = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut tables = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let is_rule = lines[i + 1].starts_with("|-");
        if lines[i].starts_with('|') && is_rule {
            let header = split(lines[i]);
            let mut rows = Vec::new();
            let mut j = i + 2;
            while j < lines.len() && lines[j].starts_with('|') {
                rows.push(split(lines[j]));
                j += 1;
            }
            tables.push(Table { header, rows });
            i = j;
        } else {
            i += 1;
        }
    }
    tables
}

//! Result rows, speedups, and the two ways a lab prints them.
//!
//! Every lab reports the same kind of thing: for one experiment, a few
//! variants (sequential, threads, rayon, ...) and what each cost. A [`Row`] is
//! one variant; [`Results`] collects rows, computes speedups against a
//! baseline variant and prints either a table for people or, with `--json`, a
//! JSON array for programs. Tables are printed as pipe tables because they
//! read well in a terminal and in the book, and because [`read_tables`] can
//! parse them back, which lets tests check the numbers in a committed
//! transcript.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::timing::{Measurement, format_duration};

/// One variant of one experiment and what it cost.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// The experiment (the lab's subcommand), e.g. `weather`.
    pub experiment: String,
    /// The way it was run, e.g. `sequential` or `2 threads`.
    pub variant: String,
    /// Wall-clock time in seconds.
    pub wall_seconds: f64,
    /// Baseline wall time divided by this row's, when the experiment has a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    /// CPU time / wall time, when it was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_utilisation: Option<f64>,
    /// Experiment-specific columns, in insertion order (e.g. `result`, `tasks`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Row {
    /// Adds an experiment-specific column (shown in the table, a key in JSON).
    pub fn with(&mut self, key: &str, value: impl Into<Value>) -> &mut Row {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// The wall time as a `Duration`.
    pub fn wall(&self) -> Duration {
        Duration::from_secs_f64(self.wall_seconds)
    }
}

/// The rows a lab run produced, in the order they were measured.
#[derive(Debug, Clone, Default)]
pub struct Results {
    rows: Vec<Row>,
}

impl Results {
    pub fn new() -> Results {
        Results::default()
    }

    /// Records a variant timed by wall clock only.
    pub fn push(&mut self, experiment: &str, variant: &str, wall: Duration) -> &mut Row {
        self.rows.push(Row {
            experiment: experiment.to_string(),
            variant: variant.to_string(),
            wall_seconds: wall.as_secs_f64(),
            speedup: None,
            cpu_utilisation: None,
            extra: Map::new(),
        });
        self.rows.last_mut().expect("just pushed")
    }

    /// Records a variant with its wall and CPU time.
    pub fn push_measured(&mut self, experiment: &str, variant: &str, m: Measurement) -> &mut Row {
        let row = self.push(experiment, variant, m.wall);
        row.cpu_utilisation = Some(m.utilisation());
        row
    }

    /// Sets `speedup` on every row of `experiment`: the wall time of its
    /// `baseline` variant divided by the row's own.
    pub fn speedups_against(&mut self, experiment: &str, baseline: &str) -> anyhow::Result<()> {
        let base = self
            .rows
            .iter()
            .find(|r| r.experiment == experiment && r.variant == baseline)
            .map(|r| r.wall_seconds)
            .ok_or_else(|| anyhow::anyhow!("no '{baseline}' row in experiment '{experiment}'"))?;
        for row in self.rows.iter_mut().filter(|r| r.experiment == experiment) {
            row.speedup = Some(if row.wall_seconds > 0.0 {
                base / row.wall_seconds
            } else {
                0.0
            });
        }
        Ok(())
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Finds a row by experiment and variant.
    pub fn get(&self, experiment: &str, variant: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.experiment == experiment && r.variant == variant)
    }

    /// The rows as a JSON array (what `--json` prints).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.rows).expect("rows are always serialisable")
    }

    /// The rows as a pipe table (what a lab prints without `--json`).
    pub fn to_table(&self) -> String {
        let mut extra_keys: Vec<&str> = Vec::new();
        for row in &self.rows {
            for key in row.extra.keys() {
                if !extra_keys.contains(&key.as_str()) {
                    extra_keys.push(key);
                }
            }
        }
        let several = self
            .rows
            .iter()
            .any(|r| r.experiment != self.rows[0].experiment);
        let has_speedup = self.rows.iter().any(|r| r.speedup.is_some());
        let has_cpu = self.rows.iter().any(|r| r.cpu_utilisation.is_some());

        let mut header: Vec<String> = Vec::new();
        if several {
            header.push("experiment".into());
        }
        header.push("variant".into());
        header.push("wall".into());
        if has_speedup {
            header.push("speedup".into());
        }
        if has_cpu {
            header.push("cpu".into());
        }
        header.extend(extra_keys.iter().map(|k| k.to_string()));

        let body = self.rows.iter().map(|row| {
            let mut cells = Vec::new();
            if several {
                cells.push(row.experiment.clone());
            }
            cells.push(row.variant.clone());
            cells.push(format_duration(row.wall()));
            if has_speedup {
                cells.push(row.speedup.map_or(String::new(), |s| format!("{s:.2}x")));
            }
            if has_cpu {
                cells.push(
                    row.cpu_utilisation
                        .map_or(String::new(), |u| format!("{u:.2}")),
                );
            }
            for key in &extra_keys {
                cells.push(row.extra.get(*key).map_or(String::new(), format_value));
            }
            cells
        });
        table(&header, body)
    }

    /// Prints the rows the way the command line asked for.
    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_table());
        }
    }
}

fn format_value(value: &Value) -> String {
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
fn is_number(cell: &str) -> bool {
    const UNITS: [&str; 11] = [
        " s", " ms", " µs", " ns", "x", " %", "%", " B", " KiB", " MiB", " GiB",
    ];
    let bare = UNITS
        .iter()
        .find_map(|unit| cell.strip_suffix(unit))
        .unwrap_or(cell);
    !bare.is_empty() && bare.replace(['_', ','], "").parse::<f64>().is_ok()
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

impl Table {
    /// The cell in `column` of the row whose `variant` is `variant` and, when
    /// `experiment` is given, whose `experiment` column matches too.
    pub fn cell_in(&self, experiment: Option<&str>, variant: &str, column: &str) -> Option<&str> {
        let col = |name: &str| self.header.iter().position(|h| h == name);
        let (variant_col, value_col) = (col("variant")?, col(column)?);
        let experiment_col = col("experiment");
        let row = self.rows.iter().find(|row| {
            row.get(variant_col).is_some_and(|v| v == variant)
                && experiment.is_none_or(|e| {
                    experiment_col
                        .and_then(|c| row.get(c))
                        .is_some_and(|v| v == e)
                })
        })?;
        row.get(value_col).map(String::as_str)
    }

    /// A numeric cell (`1.96x`, `0.98`, `42`, `3 %`) as a number, for tests
    /// that check the figures a chapter quotes. Panics, naming the cell, if
    /// it is missing or not a number.
    pub fn number_in(&self, experiment: Option<&str>, variant: &str, column: &str) -> f64 {
        let text = self
            .cell_in(experiment, variant, column)
            .unwrap_or_else(|| panic!("no {column} cell for {experiment:?} / {variant}"));
        text.trim_end_matches(['x', '%'])
            .trim()
            .replace([',', '_'], "")
            .parse()
            .unwrap_or_else(|_| panic!("{column} of {variant} is {text:?}, not a number"))
    }

    /// A duration cell (`6.004 s`, `60.4 ms`) as a `Duration`; panics like
    /// [`Table::number_in`].
    pub fn duration_in(&self, experiment: Option<&str>, variant: &str, column: &str) -> Duration {
        let text = self
            .cell_in(experiment, variant, column)
            .unwrap_or_else(|| panic!("no {column} cell for {experiment:?} / {variant}"));
        crate::timing::parse_duration(text)
            .unwrap_or_else(|| panic!("{column} of {variant} is {text:?}, not a duration"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Results {
        let mut results = Results::new();
        results.push("weather", "sequential", Duration::from_secs(6));
        results
            .push("weather", "5 threads", Duration::from_secs(2))
            .with("cities", 5);
        results.speedups_against("weather", "sequential").unwrap();
        results
    }

    #[test]
    fn speedup_is_baseline_over_row() {
        let mut results = sample();
        assert_eq!(
            results.get("weather", "5 threads").unwrap().speedup,
            Some(3.0)
        );
        assert!(results.speedups_against("weather", "missing").is_err());
    }

    #[test]
    fn json_rows_carry_the_required_keys() {
        let rows: Vec<Value> = serde_json::from_str(&sample().to_json()).unwrap();
        for row in &rows {
            for key in ["experiment", "variant", "wall_seconds", "speedup"] {
                assert!(row.get(key).is_some(), "{key} missing from {row}");
            }
        }
        assert_eq!(rows[1]["cities"], 5);
    }

    #[test]
    fn numbers_are_told_from_text() {
        for number in ["6.004 s", "12.3 µs", "1.96x", "42", "-120", "1,000", "3 %"] {
            assert!(is_number(number), "{number}");
        }
        for text in ["2 threads", "sequential", "10 waits on 10 threads", "", "x"] {
            assert!(!is_number(text), "{text}");
        }
    }

    #[test]
    fn tables_read_back_what_was_printed() {
        let text = format!("narration\n{}\nmore narration\n", sample().to_table());
        let tables = read_tables(&text);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.header, ["variant", "wall", "speedup", "cities"]);
        assert_eq!(t.cell("5 threads", "wall"), Some("2.000 s"));
        assert_eq!(t.cell("sequential", "speedup"), Some("1.00x"));
        assert_eq!(t.cell("5 threads", "cities"), Some("5"));
        assert_eq!(t.number_in(None, "5 threads", "speedup"), 3.0);
        assert_eq!(
            t.duration_in(None, "sequential", "wall"),
            Duration::from_secs(6)
        );
        assert_eq!(t.cell_in(Some("other"), "sequential", "wall"), None);
    }
}

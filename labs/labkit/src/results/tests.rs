use serde_json::Value;

use super::pipe::is_number;
use super::*;
use crate::bench::{Calibration, Ceiling};

#[test]
fn per_experiment_text_has_one_table_per_experiment_and_checks_as_a_rendering() {
    let mut results = Results::new();
    results
        .push("weather", "Rust", Duration::from_secs(6))
        .with("requests", 3);
    results.push("powersum", "Rust", Duration::from_millis(120));
    results.push("powersum", "CPython", Duration::from_secs(3));
    let text = results.to_text_per_experiment();
    let tables = read_tables(&text);
    assert_eq!(tables.len(), 2, "{text}");
    assert_eq!(tables[0].header, ["variant", "wall", "requests"]);
    assert_eq!(tables[1].header, ["variant", "wall"]);
    assert_eq!(tables[1].rows.len(), 2);
    assert!(text.contains("weather:\n| variant"), "{text}");
    assert!(text.contains("\n\npowersum:\n| variant"), "{text}");
    crate::transcript::check_rendering(&text, &results.document()).unwrap();
    // One experiment: the same as to_text.
    let one = Results::from_rows(results.rows()[1..].to_vec());
    assert_eq!(one.to_text_per_experiment(), one.to_text());
}

fn sample() -> Results {
    let mut results = Results::new();
    results.push("weather", "sequential", Duration::from_secs(6));
    results
        .push("weather", "5 threads", Duration::from_secs(2))
        .with("cities", 5);
    results.get_mut("weather", "sequential").unwrap().speedup = Some(1.0);
    results.get_mut("weather", "5 threads").unwrap().speedup = Some(3.0);
    results
}

#[test]
fn json_rows_carry_the_required_keys() {
    let rows = rows_of(&sample().to_json()).unwrap();
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
    assert_eq!(t.cell("5 threads", "speedup"), Some("3.00x"));
    assert_eq!(t.cell("other", "wall"), None);
}

fn measured() -> Results {
    let mut results = Results::new();
    results.set_method(Method {
        rounds: 3,
        cores: 2,
        calibrations: vec![
            Calibration {
                one_thread_seconds: 0.02,
                all_threads_seconds: 0.0202,
            };
            3
        ],
        steal: Some(0.001),
    });
    results.push_samples(
        "sum",
        "1 thread",
        vec![1.0, 1.2, 1.1],
        Some(vec![1.0, 1.2, 1.1]),
    );
    results
        .push_samples(
            "sum",
            "2 threads",
            vec![0.51, 0.62, 0.55],
            Some(vec![1.0, 1.2, 1.1]),
        )
        .with("counted", 100);
    results
        .paired_speedup(
            "sum",
            "2 threads",
            "1 thread",
            &Ceiling::new(2.0, "two cores"),
        )
        .unwrap();
    results
}

#[test]
fn rows_with_rounds_show_medians_spreads_and_paired_speedups() {
    let results = measured();
    let row = results.get("sum", "2 threads").unwrap();
    assert_eq!(row.wall_seconds, 0.55);
    // Per-round ratios 1/0.51, 1.2/0.62, 1.1/0.55: median 1.96, min 1.94, max 2.0.
    assert!((row.speedup.unwrap() - 1.0 / 0.51).abs() < 1e-12);
    assert!((row.speedup_min.unwrap() - 1.2 / 0.62).abs() < 1e-12);
    assert_eq!(row.speedup_max, Some(2.0));
    assert_eq!(row.baseline.as_deref(), Some("1 thread"));
    assert!((row.efficiency.unwrap() - 0.5 / 0.51).abs() < 1e-12);
    // cpu: the median of the per-round cpu ÷ wall ratios.
    assert!((row.cpu_utilisation.unwrap() - 1.0 / 0.51).abs() < 1e-12);
    let text = results.to_text();
    assert!(
        text.starts_with("Measured in 3 interleaved rounds on 2 cores"),
        "{text}"
    );
    assert!(
        text.contains("\nMachine: delivered 1.98 of 2 cores"),
        "{text}"
    );
    let tables = read_tables(&text);
    let (t, s) = (&tables[0], &tables[1]);
    assert_eq!(t.cell("1 thread", "wall"), Some("1.100 s (1.000–1.200)"));
    assert_eq!(t.cell("2 threads", "wall"), Some("550.0 ms (510.0–620.0)"));
    assert_eq!(s.cell("2 threads", "speedup"), Some("1.96x (1.94–2.00)"));
    assert_eq!(s.cell("2 threads", "over"), Some("1 thread"));
    assert_eq!(s.cell("2 threads", "ceiling"), Some("2.00x"));
    assert_eq!(s.cell("1 thread", "speedup"), None);
    for line in text.lines() {
        assert!(line.chars().count() <= WIDTH, "wider than {WIDTH}: {line}");
    }
    assert!(
        text.contains("ceiling 2.00x: two cores (tolerance 5 %)"),
        "{text}"
    );
    assert!(!text.contains(BUG_PREFIX));
    assert!(is_number("1.96x (1.94–2.00)") && is_number("550.0 ms (510.0–620.0)"));
}

#[test]
fn long_lines_wrap_with_indented_continuations() {
    let text = format!("{BUG_PREFIX} {}", "word ".repeat(60));
    let wrapped_text = wrapped(text.trim());
    let lines: Vec<&str> = wrapped_text.lines().collect();
    assert!(lines.len() > 2, "{lines:?}");
    assert!(lines[0].starts_with(BUG_PREFIX));
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.starts_with("  ") && !l.starts_with("   "))
    );
    assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
    assert_eq!(wrapped("short"), "short\n");
}

#[test]
fn a_speedup_above_its_ceiling_is_called_a_bug() {
    let mut results = measured();
    results
        .paired_speedup(
            "sum",
            "2 threads",
            "1 thread",
            &Ceiling::one_at_a_time("one GIL"),
        )
        .unwrap();
    let problems = results.problems();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("sum / 2 threads, 1.96x, is above its ceiling 1.00x + 5 %"));
    assert!(results.to_text().contains(BUG_PREFIX));
    let json: Value = serde_json::from_str(&results.to_json()).unwrap();
    assert_eq!(json["problems"].as_array().unwrap().len(), 1);
    // On a disturbed machine it is not called a bug, but still shown.
    let mut disturbed = results.clone();
    let mut method = disturbed.method().unwrap().clone();
    for c in &mut method.calibrations {
        c.all_threads_seconds = 2.0 * c.one_thread_seconds;
    }
    disturbed.set_method(method);
    assert!(disturbed.problems().is_empty());
    let text = disturbed.to_text();
    assert!(
        !text.contains(BUG_PREFIX) && text.contains(DISTURBED_PREFIX),
        "{text}"
    );
    // Within the tolerance is noise, not a bug.
    let lenient = Ceiling::new(1.9, "noisy").with_tolerance(0.05);
    results
        .paired_speedup("sum", "2 threads", "1 thread", &lenient)
        .unwrap();
    assert!(results.problems().is_empty());
}

#[test]
fn the_document_renders_back_to_the_same_text() {
    for results in [measured(), sample()] {
        let json = results.to_json();
        let back = Document::from_json(&json).unwrap();
        assert_eq!(back.rows, results.rows());
        assert_eq!(back.results().to_text(), results.to_text());
    }
    let json: Value = serde_json::from_str(&measured().to_json()).unwrap();
    for key in [
        "cores",
        "rounds",
        "cores_delivered",
        "cores_delivered_min",
        "steal",
        "disturbed",
        "calibration",
        "rows",
    ] {
        assert!(json.get(key).is_some(), "{key} missing");
    }
    assert_eq!(json["disturbed"], false);
    assert_eq!(json["rows"][1]["samples"].as_array().unwrap().len(), 3);
    // A run measured once says nothing about rounds.
    let once: Value = serde_json::from_str(&sample().to_json()).unwrap();
    assert!(once.get("rounds").is_none() && once["cores"].as_u64().unwrap() >= 1);
}

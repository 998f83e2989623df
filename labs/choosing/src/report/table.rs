//! The report's text: narrow tables (no line over 100 columns) and the
//! Python material's words behind each figure it quotes.

use super::Outcome;

/// The note numbers of the Python material's figures, in order: one per
/// headline that quotes the material (0 for those that do not).
fn note_numbers(outcomes: &[Outcome]) -> Vec<usize> {
    let mut next = 0;
    outcomes
        .iter()
        .map(|o| {
            if o.headline.reported.words.is_empty() {
                0
            } else {
                next += 1;
                next
            }
        })
        .collect()
}

/// The report's text: which runs it made, then two narrow tables (speedups,
/// then outcomes), then the Python material's words behind each figure.
/// Valid markdown, and no line wider than 100 columns.
pub fn tables(outcomes: &[Outcome]) -> String {
    let notes = note_numbers(outcomes);
    let mut runs: Vec<Vec<String>> = Vec::new();
    for o in outcomes {
        let row = vec![
            o.headline.chapter.to_string(),
            format!("`{}`", o.headline.command()),
            o.scale.to_string(),
        ];
        if !runs.contains(&row) {
            runs.push(row);
        }
    }
    let cpython = |o: &Outcome| -> String {
        let mut cell = match (&o.headline.twin, &o.cpython) {
            (None, _) => "no twin".to_string(),
            (Some(_), None) => "— (no python3)".to_string(),
            (Some(_), Some(f)) => f.text.clone(),
        };
        if let Some(free) = &o.free_threaded {
            cell.push_str(&format!("; 3.13t {}", free.text));
        }
        cell
    };
    let reported = |(o, n): (&Outcome, &usize)| -> String {
        if *n == 0 {
            o.headline.reported.figure.to_string()
        } else {
            format!("{} [{n}]", o.headline.reported.figure)
        }
    };
    let header = ["headline", "Rust, here", "CPython, here", "Python reported"];
    let pick = |speedups: bool| {
        outcomes
            .iter()
            .zip(&notes)
            .filter(move |(o, _)| o.headline.is_speedup() == speedups)
            .map(|pair| {
                vec![
                    pair.0.headline.label.to_string(),
                    pair.0.rust.text.clone(),
                    cpython(pair.0),
                    reported(pair),
                ]
            })
            .collect::<Vec<_>>()
    };
    let mut out = String::new();
    out.push_str("The runs (each lab at the scale shown):\n\n");
    out.push_str(&labkit::results::table(&["chapter", "run", "scale"], runs));
    out.push_str("\nSpeedups (median of the paired rounds):\n\n");
    out.push_str(&labkit::results::table(&header, pick(true)));
    out.push_str("\nOutcomes and times:\n\n");
    out.push_str(&labkit::results::table(&header, pick(false)));
    out.push_str(
        "\nPython reported: the Python material's own figures, in its words, each with the\n\
         file of the material it comes from:\n\n",
    );
    for (o, n) in outcomes.iter().zip(&notes) {
        if *n == 0 {
            continue;
        }
        let r = &o.headline.reported;
        let quoted: Vec<String> = r.words.iter().map(|w| format!("\"{w}\"")).collect();
        out.push_str(&wrap(
            &format!("{n}. {}: {}", r.file, quoted.join(", ")),
            98,
        ));
    }
    out
}

/// Wraps `text` at spaces to lines of at most `width` characters (a word
/// longer than that stays whole), continuation lines indented by three.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = "   ".to_string();
        } else if !line.is_empty() && !line.ends_with("   ") {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

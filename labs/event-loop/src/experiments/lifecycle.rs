//! The event loop's lifecycle as an SVG picture, drawn from a recorded run
//! of the hand-built loop ([`event_loop::mini_tokio::Executor::trace`]).
//!
//! The picture is not to time scale on purpose: polling a task takes
//! microseconds and waiting takes hundreds of milliseconds, so a time axis
//! would show nothing but the waits. Instead each column is one turn of the
//! loop: the tasks it ran (and whether they finished), then the reactor's
//! wait in the OS with how long it lasted and how many events it reported.

use std::fmt::Write;

use event_loop::mini_tokio::Turn;
use labkit::timeline::escape;

const LABEL_WIDTH: usize = 120;
const COLUMN_WIDTH: usize = 200;
const ROW_HEIGHT: usize = 24;
const TOP: usize = 58;

/// Draws the first `max_turns` turns of `trace` for tasks named `labels`.
pub fn svg(trace: &[Turn], labels: &[String], max_turns: usize) -> String {
    let turns = &trace[..trace.len().min(max_turns)];
    let rows = labels.len() + 1; // the tasks, then the reactor
    let width = (LABEL_WIDTH + COLUMN_WIDTH * turns.len().max(1) + 10).max(760);
    let height = TOP + ROW_HEIGHT * rows + 40;
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img" aria-label="Turns of the hand-built event loop">"##
    );
    out.push('\n');
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r##"<text x="8" y="18" font-size="13" font-weight="bold">One thread, {} turns of the loop: run the ready tasks, then wait in epoll</text>"##,
        trace.len()
    );
    let _ = writeln!(
        out,
        r##"<text x="8" y="36" fill="#555555">grey: polled, returned Pending (waits for its socket) · green: polled, finished · blue: the reactor waits for the OS</text>"##
    );
    for (row, label) in labels
        .iter()
        .chain(["reactor (epoll)".to_string()].iter())
        .enumerate()
    {
        let y = TOP + row * ROW_HEIGHT;
        let _ = writeln!(
            out,
            r##"<text x="8" y="{}" >{}</text>"##,
            y + 15,
            escape(label)
        );
        let _ = writeln!(
            out,
            r##"<line x1="{LABEL_WIDTH}" y1="{}" x2="{}" y2="{}" stroke="#eeeeee"/>"##,
            y + ROW_HEIGHT,
            width - 10,
            y + ROW_HEIGHT
        );
    }
    for (column, turn) in turns.iter().enumerate() {
        let x = LABEL_WIDTH + column * COLUMN_WIDTH;
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" fill="#555555">turn {}</text>"##,
            x + 4,
            TOP - 4,
            column + 1
        );
        let half = COLUMN_WIDTH / 2 - 8;
        for &(task, finished) in &turn.polled {
            if task >= labels.len() {
                continue;
            }
            let y = TOP + task * ROW_HEIGHT + 4;
            let (fill, word) = if finished {
                ("#7fc97f", "Ready")
            } else {
                ("#cccccc", "Pending")
            };
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{y}" width="{half}" height="{}" rx="3" fill="{fill}"/><text x="{}" y="{}">{word}</text>"##,
                x + 2,
                ROW_HEIGHT - 8,
                x + 6,
                y + 12
            );
        }
        if turn.events > 0 || !turn.waited.is_zero() {
            let y = TOP + labels.len() * ROW_HEIGHT + 4;
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{y}" width="{half}" height="{}" rx="3" fill="#80b1d3"/><text x="{}" y="{}">{}</text><text x="{}" y="{}" fill="#555555">{} event{}</text>"##,
                x + COLUMN_WIDTH / 2,
                ROW_HEIGHT - 8,
                x + COLUMN_WIDTH / 2 + 4,
                y + 12,
                labkit::timing::format_duration(turn.waited),
                x + COLUMN_WIDTH / 2 + 4,
                y + ROW_HEIGHT + 10,
                turn.events,
                if turn.events == 1 { "" } else { "s" }
            );
        }
    }
    if trace.len() > turns.len() {
        let _ = writeln!(
            out,
            r##"<text x="8" y="{}" fill="#555555">... and {} more turns</text>"##,
            height - 8,
            trace.len() - turns.len()
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_picture_has_a_box_per_poll_and_no_blank_line() {
        let trace = vec![
            Turn {
                polled: vec![(0, false), (1, false)],
                waited: Duration::from_millis(400),
                events: 2,
            },
            Turn {
                polled: vec![(0, true), (1, true)],
                waited: Duration::ZERO,
                events: 0,
            },
        ];
        let labels = vec!["GET /page/1".to_string(), "GET /page/2".to_string()];
        let svg = svg(&trace, &labels, 10);
        assert!(svg.starts_with("<svg"));
        assert!(
            !svg.contains("\n\n"),
            "a blank line would end the HTML block"
        );
        assert_eq!(svg.matches(">Pending<").count(), 2);
        assert_eq!(svg.matches(">Ready<").count(), 2);
        assert!(svg.contains("400.0 ms"));
    }
}

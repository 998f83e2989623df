//! The words and numbers on a drawing: escaped text, tick steps and their
//! labels, lanes in natural order (`worker 2` before `worker 10`).

use std::time::Duration;

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
pub(super) fn tick_step(total: Duration) -> Duration {
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
pub(super) fn tick_label(t: Duration, step: Duration) -> String {
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

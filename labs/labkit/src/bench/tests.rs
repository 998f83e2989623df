use anyhow::ensure;

use super::machine::{parse_steal, steal_between};
use super::*;
use std::cell::RefCell;

#[test]
fn medians_and_spreads_of_fixed_samples() {
    assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    assert_eq!(median(&[7.0]), 7.0);
    let s = spread(&[0.5, 0.2, 0.9, 0.4, 0.3]);
    assert_eq!((s.median, s.min, s.max), (0.4, 0.2, 0.9));
}

#[test]
fn speedups_pair_rounds_rather_than_medians() {
    // Round 2 was slow for both variants: paired, it still reads 2x.
    let one = [1.0, 3.0, 1.1];
    let two = [0.5, 1.5, 0.55];
    let s = paired_speedups(&one, &two).unwrap();
    assert!((s.median - 2.0).abs() < 1e-12 && (s.min - 2.0).abs() < 1e-12);
    // Unpaired medians would have said 1.1 / 0.55 = 2.0 too, but here they differ:
    let s = paired_speedups(&[1.0, 2.0, 4.0], &[1.0, 0.5, 4.0]).unwrap();
    assert_eq!((s.median, s.min, s.max), (1.0, 1.0, 4.0));
    assert!(paired_speedups(&[1.0], &[1.0, 2.0]).is_err());
    assert!(paired_speedups(&[], &[]).is_err());
    assert!(paired_speedups(&[1.0], &[0.0]).is_err());
}

fn fixed(one: f64, all: f64) -> Calibration {
    Calibration {
        one_thread_seconds: one,
        all_threads_seconds: all,
    }
}

#[test]
fn variants_run_interleaved_round_by_round() {
    let order = RefCell::new(Vec::new());
    let mut bench = Bench::with_rounds("order", 3);
    bench.calibrate_with(|_| {
        order.borrow_mut().push("calibrate");
        fixed(1.0, 1.0)
    });
    for name in ["A", "B", "C"] {
        let order = &order;
        bench.variant(name, move || {
            order.borrow_mut().push(name);
            name.len()
        });
    }
    let run = bench.run(|_, len| {
        ensure!(*len == 1);
        Ok(())
    });
    let run = run.unwrap();
    let expected = ["calibrate", "A", "B", "C"].repeat(3);
    assert_eq!(*order.borrow(), expected);
    assert_eq!(run.measured.len(), 3);
    assert!(run.measured.iter().all(|m| m.samples.len() == 3));
    assert_eq!(run.method.calibrations.len(), 3);
}

#[test]
fn a_wrong_value_is_an_error_naming_variant_and_round() {
    let mut calls = 0;
    let mut bench = Bench::with_rounds("count", 4);
    bench.calibrate_with(|_| fixed(1.0, 1.0));
    bench.variant("flaky", || {
        calls += 1;
        calls
    });
    let err = bench
        .run(|variant, value| {
            ensure!(*value < 3, "{variant} counted {value}");
            Ok(())
        })
        .unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("count, flaky, round 3 of 4"), "{message}");
    assert!(message.contains("flaky counted 3"), "{message}");
}

#[test]
fn a_machine_that_gives_too_few_cores_is_called_disturbed() {
    let method = |pairs: &[(f64, f64)]| Method {
        rounds: pairs.len(),
        cores: 2,
        calibrations: pairs.iter().map(|&(o, a)| fixed(o, a)).collect(),
        steal: Some(0.0),
    };
    // 2 × 0.020 / 0.0202 ≈ 1.98 cores: fine.
    let quiet = method(&[(0.020, 0.0202), (0.020, 0.0205), (0.020, 0.036)]);
    assert!(!quiet.disturbed());
    let d = quiet.cores_delivered().unwrap();
    assert!((d.median - 1.951).abs() < 0.01 && (d.min - 1.111).abs() < 0.01);
    assert!(quiet.describe(&[])[1].starts_with("Machine: delivered 1.95 of 2 cores"));
    // A host that took a core away most of the time: 1.1 cores.
    let busy = method(&[(0.020, 0.0364), (0.020, 0.0364), (0.020, 0.0202)]);
    assert!(busy.disturbed());
    let mut row = Row::new("x", "2 threads", 0.1);
    row.speedup = Some(1.08);
    row.ceiling_core_bound = Some(true);
    let lines = busy.describe(&[row]);
    assert!(
        lines[1..].iter().all(|l| l.starts_with("Machine: ")),
        "{lines:?}"
    );
    let line = lines[1..].join(" ");
    assert!(
        line.contains("your machine gave this run 1.10 of its 2 cores"),
        "{line}"
    );
    assert!(
        line.contains("2 threads reached 0.98 of the cores delivered (1.08x)"),
        "{line}"
    );
    let waiting = busy.describe(&[Row::new("x", "5 threads", 0.1)]).join(" ");
    assert!(
        waiting.contains("no speedup here needs the cores"),
        "{waiting}"
    );
    assert!(!waiting.contains("limited the speedups"), "{waiting}");
    // One core is never disturbed: there is nothing to share.
    let single = Method { cores: 1, ..busy };
    assert!(!single.disturbed());
}

#[test]
fn steal_is_read_from_the_cpu_line() {
    let line = "cpu  23768 4818 16493 107428 898 0 87 19 5 0";
    assert_eq!(
        parse_steal(line),
        Some((19, 23768 + 4818 + 16493 + 107428 + 898 + 87 + 19))
    );
    assert_eq!(parse_steal("cpu0 1 2 3 4 5 6 7 8"), None);
    assert_eq!(parse_steal("cpu 1 2"), None);
    let fraction = steal_between(Some((10, 1000)), Some((20, 1100))).unwrap();
    assert!((fraction - 0.1).abs() < 1e-12);
    assert_eq!(steal_between(None, Some((1, 2))), None);
}

#[test]
fn ceilings_have_a_tolerance() {
    let c = Ceiling::new(1.618, "fib(n+1) is 62 % of the work").with_tolerance(0.1);
    assert!((c.limit() - 1.7798).abs() < 1e-9);
    assert!(Ceiling::cores(64).value <= crate::os::cores() as f64);
    assert_eq!(Ceiling::cores(1).value, 1.0);
}

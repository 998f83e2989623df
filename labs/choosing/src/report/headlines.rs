//! Every chapter's headline experiment: the run, the figure it shows, the
//! CPython twin that mirrors it, and what the Python material reported.
//!
//! Longer than 300 lines because it is a table: one entry per headline, each
//! quoting its source.

use super::{Headline, Measure, Reported, Twin};

const NOTHING: Reported = Reported {
    figure: "—",
    file: "",
    words: &[],
    times: None,
};

/// The file of the Python material that has the asyncio weather and the logs
/// with a thread pool, with their sequential baseline.
const THAI_LAB: &str = "001_e4a7b06917b98c51.txt";
/// The Python threads tutorial: bank, locks, deadlock, GIL, processes, asyncio.
const THREADS_TUTORIAL: &str = "003_d69e30de2e937f27.txt";
/// The asyncio book's first chapter: the two fibs.
const ASYNCIO_BOOK: &str = "002_672a4763fe00de6d.txt";

/// The GIL lab's twins, run with the machine's `python3` and, where there is
/// one, a free-threaded `python3.13t` (a missing one is skipped by the lab).
const GIL_PYTHONS: &str = "python3,python3.13t";

const fn gil_twin(
    args: &'static [&'static str],
    experiment: &'static str,
    book: &'static str,
    measure: Measure,
) -> Twin {
    Twin {
        args,
        scale_factor: 1.0,
        experiment,
        measure,
        book,
    }
}

const COUNTDOWN_TWINS: &[&str] = &["python", "countdown", "--python", GIL_PYTHONS];
const FIB_TWINS: &[&str] = &["python", "fib", "--python", GIL_PYTHONS];
const IO_TWINS: &[&str] = &["python", "io", "--python", GIL_PYTHONS];

const THREADS_UNDER_ONE_LOCK: Measure = Measure::Speedup {
    baseline: "1 thread",
    contender: "2 threads",
};

/// Every chapter's headline, in the book's order. Several may read the
/// same run (same lab, arguments and scale): the report runs it once.
pub const HEADLINES: &[Headline] = &[
    Headline {
        chapter: "Sequential baseline",
        lab: "baseline",
        args: &["logs"],
        experiment: "logs",
        scale_factor: 1.0,
        label: "five logs in turn",
        measure: Measure::Value {
            variant: "sequential",
            keys: &["wall_seconds"],
        },
        reported: Reported {
            figure: "5 s",
            file: THAI_LAB,
            words: &["ไฟล์ละ 1 วินาที ใช้เวลารวม **5 วินาที**"],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "--python", "python3"],
            scale_factor: 1.0,
            experiment: "logs",
            measure: Measure::Value {
                variant: "CPython",
                keys: &["wall_seconds"],
            },
            book: "python.txt",
        }),
        book: "logs.txt",
    },
    Headline {
        chapter: "Concurrency vs parallelism",
        lab: "parallelism",
        args: &["timeline"],
        experiment: "loaves",
        scale_factor: 4.0,
        label: "loaves, one thread",
        measure: Measure::Speedup {
            baseline: "sequential",
            contender: "tokio, 1 thread",
        },
        reported: NOTHING,
        twin: None,
        book: "timeline.txt",
    },
    Headline {
        chapter: "Concurrency vs parallelism",
        lab: "parallelism",
        args: &["cpu-pair"],
        experiment: "cpu pair",
        scale_factor: 4.0,
        label: "two CPU tasks, 2 threads",
        measure: Measure::Speedup {
            baseline: "1 thread",
            contender: "2 threads",
        },
        reported: NOTHING,
        twin: None,
        book: "cpu-pair.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["countdown"],
        experiment: "countdown",
        scale_factor: 10.0,
        label: "countdown, GIL",
        measure: Measure::Speedup {
            baseline: "1 thread, GIL",
            contender: "2 threads, GIL",
        },
        reported: Reported {
            figure: "20.48 s → 20.52 s",
            file: THREADS_TUTORIAL,
            words: &[
                "Single-threaded execution time: 20.48 seconds",
                "Multi-threaded execution time: 20.52 seconds",
            ],
            times: Some((20.48, 20.52)),
        },
        twin: Some(gil_twin(
            COUNTDOWN_TWINS,
            "countdown: CPython",
            "python-countdown.txt",
            THREADS_UNDER_ONE_LOCK,
        )),
        book: "countdown.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["countdown"],
        experiment: "countdown",
        scale_factor: 10.0,
        label: "countdown, no GIL",
        measure: Measure::Speedup {
            baseline: "1 thread, no GIL",
            contender: "2 threads, no GIL",
        },
        // Python's way around the GIL: five processes, each a fifth of the
        // count, against the whole count on one thread.
        reported: Reported {
            figure: "23.63 s → 4.44 s",
            file: THREADS_TUTORIAL,
            words: &[
                "Single-threaded execution time: 23.63 seconds",
                "All processes finished, time: 4.44",
            ],
            times: Some((23.63, 4.44)),
        },
        twin: Some(gil_twin(
            COUNTDOWN_TWINS,
            "countdown: CPython",
            "python-countdown.txt",
            THREADS_UNDER_ONE_LOCK,
        )),
        book: "countdown.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["fib"],
        experiment: "fib",
        scale_factor: 10.0,
        label: "fibs, GIL",
        measure: Measure::Speedup {
            baseline: "1 thread, GIL",
            contender: "2 threads, GIL",
        },
        reported: Reported {
            figure: "65.15 s → 66.11 s",
            file: ASYNCIO_BOOK,
            words: &[
                "Completed in 65.1516 seconds.",
                "Threads took 66.1059 seconds.",
            ],
            times: Some((65.15, 66.11)),
        },
        twin: Some(gil_twin(
            FIB_TWINS,
            "fib: CPython",
            "python-fib.txt",
            THREADS_UNDER_ONE_LOCK,
        )),
        book: "fib.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["fib"],
        experiment: "fib",
        scale_factor: 10.0,
        label: "fibs, no GIL",
        measure: Measure::Speedup {
            baseline: "1 thread, no GIL",
            contender: "2 threads, no GIL",
        },
        reported: NOTHING,
        twin: Some(gil_twin(
            FIB_TWINS,
            "fib: CPython",
            "python-fib.txt",
            THREADS_UNDER_ONE_LOCK,
        )),
        book: "fib.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["io"],
        experiment: "io",
        scale_factor: 1.0,
        label: "ten waits, ten threads",
        measure: Measure::Speedup {
            baseline: "sequential, GIL",
            contender: "10 threads, GIL",
        },
        reported: Reported {
            figure: "10.01 s → 1.01 s",
            file: THREADS_TUTORIAL,
            words: &[
                "Single-threaded execution time: 10.01 seconds",
                "Multi-threaded execution time: 1.01 seconds",
            ],
            times: Some((10.01, 1.01)),
        },
        twin: Some(gil_twin(
            IO_TWINS,
            "io: CPython",
            "python-io.txt",
            Measure::Speedup {
                baseline: "sequential",
                contender: "10 threads",
            },
        )),
        book: "io.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["powersum"],
        experiment: "powersum",
        scale_factor: 2.0,
        label: "power sum, process pool",
        measure: Measure::Speedup {
            baseline: "sequential",
            contender: "process pool",
        },
        reported: Reported {
            figure: "faster with every core",
            file: THAI_LAB,
            words: &["ความเร็วเพิ่มขึ้นแบบทวีคูณตามจำนวน Core"],
            times: None,
        },
        twin: None,
        book: "powersum.txt",
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["powersum"],
        experiment: "powersum",
        scale_factor: 2.0,
        label: "power sum, rayon",
        measure: Measure::Speedup {
            baseline: "sequential",
            contender: "rayon",
        },
        reported: NOTHING,
        twin: None,
        book: "powersum.txt",
    },
    Headline {
        chapter: "Race conditions",
        lab: "races",
        args: &["bank"],
        experiment: "bank",
        scale_factor: 1.0,
        label: "bank race",
        measure: Measure::Value {
            variant: "all at once",
            keys: &["balance"],
        },
        reported: Reported {
            figure: "balance -120",
            file: THREADS_TUTORIAL,
            words: &["Get 20, -120 remaining..."],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "--python", "python3"],
            scale_factor: 1.0,
            experiment: "bank, CPython",
            measure: Measure::Value {
                variant: "all at once",
                keys: &["paid"],
            },
            book: "python.txt",
        }),
        book: "bank.txt",
    },
    Headline {
        chapter: "Locks",
        lab: "locks",
        args: &["bank-locked"],
        experiment: "bank-locked",
        scale_factor: 1.0,
        label: "bank with a lock",
        measure: Measure::Value {
            variant: "queue order",
            keys: &["balance"],
        },
        reported: Reported {
            figure: "balance 0",
            file: THREADS_TUTORIAL,
            words: &["Get 20, 0 remaining..."],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "--python", "python3"],
            scale_factor: 1.0,
            experiment: "bank-locked, CPython",
            measure: Measure::Value {
                variant: "with a lock",
                keys: &["paid"],
            },
            book: "python.txt",
        }),
        book: "bank-locked.txt",
    },
    Headline {
        chapter: "Locks",
        lab: "locks",
        args: &["hold-across-sleep"],
        experiment: "hold-across-sleep",
        scale_factor: 1.0,
        label: "lock dropped before a wait",
        measure: Measure::Speedup {
            baseline: "held across the wait",
            contender: "dropped before the wait",
        },
        reported: NOTHING,
        twin: None,
        book: "hold-across-sleep.txt",
    },
    Headline {
        chapter: "Deadlock",
        lab: "deadlock",
        args: &["timeout"],
        experiment: "timeout",
        scale_factor: 1.0,
        label: "two locks, a timeout",
        measure: Measure::Value {
            variant: "give up",
            keys: &["finished"],
        },
        reported: Reported {
            figure: "thread 1 finished",
            file: THREADS_TUTORIAL,
            words: &[
                "Thread 2 could not acquire lock A, releasing lock B",
                "Thread 1 finished!",
            ],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "--python", "python3"],
            scale_factor: 1.0,
            experiment: "timeout",
            measure: Measure::Value {
                variant: "CPython",
                keys: &["finished"],
            },
            book: "python.txt",
        }),
        book: "timeout.txt",
    },
    Headline {
        chapter: "Exercise: dining philosophers",
        lab: "deadlock",
        args: &["philosophers", "--forks", "lower-first"],
        experiment: "philosophers",
        scale_factor: 1.0,
        label: "philosophers, ordered",
        measure: Measure::Value {
            variant: "lower-numbered fork first",
            keys: &["meals"],
        },
        reported: NOTHING,
        twin: None,
        book: "philosophers-lower-first.txt",
    },
    Headline {
        chapter: "Event loops",
        lab: "event-loop",
        args: &["weather"],
        experiment: "weather",
        scale_factor: 1.0,
        label: "weather, five cities",
        measure: Measure::Speedup {
            baseline: "in turn",
            contender: "JoinSet",
        },
        reported: Reported {
            figure: "about 2 s",
            file: THAI_LAB,
            words: &["(ประมาณ 2 วินาที)"],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "weather"],
            scale_factor: 2.0,
            experiment: "weather",
            measure: Measure::Speedup {
                baseline: "asyncio, in turn",
                contender: "asyncio, gather",
            },
            book: "python-weather.txt",
        }),
        book: "weather.txt",
    },
    Headline {
        chapter: "Event loops",
        lab: "event-loop",
        args: &["fetch"],
        experiment: "fetch",
        scale_factor: 10.0,
        label: "fetch six pages",
        measure: Measure::Speedup {
            baseline: "in turn",
            contender: "JoinSet",
        },
        reported: Reported {
            figure: "2.71 s → 0.62 s",
            file: THREADS_TUTORIAL,
            words: &[
                "Total time for no concurrency: 2.71 seconds",
                "Total time for concurrency: 0.62 seconds",
            ],
            times: Some((2.71, 0.62)),
        },
        twin: Some(Twin {
            args: &["python", "fetch"],
            scale_factor: 2.0,
            experiment: "fetch",
            measure: Measure::Speedup {
                baseline: "asyncio, in turn",
                contender: "asyncio, gather",
            },
            book: "python-fetch.txt",
        }),
        book: "fetch.txt",
    },
    Headline {
        chapter: "Threads for blocking I/O",
        lab: "io-threads",
        args: &["pool"],
        experiment: "pool",
        scale_factor: 1.0,
        label: "five logs, thread pool",
        measure: Measure::Speedup {
            baseline: "sequential",
            contender: "pool of 5 workers",
        },
        reported: Reported {
            figure: "about 1 s",
            file: THAI_LAB,
            words: &["(ประมาณ 1 วินาที)"],
            times: None,
        },
        twin: Some(Twin {
            args: &["python", "--python", "python3"],
            scale_factor: 2.0,
            experiment: "pool, CPython",
            measure: Measure::Speedup {
                baseline: "sequential",
                contender: "pool of 5 workers",
            },
            book: "python.txt",
        }),
        book: "pool.txt",
    },
];

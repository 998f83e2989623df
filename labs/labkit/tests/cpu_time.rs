//! `measure` reads the CPU time of the whole process (`getrusage`), so this
//! test lives in a test binary of its own with a single test: no other test
//! can burn CPU in this process while it measures.

use std::time::{Duration, Instant};

use labkit::measure;

#[test]
fn busy_work_uses_cpu_and_sleeping_does_not() {
    let (_, busy) = measure(|| {
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    });
    let (_, idle) = measure(|| std::thread::sleep(Duration::from_millis(30)));
    // Directions only, with wide margins: other programs may slow this
    // process down, but cannot add CPU time to it.
    assert!(busy.cpu > idle.cpu, "busy {busy:?} vs idle {idle:?}");
    assert!(idle.utilisation() < 0.5, "{idle:?}");
}

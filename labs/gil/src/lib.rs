//! The `gil` lab: the book's chapter "The GIL and its analogue".
//!
//! CPython lets one thread at a time run Python bytecode. This lab builds
//! that rule in Rust ([`gil::Gil`]), measures what it costs on the Python
//! material's experiments (a countdown, two Fibonacci numbers, ten waits),
//! runs the same experiments in CPython, with and without its GIL, and then
//! shows the tools Rust uses instead: plain threads, rayon, and a process
//! pool ([`pool::ProcessPool`]) that is the analogue of Python's
//! `ProcessPoolExecutor`.
//!
//! `gil`, `pool`, `ipc`, `counter` and `order` are listing modules: each is
//! also a complete program the book compiles and runs on its own, so they
//! use only `std`, `parking_lot` and `rayon`. `experiments` holds one module
//! per subcommand of the lab, which runs the listings (and the Python twins
//! in `python/`) and prints their table.

pub mod counter;
pub mod experiments;
pub mod gil;
pub mod ipc;
pub mod order;
pub mod pool;

//! The `locks` lab: the book's chapter "Locks".
//!
//! The Python tutorial's bank account fixed with a lock, what a guard's scope
//! costs when it is held across a wait, `std::sync::Mutex` next to
//! `parking_lot::Mutex`, `RwLock`, `Condvar`, and what each costs per
//! operation. Each module is also a complete program the book compiles as a
//! snippet, so each uses only `std` and external crates; the command line
//! lives in `main.rs`.

pub mod bank_locked;
pub mod costs;
pub mod hold;
pub mod model;
pub mod mutexes;
pub mod reentrant;
pub mod release;
pub mod waiting;

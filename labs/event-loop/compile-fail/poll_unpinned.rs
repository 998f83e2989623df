// Refused by the compiler: polling a future that is not pinned.
// `Pin::new` only pins what may move anyway (`Unpin`); an async block may
// point into itself, so it must be pinned with `pin!` or `Box::pin` first.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

fn main() {
    let mut future = async { 42 };
    let mut cx = Context::from_waker(Waker::noop());
    let _ = Pin::new(&mut future).poll(&mut cx);
}

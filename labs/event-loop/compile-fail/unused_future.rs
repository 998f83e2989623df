// A future made and never awaited: the compiler warns, because nothing in
// it will ever run. (The lint is made an error here so that trybuild keeps
// its message; in a normal build it is a warning.)
#![deny(unused_must_use)]

async fn greet(name: &str) -> String {
    println!("greet({name}) runs");
    format!("hello, {name}")
}

fn main() {
    greet("Eve");
}

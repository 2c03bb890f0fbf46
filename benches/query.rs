//! Placeholder until the query bench lands.
fn main() {}

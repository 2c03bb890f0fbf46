//! One module per subcommand; each has its clap `Args` and a `run` function.

pub mod place;
pub mod query;
pub mod validate;

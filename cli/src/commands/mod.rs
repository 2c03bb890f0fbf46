//! One module per subcommand; each has its clap `Args` and a `run` function.

pub mod generate;
pub mod headroom;
pub mod place;
pub mod query;
pub mod serve;
pub mod simulate;
pub mod trace;
pub mod validate;
pub mod whatif;

//! One module per subcommand; each has its clap `Args` and a `run` function.

pub mod validate;

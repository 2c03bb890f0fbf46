//! `ecs-place`: the command-line shell over the `ecs-placement` library.
//!
//! The binary only reads files, calls the library and prints. Its contract: on any input
//! error it exits with status 2, prints nothing on stdout, and the first line of stderr is
//! `ExceptionName: message`; it never panics.

mod commands;
mod diagnostic;
mod explain;
mod input;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::input::Failure;

/// Computes Amazon ECS task placement offline, exactly and deterministically.
#[derive(Debug, Parser)]
#[command(name = "ecs-place", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(commands::validate::Args),
    RunTask(commands::place::RunArgs),
    StartTask(commands::place::StartArgs),
    ListContainerInstances(commands::query::ListArgs),
    CheckExpression(commands::query::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::RunTask(args) => commands::place::run(&args),
        Command::StartTask(args) => commands::place::start(&args),
        Command::ListContainerInstances(args) => commands::query::list(&args),
        Command::CheckExpression(args) => commands::query::check(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// Prints a failure as `ExceptionName: message` (then any detail) and gives exit status 2.
fn report(failure: &Failure) -> ExitCode {
    eprintln!("{}", failure.headline());
    if let Some(detail) = &failure.detail {
        eprintln!("{detail}");
    }
    ExitCode::from(2)
}

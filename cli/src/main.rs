//! `ecs-place`: the command-line shell over the `ecs-placement` library.
//!
//! The binary only reads files, calls the library and prints. Its contract: on any input
//! error it exits with status 2, prints nothing on stdout, and the first line of stderr is
//! `ExceptionName: message`; it never panics.

/// `simulate` allocates and frees on every call; mimalloc makes its replay about a quarter
/// faster than the system allocator (docs/ARCHITECTURE.md, Dependencies).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod diagnostic;
mod explain;
mod harness_run;
mod input;
mod output;
mod report;

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
    Generate(commands::generate::Args),
    Simulate(commands::simulate::Args),
    Trace(commands::trace::Args),
    Import(commands::whatif::ImportArgs),
    Edit(commands::whatif::EditArgs),
    Headroom(commands::headroom::Args),
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return argument_error(&error),
    };
    let outcome = match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::RunTask(args) => commands::place::run(&args),
        Command::StartTask(args) => commands::place::start(&args),
        Command::ListContainerInstances(args) => commands::query::list(&args),
        Command::CheckExpression(args) => commands::query::check(&args),
        Command::Generate(args) => commands::generate::run(&args),
        Command::Simulate(args) => commands::simulate::run(&args),
        Command::Trace(args) => commands::trace::run(&args),
        Command::Import(args) => commands::whatif::import_files(&args),
        Command::Edit(args) => commands::whatif::edit_snapshot(&args),
        Command::Headroom(args) => commands::headroom::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// Prints a failure as `ExceptionName: message` (then any detail) and gives exit status 2.
fn report(failure: &Failure) -> ExitCode {
    output::stderr_line(&failure.headline());
    if let Some(detail) = &failure.detail {
        output::stderr_line(detail);
    }
    ExitCode::from(2)
}

/// `--help` and `--version` print as clap prints them (exit 0); a bad argument keeps the input
/// error contract: exit 2, `InvalidParameterException: ...` first on stderr, then clap's usage.
fn argument_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let rendered = error.render().to_string();
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        output::stdout_line(rendered.trim_end());
        return ExitCode::SUCCESS;
    }
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        output::stderr_line("InvalidParameterException: a subcommand is required");
        output::stderr_line(rendered.trim_end());
        return ExitCode::from(2);
    }
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    output::stderr_line(&format!("InvalidParameterException: {message}"));
    for line in lines {
        output::stderr_line(line);
    }
    ExitCode::from(2)
}

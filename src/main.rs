use clap::Parser;
use shmctl_rs::{Status, cli, output, settings};
use std::process::ExitCode;

fn main() -> ExitCode {
    let parsed = match cli::Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let (line, usage) = cli::no_command(&e.render().to_string());
            output::error(line);
            output::usage(usage);
            return ExitCode::from(Status::Usage.code());
        }
        Err(e) => {
            output::error(cli::one_line(&e.to_string()));
            return ExitCode::from(Status::Usage.code());
        }
    };
    match settings::from_cli(parsed).and_then(shmctl_rs::run) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e);
            ExitCode::from(e.status.code())
        }
    }
}

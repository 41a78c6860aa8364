use clap::Parser;
use shmctl_rs::{Status, cli, output, settings};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let parsed = match cli::Cli::try_parse() {
        Ok(parsed) => parsed,
        // --help, --version: printed on stdout, and a failure to print them is a failure
        // (a reader that stopped reading, `| head -1`, is not one).
        Err(e) if !e.use_stderr() => {
            let text = if std::io::stdout().is_terminal() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            return match output::stream::stdout().write_all(text.as_bytes()) {
                Ok(()) => ExitCode::from(Status::Ok.code()),
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(err) => {
                    output::error(format!("cannot print the help: {err}"));
                    ExitCode::from(Status::Failure.code())
                }
            };
        }
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

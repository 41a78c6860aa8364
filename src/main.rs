use clap::Parser;
use shmctl_rs::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            eprintln!("shmctl-rs: {}", shmctl_rs::cli::one_line(&e.to_string()));
            return ExitCode::from(shmctl_rs::Status::Usage.code());
        }
    };
    match shmctl_rs::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shmctl-rs: {e}");
            ExitCode::from(e.status.code())
        }
    }
}

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = shmctl_rs::cli::Cli::parse();
    match shmctl_rs::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shmctl-rs: {e}");
            ExitCode::from(e.status.code())
        }
    }
}

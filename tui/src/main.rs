//! `infogroups`: the terminal client. Everything lives in the library; this only parses the
//! command line and starts the runtime.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = infogroups_tui::cli::Cli::parse();
    if let Some(infogroups_tui::cli::Tool::Generate { what }) = &cli.command {
        use clap::CommandFactory;
        let cmd = infogroups_tui::cli::Cli::command();
        return match infogroups_server::completions::generate(cmd, what, &mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("infogroups: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("infogroups: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(infogroups_tui::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("infogroups: {e:#}");
            ExitCode::FAILURE
        }
    }
}

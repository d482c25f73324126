//! `parkplan-cli`: ParkPlan without a window. `info` tells what a GeoJSON file, folder or
//! manifest holds and what is wrong with it; further subcommands analyse and export.

mod info;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// ParkPlan on the command line: inspect, analyse and print park maps.
#[derive(Parser, Debug)]
#[command(name = "parkplan-cli", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// For each layer: name, role, feature count, source CRS and how it was decided,
    /// encoding, extent in lon/lat, and its problems.
    Info {
        /// GeoJSON files, folders of them, or manifests.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parkplan-cli: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Info { paths, json } => info::run(&paths, json),
    }
}

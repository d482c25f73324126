//! The ParkPlan desktop: builds the window options and runs [`parkplan::ui::App`].
//! Paths given on the command line are opened; with none, the sample map.
//! The renderer (wgpu, else OpenGL) is picked by [`parkplan::ui::renderer`].

// A release build on Windows is a GUI program: no console window behind it.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use parkplan::ui::renderer;

/// mimalloc, as in `parkplan-cli`: loading a big survey file allocates millions of
/// small strings and vectors in parallel.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let mut viewport = eframe::egui::ViewportBuilder::default()
        .with_title("ParkPlan")
        .with_inner_size([1400.0, 900.0])
        .with_min_inner_size([800.0, 500.0])
        .with_drag_and_drop(true);
    if let Some(icon) = parkplan::ui::icon::window_icon(64) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let store = eframe::storage_dir("ParkPlan");
    match renderer::run("ParkPlan", options, store, |cc| {
        Box::new(parkplan::ui::App::new(cc, paths.clone()))
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            renderer::report(&e);
            ExitCode::FAILURE
        }
    }
}

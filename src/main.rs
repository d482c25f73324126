//! The ParkPlan desktop: builds the window options and runs [`parkplan::ui::App`].
//! Paths given on the command line are opened; with none, the sample map.

/// mimalloc, as in `parkplan-cli`: loading a big survey file allocates millions of
/// small strings and vectors in parallel.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> eframe::Result {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("ParkPlan")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "ParkPlan",
        options,
        Box::new(move |cc| Ok(Box::new(parkplan::ui::App::new(cc, paths)))),
    )
}

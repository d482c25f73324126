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

/// glibc's `malloc` serves the C side of the window (the GPU driver: with a software
/// driver such as lavapipe, textures and upload buffers are host memory). By default it
/// raises its `mmap` threshold each time a large block is freed, up to 32 MB, so later
/// pictures of the map land in its arenas, which keep the pages once they are freed: the
/// 1M park's desktop held 20–40 MB more after a few zooms (issue #14). Fixed at glibc's
/// initial 128 KiB, every large block is mapped alone and returned when freed. Rust's
/// own memory goes through mimalloc and is not affected.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_c_blocks() {
    const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
    // SAFETY: `mallopt` only sets one of glibc's malloc parameters (valid for any
    // value); it runs first thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Gives memory freed since the last allocations back to the system: mimalloc's pages
/// waiting for their purge delay (it purges only while the program allocates, and a map
/// that has just drawn goes idle), and on Linux the free pages in glibc's arenas (the
/// GPU driver's per-frame buffers). The map calls it once its drawing has settled
/// (`parkplan::ui::release_memory`).
#[allow(unsafe_code)]
fn release_memory() {
    // SAFETY: `mi_collect` only frees and purges memory mimalloc no longer uses; it is
    // safe to call at any time from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` returns free pages of glibc's heaps to the system; it takes
    // glibc's own locks and is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return_large_c_blocks();
    parkplan::ui::set_release_memory(release_memory);
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
        wgpu_options: renderer::frugal_wgpu(Default::default()),
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

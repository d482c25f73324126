//! Which graphics renderer the window starts with, so that it always starts.
//!
//! wgpu (Vulkan, DirectX 12, Metal or OpenGL ES) comes first; when it cannot get a
//! device, eframe returns an error from `run_native` before the app is created, and
//! the window is opened again with OpenGL (glow). The renderer that worked is written
//! to `renderer.txt` in the app's storage folder and tried first at the next start.
//! A driver can also abort the whole process while a renderer starts (seen: wgpu's
//! DirectX 12 under Wine asserts in vkd3d), which no error reports; so the renderer
//! being tried is written to `renderer-trying.txt` first and the file removed once it
//! has started: found at the next start, the other renderer goes first.
//! `PARKPLAN_RENDERER=wgpu` or `=glow` forces the first choice (and is not remembered).
//! When neither starts, the error of each is printed on stderr and shown in a message
//! box (a Windows GUI build has no console).

use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};

use eframe::Renderer;

/// The file in the storage folder that names the renderer that last worked.
pub const REMEMBER_FILE: &str = "renderer.txt";

/// The file in the storage folder that names the renderer being started (see above).
pub const TRYING_FILE: &str = "renderer-trying.txt";

/// The environment variable that forces the renderer tried first.
pub const ENV_VAR: &str = "PARKPLAN_RENDERER";

/// The name of a renderer as written in [`REMEMBER_FILE`] and [`ENV_VAR`].
pub fn name(renderer: Renderer) -> &'static str {
    match renderer {
        Renderer::Wgpu => "wgpu",
        Renderer::Glow => "glow",
    }
}

/// A renderer from its name (`wgpu`, or `glow`/`gl`/`opengl`), case and spaces ignored.
pub fn parse(text: &str) -> Option<Renderer> {
    match text.trim().to_ascii_lowercase().as_str() {
        "wgpu" => Some(Renderer::Wgpu),
        "glow" | "gl" | "opengl" => Some(Renderer::Glow),
        _ => None,
    }
}

/// The order to try: `first` (when known), then the other; wgpu first by default.
pub fn order(first: Option<Renderer>) -> [Renderer; 2] {
    match first {
        Some(Renderer::Glow) => [Renderer::Glow, Renderer::Wgpu],
        _ => [Renderer::Wgpu, Renderer::Glow],
    }
}

/// The other renderer.
pub fn other(renderer: Renderer) -> Renderer {
    match renderer {
        Renderer::Wgpu => Renderer::Glow,
        Renderer::Glow => Renderer::Wgpu,
    }
}

/// The renderer named by `file` in `dir`, if the file is there and names one.
fn read_name(dir: &Path, file: &str) -> Option<Renderer> {
    parse(&std::fs::read_to_string(dir.join(file)).ok()?)
}

/// Writes `renderer`'s name to `file` in `dir` (created if missing). A failure only
/// costs the fallback's extra try at the next start, so it is printed and ignored.
fn write_name(dir: &Path, file: &str, renderer: Renderer) {
    let written =
        std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(file), name(renderer)));
    if let Err(e) = written {
        eprintln!(
            "ParkPlan: could not write {}: {e}",
            dir.join(file).display()
        );
    }
}

/// The renderer remembered in `dir`, if the file is there and names one.
pub fn remembered(dir: &Path) -> Option<Renderer> {
    read_name(dir, REMEMBER_FILE)
}

/// Remembers `renderer` in `dir` (created if missing).
pub fn remember(dir: &Path, renderer: Renderer) {
    write_name(dir, REMEMBER_FILE, renderer);
}

/// The renderer tried first, from what `dir` holds: the other one when the last start
/// died while starting a renderer, else the one that worked last.
pub fn first_choice(dir: &Path) -> Option<Renderer> {
    match read_name(dir, TRYING_FILE) {
        Some(died) => {
            eprintln!(
                "ParkPlan: the {} renderer did not come up at the last start; trying {} first",
                name(died),
                name(other(died))
            );
            Some(other(died))
        }
        None => remembered(dir),
    }
}

/// `config` asking wgpu to spend less memory than its default ("performance") asks:
/// smaller memory blocks (4–32 MB for host-visible memory instead of 64–128 MB) and
/// anything larger in a block of its own, given back as soon as it is freed. With a
/// software driver (lavapipe) every buffer is host memory, and the default keeps a
/// 128 MB block alive once one frame's uploads (the map's pictures, staged for the
/// GPU) overflowed the first: 40–60 MB resident on the 1M park for as long as the
/// window lives (issue #14). Only the device's creation changes: its limits and
/// features stay eframe's.
pub fn frugal_wgpu(mut config: eframe::WgpuConfiguration) -> eframe::WgpuConfiguration {
    use eframe::egui_wgpu::WgpuSetup;
    use eframe::wgpu;
    if let WgpuSetup::CreateNew(setup) = &mut config.wgpu_setup {
        let base = setup.device_descriptor.clone();
        setup.device_descriptor = std::sync::Arc::new(move |adapter| wgpu::DeviceDescriptor {
            memory_hints: wgpu::MemoryHints::MemoryUsage,
            ..base(adapter)
        });
    }
    config
}

/// What stopped the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No renderer could start (each was tried).
    NoRenderer,
    /// The window system could not be reached (no display): no renderer was retried.
    NoWindowSystem,
    /// The app had started when the error came: not a renderer problem, not retried.
    AfterStart,
}

/// Why the window did not open: what stopped it, each renderer tried and its error.
#[derive(Debug)]
pub struct StartError {
    /// What stopped the window.
    pub failure: Failure,
    /// The renderers tried, in order, with eframe's error for each.
    pub tried: Vec<(Renderer, String)>,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}",
            match self.failure {
                Failure::NoRenderer =>
                    "ParkPlan 无法打开窗口：所有图形渲染器均启动失败，请更新显卡驱动。\n\
                     ParkPlan could not open its window: no graphics renderer started \
                     (updating the graphics driver may help).",
                Failure::NoWindowSystem =>
                    "ParkPlan 无法打开窗口：未找到图形桌面（X11 或 Wayland）。\n\
                     ParkPlan could not open its window: no graphical desktop (X11 or Wayland) \
                     was found.",
                Failure::AfterStart => "ParkPlan 运行出错 / ParkPlan stopped with an error:",
            }
        )?;
        for (renderer, error) in &self.tried {
            writeln!(f, "  {}: {error}", name(*renderer))?;
        }
        Ok(())
    }
}

impl std::error::Error for StartError {}

/// Runs the window like `eframe::run_native`, trying the renderers in turn (see the
/// module documentation). `store` is the folder where the renderer that worked is
/// remembered (none: nothing remembered); `make_app` builds the app once a renderer
/// has started, and may be called again only if none had started before.
pub fn run(
    app_name: &str,
    options: eframe::NativeOptions,
    store: Option<PathBuf>,
    make_app: impl Fn(&eframe::CreationContext<'_>) -> Box<dyn eframe::App>,
) -> Result<(), StartError> {
    let forced = std::env::var(ENV_VAR).ok().and_then(|v| parse(&v));
    let first = forced.or_else(|| store.as_deref().and_then(first_choice));
    let mut tried = Vec::new();
    for renderer in order(first) {
        if let Some(dir) = &store {
            write_name(dir, TRYING_FILE, renderer);
        }
        let started = Cell::new(false);
        let result = eframe::run_native(
            app_name,
            eframe::NativeOptions {
                renderer,
                ..options.clone()
            },
            Box::new(|cc| {
                started.set(true);
                if let Some(dir) = &store {
                    let _ = std::fs::remove_file(dir.join(TRYING_FILE));
                    if forced.is_none() {
                        remember(dir, renderer);
                    }
                }
                Ok(make_app(cc))
            }),
        );
        if let Some(dir) = &store {
            // Started or failed with an error: either way the process did not die.
            let _ = std::fs::remove_file(dir.join(TRYING_FILE));
        }
        let error = match result {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let failure = if started.get() {
            Some(Failure::AfterStart)
        } else if matches!(error, eframe::Error::WinitEventLoop(_)) {
            // The event loop is shared by both renderers: no use trying the other.
            Some(Failure::NoWindowSystem)
        } else {
            None
        };
        tried.push((renderer, error.to_string()));
        if let Some(failure) = failure {
            return Err(StartError { failure, tried });
        }
        eprintln!(
            "ParkPlan: the {} renderer did not start: {error}",
            name(renderer)
        );
    }
    Err(StartError {
        failure: Failure::NoRenderer,
        tried,
    })
}

/// Tells the user why the window did not open: on stderr and in a message box.
pub fn report(error: &StartError) {
    eprint!("{error}");
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("ParkPlan")
        .set_description(error.to_string())
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_puts_the_remembered_first() {
        for r in [Renderer::Wgpu, Renderer::Glow] {
            assert_eq!(parse(name(r)), Some(r));
        }
        assert_eq!(parse(" OpenGL\n"), Some(Renderer::Glow));
        assert_eq!(parse("vulkan"), None);
        assert_eq!(order(None), [Renderer::Wgpu, Renderer::Glow]);
        assert_eq!(
            order(Some(Renderer::Wgpu)),
            [Renderer::Wgpu, Renderer::Glow]
        );
        assert_eq!(
            order(Some(Renderer::Glow)),
            [Renderer::Glow, Renderer::Wgpu]
        );
    }

    #[test]
    fn remembers_in_a_new_folder() {
        let dir = std::env::temp_dir().join(format!("parkplan-renderer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(remembered(&dir), None);
        remember(&dir.join("sub"), Renderer::Glow);
        assert_eq!(remembered(&dir.join("sub")), Some(Renderer::Glow));
        remember(&dir.join("sub"), Renderer::Wgpu);
        assert_eq!(remembered(&dir.join("sub")), Some(Renderer::Wgpu));
        assert_eq!(first_choice(&dir.join("sub")), Some(Renderer::Wgpu));
        // The last start died while starting wgpu: glow goes first.
        write_name(&dir.join("sub"), TRYING_FILE, Renderer::Wgpu);
        assert_eq!(first_choice(&dir.join("sub")), Some(Renderer::Glow));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Which graphics renderer the window starts with, so that it always starts.
//!
//! wgpu (Vulkan, DirectX 12, Metal or OpenGL ES) comes first; when it cannot get a
//! device, eframe returns an error from `run_native` before the app is created, and
//! the window is opened again with OpenGL (glow). The renderer that worked is written
//! to `renderer.txt` in the app's storage folder and tried first at the next start.
//! `PARKPLAN_RENDERER=wgpu` or `=glow` forces the first choice (and is not remembered).
//! When neither starts, the error of each is printed on stderr and shown in a message
//! box (a Windows GUI build has no console).

use std::cell::Cell;
use std::fmt;
use std::path::{Path, PathBuf};

use eframe::Renderer;

/// The file in the storage folder that names the renderer that last worked.
pub const REMEMBER_FILE: &str = "renderer.txt";

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

/// The renderer remembered in `dir`, if the file is there and names one.
pub fn remembered(dir: &Path) -> Option<Renderer> {
    parse(&std::fs::read_to_string(dir.join(REMEMBER_FILE)).ok()?)
}

/// Remembers `renderer` in `dir` (created if missing). A failure only costs the
/// fallback's extra try at the next start, so it is printed and otherwise ignored.
pub fn remember(dir: &Path, renderer: Renderer) {
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(dir.join(REMEMBER_FILE), name(renderer)));
    if let Err(e) = written {
        eprintln!(
            "ParkPlan: could not remember the renderer in {}: {e}",
            dir.display()
        );
    }
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
    let first = forced.or_else(|| store.as_deref().and_then(remembered));
    let mut tried = Vec::new();
    for renderer in order(first) {
        let started = Cell::new(false);
        let result = eframe::run_native(
            app_name,
            eframe::NativeOptions {
                renderer,
                ..options.clone()
            },
            Box::new(|cc| {
                started.set(true);
                if forced.is_none()
                    && let Some(dir) = &store
                {
                    remember(dir, renderer);
                }
                Ok(make_app(cc))
            }),
        );
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
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The desktop user interface (egui/eframe). The only code that knows egui, eframe or rfd.
//!
//! [`App`] is the shell; panels live in [`panels`], the map canvas in [`map`]. Panels
//! read the [`session::Session`] and send [`command::Command`]s, applied once at the end
//! of each frame. What persists between runs is [`settings::Settings`]; strings come
//! from [`i18n`]; fonts from [`fonts`]; loading runs on a worker ([`loader`]). Planning
//! projects ([`project`]), autosave and recovery ([`recovery`]), the survey intake
//! dialog ([`intake`]) and the new-feature form ([`form`]) serve the editing workflow.

pub mod app;
pub mod command;
pub mod export_dialog;
pub mod file_dialog;
pub mod fonts;
pub mod form;
pub mod gtfs_dialog;
pub mod guide;
pub mod i18n;
pub mod icon;
pub mod intake;
pub mod loader;
pub mod map;
pub mod panels;
pub mod project;
pub mod recovery;
pub mod renderer;
pub mod session;
pub mod settings;
pub mod styles;
pub mod teamdb;
pub mod theme;

pub use app::App;

/// A wake-up callback for background work that repaints the window when it is done.
pub fn waker(ctx: &eframe::egui::Context) -> crate::workspace::Waker {
    let ctx = ctx.clone();
    std::sync::Arc::new(move || ctx.request_repaint())
}

/// The function that gives memory freed by the program back to the system, set once by
/// the desktop binary (which alone knows its allocators: mimalloc for Rust, glibc's
/// `malloc` for the GPU driver). Both keep freed memory for reuse and return it only
/// while the program keeps allocating; a map that has just drawn goes idle, so what the
/// drawing freed stayed resident (issue #14). Tests and benchmarks set none.
static RELEASE_MEMORY: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets the function [`release_memory`] calls (the first call wins).
pub fn set_release_memory(release: fn()) {
    let _ = RELEASE_MEMORY.set(release);
}

/// Gives freed memory back to the system, if the binary said how
/// ([`set_release_memory`]); the map calls it once its drawing has settled.
pub fn release_memory() {
    if let Some(release) = RELEASE_MEMORY.get() {
        release();
    }
}

/// A record's text shown in a widget (a label, a list entry) as its string.
impl From<&crate::model::Text> for eframe::egui::WidgetText {
    fn from(t: &crate::model::Text) -> eframe::egui::WidgetText {
        eframe::egui::WidgetText::from(t.as_str())
    }
}

/// A record's text shown in a widget as its string.
impl From<crate::model::Text> for eframe::egui::WidgetText {
    fn from(t: crate::model::Text) -> eframe::egui::WidgetText {
        eframe::egui::WidgetText::from(t.as_str())
    }
}

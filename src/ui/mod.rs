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

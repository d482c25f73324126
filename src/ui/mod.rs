//! The desktop user interface (egui/eframe). The only code that knows egui, eframe or rfd.
//!
//! [`App`] is the shell; panels live in [`panels`], the map canvas in [`map`]. Panels
//! read the [`session::Session`] and send [`command::Command`]s, applied once at the end
//! of each frame. What persists between runs is [`settings::Settings`]; strings come
//! from [`i18n`]; fonts from [`fonts`]; loading runs on a worker ([`loader`]).

pub mod app;
pub mod command;
pub mod export_dialog;
pub mod fonts;
pub mod i18n;
pub mod loader;
pub mod map;
pub mod panels;
pub mod session;
pub mod settings;
pub mod studies;
pub mod styles;
pub mod task;
pub mod theme;

pub use app::App;

//! The desktop user interface (egui/eframe). The only code that knows egui, eframe or rfd.

//! The 导出 GTFS dialog (File ▸ 导出 GTFS…): which routes, and the service settings
//! (headway, service hours and days, speed, dwell, agency, validity), checked by the
//! library ([`GtfsSettings::service`]) before the file is chosen. The settings are the
//! workspace's (saved with the project); the feed is written by the app through
//! [`crate::workspace::Workspace::export_gtfs`]. Keeps its own state; never changes the
//! map.

use eframe::egui;

use super::i18n::Msg;
use crate::model::Lang;
use crate::model::date::Date;
use crate::model::gtfs::GtfsSettings;
use crate::workspace::Workspace;

/// The dialog's state.
#[derive(Debug, Default)]
pub struct GtfsDialog {
    /// Shown.
    pub open: bool,
    /// Per route of the park (its index): chosen.
    pub chosen: Vec<bool>,
    /// The settings being edited.
    pub settings: GtfsSettings,
    /// Why the last attempt was refused.
    pub error: Option<String>,
    /// What the last feed written holds (its path, then the summary lines), shown in a
    /// small window until closed.
    pub written: Option<Vec<String>>,
}

/// What the dialog asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum GtfsAction {
    /// Ask for a file and write these routes with these settings.
    Export {
        /// Indices into `park.routes`.
        routes: Vec<usize>,
        /// The checked settings.
        settings: GtfsSettings,
    },
}

/// Monday first, as calendar.txt.
const DAYS: [(&str, &str); 7] = [
    ("一", "Mon"),
    ("二", "Tue"),
    ("三", "Wed"),
    ("四", "Thu"),
    ("五", "Fri"),
    ("六", "Sat"),
    ("日", "Sun"),
];

/// A fixed-size window first shown in the middle of the screen.
fn centred<'a>(ctx: &egui::Context, title: &'a str) -> egui::Window<'a> {
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
}

impl GtfsDialog {
    /// The window saying what the last feed holds.
    fn show_written(&mut self, ctx: &egui::Context, lang: Lang) {
        let Some(lines) = &self.written else { return };
        let mut open = true;
        let mut ok = false;
        centred(ctx, Msg::GtfsWritten.text(lang))
            .open(&mut open)
            .show(ctx, |ui| {
                for l in lines {
                    ui.label(l);
                }
                ok = ui.button(Msg::Close.text(lang)).clicked();
            });
        if !open || ok {
            self.written = None;
        }
    }

    /// Opens the dialog on the workspace's routes (all chosen) and settings.
    pub fn open_for(&mut self, ws: &Workspace) {
        self.open = true;
        self.chosen = vec![true; ws.park.routes.len()];
        self.settings = ws.gtfs.clone();
        self.error = None;
    }

    /// Draws the dialog; returns what to do when the user asked to export.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        ws: Option<&Workspace>,
        lang: Lang,
    ) -> Option<GtfsAction> {
        self.show_written(ctx, lang);
        if !self.open {
            return None;
        }
        let Some(ws) = ws else {
            self.open = false;
            return None;
        };
        self.chosen.resize(ws.park.routes.len(), true);
        let mut action = None;
        let mut open = true;
        let mut close = false;
        centred(ctx, Msg::GtfsTitle.text(lang))
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(Msg::GtfsRoutes.text(lang));
                ui.horizontal_wrapped(|ui| {
                    for (r, c) in ws.park.routes.iter().zip(self.chosen.iter_mut()) {
                        ui.checkbox(c, &r.name);
                    }
                });
                ui.separator();
                let s = &mut self.settings;
                egui::Grid::new("gtfs-settings")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        let l = ui.label(Msg::GtfsHeadway.text(lang)).id;
                        ui.add(
                            egui::DragValue::new(&mut s.headway_min)
                                .range(1.0..=720.0)
                                .speed(1.0),
                        )
                        .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsServiceHours.text(lang)).id;
                        ui.horizontal(|ui| {
                            ui.add(
                                egui::TextEdit::singleline(&mut s.service_start)
                                    .desired_width(56.0),
                            )
                            .labelled_by(l);
                            ui.label("–");
                            ui.add(
                                egui::TextEdit::singleline(&mut s.service_end).desired_width(56.0),
                            )
                            .labelled_by(l);
                        });
                        ui.end_row();
                        ui.label(Msg::GtfsDays.text(lang));
                        ui.horizontal(|ui| {
                            for (d, (zh, en)) in s.days.iter_mut().zip(DAYS) {
                                ui.checkbox(d, lang.pick(zh, en));
                            }
                        });
                        ui.end_row();
                        let l = ui.label(Msg::GtfsSpeed.text(lang)).id;
                        ui.add(
                            egui::DragValue::new(&mut s.speed_kmh)
                                .range(1.0..=120.0)
                                .speed(0.5),
                        )
                        .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsDwell.text(lang)).id;
                        ui.add(egui::DragValue::new(&mut s.dwell_s).range(0..=3600))
                            .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsAgency.text(lang)).id;
                        ui.add(
                            egui::TextEdit::singleline(&mut s.agency_name)
                                .hint_text(&ws.park.name)
                                .desired_width(260.0),
                        )
                        .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsAgencyUrl.text(lang)).id;
                        ui.add(egui::TextEdit::singleline(&mut s.agency_url).desired_width(260.0))
                            .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsTimezone.text(lang)).id;
                        ui.add(
                            egui::TextEdit::singleline(&mut s.agency_timezone).desired_width(260.0),
                        )
                        .labelled_by(l);
                        ui.end_row();
                        let l = ui.label(Msg::GtfsValidity.text(lang)).id;
                        ui.horizontal(|ui| {
                            ui.add(
                                egui::TextEdit::singleline(&mut s.start_date)
                                    .hint_text("YYYY-MM-DD")
                                    .desired_width(96.0),
                            )
                            .labelled_by(l);
                            ui.label("–");
                            ui.add(
                                egui::TextEdit::singleline(&mut s.end_date)
                                    .hint_text("YYYY-MM-DD")
                                    .desired_width(96.0),
                            )
                            .labelled_by(l);
                        });
                        ui.end_row();
                    });
                ui.weak(Msg::GtfsNote.text(lang));
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.button(Msg::GtfsExportButton.text(lang)).clicked() {
                        let routes: Vec<usize> =
                            (0..self.chosen.len()).filter(|&i| self.chosen[i]).collect();
                        if routes.is_empty() {
                            self.error = Some(Msg::GtfsNoRoute.text(lang).to_string());
                        } else {
                            match self.settings.service(&ws.park.name, Date::today()) {
                                Ok(_) => {
                                    self.error = None;
                                    action = Some(GtfsAction::Export {
                                        routes,
                                        settings: self.settings.clone(),
                                    });
                                    close = true;
                                }
                                Err(e) => self.error = Some(e.to_string()),
                            }
                        }
                    }
                    if ui.button(Msg::Cancel.text(lang)).clicked() {
                        close = true;
                    }
                });
            });
        if !open || close {
            self.open = false;
        }
        action
    }
}

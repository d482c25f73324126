//! The import report panel: every problem with its file, feature (index and id),
//! message, action and severity; filter by severity; group by message with counts; a
//! problem with a location zooms the map to it.
//!
//! Reads the session's report; zooming is a [`Command`].

use std::collections::BTreeMap;

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::import::{Problem, Severity};
use crate::model::Lang;
use crate::ui::command::Command;
use crate::ui::i18n::{Msg, severity_label};
use crate::ui::session::Session;

/// The panel's own state.
#[derive(Debug, Default)]
pub struct ReportPanel {
    /// Show only this severity (`None`: all).
    pub severity: Option<Severity>,
    /// Group problems by message.
    pub grouped: bool,
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

fn feature_text(p: &Problem) -> String {
    match (p.feature, &p.feature_id) {
        (Some(i), Some(id)) => format!("#{i} ({id})"),
        (Some(i), None) => format!("#{i}"),
        (None, _) => "-".into(),
    }
}

fn severity_color(ui: &egui::Ui, s: Severity) -> egui::Color32 {
    match s {
        Severity::Repaired => ui.visuals().weak_text_color(),
        Severity::Warning => ui.visuals().warn_fg_color,
        Severity::Error => ui.visuals().error_fg_color,
    }
}

impl ReportPanel {
    /// Shows the panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let Some(session) = session else {
            return;
        };
        let report = &session.ws.report;
        let (repaired, warnings, errors) = report.tally();
        ui.horizontal(|ui| {
            ui.strong(Msg::PanelReport.text(lang));
            ui.separator();
            ui.selectable_value(
                &mut self.severity,
                None,
                format!(
                    "{} ({})",
                    Msg::SeverityAll.text(lang),
                    report.problems.len()
                ),
            );
            for (s, n) in [
                (Severity::Error, errors),
                (Severity::Warning, warnings),
                (Severity::Repaired, repaired),
            ] {
                ui.selectable_value(
                    &mut self.severity,
                    Some(s),
                    RichText::new(format!("{} ({n})", severity_label(lang, s)))
                        .color(severity_color(ui, s)),
                );
            }
            ui.separator();
            ui.checkbox(&mut self.grouped, Msg::GroupByMessage.text(lang));
        });
        ui.separator();
        if report.problems.is_empty() {
            ui.label(Msg::ReportClean.text(lang));
            return;
        }
        let shown: Vec<&Problem> = report
            .problems
            .iter()
            .filter(|p| self.severity.is_none_or(|s| p.severity == s))
            .collect();
        if self.grouped {
            // Grouped by the words in the UI's language (one kind of problem may
            // have several wordings, e.g. ring 1 and ring 2).
            let mut groups: BTreeMap<(Severity, String), Vec<&Problem>> = BTreeMap::new();
            for p in &shown {
                groups
                    .entry((p.severity, p.message(lang)))
                    .or_default()
                    .push(p);
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    // Most serious first, then most frequent.
                    let mut list: Vec<_> = groups.into_iter().collect();
                    list.sort_by(|a, b| b.0.0.cmp(&a.0.0).then(b.1.len().cmp(&a.1.len())));
                    for ((sev, msg), probs) in list {
                        let head = RichText::new(format!(
                            "[{}] {msg} ({})",
                            severity_label(lang, sev),
                            probs.len()
                        ))
                        .color(severity_color(ui, sev));
                        egui::CollapsingHeader::new(head)
                            .id_salt(("group", sev as u8, &msg))
                            .show(ui, |ui| {
                                for p in probs.iter().take(500) {
                                    ui.horizontal(|ui| {
                                        ui.label(file_name(&p.file)).on_hover_text(&p.file);
                                        ui.label(feature_text(p));
                                        ui.weak(p.action(lang));
                                        zoom_button(ui, p, lang, cmds);
                                    });
                                }
                                if probs.len() > 500 {
                                    ui.weak(format!("… {}", probs.len() - 500));
                                }
                            });
                    }
                });
            return;
        }
        let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        TableBuilder::new(ui)
            .id_salt("report-table")
            .striped(true)
            .resizable(true)
            .auto_shrink([false, false])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(64.0))
            .column(Column::initial(140.0).clip(true))
            .column(Column::initial(110.0).clip(true))
            .column(Column::initial(360.0).clip(true))
            .column(Column::initial(220.0).clip(true))
            .column(Column::remainder().at_least(50.0))
            .header(row_h, |mut h| {
                h.col(|ui| {
                    ui.strong("");
                });
                for m in [
                    Msg::ColFile,
                    Msg::ColFeature,
                    Msg::ColMessage,
                    Msg::ColAction,
                ] {
                    h.col(|ui| {
                        ui.strong(m.text(lang));
                    });
                }
                h.col(|_| {});
            })
            .body(|body| {
                body.rows(row_h, shown.len(), |mut row| {
                    let p = shown[row.index()];
                    row.col(|ui| {
                        ui.label(
                            RichText::new(severity_label(lang, p.severity))
                                .color(severity_color(ui, p.severity)),
                        );
                    });
                    row.col(|ui| {
                        ui.label(file_name(&p.file)).on_hover_text(&p.file);
                    });
                    row.col(|ui| {
                        ui.label(feature_text(p));
                    });
                    row.col(|ui| {
                        let m = p.message(lang);
                        ui.label(&m).on_hover_text(format!("{m}\n[{}]", p.code()));
                    });
                    row.col(|ui| {
                        let a = p.action(lang);
                        ui.label(&a).on_hover_text(&a);
                    });
                    row.col(|ui| zoom_button(ui, p, lang, cmds));
                });
            });
    }
}

fn zoom_button(ui: &mut egui::Ui, p: &Problem, lang: Lang, cmds: &mut Vec<Command>) {
    if let Some(loc) = p.location
        && ui
            .small_button(Msg::ZoomHere.text(lang))
            .on_hover_text(format!("{:.6}, {:.6}", loc[0], loc[1]))
            .clicked()
    {
        cmds.push(Command::ZoomLonLat(loc));
    }
}

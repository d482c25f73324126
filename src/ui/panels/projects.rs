//! Projects and land: projects per lifecycle stage (count, investment total,
//! secretaries) with a check box per stage that shows or hides those projects on the
//! map and a table of each stage's projects; land totals by approval status and by land
//! use in mu and hectares. Figures come from `analysis::land`.
//!
//! Reads the session; filtering and selection are commands.

use eframe::egui::{self, RichText};

use crate::analysis::{AreaTally, SiteMatch};
use crate::model::Lang;
use crate::model::units::grouped;
use crate::render::style::land_use_label;
use crate::ui::command::Command;
use crate::ui::i18n::{self, Msg, group_digits};
use crate::ui::session::Session;

/// The panel's own state: none beyond egui's collapsing memory.
#[derive(Debug, Default)]
pub struct ProjectsPanel;

fn tally_row(ui: &mut egui::Ui, label: &str, t: &AreaTally) {
    ui.label(label);
    ui.label(group_digits(t.parcels));
    ui.label(grouped(t.mu(), 1));
    ui.label(grouped(t.ha(), 2));
    ui.end_row();
}

impl ProjectsPanel {
    /// Shows the panel.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: Option<&Session>,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let Some(s) = session else { return };
        let park = &s.ws.park;
        // Land and project figures come with the analysis results (one computation).
        let Some(results) = s.ws.studies.results.as_deref() else {
            ui.spinner();
            return;
        };
        let stats = &results.analysis;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading(Msg::ProjectsByStage.text(lang));
                let total_inv: f64 = stats.projects.iter().map(|t| t.investment_yi).sum();
                let total_n: usize = stats.projects.iter().map(|t| t.projects.len()).sum();
                ui.label(i18n::fmt_projects_total(lang, total_n, total_inv));
                for t in &stats.projects {
                    let label = t.stage.map_or(Msg::NoStage.text(lang), |st| st.label(lang));
                    ui.horizontal(|ui| {
                        let mut shown = !s.hidden_stages.contains(&t.stage);
                        if ui
                            .checkbox(&mut shown, "")
                            .on_hover_text(Msg::ShowOnTheMap.text(lang))
                            .changed()
                        {
                            cmds.push(Command::ShowStage(t.stage, shown));
                        }
                        egui::CollapsingHeader::new(
                            RichText::new(i18n::fmt_stage_row(
                                lang,
                                label,
                                t.projects.len(),
                                t.investment_yi,
                            ))
                            .strong(),
                        )
                        .id_salt(("stage", t.stage.map(|x| x.code())))
                        .show(ui, |ui| {
                            if !t.secretaries.is_empty() {
                                ui.label(format!(
                                    "{}：{}",
                                    Msg::Secretaries.text(lang),
                                    t.secretaries.join("、")
                                ));
                            }
                            egui::Grid::new(("stage-grid", t.stage.map(|x| x.code())))
                                .num_columns(5)
                                .striped(true)
                                .show(ui, |ui| {
                                    for h in [
                                        Msg::Project.text(lang),
                                        Msg::InvestmentYi.text(lang),
                                        Msg::Phase.text(lang),
                                        Msg::Secretary.text(lang),
                                        Msg::Parcel.text(lang),
                                    ] {
                                        ui.weak(h);
                                    }
                                    ui.end_row();
                                    for &pi in &t.projects {
                                        let Some(p) = park.projects.get(pi as usize) else {
                                            continue;
                                        };
                                        if ui
                                            .link(&p.name)
                                            .on_hover_text(p.investor.clone().unwrap_or_default())
                                            .clicked()
                                        {
                                            cmds.push(Command::SelectAndZoom(p.feature));
                                        }
                                        ui.label(
                                            p.investment_yi
                                                .map(|v| format!("{v:.1}"))
                                                .unwrap_or_default(),
                                        );
                                        ui.label(p.phase.map(|x| x.label(lang)).unwrap_or(""));
                                        ui.label(p.secretary.clone().unwrap_or_default());
                                        let site = stats.sites.iter().find(|x| x.project == pi);
                                        let parcel = site
                                            .and_then(|x| x.parcel.or(x.located))
                                            .and_then(|i| park.parcels.get(i as usize));
                                        match parcel {
                                            Some(pc) => {
                                                let mut text = pc.id.clone();
                                                if site
                                                    .is_some_and(|x| x.how == SiteMatch::Mismatch)
                                                {
                                                    text.push_str(Msg::LocationDiffers.text(lang));
                                                }
                                                if ui.link(text).clicked() {
                                                    cmds.push(Command::SelectAndZoom(pc.feature));
                                                }
                                            }
                                            None => {
                                                ui.label(p.parcel_id.clone().unwrap_or_default());
                                            }
                                        }
                                        ui.end_row();
                                    }
                                });
                        });
                    });
                }

                ui.add_space(10.0);
                ui.heading(Msg::LandByApprovalStatus.text(lang));
                let land = &stats.land;
                egui::Grid::new("land-status")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        for h in [
                            Msg::Status.text(lang),
                            Msg::Parcels.text(lang),
                            Msg::AreaMu.text(lang),
                            Msg::Ha.text(lang),
                        ] {
                            ui.weak(h);
                        }
                        ui.end_row();
                        for (st, t) in &land.by_status {
                            tally_row(ui, st.label(lang), t);
                        }
                        ui.strong(Msg::Total.text(lang));
                        ui.strong(group_digits(land.total.parcels));
                        ui.strong(grouped(land.total.mu(), 1));
                        ui.strong(grouped(land.total.ha(), 2));
                        ui.end_row();
                    });
                ui.weak(Msg::AreasAreGeodesicFromThe.text(lang));
                ui.add_space(6.0);
                egui::CollapsingHeader::new(RichText::new(Msg::ByLandUse.text(lang)).strong())
                    .default_open(false)
                    .show(ui, |ui| {
                        egui::Grid::new("land-use")
                            .num_columns(4)
                            .striped(true)
                            .show(ui, |ui| {
                                for h in [
                                    Msg::LandUse.text(lang),
                                    Msg::Parcels.text(lang),
                                    Msg::AreaMu.text(lang),
                                    Msg::Ha.text(lang),
                                ] {
                                    ui.weak(h);
                                }
                                ui.end_row();
                                for (u, t) in &land.by_land_use {
                                    let label = match u {
                                        Some(code) => land_use_label(code, lang),
                                        None => Msg::NotStated.text(lang).to_string(),
                                    };
                                    tally_row(ui, &label, t);
                                }
                            });
                    });
            });
    }
}

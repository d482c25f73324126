//! Projects and land: projects per lifecycle stage (count, investment total,
//! secretaries) with a check box per stage that shows or hides those projects on the
//! map and a table of each stage's projects; land totals by approval status and by land
//! use in mu and hectares. Figures come from `analysis::land`.
//!
//! At the top, the ledger (issue #13): a date slider that shows the park as it stood on
//! a day (the map and its legend follow), the stage funnel, the stalled projects first
//! with their responsible person and missing documents, the red-line conflicts and the
//! arable quota, land approval per year. The charts are the ones the printed dispatch
//! report draws (`render::charts`).
//!
//! Reads the session; filtering and selection are commands.

use eframe::egui::{self, RichText};

use crate::analysis::{AreaTally, SiteMatch};
use crate::model::date::Date;
use crate::model::units::grouped;
use crate::model::{Lang, LifecycleStage, SquareMeters};
use crate::render::charts;
use crate::render::style::land_use_label;
use crate::render::{EstimatedMeasure, ScreenRect};
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
                ledger_section(ui, s, lang, cmds);
                ui.add_space(10.0);
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
                                                let mut text = pc.id.to_string();
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

/// The first and last day the slider offers: the earliest date in the data, today.
fn slider_range(s: &Session) -> (Date, Date) {
    let today = Date::today();
    let park = &s.ws.park;
    let earliest = park
        .projects
        .iter()
        .filter_map(|p| p.dates.signed.as_deref().and_then(Date::parse))
        .chain(
            park.parcels
                .iter()
                .filter_map(|p| p.approval.submitted.as_deref().and_then(Date::parse)),
        )
        .min()
        .unwrap_or(today.plus_days(-365 * 3));
    (earliest.min(today), today)
}

/// Paints a chart scene into a rectangle of the panel.
fn chart(ui: &mut egui::Ui, height: f32, draw: impl FnOnce(ScreenRect) -> crate::render::Scene) {
    let w = ui.available_width().max(120.0);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(w, height), egui::Sense::hover());
    let scene = draw(ScreenRect {
        min: [rect.min.x, rect.min.y],
        max: [rect.max.x, rect.max.y],
    });
    crate::ui::map::canvas::paint_scene(ui.painter(), &scene);
}

fn ledger_section(ui: &mut egui::Ui, s: &Session, lang: Lang, cmds: &mut Vec<Command>) {
    let Some(l) = s.ledger() else {
        return;
    };
    let park = &s.ws.park;
    ui.heading(Msg::Ledger.text(lang));
    let (first, today) = slider_range(s);
    let mut day = s.as_of.unwrap_or(today).days_since(first);
    let span = today.days_since(first).max(1);
    ui.horizontal(|ui| {
        let label = ui.label(Msg::AsOfDay.text(lang));
        let slider = egui::Slider::new(&mut day, 0..=span)
            .show_value(false)
            .step_by(1.0);
        if ui.add(slider).labelled_by(label.id).changed() {
            let d = first.plus_days(day);
            cmds.push(Command::SetAsOf((d != today).then_some(d)));
        }
        ui.strong(first.plus_days(day).to_string());
        if ui
            .add_enabled(s.as_of.is_some(), egui::Button::new(Msg::Today.text(lang)))
            .clicked()
        {
            cmds.push(Command::SetAsOf(None));
        }
    });
    ui.weak(Msg::AsOfNote.text(lang));
    let funnel = l.funnel(park);
    chart(ui, 120.0, |r| {
        charts::funnel_chart(r, &funnel, lang, 11.0, &EstimatedMeasure)
    });

    // Stalled projects first, longest overdue first.
    let stalled = l.stalled();
    ui.add_space(4.0);
    if stalled.is_empty() {
        ui.label(Msg::NoStalled.text(lang));
    } else {
        ui.label(
            RichText::new(format!(
                "{}（{}）",
                Msg::StalledProjects.text(lang),
                stalled.len()
            ))
            .strong()
            .color(egui::Color32::from_rgb(200, 30, 30)),
        );
        // One entry per project: its name (click: zoom to it), then what is late and who
        // answers for it: the panel is narrow, so no wide grid.
        for st in stalled {
            let Some(p) = park.projects.get(st.project as usize) else {
                continue;
            };
            if ui
                .link(RichText::new(&p.name).color(egui::Color32::from_rgb(200, 30, 30)))
                .on_hover_text(Msg::ZoomToIt.text(lang))
                .clicked()
            {
                cmds.push(Command::SelectAndZoom(p.feature));
            }
            let mut line = vec![st.stage.map_or("", |x| x.label(lang)).to_string()];
            if let (Some(d), Some(lim)) = (st.days_in_stage, st.limit_days) {
                line.push(format!("{} {d}/{lim}", Msg::DaysOfLimit.text(lang)));
            }
            if let Some((role, n)) = &st.responsible {
                line.push(format!(
                    "{}：{n}（{}）",
                    Msg::Responsible.text(lang),
                    role.label(lang)
                ));
            }
            if !st.missing_documents.is_empty() {
                line.push(format!(
                    "{}：{}",
                    Msg::MissingDocuments.text(lang),
                    crate::analysis::ledger::documents_text(&st.missing_documents, lang)
                ));
            }
            ui.indent(("stalled", st.project), |ui| {
                ui.weak(line.join(" · "));
            });
        }
    }

    // Red lines and arable land.
    ui.add_space(6.0);
    egui::CollapsingHeader::new(RichText::new(Msg::RedLines.text(lang)).strong())
        .default_open(true)
        .show(ui, |ui| {
            let Some(results) = s.ws.studies.results.as_deref() else {
                return;
            };
            let o = &results.analysis.constraints;
            if o.layers.is_empty() {
                ui.weak(Msg::NoConstraintLayers.text(lang));
                return;
            }
            for layer in &o.layers {
                ui.label(format!(
                    "{}：{} · {} {}",
                    layer.name,
                    layer.kind.map_or("?", |k| k.label(lang)),
                    grouped(SquareMeters(layer.area_m2).to_mu().0, 1),
                    Msg::Mu.text(lang)
                ));
            }
            let quota: f64 = l
                .projects
                .iter()
                .filter(|p| p.quota_outstanding)
                .filter_map(|p| p.arable_quota_mu)
                .sum();
            let conflict: f64 = l
                .projects
                .iter()
                .filter_map(|p| p.redline_conflict_mu)
                .sum();
            ui.label(format!(
                "{}：{} {} · {}：{} {}",
                Msg::ArableQuotaOutstanding.text(lang),
                grouped(quota, 1),
                Msg::Mu.text(lang),
                Msg::RedlineConflicts.text(lang),
                grouped(conflict, 1),
                Msg::Mu.text(lang)
            ));
            for st in l.projects.iter().filter(|p| {
                p.arable_quota_mu.is_some_and(|q| q > 0.0)
                    || p.redline_conflict_mu.is_some_and(|q| q > 0.0)
            }) {
                let Some(p) = park.projects.get(st.project as usize) else {
                    continue;
                };
                if ui.link(&p.name).clicked() {
                    cmds.push(Command::SelectAndZoom(p.feature));
                }
                let mut line = Vec::new();
                if let Some(q) = st.arable_quota_mu.filter(|q| *q > 0.0) {
                    line.push(format!(
                        "{} {} {}（{}）",
                        Msg::ArableQuota.text(lang),
                        grouped(q, 1),
                        Msg::Mu.text(lang),
                        st.quota_word(lang)
                    ));
                }
                if let Some(c) = st.redline_conflict_mu.filter(|c| *c > 0.0) {
                    line.push(format!(
                        "{} {} {}",
                        Msg::RedlineConflicts.text(lang),
                        grouped(c, 1),
                        Msg::Mu.text(lang)
                    ));
                }
                ui.indent(("land", st.project), |ui| {
                    ui.weak(line.join(" · "));
                });
            }
        });
    let years: Vec<(i32, crate::analysis::ledger::YearApproval)> =
        l.approval_by_year.iter().map(|(y, a)| (*y, *a)).collect();
    chart(ui, 150.0, |r| {
        charts::approval_chart(r, &years, lang, 11.0, &EstimatedMeasure)
    });
    // The stage limits: a settings table saved with the project.
    egui::CollapsingHeader::new(Msg::StageLimits.text(lang))
        .id_salt("stage-limits")
        .show(ui, |ui| {
            let mut settings = s.ws.studies.settings.clone();
            let mut changed = false;
            egui::Grid::new("stage-limits-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    for stage in LifecycleStage::ALL {
                        let label = ui.label(stage.label(lang));
                        let limits = &mut settings.ledger.stage_limits_days;
                        let mut days = limits.get(stage).copied().unwrap_or(0);
                        if ui
                            .add(egui::DragValue::new(&mut days).range(0..=3650).suffix(" d"))
                            .labelled_by(label.id)
                            .on_hover_text(Msg::NoLimitWhenZero.text(lang))
                            .changed()
                        {
                            if days == 0 {
                                limits.remove(stage);
                            } else {
                                limits.insert(*stage, days);
                            }
                            changed = true;
                        }
                        ui.end_row();
                    }
                });
            if changed {
                cmds.push(Command::SetAnalysis(settings));
            }
        });
    if !l.doubtful.is_empty() {
        egui::CollapsingHeader::new(
            RichText::new(format!(
                "{}（{}）",
                Msg::DoubtfulDates.text(lang),
                l.doubtful.len()
            ))
            .color(egui::Color32::from_rgb(190, 110, 0)),
        )
        .show(ui, |ui| {
            for d in &l.doubtful {
                ui.label(format!("{} {}：{}（{}）", d.id, d.field, d.text, d.problem));
            }
        });
    }
}

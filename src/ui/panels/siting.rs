//! The 选址 (siting) panel: where to put the next facilities of a kind, or the next
//! stops of a bus route. The planner picks the kind (or route), the count, the
//! candidates (points along roads, or parcel centroids of a land use), the weight, the
//! method and the reach; the suggestion runs on a worker
//! ([`crate::workspace::siting`], the same computation as `parkplan-cli suggest`), the
//! ranked sites are drawn on the map with the enterprises each newly covers, and each
//! can be added as a proposed facility: an undoable edit, after which every analysis
//! and the suggestion itself update.
//!
//! Reads the session; runs and edits are commands.

use std::time::Duration;

use eframe::egui::{self, RichText};

use crate::analysis::IsochroneSpec;
use crate::analysis::siting::{Demand, Goal, Method, SiteReach, Weight};
use crate::model::{FacilityKind, Lang};
use crate::network::TravelMode;
use crate::ui::command::Command;
use crate::ui::i18n::Msg;
use crate::ui::session::Session;
use crate::workspace::siting::{CandidateSource, SiteTarget, SuggestRequest};

/// Where the panel takes candidates from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CandidateChoice {
    /// Points along roads (or along the route, for stops).
    #[default]
    Roads,
    /// Parcel centroids of a land use.
    Parcels,
}

/// The panel's own state: the request being composed.
#[derive(Debug)]
pub struct SitingPanel {
    /// The facility kind (when not siting stops).
    pub kind: FacilityKind,
    /// Site the stops of this route instead (index into `park.routes`).
    pub route: Option<usize>,
    /// How many sites.
    pub count: usize,
    /// Candidates along roads or at parcels.
    pub candidates: CandidateChoice,
    /// Spacing of the road candidates, metres.
    pub step_m: f64,
    /// Land-use prefix of the parcel candidates.
    pub land_use: String,
    /// Weight.
    pub weight: Weight,
    /// Method.
    pub method: Method,
    /// Reach: `None` the circle, else the isochrone.
    pub reach: Option<IsochroneSpec>,
    /// Minimum stop spacing, metres.
    pub min_spacing_m: f64,
    /// What to maximise.
    pub goal: Goal,
    /// For stops: also positions on detours off the route, up to this far (metres).
    pub detour_m: Option<f64>,
}

impl Default for SitingPanel {
    fn default() -> Self {
        SitingPanel {
            kind: FacilityKind::ConvenienceServiceCentre,
            route: None,
            count: 3,
            candidates: CandidateChoice::Roads,
            step_m: 200.0,
            land_use: "R".into(),
            weight: Weight::Enterprises,
            method: Method::Greedy,
            reach: None,
            min_spacing_m: 300.0,
            goal: Goal::Coverage,
            detour_m: None,
        }
    }
}

impl SitingPanel {
    /// The request the panel's choices make.
    pub fn request(&self, session: &Session) -> SuggestRequest {
        let target = match self.route.and_then(|r| session.ws.park.routes.get(r)) {
            Some(r) => SiteTarget::Route(r.name.to_string()),
            None => SiteTarget::Kind(self.kind),
        };
        SuggestRequest {
            target,
            count: self.count.max(1),
            candidates: Some(match self.candidates {
                CandidateChoice::Roads => CandidateSource::Along(self.step_m.max(10.0)),
                CandidateChoice::Parcels => CandidateSource::Parcels(self.land_use.clone()),
            }),
            weight: self.weight,
            method: self.method,
            reach: self.reach.map_or(SiteReach::Circle, SiteReach::Network),
            time_limit: Duration::from_secs(30),
            min_spacing_m: self.min_spacing_m,
            set_cover: false,
            goal: if self.route.is_some() {
                Goal::Coverage
            } else {
                self.goal.clone()
            },
            detour_m: self.route.and(self.detour_m),
        }
    }

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
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.heading(Msg::PanelSiting.text(lang));
                egui::Grid::new("siting-form")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let what = ui.label(Msg::SitingWhat.text(lang));
                        let current = match self.route.and_then(|r| park.routes.get(r)) {
                            Some(r) => format!("{} {}", Msg::SitingStopsOf.text(lang), r.name),
                            None => self.kind.label(lang).to_string(),
                        };
                        egui::ComboBox::from_id_salt("siting-kind")
                            .selected_text(current)
                            .show_ui(ui, |ui| {
                                for &k in FacilityKind::ALL {
                                    if ui
                                        .selectable_label(
                                            self.route.is_none() && self.kind == k,
                                            k.label(lang),
                                        )
                                        .clicked()
                                    {
                                        self.kind = k;
                                        self.route = None;
                                    }
                                }
                                for (ri, r) in park.routes.iter().enumerate() {
                                    let text =
                                        format!("{} {}", Msg::SitingStopsOf.text(lang), r.name);
                                    if ui.selectable_label(self.route == Some(ri), text).clicked() {
                                        self.route = Some(ri);
                                    }
                                }
                            })
                            .response
                            .labelled_by(what.id);
                        ui.end_row();
                        if self.route.is_none() {
                            let target = ui.label(Msg::SitingTarget.text(lang));
                            let goal_text = |g: &Goal| match g {
                                Goal::Coverage => Msg::SitingTargetCoverage.text(lang).to_string(),
                                Goal::Compliance(t) if Goal::is_service(t) => {
                                    Msg::SitingTargetService.text(lang).to_string()
                                }
                                Goal::Compliance(t) => {
                                    format!("{} {t}", Msg::SitingTargetLiving.text(lang))
                                }
                            };
                            let mut goals = vec![Goal::Coverage];
                            goals.extend(
                                s.ws.settings()
                                    .living
                                    .tiers
                                    .iter()
                                    .map(|t| Goal::Compliance(t.name.clone())),
                            );
                            goals.push(Goal::Compliance("service".into()));
                            egui::ComboBox::from_id_salt("siting-target")
                                .selected_text(goal_text(&self.goal))
                                .show_ui(ui, |ui| {
                                    for g in goals {
                                        let text = goal_text(&g);
                                        if ui.selectable_label(self.goal == g, text).clicked() {
                                            self.goal = g;
                                        }
                                    }
                                })
                                .response
                                .labelled_by(target.id);
                            ui.end_row();
                        }
                        let count = ui.label(Msg::SitingCount.text(lang));
                        ui.add(egui::DragValue::new(&mut self.count).range(1..=50))
                            .labelled_by(count.id);
                        ui.end_row();
                        ui.label(Msg::SitingCandidates.text(lang));
                        ui.vertical(|ui| {
                            ui.horizontal(|ui| {
                                let roads = ui.radio_value(
                                    &mut self.candidates,
                                    CandidateChoice::Roads,
                                    Msg::SitingAlongRoads.text(lang),
                                );
                                ui.add(egui::DragValue::new(&mut self.step_m).range(10.0..=5000.0))
                                    .labelled_by(roads.id);
                            });
                            ui.horizontal(|ui| {
                                let parcels = ui.radio_value(
                                    &mut self.candidates,
                                    CandidateChoice::Parcels,
                                    Msg::SitingParcels.text(lang),
                                );
                                ui.add(
                                    egui::TextEdit::singleline(&mut self.land_use)
                                        .desired_width(40.0),
                                )
                                .labelled_by(parcels.id);
                            });
                        });
                        ui.end_row();
                        ui.label(Msg::SitingWeight.text(lang));
                        ui.horizontal(|ui| {
                            ui.radio_value(
                                &mut self.weight,
                                Weight::Enterprises,
                                Msg::SitingByEnterprises.text(lang),
                            );
                            ui.radio_value(
                                &mut self.weight,
                                Weight::Employees,
                                Msg::SitingByEmployees.text(lang),
                            );
                        });
                        ui.end_row();
                        ui.label(Msg::SitingMethod.text(lang));
                        ui.vertical(|ui| {
                            ui.radio_value(
                                &mut self.method,
                                Method::Greedy,
                                Msg::SitingGreedy.text(lang),
                            );
                            ui.radio_value(
                                &mut self.method,
                                Method::Exact,
                                Msg::SitingExact.text(lang),
                            );
                        });
                        ui.end_row();
                        ui.label(Msg::SitingReach.text(lang));
                        ui.vertical(|ui| {
                            let walk = IsochroneSpec {
                                mode: TravelMode::Walk,
                                minutes: 15.0,
                            };
                            let ebike = IsochroneSpec {
                                mode: TravelMode::Ebike,
                                minutes: 15.0,
                            };
                            ui.radio_value(&mut self.reach, None, Msg::SitingCircle.text(lang));
                            ui.radio_value(&mut self.reach, Some(walk), walk.describe(lang));
                            ui.radio_value(&mut self.reach, Some(ebike), ebike.describe(lang));
                        });
                        ui.end_row();
                        if self.route.is_some() {
                            let spacing = ui.label(Msg::SitingMinSpacing.text(lang));
                            ui.add(
                                egui::DragValue::new(&mut self.min_spacing_m).range(0.0..=5000.0),
                            )
                            .labelled_by(spacing.id);
                            ui.end_row();
                            let mut on = self.detour_m.is_some();
                            let detour = ui.checkbox(&mut on, Msg::SitingDetour.text(lang));
                            let mut m = self.detour_m.unwrap_or(300.0);
                            ui.add_enabled(on, egui::DragValue::new(&mut m).range(10.0..=3000.0))
                                .labelled_by(detour.id);
                            self.detour_m = on.then_some(m);
                            ui.end_row();
                        }
                    });
                ui.horizontal(|ui| {
                    if ui.button(Msg::SitingRun.text(lang)).clicked() {
                        cmds.push(Command::Suggest(Some(Box::new(self.request(s)))));
                    }
                    if s.ws.studies.siting_request.is_some()
                        && ui.button(Msg::SitingClear.text(lang)).clicked()
                    {
                        cmds.push(Command::Suggest(None));
                    }
                    if s.ws.studies.siting_running() {
                        ui.spinner();
                        ui.label(Msg::SitingComputing.text(lang));
                    }
                });
                if let Some(e) = &s.ws.studies.siting_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if let Some(sug) = s.ws.studies.siting.clone() {
                    suggestion_section(ui, s, &sug, lang, cmds);
                }
                // Compliance after the sites, so a suggestion's answer shows first.
                living_section(ui, s, lang, cmds);
            });
    }
}

/// The suggestion's summary and its ranked sites, each with what it newly covers (or
/// makes compliant) and "add as proposed facility".
fn suggestion_section(
    ui: &mut egui::Ui,
    s: &Session,
    sug: &crate::analysis::siting::Suggestion,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let park = &s.ws.park;
    ui.separator();
    for line in crate::report::siting::summary_lines(sug) {
        ui.add(egui::Label::new(RichText::new(line).small()).wrap());
    }
    ui.separator();
    ui.strong(Msg::SitingRanked.text(lang));
    let kind = FacilityKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == sug.kind);
    let newly_word = if sug.target == "coverage" {
        Msg::SitingNewlyCovered
    } else {
        Msg::SitingNewlyCompliant
    };
    for (k, (&j, newly)) in sug
        .solution
        .chosen
        .iter()
        .zip(&sug.solution.newly)
        .enumerate()
    {
        let Some(c) = sug.candidates.get(j as usize) else {
            continue;
        };
        ui.horizontal_wrapped(|ui| {
            if ui
                .link(format!("{}. {}", k + 1, c.id))
                .on_hover_text(format!("{:.6}, {:.6}", c.lon_lat[0], c.lon_lat[1]))
                .clicked()
            {
                cmds.push(Command::ZoomLonLat(c.lon_lat));
            }
            ui.label(format!("{} {}", newly_word.text(lang), newly.len()));
            if let Some(d) = c.detour_m.filter(|d| *d > 0.0) {
                ui.label(format!("{} {d:.0} m", Msg::SitingDetourOf.text(lang)));
            }
            if let Some(kind) = kind
                && ui.button(Msg::SitingAddProposed.text(lang)).clicked()
                && let Some(edit) =
                    crate::workspace::siting::proposed_facility_edit(park, kind, c.lon_lat)
            {
                cmds.push(Command::Edit(edit));
            }
        });
        egui::CollapsingHeader::new(format!("{} ({})", newly_word.text(lang), newly.len()))
            .id_salt(("siting-site", k))
            .show(ui, |ui| {
                if sug.demand == Demand::Parcels {
                    for &pi in newly.iter().take(200) {
                        if let Some(p) = park.parcels.get(pi as usize)
                            && ui.link(&p.id).clicked()
                        {
                            cmds.push(Command::SelectAndZoom(p.feature));
                        }
                    }
                    return;
                }
                for &e in newly.iter().take(200) {
                    if let Some(ent) = park.enterprises.get(e as usize)
                        && ui.link(format!("{} {}", ent.id, ent.name)).clicked()
                    {
                        cmds.push(Command::SelectAndZoom(ent.feature));
                    }
                }
            });
    }
}

/// Living-circle compliance per tier (from the analysis results): the share of
/// compliant residential parcels, a button that shows the tier's gap layer on the map
/// (the same focus the printed map uses), and the non-compliant parcels with their
/// missing kinds.
fn living_section(ui: &mut egui::Ui, s: &Session, lang: Lang, cmds: &mut Vec<Command>) {
    let Some(results) = s.ws.studies.results.as_deref() else {
        return;
    };
    let park = &s.ws.park;
    ui.separator();
    ui.strong(Msg::LivingCircles.text(lang));
    for (ti, tier) in results.analysis.living.tiers.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{} ({} m): {}/{} {} ({:.1}%)",
                tier.name,
                tier.radius_m,
                tier.parcels_compliant,
                tier.parcels_total,
                Msg::LivingCompliant.text(lang),
                tier.share() * 100.0
            ));
            gaps_toggle(
                ui,
                s,
                crate::render::Focus::LivingGaps(ti as u8),
                lang,
                cmds,
            );
        });
        if tier.missing.is_empty() {
            continue;
        }
        egui::CollapsingHeader::new(format!(
            "{} {} ({})",
            tier.name,
            Msg::LivingMissing.text(lang),
            tier.missing.len()
        ))
        .id_salt(("living-missing", ti))
        .show(ui, |ui| {
            for (pi, kinds) in tier.missing.iter().take(300) {
                let Some(p) = park.parcels.get(*pi as usize) else {
                    continue;
                };
                let names: Vec<&str> = kinds.iter().map(|k| k.label(lang)).collect();
                if ui.link(format!("{}: {}", p.id, names.join(", "))).clicked() {
                    cmds.push(Command::SelectAndZoom(p.feature));
                }
            }
        });
    }
    if let Some(t) = results.analysis.living.tiers.last() {
        along_roads_note(ui, lang, &t.required, &t.reach);
    }
    service_section(ui, s, &results.analysis.living.service, lang, cmds);
}

/// The 地图显示缺口 toggle of a gap layer: shows `focus` on the map, or clears it.
fn gaps_toggle(
    ui: &mut egui::Ui,
    s: &Session,
    focus: crate::render::Focus,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let on = s.ws.studies.focus == focus;
    if ui
        .selectable_label(on, Msg::LivingShowGaps.text(lang))
        .clicked()
    {
        cmds.push(Command::Focus(if on {
            crate::render::Focus::None
        } else {
            focus
        }));
    }
}

/// Names the kinds whose compliance was walked along roads (shown by isochrone).
fn along_roads_note(
    ui: &mut egui::Ui,
    lang: Lang,
    required: &[(FacilityKind, f64)],
    reach: &[crate::analysis::living::KindReach],
) {
    let along: Vec<&str> = required
        .iter()
        .zip(reach.iter())
        .filter(|(_, r)| **r == crate::analysis::living::KindReach::Walk)
        .map(|((k, _), _)| k.label(lang))
        .collect();
    if !along.is_empty() {
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "{}: {}",
                    Msg::WalkedAlongRoads.text(lang),
                    along.join(", ")
                ))
                .weak(),
            )
            .wrap(),
        );
    }
}

/// The enterprises against the park's service circle: the share, the gap layer
/// button and the non-compliant enterprises with their missing kinds.
fn service_section(
    ui: &mut egui::Ui,
    s: &Session,
    sc: &crate::analysis::living::ServiceCompliance,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let park = &s.ws.park;
    ui.separator();
    ui.strong(Msg::ServiceCircle.text(lang));
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "{} ({} m): {}/{} {} ({:.1}%)",
            sc.name,
            sc.radius_m,
            sc.enterprises_compliant,
            sc.enterprises_total,
            Msg::ServiceCompliant.text(lang),
            sc.share() * 100.0
        ));
        gaps_toggle(ui, s, crate::render::Focus::ServiceGaps, lang, cmds);
    });
    let kinds: Vec<&str> = sc.required.iter().map(|(k, _)| k.label(lang)).collect();
    ui.add(egui::Label::new(RichText::new(kinds.join(", ")).weak()).wrap());
    along_roads_note(ui, lang, &sc.required, &sc.reach);
    if sc.missing.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!(
        "{} ({})",
        Msg::ServiceMissing.text(lang),
        sc.missing.len()
    ))
    .id_salt("service-missing")
    .show(ui, |ui| {
        for (ei, kinds) in sc.missing.iter().take(300) {
            let Some(e) = park.enterprises.get(*ei as usize) else {
                continue;
            };
            let names: Vec<&str> = kinds.iter().map(|k| k.label(lang)).collect();
            if ui
                .link(format!("{} {}: {}", e.id, e.name, names.join(", ")))
                .clicked()
            {
                cmds.push(Command::SelectAndZoom(e.feature));
            }
        }
    });
}

//! The service-analysis panel, on the results of [`crate::analysis`]:
//! - Facilities: pick one (from the list or on the map) to see its service circle, the
//!   enterprises it covers with distances, their count and employees.
//! - Routes: pick one to see its stops, catchment band and figures (length, stops,
//!   spacing, enterprises, employees, share).
//! - Gaps: per facility kind (or for the bus network), the enterprises nobody covers,
//!   with their nearest facility.
//! - Radii: the service radius of each kind and the stop catchment; results update at
//!   once (recomputed on a worker).
//! - Isochrones (issue #7): per facility kind, the circle or the isochrone along roads
//!   (5/10/15 minutes, walking or e-bike); for a facility, both counts, the enterprises
//!   the circle wrongly claims and those reached beyond it, each listed with a click to
//!   zoom; the gaps of a kind by isochrone; a Roads tab with the network's figures,
//!   its problems (isolated pieces, enterprises and facilities far from roads) and the
//!   speeds.
//!
//! Reads the session's results; focus, selection and settings changes are commands.

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::analysis::AnalysisSettings;
use crate::analysis::IsochroneSpec;
use crate::analysis::ReachChoice;
use crate::model::{FacilityKind, FeatureRef, Lang, Park};
use crate::network::TravelMode;
use crate::render::Focus;
use crate::ui::command::Command;
use crate::ui::i18n::{self, Msg, group_digits};
use crate::ui::session::Session;
use crate::workspace::Results;

/// The panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Facilities and their circles.
    #[default]
    Facilities,
    /// Bus routes.
    Routes,
    /// Enterprises nobody serves.
    Gaps,
    /// Radii settings.
    Radii,
    /// The road network: its figures and problems, speeds (isochrones, issue #7).
    Network,
}

/// Whether a tab lists what `focus` shows (its overlay may stay on the map).
pub fn tab_shows(tab: Tab, focus: Focus) -> bool {
    matches!(
        (tab, focus),
        (_, Focus::None)
            | (Tab::Facilities, Focus::Facility(_))
            | (Tab::Routes, Focus::Route(_))
            | (Tab::Gaps, Focus::Gaps(_) | Focus::BusGaps)
            | (Tab::Radii | Tab::Network, _)
    )
}

/// Which gap view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// A facility kind.
    Kind(FacilityKind),
    /// Bus stops (all routes).
    Bus,
}

/// The panel's own state.
#[derive(Debug, Default)]
pub struct AnalysisPanel {
    /// The open tab.
    pub tab: Tab,
    /// Facility list: only this kind.
    pub kind_filter: Option<FacilityKind>,
    /// Facility list: name filter.
    pub name_filter: String,
    /// The gap view shown.
    pub gap: Option<GapKind>,
}

/// The covered-enterprise line of the facility view (see [`i18n::fmt_covered`]).
pub fn covered_label(lang: Lang, n: usize) -> String {
    i18n::fmt_covered(lang, n)
}

fn metres(m: f64) -> String {
    if m >= 1000.0 {
        format!("{:.2} km", m / 1000.0)
    } else {
        format!("{m:.0} m")
    }
}

fn enterprise_name(park: &Park, e: u32) -> &str {
    park.enterprises
        .get(e as usize)
        .map(|x| x.name.as_str())
        .unwrap_or("")
}

impl AnalysisPanel {
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
        let studies = &session.ws.studies;
        if session.ws.index.is_none() && session.index_pending() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(crate::ui::i18n::Msg::IndexBuilding.text(lang));
            });
            return;
        }
        if session.ws.index.is_none()
            || (session.ws.park.enterprises.is_empty() && session.ws.park.routes.is_empty())
        {
            ui.weak(crate::ui::i18n::Msg::AnalysisUnavailable.text(lang));
            if let Some(e) = &session.ws.index_error {
                ui.weak(e);
            }
            return;
        }
        let before = self.tab;
        ui.horizontal_wrapped(|ui| {
            for (t, m) in [
                (Tab::Facilities, Msg::TabFacilities),
                (Tab::Routes, Msg::TabRoutes),
                (Tab::Gaps, Msg::TabGaps),
                (Tab::Radii, Msg::TabRadii),
                (Tab::Network, Msg::TabNetwork),
            ] {
                ui.selectable_value(&mut self.tab, t, m.text(lang));
            }
            if !studies.is_current() {
                ui.spinner();
            }
        });
        // One focus at a time: a tab that cannot show the focus clears it.
        if self.tab != before && !tab_shows(self.tab, studies.focus) {
            cmds.push(Command::Focus(Focus::None));
        }
        if studies.focus != Focus::None && ui.button(Msg::ClearOverlay.text(lang)).clicked() {
            cmds.push(Command::Focus(Focus::None));
        }
        ui.separator();
        let Some(results) = studies.results.as_deref() else {
            ui.spinner();
            return;
        };
        match self.tab {
            Tab::Facilities => self.facilities(ui, session, results, lang, cmds),
            Tab::Routes => routes(ui, session, results, lang, cmds),
            Tab::Gaps => self.gaps(ui, session, results, lang, cmds),
            Tab::Radii => radii(ui, session, lang, cmds),
            Tab::Network => network(ui, session, lang, cmds),
        }
    }

    fn facilities(
        &mut self,
        ui: &mut egui::Ui,
        s: &Session,
        r: &Results,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let park = &s.ws.park;
        let focus = match s.ws.studies.focus {
            Focus::Facility(f) => Some(f),
            _ => None,
        };
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("fac-kind")
                .selected_text(
                    self.kind_filter
                        .map_or(Msg::AllKinds.text(lang), |k| k.label(lang)),
                )
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.kind_filter, None, Msg::AllKinds.text(lang));
                    for kc in &r.analysis.coverage.kinds {
                        ui.selectable_value(
                            &mut self.kind_filter,
                            Some(kc.kind),
                            kc.kind.label(lang),
                        );
                    }
                })
                .response
                .accessible_name(Msg::FacilityKind.text(lang));
            ui.add(
                egui::TextEdit::singleline(&mut self.name_filter)
                    .hint_text(Msg::FacilityName.text(lang))
                    .desired_width(f32::INFINITY),
            );
        });
        let needle = self.name_filter.trim().to_lowercase();
        let list: Vec<usize> = park
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| self.kind_filter.is_none_or(|k| f.kind == k))
            .filter(|(_, f)| needle.is_empty() || f.name.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
        let list_h = (ui.available_height() * 0.4).max(120.0);
        // Only the visible rows are laid out (a park may have thousands of facilities).
        let row_h =
            ui.text_style_height(&egui::TextStyle::Button) + ui.spacing().button_padding.y * 2.0;
        egui::ScrollArea::vertical()
            .id_salt("fac-list")
            .max_height(list_h)
            .auto_shrink([false, true])
            .show_rows(ui, row_h, list.len(), |ui, range| {
                for &fi in &list[range] {
                    let f = &park.facilities[fi];
                    let n = iso_of(s, f.kind)
                        .and_then(|a| a.facilities.get(fi))
                        .map(|x| x.reached.len())
                        .unwrap_or_else(|| {
                            r.analysis
                                .coverage
                                .facilities
                                .get(fi)
                                .map_or(0, |c| c.covered.len())
                        });
                    let text = format!("{}  ({})", f.name, group_digits(n));
                    let resp = ui
                        .selectable_label(focus == Some(fi as u32), text)
                        .on_hover_text(f.kind.label(lang));
                    if resp.clicked() {
                        pick_facility(s, r, fi as u32, cmds);
                    }
                }
            });
        ui.separator();
        let Some(fi) = focus else {
            ui.weak(Msg::PickAFacilityFromThe.text(lang));
            return;
        };
        let (Some(f), Some(fc)) = (
            park.facilities.get(fi as usize),
            r.analysis.coverage.facilities.get(fi as usize),
        ) else {
            return;
        };
        ui.label(RichText::new(&f.name).strong().size(15.0));
        ui.label(format!(
            "{}  ·  {} {}",
            f.kind.label(lang),
            Msg::RadiusLower.text(lang),
            metres(fc.radius_m)
        ));
        let choice = reach_switch(ui, s, f.kind, lang, cmds);
        if choice.isochrone {
            facility_isochrone(ui, s, r, fi, choice.spec, lang, cmds);
            return;
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new(covered_label(lang, fc.covered.len())).strong());
            ui.label(i18n::fmt_employees(lang, fc.employees));
        });
        let mut rows: Vec<(u32, f32)> = r.analysis.coverage.with_distances(fc).collect();
        rows.sort_by(|a, b| a.1.total_cmp(&b.1));
        enterprise_table(ui, "fac-covered", park, &rows, lang, cmds);
    }

    fn gaps(
        &mut self,
        ui: &mut egui::Ui,
        s: &Session,
        r: &Results,
        lang: Lang,
        cmds: &mut Vec<Command>,
    ) {
        let park = &s.ws.park;
        let current = match s.ws.studies.focus {
            Focus::Gaps(k) => Some(GapKind::Kind(k)),
            Focus::BusGaps => Some(GapKind::Bus),
            _ => self.gap,
        };
        let label = |g: GapKind| match g {
            GapKind::Kind(k) => match s.ws.studies.iso_spec_of(k) {
                Some(spec) => format!("{} ({})", k.label(lang), spec.describe(lang)),
                None => format!(
                    "{} ({})",
                    k.label(lang),
                    metres(r.analysis.settings.radius(k))
                ),
            },
            GapKind::Bus => format!(
                "{} ({})",
                Msg::BusStops.text(lang),
                metres(r.analysis.settings.catchment_m)
            ),
        };
        egui::ComboBox::from_id_salt("gap-kind")
            .selected_text(
                current
                    .map(label)
                    .unwrap_or_else(|| Msg::ChooseAKind.text(lang).into()),
            )
            .show_ui(ui, |ui| {
                let mut options: Vec<GapKind> = r
                    .analysis
                    .coverage
                    .kinds
                    .iter()
                    .map(|k| GapKind::Kind(k.kind))
                    .collect();
                if !park.stops.is_empty() {
                    options.push(GapKind::Bus);
                }
                for g in options {
                    if ui.selectable_label(current == Some(g), label(g)).clicked() {
                        self.gap = Some(g);
                        cmds.push(Command::Focus(match g {
                            GapKind::Kind(k) => Focus::Gaps(k),
                            GapKind::Bus => Focus::BusGaps,
                        }));
                    }
                }
            })
            .response
            .accessible_name(Msg::GapKind.text(lang));
        let Some(g) = current else {
            ui.weak(Msg::ChooseAFacilityKindTo.text(lang));
            return;
        };
        let iso_gaps = match g {
            GapKind::Kind(k) => s.ws.studies.iso_spec_of(k).map(|spec| (k, spec)),
            GapKind::Bus => None,
        };
        if let Some((k, spec)) = iso_gaps {
            let _ = reach_switch(ui, s, k, lang, cmds);
            if iso_of(s, k).is_none() {
                iso_waiting(ui, s, lang);
                return;
            }
            ui.weak(i18n::fmt_counted_by(lang, &spec.describe(lang)));
        }
        let (uncovered, kind): (&[u32], Option<FacilityKind>) = match g {
            GapKind::Kind(k) => (
                iso_of(s, k)
                    .and_then(|a| a.uncovered.iter().find(|(kk, _)| *kk == k))
                    .map(|(_, v)| v.as_slice())
                    .or_else(|| {
                        r.analysis
                            .coverage
                            .kind(k)
                            .map(|kc| kc.uncovered.as_slice())
                    })
                    .unwrap_or(&[]),
                Some(k),
            ),
            GapKind::Bus => (&r.analysis.routes.beyond_all, None),
        };
        let employees: u64 = uncovered
            .iter()
            .filter_map(|&e| park.enterprises.get(e as usize)?.employees)
            .map(u64::from)
            .sum();
        let located = r.analysis.coverage.located_enterprises.max(1);
        ui.label(
            RichText::new(i18n::fmt_uncovered(
                lang,
                uncovered.len(),
                100.0 * uncovered.len() as f64 / located as f64,
                employees,
            ))
            .strong(),
        );
        // Each uncovered enterprise with its nearest facility of the kind (or stop).
        let rows: Vec<(u32, f32)> = uncovered
            .iter()
            .map(|&e| {
                let d = match kind {
                    Some(k) => r
                        .analysis
                        .nearest
                        .get(e as usize, k)
                        .map_or(f32::NAN, |(_, d)| d),
                    None => {
                        s.ws.index
                            .as_ref()
                            .and_then(|i| i.stops.nearest(*i.enterprise_xy.get(e as usize)?))
                            .map_or(f32::NAN, |(_, d)| d as f32)
                    }
                };
                (e, d)
            })
            .collect();
        ui.weak(Msg::DistanceToTheNearestFacility.text(lang));
        // A click shows the enterprise with the facility (or stop) that matters: its
        // nearest one.
        let nearest = |e: u32| -> Option<crate::model::FeatureRef> {
            match kind {
                Some(k) => {
                    let (fi, _) = r.analysis.nearest.get(e as usize, k)?;
                    Some(park.facilities.get(fi as usize)?.feature)
                }
                None => {
                    let i = s.ws.index.as_ref()?;
                    let (si, _) = i.stops.nearest(*i.enterprise_xy.get(e as usize)?)?;
                    Some(park.stops.get(si as usize)?.feature)
                }
            }
        };
        enterprise_table_with(ui, "gap-table", park, &rows, &nearest, lang, cmds);
    }
}

fn pick_facility(s: &Session, r: &Results, fi: u32, cmds: &mut Vec<Command>) {
    cmds.push(Command::Focus(Focus::Facility(fi)));
    if let Some(f) = s.ws.park.facilities.get(fi as usize) {
        cmds.push(Command::Select(Some(f.feature)));
        let radius = r
            .analysis
            .coverage
            .facilities
            .get(fi as usize)
            .map_or(500.0, |c| c.radius_m);
        cmds.push(Command::ZoomAround(f.feature, radius));
    }
}

/// Enterprises with a distance column, sortable by nothing (given order); a click
/// selects and zooms.
fn enterprise_table(
    ui: &mut egui::Ui,
    id: &str,
    park: &Park,
    rows: &[(u32, f32)],
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    enterprise_table_with(ui, id, park, rows, &|_| None, lang, cmds);
}

/// [`enterprise_table`] whose row click shows the enterprise with a second feature
/// (`context`: for a gap, the nearest facility of the kind or the nearest stop).
fn enterprise_table_with(
    ui: &mut egui::Ui,
    id: &str,
    park: &Park,
    rows: &[(u32, f32)],
    context: &dyn Fn(u32) -> Option<crate::model::FeatureRef>,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .sense(egui::Sense::click())
        .auto_shrink([false, false])
        .column(Column::remainder().at_least(120.0).clip(true))
        .column(Column::initial(72.0))
        .column(Column::initial(60.0))
        .header(row_h, |mut h| {
            h.col(|ui| {
                ui.strong(Msg::Enterprise.text(lang));
            });
            h.col(|ui| {
                ui.strong(Msg::Distance.text(lang));
            });
            h.col(|ui| {
                ui.strong(Msg::Staff.text(lang));
            });
        })
        .body(|body| {
            body.rows(row_h, rows.len(), |mut row| {
                let (e, d) = rows[row.index()];
                row.col(|ui| {
                    ui.add(egui::Label::new(enterprise_name(park, e)).selectable(false));
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(if d.is_finite() {
                            format!("{d:.0} m")
                        } else {
                            "-".into()
                        })
                        .selectable(false),
                    );
                });
                row.col(|ui| {
                    let n = park.enterprises.get(e as usize).and_then(|x| x.employees);
                    ui.add(
                        egui::Label::new(n.map(|n| n.to_string()).unwrap_or_default())
                            .selectable(false),
                    );
                });
                if row.response().clicked()
                    && let Some(x) = park.enterprises.get(e as usize)
                {
                    match context(e) {
                        Some(c) => cmds.push(Command::SelectAndShowWith(x.feature, c)),
                        None => cmds.push(Command::SelectAndZoom(x.feature)),
                    }
                }
            });
        });
}

fn routes(ui: &mut egui::Ui, s: &Session, r: &Results, lang: Lang, cmds: &mut Vec<Command>) {
    let park = &s.ws.park;
    let focus = match s.ws.studies.focus {
        Focus::Route(x) => Some(x),
        _ => None,
    };
    for rs in &r.analysis.routes.routes {
        let Some(route) = park.routes.get(rs.route as usize) else {
            continue;
        };
        let text = i18n::fmt_route_row(lang, &route.name, rs.stops.len(), &metres(rs.length_m));
        if ui.selectable_label(focus == Some(rs.route), text).clicked() {
            cmds.push(Command::Focus(Focus::Route(rs.route)));
            cmds.push(Command::Select(Some(route.feature)));
            cmds.push(Command::ZoomFeature(route.feature));
        }
    }
    ui.separator();
    let Some(ri) = focus else {
        ui.weak(Msg::PickARouteToSee.text(lang));
        return;
    };
    let (Some(route), Some(rs)) = (
        park.routes.get(ri as usize),
        r.analysis.routes.routes.iter().find(|x| x.route == ri),
    ) else {
        return;
    };
    ui.label(RichText::new(&route.name).strong().size(15.0));
    egui::Grid::new("route-figures")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(k);
                ui.label(v);
                ui.end_row();
            };
            row(
                Msg::RouteLength.text(lang),
                format!("{:.2} km", rs.length_m / 1000.0),
            );
            row(Msg::StopCount.text(lang), rs.stops.len().to_string());
            if let Some(sp) = rs.spacing {
                row(
                    Msg::SpacingMeanMinMax.text(lang),
                    format!("{:.0} / {:.0} / {:.0} m", sp.mean_m, sp.min_m, sp.max_m),
                );
            }
            row(Msg::Catchment.text(lang), metres(rs.catchment_m));
            row(
                Msg::CoveredEnterprises.text(lang),
                format!(
                    "{} ({:.1}%)",
                    group_digits(rs.enterprises.len()),
                    rs.share_of_enterprises * 100.0
                ),
            );
            row(
                Msg::CoveredEmployees.text(lang),
                group_digits(rs.employees as usize),
            );
        });
    ui.add_space(4.0);
    egui::CollapsingHeader::new(Msg::StopsHeader.text(lang))
        .default_open(true)
        .show(ui, |ui| {
            let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
            TableBuilder::new(ui)
                .id_salt("route-stops")
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(260.0)
                .auto_shrink([false, true])
                .column(Column::initial(36.0))
                .column(Column::remainder().at_least(100.0).clip(true))
                .column(Column::initial(70.0))
                .header(row_h, |mut h| {
                    h.col(|ui| {
                        ui.strong("#");
                    });
                    h.col(|ui| {
                        ui.strong(Msg::Stop.text(lang));
                    });
                    h.col(|ui| {
                        ui.strong(Msg::AtKm.text(lang));
                    });
                })
                .body(|body| {
                    body.rows(row_h, rs.stops.len(), |mut row| {
                        let i = row.index();
                        let Some(stop) = park.stops.get(rs.stops[i] as usize) else {
                            return;
                        };
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(
                                    stop.seq.map(|n| n.to_string()).unwrap_or_default(),
                                )
                                .selectable(false),
                            );
                        });
                        row.col(|ui| {
                            ui.add(egui::Label::new(&stop.name).selectable(false));
                        });
                        row.col(|ui| {
                            let at = rs.stop_positions_m.get(i).copied().unwrap_or(f64::NAN);
                            let text = if at.is_finite() {
                                format!("{:.2}", at / 1000.0)
                            } else {
                                "-".into()
                            };
                            ui.add(egui::Label::new(text).selectable(false));
                        });
                        if row.response().clicked() {
                            cmds.push(Command::SelectAndZoom(stop.feature));
                        }
                    });
                });
        });
    egui::CollapsingHeader::new(Msg::EnterprisesInTheCatchment.text(lang))
        .default_open(false)
        .show(ui, |ui| {
            let rows: Vec<(u32, f32)> = rs
                .enterprises
                .iter()
                .map(|&e| {
                    let d =
                        s.ws.index
                            .as_ref()
                            .and_then(|i| i.stops.nearest(*i.enterprise_xy.get(e as usize)?))
                            .map_or(f32::NAN, |(_, d)| d as f32);
                    (e, d)
                })
                .collect();
            enterprise_table(ui, "route-enterprises", park, &rows, lang, cmds);
        });
}

fn radii(ui: &mut egui::Ui, s: &Session, lang: Lang, cmds: &mut Vec<Command>) {
    let current = &s.ws.studies.settings;
    let mut edited = current.clone();
    ui.weak(Msg::DefaultsFollowGB501802018.text(lang));
    let present: Vec<FacilityKind> = FacilityKind::ALL
        .iter()
        .copied()
        .filter(|k| s.ws.park.facilities.iter().any(|f| f.kind == *k))
        .collect();
    egui::Grid::new("radii")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for k in &present {
                ui.label(k.label(lang));
                let mut v = edited.radius(*k);
                if ui
                    .add(
                        egui::DragValue::new(&mut v)
                            .range(50.0..=10_000.0)
                            .speed(10.0)
                            .suffix(" m"),
                    )
                    .changed()
                {
                    edited.radii.insert(*k, v);
                }
                let d = AnalysisSettings::default_radius(*k);
                if v != d && ui.small_button(Msg::Default.text(lang)).clicked() {
                    edited.radii.insert(*k, d);
                }
                ui.end_row();
            }
            ui.label(Msg::BusStopCatchment.text(lang));
            let mut c = edited.catchment_m;
            if ui
                .add(
                    egui::DragValue::new(&mut c)
                        .range(50.0..=5_000.0)
                        .speed(10.0)
                        .suffix(" m"),
                )
                .changed()
            {
                edited.catchment_m = c;
            }
            if c != 500.0 && ui.small_button(Msg::Default.text(lang)).clicked() {
                edited.catchment_m = 500.0;
            }
            ui.end_row();
        });
    if ui.button(Msg::ResetAll.text(lang)).clicked() {
        edited = AnalysisSettings {
            frame: current.frame,
            ..AnalysisSettings::default()
        };
    }
    if edited != *current {
        cmds.push(Command::SetAnalysis(edited));
    }
    if let Some(r) = &s.ws.studies.results {
        ui.add_space(8.0);
        ui.weak(format!(
            "{} ({:.0} ms)",
            crate::analysis::method(
                s.ws.index
                    .as_deref()
                    .map_or(s.projected.frame(), |i| i.frame())
            ),
            r.seconds * 1000.0
        ));
    }
}

// ---------------------------------------------------------------- isochrones (#7)

/// The isochrone lists for a kind, when the kind shows its isochrone and they are
/// computed for the current settings and network.
fn iso_of(s: &Session, kind: FacilityKind) -> Option<&crate::analysis::IsochroneAnalysis> {
    let spec = s.ws.studies.iso_spec_of(kind)?;
    s.ws.studies.isochrone(spec).map(|r| r.analysis.as_ref())
}

/// The circle / isochrone switch of a facility kind, with the time and mode when the
/// isochrone is chosen. Returns the choice shown this frame.
fn reach_switch(
    ui: &mut egui::Ui,
    s: &Session,
    kind: FacilityKind,
    lang: Lang,
    cmds: &mut Vec<Command>,
) -> ReachChoice {
    let current = s.ws.studies.reach_of(kind);
    let mut c = current;
    ui.horizontal(|ui| {
        ui.label(Msg::ReachHow.text(lang));
        ui.selectable_value(&mut c.isochrone, false, Msg::ReachCircle.text(lang));
        ui.selectable_value(&mut c.isochrone, true, Msg::ReachIsochrone.text(lang));
    });
    if c.isochrone {
        ui.horizontal(|ui| {
            ui.label(Msg::TravelTime.text(lang));
            for m in [5.0, 10.0, 15.0] {
                ui.selectable_value(&mut c.spec.minutes, m, i18n::fmt_minutes(lang, m));
            }
        });
        ui.horizontal(|ui| {
            ui.label(Msg::TravelModeLabel.text(lang));
            ui.selectable_value(&mut c.spec.mode, TravelMode::Walk, Msg::ModeWalk.text(lang));
            ui.selectable_value(
                &mut c.spec.mode,
                TravelMode::Ebike,
                Msg::ModeEbike.text(lang),
            );
        });
    }
    if c != current {
        cmds.push(Command::SetReach(kind, c));
    }
    c
}

/// Why the isochrone is not shown yet (building, computing, or impossible).
fn iso_waiting(ui: &mut egui::Ui, s: &Session, lang: Lang) {
    if s.ws.park.roads.is_empty() {
        ui.colored_label(ui.visuals().warn_fg_color, Msg::NoRoads.text(lang));
    } else if let Some(e) = &s.ws.studies.network_error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("{}{e}", Msg::NetworkFailed.text(lang)),
        );
    } else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.weak(if s.ws.studies.network.is_none() {
                Msg::BuildingNetwork.text(lang)
            } else {
                Msg::ComputingIsochrones.text(lang)
            });
        });
    }
}

/// A facility's isochrone beside its circle: the counts, problems, and the lists of
/// false coverage, reach beyond the circle and everything reached.
#[allow(clippy::too_many_arguments)]
fn facility_isochrone(
    ui: &mut egui::Ui,
    s: &Session,
    r: &Results,
    fi: u32,
    spec: IsochroneSpec,
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let park = &s.ws.park;
    let Some(kind) = park.facilities.get(fi as usize).map(|f| f.kind) else {
        return;
    };
    let (Some(a), Some(fc)) = (
        iso_of(s, kind).and_then(|a| a.facilities.get(fi as usize)),
        r.analysis.coverage.facilities.get(fi as usize),
    ) else {
        iso_waiting(ui, s, lang);
        return;
    };
    let theme = crate::render::Theme::default();
    let flagged = {
        let c = theme.flagged_fill;
        egui::Color32::from_rgb(c.r, c.g, c.b)
    };
    let what = spec.describe(lang);
    egui::Grid::new("iso-figures")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new(i18n::fmt_in_circle(lang, fc.covered.len())).strong());
            ui.label(RichText::new(i18n::fmt_reached(lang, &what, a.reached.len())).strong());
            ui.end_row();
            let fcl = i18n::fmt_false_coverage(lang, a.false_coverage.len());
            if a.false_coverage.is_empty() {
                ui.label(fcl);
            } else {
                ui.label(RichText::new(fcl).strong().color(flagged));
            }
            ui.label(i18n::fmt_beyond_circle(lang, a.beyond_circle.len()));
            ui.end_row();
            ui.label(i18n::fmt_employees_in_circle(lang, fc.employees));
            ui.label(i18n::fmt_employees_reached(lang, a.employees));
            ui.end_row();
        });
    iso_legend(ui, &theme, &what, lang);
    // The isochrone may reach beyond the circle (an e-bike does): zoom to show it all.
    if let Some(f) = park.facilities.get(fi as usize)
        && let Some(anchor) = s.projected.feature(f.feature).map(|x| x.anchor)
        && let Some(b) =
            s.ws.studies
                .overlay
                .areas
                .iter()
                .map(|a| a.feature.bbox)
                .reduce(|a, b| a.union(&b))
        && ui.small_button(Msg::ZoomToIsochrone.text(lang)).clicked()
    {
        let r = [b.min, b.max]
            .iter()
            .map(|c| (c[0] - anchor[0]).abs().max((c[1] - anchor[1]).abs()))
            .fold(0.0, f64::max);
        cmds.push(Command::ZoomAround(f.feature, r));
    }
    if !a.on_network {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            Msg::FacilityOffNetwork.text(lang),
        );
    } else if a.component != 0 {
        ui.colored_label(ui.visuals().warn_fg_color, Msg::FacilityIsolated.text(lang));
    }
    let index = s.ws.index.as_deref();
    let straight = |e: u32| -> String {
        let d = index.and_then(|i| {
            let p = i.facility_xy.get(fi as usize)?;
            let q = i.enterprise_xy.get(e as usize)?;
            Some((p[0] - q[0]).hypot(p[1] - q[1]))
        });
        d.filter(|d| d.is_finite())
            .map(|d| format!("{d:.0} m"))
            .unwrap_or_else(|| "-".into())
    };
    let mins = |m: Option<f32>| -> String {
        crate::model::units::format_minutes(lang, m.map(f64::from), spec.minutes * 4.0)
    };
    let time_of = |e: u32| {
        a.reached
            .binary_search_by_key(&e, |(x, _)| *x)
            .ok()
            .map(|k| a.reached[k].1)
    };
    let headers = [Msg::StraightLine.text(lang), Msg::AlongRoads.text(lang)];
    // The wrongly claimed enterprises, nearest in time first.
    let mut rows: Vec<(u32, String, String, f32)> = a
        .false_coverage
        .iter()
        .zip(&a.false_coverage_minutes)
        .map(|(&e, &m)| (e, straight(e), mins(m), m.unwrap_or(f32::INFINITY)))
        .collect();
    rows.sort_by(|x, y| x.3.total_cmp(&y.3));
    egui::CollapsingHeader::new(
        RichText::new(format!(
            "{} ({})",
            Msg::FalseCoverageHeader.text(lang),
            a.false_coverage.len()
        ))
        .color(flagged),
    )
    .id_salt("iso-false")
    .default_open(true)
    .show(ui, |ui| {
        let rows: Vec<(u32, String, String)> =
            rows.into_iter().map(|(e, d, t, _)| (e, d, t)).collect();
        text_table(ui, "iso-false-table", park, headers, &rows, lang, cmds);
    });
    let mut rows: Vec<(u32, String, String, f32)> = a
        .beyond_circle
        .iter()
        .map(|&e| {
            let t = time_of(e);
            (e, straight(e), mins(t), t.unwrap_or(f32::INFINITY))
        })
        .collect();
    rows.sort_by(|x, y| x.3.total_cmp(&y.3));
    egui::CollapsingHeader::new(format!(
        "{} ({})",
        Msg::BeyondCircleHeader.text(lang),
        a.beyond_circle.len()
    ))
    .id_salt("iso-beyond")
    .default_open(!a.beyond_circle.is_empty())
    .show(ui, |ui| {
        let rows: Vec<(u32, String, String)> =
            rows.into_iter().map(|(e, d, t, _)| (e, d, t)).collect();
        text_table(ui, "iso-beyond-table", park, headers, &rows, lang, cmds);
    });
    let mut rows: Vec<(u32, f32)> = a.reached.clone();
    rows.sort_by(|x, y| x.1.total_cmp(&y.1));
    egui::CollapsingHeader::new(format!(
        "{} ({})",
        Msg::ReachedHeader.text(lang),
        a.reached.len()
    ))
    .id_salt("iso-reached")
    .default_open(false)
    .show(ui, |ui| {
        let rows: Vec<(u32, String, String)> = rows
            .into_iter()
            .map(|(e, t)| (e, straight(e), mins(Some(t))))
            .collect();
        text_table(ui, "iso-reached-table", park, headers, &rows, lang, cmds);
    });
    ui.add_space(4.0);
    ui.weak(Msg::IsochroneMethod.text(lang));
}

/// What the map shows for an isochrone, drawn with the map's own colours.
fn iso_legend(ui: &mut egui::Ui, theme: &crate::render::Theme, what: &str, lang: Lang) {
    let c32 =
        |c: crate::render::style::Rgba| egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a);
    let swatch = |ui: &mut egui::Ui, kind: u8| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
        let p = ui.painter();
        match kind {
            0 => {
                p.rect_filled(rect, 2.0, c32(theme.isochrone_fill));
                p.rect_stroke(
                    rect,
                    2.0,
                    egui::Stroke::new(1.0, c32(theme.isochrone_stroke.color)),
                    egui::StrokeKind::Inside,
                );
            }
            1 => {
                let y = rect.center().y;
                let mut x = rect.left();
                while x < rect.right() {
                    p.line_segment(
                        [egui::pos2(x, y), egui::pos2((x + 5.0).min(rect.right()), y)],
                        egui::Stroke::new(1.5, c32(theme.service_circle_stroke.color)),
                    );
                    x += 8.0;
                }
            }
            2 => {
                p.circle_filled(rect.center(), 4.5, c32(theme.highlight_fill));
            }
            _ => {
                let r = egui::Rect::from_center_size(rect.center(), egui::vec2(9.0, 9.0));
                p.rect_filled(r, 0.0, c32(theme.flagged_fill));
            }
        }
    };
    let rows: [(u8, String); 4] = [
        (
            0,
            match lang {
                Lang::Zh => format!("{what}可达范围（沿道路）"),
                Lang::En => format!("Reached on a {what} (along roads)"),
            },
        ),
        (1, Msg::ReachCircle.text(lang).to_string()),
        (2, Msg::ReachedShort.text(lang).to_string()),
        (3, Msg::FalseCoverageShort.text(lang).to_string()),
    ];
    egui::Grid::new("iso-legend")
        .num_columns(2)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for (i, (k, text)) in rows.into_iter().enumerate() {
                ui.horizontal(|ui| {
                    swatch(ui, k);
                    // Body size in the text colour: a legend is read, not skimmed.
                    ui.label(text);
                });
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
}

/// Enterprises with two text columns; a click selects and zooms.
fn text_table(
    ui: &mut egui::Ui,
    id: &str,
    park: &Park,
    headers: [&str; 2],
    rows: &[(u32, String, String)],
    lang: Lang,
    cmds: &mut Vec<Command>,
) {
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    ui.push_id(id, |ui| {
        TableBuilder::new(ui)
            .id_salt(id)
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(220.0)
            .auto_shrink([false, true])
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::initial(64.0))
            .column(Column::initial(76.0))
            .header(row_h, |mut h| {
                h.col(|ui| {
                    ui.strong(Msg::Enterprise.text(lang));
                });
                for t in headers {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(row_h, rows.len(), |mut row| {
                    let (e, a, b) = &rows[row.index()];
                    row.col(|ui| {
                        ui.add(egui::Label::new(enterprise_name(park, *e)).selectable(false));
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(a).selectable(false));
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(b).selectable(false));
                    });
                    if row.response().clicked()
                        && let Some(x) = park.enterprises.get(*e as usize)
                    {
                        cmds.push(Command::SelectAndZoom(x.feature));
                    }
                });
            });
    });
}

/// The road network tab: its figures, its problems (pieces not joined to the main
/// network, enterprises and facilities too far from roads), and the speeds.
fn network(ui: &mut egui::Ui, s: &Session, lang: Lang, cmds: &mut Vec<Command>) {
    let park = &s.ws.park;
    let studies = &s.ws.studies;
    if park.roads.is_empty() {
        ui.colored_label(ui.visuals().warn_fg_color, Msg::NoRoads.text(lang));
        return;
    }
    let Some(net) = studies.network.as_deref() else {
        cmds.push(Command::WantNetwork);
        iso_waiting(ui, s, lang);
        return;
    };
    let g = &net.graph;
    ui.label(RichText::new(Msg::NetworkFigures.text(lang)).strong());
    ui.label(i18n::fmt_network(
        lang,
        g.graph.node_count(),
        g.graph.edge_count(),
        g.total_length_m() / 1000.0,
        g.components.len(),
        net.seconds,
    ));
    let road_feature = |name: &str| {
        park.roads
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.feature)
    };
    let clean = g.components.len() <= 1
        && net.unreachable.is_empty()
        && net.facilities_off.is_empty()
        && net.facilities_isolated.is_empty();
    if clean {
        ui.label(Msg::NoNetworkProblems.text(lang));
    }
    if g.components.len() > 1 {
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            Msg::DisconnectedPieces.text(lang),
            g.components.len() - 1
        ))
        .id_salt("net-pieces")
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("net-pieces-list")
                .max_height(180.0)
                .show(ui, |ui| {
                    for c in g.components.iter().skip(1) {
                        let text = i18n::fmt_piece(
                            lang,
                            &c.roads.join("、"),
                            c.length_m / 1000.0,
                            c.nodes,
                        );
                        let resp = ui.selectable_label(false, text);
                        if resp.clicked()
                            && let Some(f) = c.roads.first().and_then(|n| road_feature(n))
                        {
                            cmds.push(Command::SelectAndZoom(f));
                        }
                    }
                });
        });
    }
    let facility_rows = |ui: &mut egui::Ui, list: &[u32], cmds: &mut Vec<Command>| {
        for &fi in list {
            if let Some(f) = park.facilities.get(fi as usize)
                && ui.selectable_label(false, &f.name).clicked()
            {
                cmds.push(Command::SelectAndZoom(f.feature));
            }
        }
    };
    if !net.facilities_isolated.is_empty() {
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            Msg::FacilitiesIsolated.text(lang),
            net.facilities_isolated.len()
        ))
        .id_salt("net-fac-isolated")
        .default_open(true)
        .show(ui, |ui| {
            let list: Vec<u32> = net.facilities_isolated.iter().map(|x| x.0).collect();
            facility_rows(ui, &list, cmds);
        });
    }
    if !net.facilities_off.is_empty() {
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            Msg::FacilitiesOffNetwork.text(lang),
            net.facilities_off.len()
        ))
        .id_salt("net-fac-off")
        .default_open(true)
        .show(ui, |ui| facility_rows(ui, &net.facilities_off, cmds));
    }
    if !net.unreachable.is_empty() {
        egui::CollapsingHeader::new(format!(
            "{} ({})",
            Msg::UnreachableEnterprises.text(lang),
            net.unreachable.len()
        ))
        .id_salt("net-unreachable")
        .default_open(true)
        .show(ui, |ui| {
            let rows: Vec<(u32, String, String)> = net
                .unreachable
                .iter()
                .map(|(e, d)| {
                    (
                        *e,
                        d.map(metres).unwrap_or_else(|| "-".into()),
                        String::new(),
                    )
                })
                .collect();
            text_table(
                ui,
                "net-unreachable-table",
                park,
                [Msg::ToNearestRoad.text(lang), ""],
                &rows,
                lang,
                cmds,
            );
        });
    }
    ui.separator();
    // Speeds and tolerances.
    let current = &studies.network_settings;
    let mut edited = current.clone();
    egui::Grid::new("net-settings")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label(Msg::WalkSpeed.text(lang));
            ui.add(
                egui::DragValue::new(&mut edited.walk_kmh)
                    .range(1.0..=10.0)
                    .speed(0.1)
                    .suffix(" km/h"),
            );
            ui.end_row();
            ui.label(Msg::EbikeSpeed.text(lang));
            ui.add(
                egui::DragValue::new(&mut edited.ebike_kmh)
                    .range(5.0..=40.0)
                    .speed(0.5)
                    .suffix(" km/h"),
            );
            ui.end_row();
            ui.label(Msg::MaxAccess.text(lang));
            ui.add(
                egui::DragValue::new(&mut edited.max_access_m)
                    .range(20.0..=5000.0)
                    .speed(10.0)
                    .suffix(" m"),
            );
            ui.end_row();
            ui.label(Msg::BandWidth.text(lang));
            ui.add(
                egui::DragValue::new(&mut edited.band_m)
                    .range(5.0..=500.0)
                    .speed(1.0)
                    .suffix(" m"),
            );
            ui.end_row();
        });
    if *current != crate::network::NetworkSettings::default()
        && ui.button(Msg::ResetAll.text(lang)).clicked()
    {
        edited = crate::network::NetworkSettings::default();
    }
    if edited != *current {
        cmds.push(Command::SetNetwork(edited));
    }
    ui.add_space(4.0);
    ui.weak(Msg::IsochroneMethod.text(lang));
}

/// The facility a feature is, when it is one.
pub fn facility_of(park: &Park, f: FeatureRef) -> Option<u32> {
    park.facilities
        .iter()
        .position(|x| x.feature == f)
        .map(|i| i as u32)
}

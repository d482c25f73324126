//! What a printed map is about: a facility's service circle and the enterprises it
//! covers, or a bus route with its stops, catchment band and figures, or a facility's
//! isochrone (reach along roads) beside its circle, or a kind's gaps. The overlays come
//! from [`crate::render::focus`] — the same function the desktop's map uses — for a
//! [`Focus`] by index; this module adds what paper needs beside them: a statistics
//! table, legend rows, a subtitle and the extent to print ([`MapFocus`]). Every figure
//! comes from the [`ParkAnalysis`] it is given, so the page states the radius and counts
//! the report and the map state.
//!
//! No I/O, no GUI.

use super::ExportError;
use super::layout::{LegendBlock, LegendRow, MapFocus, StatsTable};
use crate::analysis::{ParkAnalysis, facility_isochrone, route_stats};
use crate::model::units::{format_minutes, thousands};
use crate::model::{Lang, Meters, Park, units::format_distance};
use crate::render::build::{MapStyles, OverlayArea};
use crate::render::focus::{Focus, IsoInputs, build_overlay_with, facility_isochrone_overlay};
use crate::render::projected::ProjectedPark;
use crate::render::style::{MarkerShape, Stroke, SwatchKind, Symbol};
use crate::render::view::WorldRect;
use crate::spatial::ParkIndex;

/// What a printed focus is drawn from: the park, its display projection, its analysis
/// index, the analysis results and the map's styles.
#[derive(Clone, Copy)]
pub struct FocusContext<'a> {
    /// The park.
    pub park: &'a Park,
    /// Its display projection.
    pub projected: &'a ProjectedPark,
    /// Its analysis index.
    pub index: &'a ParkIndex,
    /// Every analysis, for the settings in force.
    pub analysis: &'a ParkAnalysis,
    /// The map's styles (theme colours for the legend).
    pub styles: &'a MapStyles,
}

impl FocusContext<'_> {
    /// The overlays of `focus`, as the screen draws them.
    fn overlays(&self, focus: Focus, iso: Option<&IsoInputs>) -> crate::render::Overlays {
        build_overlay_with(
            self.park,
            self.index,
            self.analysis,
            focus,
            self.projected,
            iso,
        )
    }
}

/// The printed focus: overlays (shared with the screen), figures, legend, subtitle and
/// extent. `iso`: show a facility's (or a kind's) isochrone along roads beside the
/// circle.
pub fn map_focus(
    cx: &FocusContext,
    focus: Focus,
    iso: Option<&IsoInputs>,
    lang: Lang,
) -> Result<MapFocus, ExportError> {
    match (focus, iso) {
        (Focus::None, _) => Ok(MapFocus::default()),
        (Focus::Facility(fi), Some(iso)) => facility_isochrone_focus(cx, fi as usize, iso, lang),
        (Focus::Facility(fi), None) => facility_focus(cx, fi as usize, lang),
        (Focus::Route(ri), _) => route_focus(cx, ri as usize, lang),
        (Focus::Gaps(_) | Focus::BusGaps | Focus::LivingGaps(_) | Focus::ServiceGaps, _) => {
            let overlays = cx.overlays(focus, iso);
            let extent = overlays.areas.iter().fold(None, extent_with);
            Ok(MapFocus {
                overlays,
                extent,
                ..MapFocus::default()
            })
        }
    }
}

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh, en).to_string()
}

/// The facility at `fi`, or an error naming some that exist.
fn facility_at(park: &Park, fi: usize, lang: Lang) -> Result<&crate::model::Facility, ExportError> {
    park.facilities
        .get(fi)
        .ok_or_else(|| ExportError::NotFound {
            what: tr(lang, "设施", "facility"),
            key: format!("#{fi}"),
            known: park
                .facilities
                .iter()
                .take(12)
                .map(|f| format!("{} {}", f.id, f.name))
                .collect(),
        })
}

fn extent_with(e: Option<WorldRect>, o: &OverlayArea) -> Option<WorldRect> {
    Some(match e {
        Some(e) => e.union(&o.feature.bbox),
        None => o.feature.bbox,
    })
}

/// The focus on one facility: its service circle (radius of its kind), the
/// enterprises within it highlighted, and its figures.
pub fn facility_focus(cx: &FocusContext, fi: usize, lang: Lang) -> Result<MapFocus, ExportError> {
    let park = cx.park;
    let f = facility_at(park, fi, lang)?;
    let fc = cx
        .analysis
        .coverage
        .facilities
        .get(fi)
        .ok_or_else(|| ExportError::Render("coverage result missing".into()))?;
    let radius = fc.radius_m;
    let overlays = cx.overlays(Focus::Facility(fi as u32), None);
    let extent = overlays.areas.iter().fold(None, extent_with);
    let theme = &cx.styles.theme;
    let n = fc.covered.len();
    let mean = if n > 0 {
        cx.analysis
            .coverage
            .with_distances(fc)
            .map(|(_, d)| d as f64)
            .sum::<f64>()
            / n as f64
    } else {
        0.0
    };
    let kind = f.kind.label(lang).to_string();
    // "荆州经开区政务服务中心" already says what it is.
    let named = if f.name.contains(&kind) {
        f.name.to_string()
    } else {
        match lang {
            Lang::Zh => format!("{}（{kind}）", f.name),
            Lang::En => format!("{} ({kind})", f.name),
        }
    };
    let (shape, _) = crate::render::style::facility_symbol(f.kind);
    let stats = StatsTable {
        title: tr(lang, "服务范围统计", "Service area"),
        rows: vec![
            (tr(lang, "设施", "Facility"), f.name.to_string()),
            (tr(lang, "设施类型", "Kind"), kind.clone()),
            (
                tr(lang, "服务半径", "Service radius"),
                format_distance(Meters(radius)),
            ),
            (
                tr(lang, "覆盖企业", "Enterprises covered"),
                match lang {
                    Lang::Zh => format!("{} 家", thousands(n as u64)),
                    Lang::En => thousands(n as u64),
                },
            ),
            (
                tr(lang, "覆盖职工", "Employees covered"),
                match lang {
                    Lang::Zh => format!("{} 人", thousands(fc.employees)),
                    Lang::En => thousands(fc.employees),
                },
            ),
            (
                tr(lang, "平均距离", "Mean distance"),
                if n > 0 {
                    format_distance(Meters(mean))
                } else {
                    "—".into()
                },
            ),
        ],
    };
    let legend = LegendBlock {
        title: Some(tr(lang, "服务范围分析", "Service area")),
        rows: vec![
            facility_row(f, shape, theme),
            LegendRow::area(
                match lang {
                    Lang::Zh => format!("服务半径 {}", format_distance(Meters(radius))),
                    Lang::En => format!("Radius {}", format_distance(Meters(radius))),
                },
                Some(theme.service_circle_fill),
                &theme.service_circle_stroke,
            ),
            LegendRow::marker(
                tr(lang, "覆盖企业", "Covered enterprises"),
                MarkerShape::Circle,
                7.0,
                theme.highlight_fill,
                0.8,
                Some(n),
            ),
        ],
    };
    // Show the circle with some room around it.
    let extent = extent.map(|e| e.expanded(radius * 0.15));
    Ok(MapFocus {
        overlays,
        extent,
        stats: Some(stats),
        legend: Some(legend),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "{named} 服务半径 {} 覆盖企业分析",
                format_distance(Meters(radius))
            ),
            Lang::En => format!(
                "{named}: enterprises within {}",
                format_distance(Meters(radius))
            ),
        }),
    })
}

/// How many wrongly claimed enterprises a printed page names (the rest are counted).
const MAX_NAMED_FALSE_COVERAGE: usize = 12;

/// The focus on one facility's isochrone beside its service circle: the area reached
/// along roads within `spec` (filled band), the circle as an outline, the reached
/// enterprises highlighted, the enterprises the circle claims but the isochrone does
/// not reach ("false coverage") flagged in their own colour and shape, and a table
/// with both counts, the false coverage and the reach beyond the circle, naming the
/// wrongly claimed enterprises with their real travel time. Computed by
/// `analysis::facility_isochrone` on `graph` (built from the same park).
#[allow(clippy::too_many_arguments)]
pub fn facility_isochrone_focus(
    cx: &FocusContext,
    fi: usize,
    inputs: &IsoInputs,
    lang: Lang,
) -> Result<MapFocus, ExportError> {
    let park = cx.park;
    let f = facility_at(park, fi, lang)?;
    let spec = inputs.spec;
    let graph = &inputs.graph;
    let fc = cx
        .analysis
        .coverage
        .facilities
        .get(fi)
        .ok_or_else(|| ExportError::Render("coverage result missing".into()))?;
    let iso = facility_isochrone(park, cx.index, graph, &cx.analysis.coverage, spec, fi)
        .ok_or_else(|| ExportError::Render("isochrone result missing".into()))?;
    let radius = fc.radius_m;
    let overlays =
        facility_isochrone_overlay(park, cx.index, cx.analysis, fi as u32, &iso, cx.projected);
    let extent = overlays.areas.iter().fold(None, extent_with);

    let theme = &cx.styles.theme;
    let what = spec.describe(lang);
    let kmh = graph.settings.speed_mps(spec.mode) * 3.6;
    let count = |n: usize| match lang {
        Lang::Zh => format!("{} 家", thousands(n as u64)),
        Lang::En => thousands(n as u64),
    };
    let kind = f.kind.label(lang).to_string();
    let named = if f.name.contains(&kind) {
        f.name.to_string()
    } else {
        match lang {
            Lang::Zh => format!("{}（{kind}）", f.name),
            Lang::En => format!("{} ({kind})", f.name),
        }
    };
    let mut rows = vec![
        (tr(lang, "设施", "Facility"), f.name.to_string()),
        (tr(lang, "设施类型", "Kind"), kind.clone()),
        (
            tr(lang, "服务半径（直线）", "Radius (straight line)"),
            format_distance(Meters(radius)),
        ),
        (
            tr(lang, "圆内企业", "Enterprises in the circle"),
            count(fc.covered.len()),
        ),
        (
            match lang {
                Lang::Zh => format!("{what}可达企业"),
                Lang::En => format!("Reached on a {what}"),
            },
            count(iso.reached.len()),
        ),
        (
            tr(lang, "可达职工", "Employees reached"),
            match lang {
                Lang::Zh => format!("{} 人", thousands(iso.employees)),
                Lang::En => thousands(iso.employees),
            },
        ),
        (
            tr(
                lang,
                "误覆盖（圆内不可达）",
                "False coverage (in circle, not reached)",
            ),
            count(iso.false_coverage.len()),
        ),
        (
            tr(lang, "圆外可达", "Reached beyond the circle"),
            count(iso.beyond_circle.len()),
        ),
        (
            tr(lang, "速度", "Speed"),
            match lang {
                Lang::Zh => format!(
                    "{} {kmh:.0} km/h，沿道路",
                    match spec.mode {
                        crate::network::TravelMode::Walk => "步行",
                        crate::network::TravelMode::Ebike => "电动车",
                    }
                ),
                Lang::En => format!("{kmh:.0} km/h along roads"),
            },
        ),
    ];
    if !iso.on_network {
        rows.push((
            tr(lang, "注意", "Note"),
            tr(
                lang,
                "设施远离道路，未接入路网",
                "facility is far from every road",
            ),
        ));
    } else if iso.component != 0 {
        rows.push((
            tr(lang, "注意", "Note"),
            tr(lang, "设施位于孤立路段", "facility is on an isolated road"),
        ));
    }
    // Name the wrongly claimed enterprises, nearest in time first.
    if !iso.false_coverage.is_empty() {
        rows.push((
            tr(
                lang,
                "误覆盖企业（实际用时）",
                "Falsely covered (real time)",
            ),
            String::new(),
        ));
        let mut named_rows: Vec<(u32, Option<f32>)> = iso
            .false_coverage
            .iter()
            .copied()
            .zip(iso.false_coverage_minutes.iter().copied())
            .collect();
        named_rows.sort_by(|a, b| {
            a.1.unwrap_or(f32::INFINITY)
                .total_cmp(&b.1.unwrap_or(f32::INFINITY))
        });
        for (e, m) in named_rows.iter().take(MAX_NAMED_FALSE_COVERAGE) {
            let name = park
                .enterprises
                .get(*e as usize)
                .map(|x| x.name.clone())
                .unwrap_or_default();
            let t = format_minutes(lang, m.map(f64::from), spec.minutes * 4.0);
            rows.push((format!("  {name}"), t));
        }
        let more = named_rows.len().saturating_sub(MAX_NAMED_FALSE_COVERAGE);
        if more > 0 {
            rows.push((
                match lang {
                    Lang::Zh => format!("  另 {more} 家"),
                    Lang::En => format!("  {more} more"),
                },
                String::new(),
            ));
        }
    }
    let stats = StatsTable {
        title: match lang {
            Lang::Zh => format!("服务圈与{what}等时圈"),
            Lang::En => format!("Circle and {what} isochrone"),
        },
        rows,
    };
    let (shape, _) = crate::render::style::facility_symbol(f.kind);
    let legend = LegendBlock {
        title: Some(tr(lang, "等时圈分析", "Isochrone analysis")),
        rows: vec![
            facility_row(f, shape, theme),
            LegendRow::area(
                match lang {
                    Lang::Zh => format!("{what}可达范围（沿道路）"),
                    Lang::En => format!("Reached on a {what} (along roads)"),
                },
                Some(theme.isochrone_fill),
                &theme.isochrone_stroke,
            ),
            LegendRow::area(
                match lang {
                    Lang::Zh => format!("服务半径 {}（圆形）", format_distance(Meters(radius))),
                    Lang::En => format!("Circle, radius {}", format_distance(Meters(radius))),
                },
                None,
                &theme.service_circle_stroke,
            ),
            LegendRow::marker(
                tr(lang, "可达企业", "Enterprises reached"),
                MarkerShape::Circle,
                7.0,
                theme.highlight_fill,
                0.8,
                Some(iso.reached.len()),
            ),
            LegendRow {
                label: tr(
                    lang,
                    "误覆盖企业（圆内不可达）",
                    "Falsely covered (in circle)",
                ),
                symbol: Symbol::point(
                    theme.flagged_shape,
                    8.0,
                    theme.flagged_fill,
                    theme.flagged_stroke.color,
                    theme.flagged_stroke.width,
                ),
                swatch: SwatchKind::Point,
                count: Some(iso.false_coverage.len()),
            },
        ],
    };
    Ok(MapFocus {
        overlays,
        extent: extent.map(|e| e.expanded(radius * 0.15)),
        stats: Some(stats),
        legend: Some(legend),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "{named} 服务半径 {} 与{what}等时圈（沿道路）对比",
                format_distance(Meters(radius))
            ),
            Lang::En => format!(
                "{named}: {} circle and {what} isochrone along roads",
                format_distance(Meters(radius))
            ),
        }),
    })
}

/// The focus on one bus route: the route drawn over its layer, its stops, the
/// catchment band (union of stop circles of the catchment radius), the enterprises in
/// it highlighted, and its figures (length, stops, mean spacing, enterprises,
/// employees).
pub fn route_focus(cx: &FocusContext, ri: usize, lang: Lang) -> Result<MapFocus, ExportError> {
    let park = cx.park;
    let route = park.routes.get(ri).ok_or_else(|| ExportError::NotFound {
        what: tr(lang, "线路", "route"),
        key: format!("#{ri}"),
        known: park.routes.iter().map(|r| r.name.to_string()).collect(),
    })?;
    let catchment = cx.analysis.settings.catchment_m;
    let stats = match cx
        .analysis
        .routes
        .routes
        .iter()
        .find(|r| r.route as usize == ri)
    {
        Some(s) => s.clone(),
        None => route_stats(park, cx.index, ri, catchment),
    };
    let overlays = cx.overlays(Focus::Route(ri as u32), None);
    let extent = overlays.areas.iter().fold(
        cx.projected.feature(route.feature).map(|f| f.bbox),
        extent_with,
    );

    let theme = &cx.styles.theme;
    let n_e = stats.enterprises.len();
    let km = stats.length_m / 1000.0;
    let spacing = stats
        .spacing
        .map(|s| format_distance(Meters(s.mean_m)))
        .unwrap_or_else(|| "—".into());
    let catch = format_distance(Meters(catchment));
    let table = StatsTable {
        title: match lang {
            Lang::Zh => format!("{} 线路统计", route.name),
            Lang::En => format!("Route {}", route.name),
        },
        rows: vec![
            (tr(lang, "线路长度", "Length"), format!("{km:.1} km")),
            (
                tr(lang, "站点数", "Stops"),
                match lang {
                    Lang::Zh => format!("{} 个", stats.stops.len()),
                    Lang::En => stats.stops.len().to_string(),
                },
            ),
            (tr(lang, "平均站距", "Mean stop spacing"), spacing),
            (
                match lang {
                    Lang::Zh => format!("站点 {catch} 内企业"),
                    Lang::En => format!("Enterprises within {catch}"),
                },
                match lang {
                    Lang::Zh => format!("{} 家", thousands(n_e as u64)),
                    Lang::En => thousands(n_e as u64),
                },
            ),
            (
                tr(lang, "覆盖职工", "Employees"),
                match lang {
                    Lang::Zh => format!("{} 人", thousands(stats.employees)),
                    Lang::En => thousands(stats.employees),
                },
            ),
            (
                tr(lang, "占园区企业", "Share of enterprises"),
                format!("{:.1}%", stats.share_of_enterprises * 100.0),
            ),
        ],
    };
    let line = Stroke {
        width: theme.route_highlight.width,
        ..theme.route_highlight.clone()
    };
    let legend = LegendBlock {
        title: Some(match lang {
            Lang::Zh => format!("{} 线路分析", route.name),
            Lang::En => format!("Route {}", route.name),
        }),
        rows: vec![
            LegendRow {
                label: match lang {
                    Lang::Zh => format!("{} 线路", route.name),
                    Lang::En => format!("{} route", route.name),
                },
                symbol: Symbol {
                    stroke: Some(line),
                    ..Symbol::line(theme.route_highlight.color, 1.0)
                },
                swatch: SwatchKind::Line,
                count: None,
            },
            LegendRow::marker(
                match lang {
                    Lang::Zh => format!("{} 站点", route.name),
                    Lang::En => format!("{} stops", route.name),
                },
                MarkerShape::Circle,
                7.0,
                theme.selection_fill,
                1.0,
                Some(stats.stops.len()),
            ),
            LegendRow::area(
                match lang {
                    Lang::Zh => format!("站点 {catch} 覆盖范围"),
                    Lang::En => format!("Within {catch} of a stop"),
                },
                Some(theme.catchment_fill),
                &theme.catchment_stroke,
            ),
            LegendRow::marker(
                tr(lang, "覆盖企业", "Covered enterprises"),
                MarkerShape::Circle,
                7.0,
                theme.highlight_fill,
                0.8,
                Some(n_e),
            ),
        ],
    };
    Ok(MapFocus {
        overlays,
        extent: extent.map(|e| e.expanded(catchment * 0.2)),
        stats: Some(table),
        legend: Some(legend),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "{} 线路 {:.1} km · {} 个站点 · 站点 {catch} 覆盖范围与沿线企业",
                route.name,
                km,
                stats.stops.len()
            ),
            Lang::En => format!(
                "Route {} · {:.1} km · {} stops · enterprises within {catch} of a stop",
                route.name,
                km,
                stats.stops.len()
            ),
        }),
    })
}

/// The legend row of the facility in focus: its symbol in the selection colour.
fn facility_row(
    f: &crate::model::Facility,
    shape: crate::render::style::MarkerShape,
    theme: &crate::render::style::Theme,
) -> LegendRow {
    LegendRow::marker(
        f.name.to_string(),
        shape,
        10.0,
        theme.selection_fill,
        1.0,
        None,
    )
}

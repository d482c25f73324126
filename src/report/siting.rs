//! A site suggestion as output: the JSON contract of `parkplan-cli suggest --json`
//! (keys as issue #15 spells them, in that order) and the ranked-sites table the
//! printout and the desktop's 选址 panel show. Only formats; the figures come from
//! [`crate::analysis::siting`].

use serde::Serialize;

use crate::analysis::siting::{Demand, Suggestion};
use crate::model::Park;

use super::{Cell, Column, Fmt, Table};

/// One suggested site in the JSON.
#[derive(Debug, Serialize)]
pub struct JsonSite<'a> {
    rank: usize,
    id: &'a str,
    lon: f64,
    lat: f64,
    new_enterprises: usize,
    new_employees: u64,
    enterprises: Vec<&'a str>,
    /// With a living-circle compliance target: the residential parcels it makes
    /// compliant.
    #[serde(skip_serializing_if = "Option::is_none")]
    parcels: Option<Vec<&'a str>>,
    /// With a compliance target: how many places it makes compliant.
    #[serde(skip_serializing_if = "Option::is_none")]
    new_compliant: Option<usize>,
    /// For a stop: the extra metres a bus drives to serve it (0 on the route).
    #[serde(skip_serializing_if = "Option::is_none")]
    detour_m: Option<f64>,
}

/// The set-covering answer in the JSON.
#[derive(Debug, Serialize)]
pub struct JsonSetCover<'a> {
    sites: usize,
    lower_bound: usize,
    optimal: bool,
    ids: Vec<&'a str>,
    uncoverable: Vec<&'a str>,
}

/// The whole JSON of a suggestion; serialise it with `serde_json`.
#[derive(Debug, Serialize)]
pub struct JsonSuggestion<'a> {
    kind: &'a str,
    /// `coverage` or `compliance:TIER`.
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    route: Option<&'a str>,
    radius_m: f64,
    reach: String,
    count: usize,
    method: &'static str,
    weight: &'static str,
    candidates: usize,
    candidates_from: &'a str,
    covered_before: f64,
    covered_after: f64,
    upper_bound: f64,
    gap: f64,
    bound: &'static str,
    optimal: bool,
    timed_out: bool,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_spacing_m: Option<f64>,
    method_text: &'a str,
    sites: Vec<JsonSite<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    set_cover: Option<JsonSetCover<'a>>,
}

/// Employees of the listed enterprises (those that state a number).
fn employees(park: &Park, es: &[u32]) -> u64 {
    es.iter()
        .filter_map(|&e| park.enterprises.get(e as usize)?.employees)
        .map(u64::from)
        .sum()
}

fn enterprise_ids<'a>(park: &'a Park, es: &[u32]) -> Vec<&'a str> {
    es.iter()
        .filter_map(|&e| park.enterprises.get(e as usize).map(|x| x.id.as_str()))
        .collect()
}

fn parcel_ids<'a>(park: &'a Park, ps: &[u32]) -> Vec<&'a str> {
    ps.iter()
        .filter_map(|&p| park.parcels.get(p as usize).map(|x| x.id.as_str()))
        .collect()
}

/// The JSON of a suggestion on `park`.
pub fn json<'a>(park: &'a Park, s: &'a Suggestion) -> JsonSuggestion<'a> {
    let sol = &s.solution;
    let sites = sol
        .chosen
        .iter()
        .zip(&sol.newly)
        .enumerate()
        .filter_map(|(k, (&j, newly))| {
            let c = s.candidates.get(j as usize)?;
            let compliance = s.target != "coverage";
            let (ents, parcels): (&[u32], _) = match s.demand {
                Demand::Enterprises => (newly, None),
                Demand::Parcels => (&[], Some(parcel_ids(park, newly))),
            };
            Some(JsonSite {
                rank: k + 1,
                id: &c.id,
                lon: round(c.lon_lat[0], 7),
                lat: round(c.lon_lat[1], 7),
                new_enterprises: ents.len(),
                new_employees: employees(park, ents),
                enterprises: enterprise_ids(park, ents),
                parcels,
                new_compliant: compliance.then_some(newly.len()),
                detour_m: c.detour_m,
            })
        })
        .collect();
    JsonSuggestion {
        kind: &s.kind,
        target: &s.target,
        route: s
            .route
            .and_then(|r| park.routes.get(r))
            .map(|r| r.name.as_str()),
        radius_m: s.radius_m,
        reach: s.reach.label(),
        count: s.count,
        method: s.method.code(),
        weight: match s.demand {
            Demand::Enterprises => s.weight.code(),
            Demand::Parcels => "parcels",
        },
        candidates: s.candidates.len(),
        candidates_from: &s.candidates_from,
        covered_before: sol.covered_before,
        covered_after: sol.covered_after,
        upper_bound: round(sol.upper_bound, 6),
        gap: round(sol.gap(), 6),
        bound: sol.bound.code(),
        optimal: sol.optimal,
        timed_out: sol.timed_out,
        seconds: round(s.seconds, 3),
        min_spacing_m: s.min_spacing_m,
        method_text: &s.method_text,
        sites,
        set_cover: s.set_cover.as_ref().map(|sc| JsonSetCover {
            sites: sc.chosen.len(),
            lower_bound: sc.lower_bound,
            optimal: sc.optimal,
            ids: sc
                .chosen
                .iter()
                .filter_map(|&j| s.candidates.get(j as usize).map(|c| c.id.as_str()))
                .collect(),
            uncoverable: match s.demand {
                Demand::Enterprises => enterprise_ids(park, &sc.uncoverable),
                Demand::Parcels => parcel_ids(park, &sc.uncoverable),
            },
        }),
    }
}

fn round(x: f64, d: i32) -> f64 {
    let m = 10f64.powi(d);
    (x * m).round() / m
}

/// The ranked sites: rank, candidate id, lon, lat, newly covered enterprises and
/// employees, the places made compliant (with a compliance target), the detour (for
/// stops), and the first ids (all of them in CSV).
pub fn sites_table(park: &Park, s: &Suggestion) -> Table {
    let compliance = s.target != "coverage";
    let stops = s.route.is_some();
    let mut columns = vec![
        Column::count("排名", "排名 rank"),
        Column::both("候选点", "候选点 id"),
        Column::num("经度", "经度 lon", Fmt::Fixed(6), Fmt::Fixed(7)),
        Column::num("纬度", "纬度 lat", Fmt::Fixed(6), Fmt::Fixed(7)),
        Column::count("新覆盖企业", "新覆盖企业 new_enterprises"),
        Column::count("新覆盖职工", "新覆盖职工 new_employees"),
    ];
    if compliance {
        columns.push(Column::count("新达标", "新达标 new_compliant"));
    }
    if stops {
        columns.push(Column::num(
            "绕行(m)",
            "绕行 detour_m",
            Fmt::Fixed(0),
            Fmt::Fixed(1),
        ));
    }
    columns.push(match s.demand {
        Demand::Enterprises => Column::both("企业(前5)", "企业 enterprises"),
        Demand::Parcels => Column::both("地块(前5)", "地块 parcels"),
    });
    let mut t = Table::new("suggested_sites", "建议选址", "Suggested sites", columns);
    for (k, (&j, newly)) in s.solution.chosen.iter().zip(&s.solution.newly).enumerate() {
        let Some(c) = s.candidates.get(j as usize) else {
            continue;
        };
        let (ents, ids): (&[u32], _) = match s.demand {
            Demand::Enterprises => (newly, enterprise_ids(park, newly)),
            Demand::Parcels => (&[], parcel_ids(park, newly)),
        };
        let shown = if ids.len() > 5 {
            format!("{} …", ids[..5].join(" "))
        } else {
            ids.join(" ")
        };
        let mut row = vec![
            Cell::from(k + 1),
            Cell::from(&c.id),
            Cell::Num(c.lon_lat[0]),
            Cell::Num(c.lon_lat[1]),
            Cell::from(ents.len()),
            Cell::Int(employees(park, ents)),
        ];
        if compliance {
            row.push(Cell::from(newly.len()));
        }
        if stops {
            row.push(Cell::Num(c.detour_m.unwrap_or(0.0)));
        }
        row.push(Cell::Text(shown));
        t.rows.push(row);
    }
    t
}

/// The summary lines of a suggestion (Chinese and English), for the printout and the
/// panel: covered before and after, the bound and gap, time.
pub fn summary_lines(s: &Suggestion) -> Vec<String> {
    let sol = &s.solution;
    let unit = match (s.demand, s.target != "coverage") {
        (Demand::Parcels, _) => "compliant residential parcels",
        (Demand::Enterprises, true) => "compliant enterprises",
        (Demand::Enterprises, false) => s.weight.code(),
    };
    let mut lines = vec![
        format!(
            "选址 {kind}: {n} 个, 目标 {target}, 候选点 {c} ({from}), 方法 {m}, 可达 {r}, 半径 {rad} m",
            kind = s.kind,
            target = s.target,
            n = s.count,
            c = s.candidates.len(),
            from = s.candidates_from,
            m = s.method.code(),
            r = s.reach.label(),
            rad = s.radius_m
        ),
        format!(
            "covered {unit}: before {:.0}, after {:.0}; upper bound {:.1} ({}), gap {:.2}%{}{}; {:.2} s",
            sol.covered_before,
            sol.covered_after,
            sol.upper_bound,
            sol.bound.code(),
            sol.gap() * 100.0,
            if sol.optimal { ", optimal" } else { "" },
            if sol.timed_out {
                ", stopped by the time limit"
            } else {
                ""
            },
            s.seconds
        ),
    ];
    if let Some(sc) = &s.set_cover {
        lines.push(format!(
            "set covering: {} new sites cover every coverable enterprise (lower bound {}{}); {} enterprises no candidate covers",
            sc.chosen.len(),
            sc.lower_bound,
            if sc.optimal { ", optimal" } else { "" },
            sc.uncoverable.len()
        ));
    }
    lines.push(format!("method: {}", s.method_text));
    lines
}

//! Guessing what a layer holds (its [`Role`]) from its name, file name, geometry types
//! and field names, in Chinese or English, and saying why.

use std::collections::HashMap;

use super::fields::guess_fields;
use crate::model::{AttributeTable, Field, Role};

/// Words in a layer or file name that suggest a role.
const NAME_WORDS: &[(Role, &[&str])] = &[
    (
        Role::BusStops,
        &[
            "公交站点",
            "站点",
            "站台",
            "bus_stop",
            "busstop",
            "stops",
            "stop",
            "station",
        ],
    ),
    (
        Role::BusRoutes,
        &[
            "公交线路",
            "线路",
            "bus_route",
            "busroute",
            "routes",
            "route",
            "bus_line",
        ],
    ),
    (
        Role::Parcels,
        &["地块", "宗地", "用地", "parcel", "land", "lot"],
    ),
    (Role::Projects, &["项目", "project"]),
    (
        Role::Enterprises,
        &["企业", "公司", "enterprise", "compan", "firm"],
    ),
    (
        Role::Facilities,
        &[
            "设施",
            "服务",
            "学校",
            "幼儿园",
            "facilit",
            "poi",
            "school",
            "service",
        ],
    ),
    (Role::Roads, &["道路", "路网", "road", "street", "highway"]),
    (
        Role::Constraints,
        &[
            "三区三线",
            "永久基本农田",
            "基本农田",
            "生态保护红线",
            "生态红线",
            "城镇开发边界",
            "耕地",
            "yjjbnt",
            "stbhhx",
            "czkfbj",
        ],
    ),
];

/// Which geometry family a role's features have.
fn geometry_fits(role: Role, family: &str) -> i32 {
    match (role, family) {
        (Role::Parcels, "polygon") => 3,
        (Role::Parcels, _) => -5,
        (Role::BusRoutes | Role::Roads, "line") => 3,
        (Role::BusRoutes | Role::Roads, _) => -5,
        (Role::Enterprises | Role::Facilities | Role::BusStops, "point") => 2,
        (Role::Enterprises | Role::Facilities | Role::BusStops, _) => -5,
        (Role::Projects, "point" | "polygon") => 1,
        (Role::Projects, _) => -5,
        (Role::Constraints, "polygon") => 2,
        (Role::Constraints, _) => -5,
        (Role::Other, _) => 0,
    }
}

/// The geometry family most features have: "point", "line", "polygon" or "none".
pub fn dominant_family(type_counts: &HashMap<&'static str, usize>) -> &'static str {
    let mut fam: HashMap<&'static str, usize> = HashMap::new();
    for (t, n) in type_counts {
        let f = match *t {
            "Point" | "MultiPoint" => "point",
            "LineString" | "MultiLineString" => "line",
            "Polygon" | "MultiPolygon" => "polygon",
            _ => continue,
        };
        *fam.entry(f).or_insert(0) += n;
    }
    fam.into_iter()
        .max_by_key(|(f, n)| (*n, *f))
        .map(|(f, _)| f)
        .unwrap_or("none")
}

/// The guessed role and the evidence, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleGuess {
    /// The role.
    pub role: Role,
    /// Why, e.g. "name contains 地块; polygon geometry; fields 用地性质, 审批状态".
    pub reason: String,
}

/// Fields of administrative-division layers (DataV/AMap `adcode`, `acroutes`; the
/// national 行政区划代码 and XZQDM): their polygons are counties and provinces, never
/// park parcels, whatever area fields they carry.
const ADMIN_FIELDS: &[&str] = &[
    "adcode",
    "acroutes",
    "childrennum",
    "行政区划代码",
    "行政区代码",
    "xzqdm",
    "xzqmc",
];

/// GTFS field names (`routes.txt`, `stops.txt`) that GTFS-to-GeoJSON exports keep: a
/// layer carrying them holds routes or stops whatever its file is called.
const GTFS_FIELDS: &[(Role, &[&str])] = &[
    (
        Role::BusRoutes,
        &[
            "route_id",
            "route_short_name",
            "route_long_name",
            "route_type",
            "shape_id",
        ],
    ),
    (
        Role::BusStops,
        &[
            "stop_id",
            "stop_name",
            "stop_code",
            "parent_station",
            "location_type",
        ],
    ),
];

/// Guesses a layer's role. `names` are the layer name and the file name.
pub fn guess_role(names: &[&str], family: &str, table: &AttributeTable) -> RoleGuess {
    if let Some(c) = table
        .columns()
        .iter()
        .map(|c| c.name())
        .find(|n| ADMIN_FIELDS.contains(&n.to_lowercase().as_str()))
    {
        return RoleGuess {
            role: Role::Other,
            reason: format!("administrative boundaries (field \"{c}\"), not a park layer"),
        };
    }
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    let mut best: Option<(i32, Role, String)> = None;
    for role in Role::ALL.iter().copied().filter(|r| *r != Role::Other) {
        let mut score = 0;
        let mut why = Vec::new();
        if let Some((_, words)) = NAME_WORDS.iter().find(|(r, _)| *r == role)
            && let Some(w) = words
                .iter()
                .find(|w| lowered.iter().any(|n| n.contains(*w)))
        {
            score += 4;
            why.push(format!("name contains \"{w}\""));
        }
        if let Some((_, gtfs)) = GTFS_FIELDS.iter().find(|(r, _)| *r == role)
            && let Some(c) = table
                .columns()
                .iter()
                .map(|c| c.name())
                .find(|n| gtfs.contains(&n.to_lowercase().as_str()))
        {
            score += 4;
            why.push(format!("GTFS field {c}"));
        }
        let g = geometry_fits(role, family);
        score += g;
        if g > 0 {
            why.push(format!("{family} geometry"));
        }
        let fields = guess_fields(role, table);
        let specific: Vec<&String> = fields
            .iter()
            .filter(|(f, _)| !matches!(f, Field::Id | Field::Name))
            .map(|(_, c)| c)
            .collect();
        if !specific.is_empty() {
            score += 2 * specific.len() as i32;
            why.push(format!(
                "fields {}",
                specific
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, role, why.join("; ")));
        }
    }
    match best {
        Some((score, role, why)) if score >= 4 => RoleGuess {
            role,
            reason: format!("guessed: {why}"),
        },
        _ => RoleGuess {
            role: Role::Other,
            reason: "no name, geometry or field evidence for a park role".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PropValue;

    fn table(cols: &[&str]) -> AttributeTable {
        let mut t = AttributeTable::new();
        t.push_row(cols.iter().map(|c| (*c, PropValue::Str("x"))));
        t
    }

    #[test]
    fn administrative_boundaries_are_not_parcels() {
        let g = guess_role(
            &["荆州市", "jingzhou.geojson"],
            "Polygon",
            &table(&["adcode", "name", "Shape_Area", "Shape_Leng"]),
        );
        assert_eq!(g.role, Role::Other);
        assert!(g.reason.contains("adcode"), "{}", g.reason);
    }

    #[test]
    fn guesses_from_names_and_fields() {
        let g = guess_role(&["地块", "地块.geojson"], "polygon", &table(&["用地性质"]));
        assert_eq!(g.role, Role::Parcels);
        let g = guess_role(&["data"], "point", &table(&["企业名称", "职工人数"]));
        assert_eq!(g.role, Role::Enterprises);
        let g = guess_role(
            &["公交站点"],
            "point",
            &table(&["站点名称", "线路", "序号"]),
        );
        assert_eq!(g.role, Role::BusStops);
        let g = guess_role(&["bus_routes.geojson"], "line", &table(&["name"]));
        assert_eq!(g.role, Role::BusRoutes);
        let g = guess_role(
            &["facilities.geojson"],
            "point",
            &table(&["id", "kind", "name"]),
        );
        assert_eq!(g.role, Role::Facilities);
        let g = guess_role(
            &["enterprises.geojson"],
            "point",
            &table(&["id", "name", "industry", "employees"]),
        );
        assert_eq!(g.role, Role::Enterprises);
        let g = guess_role(
            &["parcels.geojson"],
            "polygon",
            &table(&["id", "land_use", "area_mu", "status"]),
        );
        assert_eq!(g.role, Role::Parcels);
        let g = guess_role(
            &["bus_stops.geojson"],
            "point",
            &table(&["id", "name", "route", "seq"]),
        );
        assert_eq!(g.role, Role::BusStops);
    }

    #[test]
    fn no_evidence_is_other() {
        let g = guess_role(&["x.json"], "point", &table(&["foo"]));
        assert_eq!(g.role, Role::Other);
    }
}

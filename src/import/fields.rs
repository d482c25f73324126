//! The field-name table: which property names (Chinese or English) mean which model
//! field, per layer role. This is the one place to extend when a survey office uses a
//! new spelling: add it to the list of its field, in order of preference.

use crate::model::{AttributeTable, Field, FieldMap, Role};

/// Property names that mean a field, for layers of one role, most specific first.
pub type FieldAliases = &'static [(Field, &'static [&'static str])];

const PARCELS: FieldAliases = &[
    (
        Field::Id,
        &[
            "地块编号",
            "宗地编号",
            "地块号",
            "宗地号",
            "dkbh",
            "parcel_id",
            "parcel_no",
            "id",
            "编号",
            "fid",
        ],
    ),
    (Field::Name, &["地块名称", "名称", "name"]),
    (
        Field::LandUse,
        &[
            "用地性质",
            "用地类型",
            "土地用途",
            "规划用途",
            "地类",
            "用途",
            "ydxz",
            "land_use",
            "landuse",
            "use",
        ],
    ),
    (
        Field::Status,
        &[
            "审批状态",
            "供地状态",
            "批准状态",
            "状态",
            "spzt",
            "approval_status",
            "status",
        ],
    ),
    (
        Field::AreaMu,
        &[
            "面积_亩",
            "面积(亩)",
            "面积（亩）",
            "面积亩",
            "亩数",
            "用地面积_亩",
            "area_mu",
            "mu",
        ],
    ),
    (
        Field::AreaM2,
        &[
            "面积_平方米",
            "面积(平方米)",
            "面积（平方米）",
            "面积_m2",
            "面积",
            "用地面积",
            "area_m2",
            "area",
            "shape_area",
        ],
    ),
    (
        Field::ProjectId,
        &["项目编号", "项目id", "project_id", "project"],
    ),
    (
        Field::SubmittedDate,
        &[
            "报批日期",
            "报批时间",
            "上报日期",
            "submitted_date",
            "submitted",
        ],
    ),
    (
        Field::ApprovedDate,
        &[
            "批复日期",
            "批复时间",
            "批准日期",
            "approved_date",
            "approved",
        ],
    ),
    (
        Field::SuppliedDate,
        &[
            "供地日期",
            "供地时间",
            "出让日期",
            "supplied_date",
            "supplied",
        ],
    ),
    (Field::Batch, &["报批批次", "批次", "用地批次", "batch"]),
];

const PROJECTS: FieldAliases = &[
    (
        Field::Id,
        &["项目编号", "项目代码", "xmbh", "project_id", "id", "编号"],
    ),
    (
        Field::Name,
        &["项目名称", "名称", "xmmc", "project_name", "name"],
    ),
    (
        Field::Investor,
        &[
            "投资方",
            "投资主体",
            "建设单位",
            "投资企业",
            "业主单位",
            "investor",
            "owner",
        ],
    ),
    (
        Field::Investment,
        &[
            "投资额_亿元",
            "投资额(亿元)",
            "投资额（亿元）",
            "总投资_亿元",
            "计划总投资",
            "总投资",
            "投资额",
            "investment_yi",
            "investment",
        ],
    ),
    (Field::Phase, &["分期", "期次", "建设期次", "phase"]),
    (
        Field::Stage,
        &[
            "项目阶段",
            "阶段",
            "项目状态",
            "进度",
            "状态",
            "stage",
            "status",
        ],
    ),
    (Field::Secretary, &["项目秘书", "秘书", "secretary"]),
    (
        Field::Agent,
        &["帮代办专员", "帮办代办专员", "代办专员", "专员", "agent"],
    ),
    (
        Field::FulfilledDate,
        &["履约日期", "履约时间", "fulfilled_date", "fulfilled"],
    ),
    (
        Field::LibraryDate,
        &["入库日期", "入库时间", "library_date", "in_library_date"],
    ),
    (
        Field::DocLandUsePlanning,
        &[
            "建设用地规划许可证",
            "用地规划许可证",
            "doc_land_use_planning",
        ],
    ),
    (
        Field::DocDesignScheme,
        &[
            "建设项目规划设计方案批复",
            "规划设计方案批复",
            "方案批复",
            "doc_design_scheme",
        ],
    ),
    (
        Field::DocWorksPlanning,
        &["建设工程规划许可证", "工程规划许可证", "doc_works_planning"],
    ),
    (
        Field::DocPropertyCertificate,
        &["不动产权证书", "不动产权证", "doc_property_certificate"],
    ),
    (
        Field::DocConstructionPermit,
        &[
            "建筑工程施工许可证",
            "施工许可证",
            "doc_construction_permit",
        ],
    ),
    (
        Field::SignedDate,
        &["签约日期", "签约时间", "signed_date", "signed"],
    ),
    (
        Field::StartDate,
        &["开工日期", "开工时间", "start_date", "started"],
    ),
    (
        Field::ProductionDate,
        &["投产日期", "投产时间", "production_date"],
    ),
    (
        Field::ParcelId,
        &["地块编号", "宗地编号", "地块", "parcel_id", "parcel"],
    ),
];

const ENTERPRISES: FieldAliases = &[
    (
        Field::Id,
        &["企业编号", "企业id", "enterprise_id", "id", "编号", "fid"],
    ),
    (
        Field::Name,
        &[
            "企业名称",
            "单位名称",
            "公司名称",
            "名称",
            "企业",
            "name",
            "company",
            "enterprise",
        ],
    ),
    (
        Field::Industry,
        &[
            "行业",
            "所属行业",
            "行业类别",
            "行业分类",
            "产业",
            "产业类别",
            "industry",
            "sector",
        ],
    ),
    (
        Field::Employees,
        &[
            "职工人数",
            "员工数",
            "员工人数",
            "从业人员",
            "从业人数",
            "就业人数",
            "职工数",
            "人数",
            "employees",
            "staff",
            "workers",
            "employee_count",
        ],
    ),
    (
        Field::OutputValue,
        &[
            "产值_万元",
            "产值(万元)",
            "产值（万元）",
            "年产值",
            "工业总产值",
            "产值",
            "output_value_wan",
            "output_value",
            "output",
        ],
    ),
];

const FACILITIES: FieldAliases = &[
    (Field::Id, &["设施编号", "id", "编号", "fid"]),
    (Field::Name, &["设施名称", "名称", "name"]),
    (
        Field::Kind,
        &[
            "设施类型",
            "设施类别",
            "类型",
            "类别",
            "种类",
            "kind",
            "type",
            "category",
            "class",
        ],
    ),
];

const BUS_ROUTES: FieldAliases = &[
    (Field::Id, &["线路编号", "id", "编号", "route_id"]),
    (
        Field::Name,
        &[
            "线路名称",
            "线路名",
            "线路",
            "名称",
            "route_name",
            "route_short_name",
            "route",
            "name",
            "line",
        ],
    ),
];

const BUS_STOPS: FieldAliases = &[
    (Field::Id, &["站点编号", "id", "编号", "stop_id"]),
    (
        Field::Name,
        &["站点名称", "站名", "站点", "名称", "stop_name", "name"],
    ),
    (
        Field::Route,
        &[
            "线路",
            "所属线路",
            "线路名称",
            "线路名",
            "route",
            "route_name",
            "line",
            "route_id",
        ],
    ),
    (
        Field::Seq,
        &[
            "序号",
            "站序",
            "顺序",
            "seq",
            "sequence",
            "stop_sequence",
            "order",
            "index",
        ],
    ),
];

const ROADS: FieldAliases = &[
    (Field::Id, &["道路编号", "id", "编号", "fid"]),
    (Field::Name, &["道路名称", "路名", "名称", "name"]),
    (
        Field::RoadClass,
        &[
            "道路等级",
            "等级",
            "道路类型",
            "class",
            "fclass",
            "highway",
            "road_class",
        ],
    ),
    (
        Field::Speed,
        &[
            "限速_kmh",
            "限速",
            "设计速度",
            "设计时速",
            "speed_kmh",
            "maxspeed",
            "speed",
        ],
    ),
    (Field::Oneway, &["单行", "单向", "oneway", "one_way"]),
];

const CONSTRAINTS: FieldAliases = &[
    (
        Field::Id,
        &["编号", "图斑编号", "tbbh", "bsm", "标识码", "id", "fid"],
    ),
    (Field::Name, &["名称", "mc", "name"]),
    (
        Field::ConstraintKind,
        &[
            "管控类型",
            "控制线类型",
            "类型",
            "constraint_kind",
            "kind",
            "type",
        ],
    ),
    (
        Field::LandClass,
        &["地类编码", "dlbm", "地类代码", "land_class"],
    ),
];

const OTHER: FieldAliases = &[
    (Field::Id, &["id", "编号", "fid"]),
    (Field::Name, &["名称", "name", "标题", "title"]),
];

/// The field-name table for one role.
pub fn aliases(role: Role) -> FieldAliases {
    match role {
        Role::Parcels => PARCELS,
        Role::Projects => PROJECTS,
        Role::Enterprises => ENTERPRISES,
        Role::Facilities => FACILITIES,
        Role::BusRoutes => BUS_ROUTES,
        Role::BusStops => BUS_STOPS,
        Role::Roads => ROADS,
        Role::Constraints => CONSTRAINTS,
        Role::Other => OTHER,
    }
}

/// Normalises a property name for matching: lower case, no spaces, full-width
/// brackets and underscores folded.
pub fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Maps a layer's columns to model fields for a role: each field takes the first column
/// matching its aliases in preference order; a column serves one field.
pub fn guess_fields(role: Role, table: &AttributeTable) -> FieldMap {
    guess_from_names(role, table.columns().iter().map(|c| c.name()))
}

/// Like [`guess_fields`], from bare column names.
pub fn guess_from_names<'a>(role: Role, names: impl Iterator<Item = &'a str>) -> FieldMap {
    let cols: Vec<(String, &str)> = names.map(|n| (normalise(n), n)).collect();
    let mut used = vec![false; cols.len()];
    let mut map = FieldMap::new();
    for (field, list) in aliases(role) {
        'aliases: for alias in *list {
            let a = normalise(alias);
            for (i, (norm, original)) in cols.iter().enumerate() {
                if !used[i] && *norm == a {
                    used[i] = true;
                    map.insert(*field, original.to_string());
                    break 'aliases;
                }
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_names_map() {
        let m = guess_from_names(
            Role::Enterprises,
            ["企业名称", "行业", "职工人数", "产值_万元"].into_iter(),
        );
        assert_eq!(m.get(&Field::Name).map(|s| s.as_str()), Some("企业名称"));
        assert_eq!(
            m.get(&Field::Employees).map(|s| s.as_str()),
            Some("职工人数")
        );
        let m = guess_from_names(
            Role::Enterprises,
            ["id", "name", "industry", "employees", "output_value_wan"].into_iter(),
        );
        assert_eq!(m.len(), 5);
        let m = guess_from_names(
            Role::Parcels,
            ["Land_Use", "STATUS", "面积（亩）"].into_iter(),
        );
        assert_eq!(m.get(&Field::LandUse).map(|s| s.as_str()), Some("Land_Use"));
        assert_eq!(
            m.get(&Field::AreaMu).map(|s| s.as_str()),
            Some("面积（亩）")
        );
    }

    #[test]
    fn a_column_serves_one_field() {
        // 项目: "状态" could be the stage; with 项目阶段 present, 项目阶段 wins.
        let m = guess_from_names(Role::Projects, ["状态", "项目阶段"].into_iter());
        assert_eq!(m.get(&Field::Stage).map(|s| s.as_str()), Some("项目阶段"));
    }
}

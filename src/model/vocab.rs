//! The planners' vocabulary: layer roles, approval statuses, project lifecycle stages,
//! phases and facility kinds, each with its stable code, its Chinese and English labels,
//! and a parser that understands how survey teams spell it (Chinese or English).
//!
//! This module owns the words; it does not know about files or the screen.

use crate::model::text::trim;
use serde::{Deserialize, Serialize};

/// The language a label is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (zh-CN), the planners' working language.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Chinese for a locale name such as `zh_CN.UTF-8`, `zh-Hans-CN` or `zh_TW`, English
    /// for anything else (including `C` and `POSIX`).
    pub fn of_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") || l.starts_with("chinese") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language of the environment's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the
    /// first one set, as the C library reads them), `None` when none is set.
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|var| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| Lang::of_locale(&v))
        })
    }

    /// Parses `zh`/`en` (and `zh-CN`, `chinese`, `english` …), as given to `--lang`.
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase();
        if l.starts_with("zh") || l == "cn" || l == "chinese" || l == "中文" {
            Some(Lang::Zh)
        } else if l.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the Chinese or English string.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Normalises a spelling for comparison: trimmed, lower case, `-`/space → `_`.
fn norm(s: &str) -> String {
    s.trim().chars().map(norm_char).collect()
}

/// One character of [`norm`].
fn norm_char(c: char) -> char {
    match c {
        '-' | ' ' | '/' => '_',
        c => c.to_ascii_lowercase(),
    }
}

/// Whether `norm(t) == word` (without building the normalised string: parsing a
/// status or a kind is done for every parcel of a park, against every spelling).
fn norm_is(t: &str, word: &str) -> bool {
    trim(t).chars().map(norm_char).eq(word.chars())
}

/// Whether `norm(t) == norm(word)`, without building either.
fn norm_eq(t: &str, word: &str) -> bool {
    trim(t)
        .chars()
        .map(norm_char)
        .eq(trim(word).chars().map(norm_char))
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal, [$($alias:literal),*] ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in the order planners list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable English code used in files, JSON and the command line.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// The label shown to people in the given language.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Zh) => $zh, ($name::$variant, Lang::En) => $en,)*
                }
            }

            /// Understands the code, the Chinese and English labels and common
            /// spellings survey teams use. `None` when the word is not known.
            pub fn parse(s: &str) -> Option<$name> {
                let t = trim(s);
                if t.is_empty() {
                    return None;
                }
                $(
                    if norm_is(t, $code) || t == $zh || norm_eq(t, $en) $(|| norm_eq(t, $alias))* {
                        return Some($name::$variant);
                    }
                )*
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary! {
    /// What a layer holds, and so which typed records it becomes.
    Role {
        /// 地块: land parcels.
        Parcels = "parcels", "地块", "Parcels", ["parcel", "land", "lots", "宗地", "用地", "地块图层"];
        /// 项目: investment projects.
        Projects = "projects", "项目", "Projects", ["project", "项目库", "招商项目"];
        /// 企业: enterprises.
        Enterprises = "enterprises", "企业", "Enterprises", ["enterprise", "companies", "company", "firms", "企业名录"];
        /// 服务设施: service facilities.
        Facilities = "facilities", "服务设施", "Facilities", ["facility", "设施", "公共服务设施", "poi"];
        /// 公交线路: bus routes.
        BusRoutes = "bus_routes", "公交线路", "Bus routes", ["bus_route", "routes", "route", "lines", "线路", "公交"];
        /// 公交站点: bus stops.
        BusStops = "bus_stops", "公交站点", "Bus stops", ["bus_stop", "stops", "stop", "站点", "站台"];
        /// 道路: the road network.
        Roads = "roads", "道路", "Roads", ["road", "streets", "street", "路网", "道路网"];
        /// 三区三线: land-use constraint zones (permanent farmland, ecological red line,
        /// urban development boundary, arable land).
        Constraints = "constraints", "三区三线", "Constraints", ["constraint", "管控边界", "三区三线管控", "三区三线"];
        /// 其他: anything else (water, boundaries).
        Other = "other", "其他", "Other", ["others", "misc"];
    }
}

vocabulary! {
    /// 审批状态: where a parcel stands in land approval and supply.
    ApprovalStatus {
        /// 已批: approved.
        Approved = "approved", "已批", "Approved", ["已审批", "批准", "已批准", "批复"];
        /// 报批中: application pending.
        Pending = "pending", "报批中", "Pending", ["待批", "在批", "报批", "审批中", "未批"];
        /// 已供地: land already supplied (transferred) to a user.
        Supplied = "supplied", "已供地", "Supplied", ["已供", "供地", "transferred", "已出让", "出让"];
        /// 摘牌: won at auction (listing), awaiting supply.
        Listed = "listed", "摘牌", "Listed (won at auction)", ["已摘牌", "won", "auction"];
        /// 储备: in the land reserve.
        Reserved = "reserved", "储备", "Reserved", ["储备地", "土地储备", "reserve"];
        /// 未知: not stated or not understood.
        Unknown = "unknown", "未知", "Unknown", [];
    }
}

vocabulary! {
    /// 项目阶段: an investment project's lifecycle, in order.
    LifecycleStage {
        /// 签约: signed.
        Signed = "signed", "签约", "Signed", ["已签约"];
        /// 履约: fulfilling the agreement's conditions.
        Fulfilling = "fulfilling", "履约", "Fulfilling", ["履约中"];
        /// 入库: in the project library.
        InLibrary = "in_library", "入库", "In project library", ["已入库", "library", "in_project_library"];
        /// 开工: construction started.
        Started = "started", "开工", "Construction started", ["已开工", "construction_started"];
        /// 在建: under construction.
        UnderConstruction = "under_construction", "在建", "Under construction", ["建设中", "construction"];
        /// 投产: in production.
        InProduction = "in_production", "投产", "In production", ["已投产", "production", "operating"];
    }
}

vocabulary! {
    /// 分期: a project's phase.
    Phase {
        /// 一期.
        First = "first", "一期", "Phase 1", ["1", "phase1", "phase_1", "i", "首期"];
        /// 二期.
        Second = "second", "二期", "Phase 2", ["2", "phase2", "phase_2", "ii"];
        /// 三期.
        Third = "third", "三期", "Phase 3", ["3", "phase3", "phase_3", "iii"];
    }
}

vocabulary! {
    /// 设施类型: the kinds of facility serving the park's enterprises and residents.
    FacilityKind {
        /// 政务服务中心.
        GovernmentServiceHall = "government_service_hall", "政务服务中心", "Government service hall",
            ["政务服务大厅", "行政服务中心", "市民中心", "government"];
        /// 综合服务中心 (e.g. 宿驾, 北港).
        ComprehensiveServiceCentre = "comprehensive_service_centre", "综合服务中心", "Comprehensive service centre",
            ["comprehensive_service_center", "service_centre", "service_center", "党群服务中心", "综合服务站"];
        /// 便民服务中心 (乡镇/街道): town or street convenience service centre.
        ConvenienceServiceCentre = "convenience_service_centre", "便民服务中心", "Convenience service centre",
            ["convenience_service_center", "convenience_centre", "convenience_center", "街道便民服务中心", "乡镇便民服务中心"];
        /// 便民服务站 (村/社区): village or community service station.
        CommunityServiceStation = "community_service_station", "便民服务站", "Community service station",
            ["convenience_station", "community_station", "village_station", "社区服务站", "村便民服务站", "社区便民服务站", "党群服务站"];
        /// 小学.
        PrimarySchool = "primary_school", "小学", "Primary school", ["primary"];
        /// 中学.
        MiddleSchool = "middle_school", "中学", "Middle school", ["secondary_school", "high_school", "初中", "高中", "middle"];
        /// 幼儿园.
        Kindergarten = "kindergarten", "幼儿园", "Kindergarten", ["nursery", "托儿所"];
        /// 警务室.
        PolicePost = "police_post", "警务室", "Police post", ["police", "派出所", "警务站", "police_station"];
        /// 其他.
        Other = "other", "其他设施", "Other facility", ["其他"];
    }
}

vocabulary! {
    /// 管控类型: what a constraint zone protects or bounds (三区三线 and the land survey).
    ConstraintKind {
        /// 永久基本农田 (delivered as YJJBNT / YJJBNTBHTB).
        PermanentFarmland = "permanent_farmland", "永久基本农田", "Permanent basic farmland",
            ["yjjbnt", "yjjbntbhtb", "基本农田", "永久基本农田保护图斑", "永农", "farmland"];
        /// 生态保护红线 (STBHHX).
        EcologicalRedline = "ecological_redline", "生态保护红线", "Ecological red line",
            ["stbhhx", "生态红线", "redline", "ecological_red_line"];
        /// 城镇开发边界 (CZKFBJ): land outside it may not be built on.
        UrbanBoundary = "urban_boundary", "城镇开发边界", "Urban development boundary",
            ["czkfbj", "开发边界", "城镇开发边界线", "urban_development_boundary"];
        /// 耕地 (land survey class 01xx): taking it needs a supplementary arable quota.
        ArableLand = "arable_land", "耕地", "Arable land", ["gd", "arable", "cultivated_land", "耕地图斑"];
    }
}

vocabulary! {
    /// 五证: the five documents the "五证同发" reform hands over at once.
    Document {
        /// 建设用地规划许可证.
        LandUsePlanningPermit = "land_use_planning_permit", "建设用地规划许可证", "Land-use planning permit",
            ["用地规划许可证", "用地规划许可"];
        /// 建设项目规划设计方案批复.
        DesignSchemeApproval = "design_scheme_approval", "建设项目规划设计方案批复", "Design scheme approval",
            ["规划设计方案批复", "方案批复", "设计方案批复"];
        /// 建设工程规划许可证.
        WorksPlanningPermit = "works_planning_permit", "建设工程规划许可证", "Construction works planning permit",
            ["工程规划许可证", "工程规划许可"];
        /// 不动产权证书.
        PropertyCertificate = "property_certificate", "不动产权证书", "Real estate title certificate",
            ["不动产权证", "不动产证", "土地证", "国有土地使用证"];
        /// 建筑工程施工许可证.
        ConstructionPermit = "construction_permit", "建筑工程施工许可证", "Construction permit",
            ["施工许可证", "施工许可"];
    }
}

impl ConstraintKind {
    /// The kind a layer name, a 三区三线 code or a land-survey class code names:
    /// `YJJBNT…` / `永久基本农田…`, `STBHHX…` / `生态保护红线`, `CZKFBJ…` / `城镇开发边界`,
    /// `耕地` or a land class `01`, `0101`–`0103`.
    ///
    /// ```
    /// use parkplan::model::vocab::ConstraintKind;
    /// assert_eq!(ConstraintKind::recognise("YJJBNTBHTB_421003"), Some(ConstraintKind::PermanentFarmland));
    /// assert_eq!(ConstraintKind::recognise("荆州经开区生态保护红线"), Some(ConstraintKind::EcologicalRedline));
    /// assert_eq!(ConstraintKind::recognise("CZKFBJ"), Some(ConstraintKind::UrbanBoundary));
    /// assert_eq!(ConstraintKind::recognise("0102"), Some(ConstraintKind::ArableLand));
    /// assert_eq!(ConstraintKind::recognise("0201"), None);
    /// assert_eq!(ConstraintKind::recognise("道路"), None);
    /// ```
    pub fn recognise(s: &str) -> Option<ConstraintKind> {
        if let Some(k) = ConstraintKind::parse(s) {
            return Some(k);
        }
        let t = s.trim();
        let up = t.to_ascii_uppercase();
        // A land survey class code: 01 (耕地), 0101 水田, 0102 水浇地, 0103 旱地.
        if matches!(t, "01" | "0101" | "0102" | "0103" | "011" | "012" | "013") {
            return Some(ConstraintKind::ArableLand);
        }
        const WORDS: &[(&str, ConstraintKind)] = &[
            ("YJJBNT", ConstraintKind::PermanentFarmland),
            ("永久基本农田", ConstraintKind::PermanentFarmland),
            ("基本农田", ConstraintKind::PermanentFarmland),
            ("STBHHX", ConstraintKind::EcologicalRedline),
            ("生态保护红线", ConstraintKind::EcologicalRedline),
            ("生态红线", ConstraintKind::EcologicalRedline),
            ("CZKFBJ", ConstraintKind::UrbanBoundary),
            ("城镇开发边界", ConstraintKind::UrbanBoundary),
            ("耕地", ConstraintKind::ArableLand),
        ];
        WORDS
            .iter()
            .find(|(w, _)| up.contains(w) || t.contains(w))
            .map(|(_, k)| *k)
    }
}

// The macro cannot mark a default variant, so this one is written out.
#[allow(clippy::derivable_impls)]
impl Default for Role {
    /// A layer is "other" until something says what it holds.
    fn default() -> Role {
        Role::Other
    }
}

impl FacilityKind {
    /// Reads a facility kind as the data spells it, using the facility's name to settle
    /// spellings that cover several kinds: "school"/"学校" is a middle school when the
    /// name says 中学, otherwise a primary school. Unknown words give `Other`.
    pub fn from_data(kind: Option<&str>, name: &str) -> FacilityKind {
        if let Some(k) = kind {
            if let Some(parsed) = FacilityKind::parse(k) {
                return parsed;
            }
            let n = norm(k);
            if n == "school" || k.trim() == "学校" {
                return if name.contains("中学") {
                    FacilityKind::MiddleSchool
                } else {
                    FacilityKind::PrimarySchool
                };
            }
        }
        FacilityKind::guess_from_name(name).unwrap_or(FacilityKind::Other)
    }

    /// Guesses the kind from a facility's name alone (e.g. "常湾社区便民服务站").
    pub fn guess_from_name(name: &str) -> Option<FacilityKind> {
        const BY_NAME: &[(&str, FacilityKind)] = &[
            ("政务服务", FacilityKind::GovernmentServiceHall),
            ("综合服务中心", FacilityKind::ComprehensiveServiceCentre),
            ("党群服务中心", FacilityKind::ComprehensiveServiceCentre),
            ("便民服务中心", FacilityKind::ConvenienceServiceCentre),
            ("便民服务站", FacilityKind::CommunityServiceStation),
            ("服务站", FacilityKind::CommunityServiceStation),
            ("幼儿园", FacilityKind::Kindergarten),
            ("中学", FacilityKind::MiddleSchool),
            ("小学", FacilityKind::PrimarySchool),
            ("警务", FacilityKind::PolicePost),
        ];
        BY_NAME
            .iter()
            .find(|(word, _)| name.contains(word))
            .map(|(_, k)| *k)
    }

    /// The kinds a command-line or data spelling names: a single kind, or several for
    /// words that cover more than one (`school` = primary and middle schools, `all`).
    pub fn resolve_spelling(s: &str) -> Vec<FacilityKind> {
        let n = norm(s);
        if n == "all" || s.trim() == "全部" {
            return FacilityKind::ALL.to_vec();
        }
        if n == "school" || n == "schools" || s.trim() == "学校" {
            return vec![FacilityKind::PrimarySchool, FacilityKind::MiddleSchool];
        }
        FacilityKind::parse(s).into_iter().collect()
    }
}

impl ApprovalStatus {
    /// Reads a status as spelled in the data; unknown or empty spellings give `Unknown`.
    pub fn from_data(s: Option<&str>) -> ApprovalStatus {
        s.and_then(ApprovalStatus::parse)
            .unwrap_or(ApprovalStatus::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_compare_as_their_normal_forms() {
        let words = [
            "approved",
            "Approved",
            " APPROVED ",
            "in_production",
            "in-production",
            "In Production",
            "in/production",
            "inproduction",
            "已批",
            " 已批 ",
            "",
            " ",
            "bus_routes",
            "Bus Routes",
            "bus-routes ",
            "Ä-b",
            "ä_b",
            "x\u{3000}",
        ];
        for a in words {
            for b in words {
                assert_eq!(norm_eq(a, b), norm(a) == norm(b), "{a:?} {b:?}");
                assert_eq!(norm_is(a, b), norm(a) == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn parses_chinese_and_english() {
        assert_eq!(
            ApprovalStatus::parse("已批"),
            Some(ApprovalStatus::Approved)
        );
        assert_eq!(
            ApprovalStatus::parse(" Pending "),
            Some(ApprovalStatus::Pending)
        );
        assert_eq!(
            ApprovalStatus::parse("transferred"),
            Some(ApprovalStatus::Supplied)
        );
        assert_eq!(
            LifecycleStage::parse("在建"),
            Some(LifecycleStage::UnderConstruction)
        );
        assert_eq!(
            LifecycleStage::parse("in-production"),
            Some(LifecycleStage::InProduction)
        );
        assert_eq!(Phase::parse("二期"), Some(Phase::Second));
        assert_eq!(Role::parse("公交站点"), Some(Role::BusStops));
        assert_eq!(Role::parse("bus_routes"), Some(Role::BusRoutes));
        assert_eq!(
            FacilityKind::parse("幼儿园"),
            Some(FacilityKind::Kindergarten)
        );
    }

    #[test]
    fn gen_park_kinds_are_understood() {
        assert_eq!(
            FacilityKind::from_data(Some("service_centre"), "x党群服务中心"),
            FacilityKind::ComprehensiveServiceCentre
        );
        assert_eq!(
            FacilityKind::from_data(Some("convenience_station"), ""),
            FacilityKind::CommunityServiceStation
        );
        assert_eq!(
            FacilityKind::from_data(Some("school"), "荆州市滩桥第三中学"),
            FacilityKind::MiddleSchool
        );
        assert_eq!(
            FacilityKind::from_data(Some("school"), "荆州市滩桥第一小学"),
            FacilityKind::PrimarySchool
        );
        assert_eq!(FacilityKind::resolve_spelling("school").len(), 2);
        assert_eq!(
            FacilityKind::resolve_spelling("all").len(),
            FacilityKind::ALL.len()
        );
    }

    #[test]
    fn unknown_words_are_not_guessed() {
        assert_eq!(ApprovalStatus::parse("whatever"), None);
        assert_eq!(ApprovalStatus::from_data(None), ApprovalStatus::Unknown);
        assert_eq!(
            FacilityKind::from_data(Some("??"), "某某"),
            FacilityKind::Other
        );
    }

    #[test]
    fn lifecycle_is_ordered() {
        assert!(LifecycleStage::Signed < LifecycleStage::InProduction);
        assert_eq!(LifecycleStage::ALL.len(), 6);
    }
}

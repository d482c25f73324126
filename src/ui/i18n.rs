//! Every string the desktop shows, in Chinese and English, from one table.
//!
//! Panels name a [`Msg`] and ask for its text in the session's [`Lang`]; sentences with
//! numbers are built by the small `fmt_*` helpers at the bottom so that word order stays
//! right in both languages. Domain words (roles, statuses, stages, facility kinds, field
//! names) come from `model::vocab` and `Field::label_zh`, not from here.
//!
//! The bundled CJK font lacks ▸◂▴▾↶↷⌂⌫✎✗, so no string here may use them (a unit test
//! checks). This module knows nothing about panels or the park.

use crate::model::Lang;

macro_rules! messages {
    ( $( $(#[$m:meta])* $key:ident => $zh:literal, $en:literal; )* ) => {
        /// A user-interface string. Its text comes from [`Msg::text`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $( $(#[$m])* $key, )*
        }

        impl Msg {
            /// Every message (for the completeness test).
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The text in the given language.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Msg::$key, Lang::Zh) => $zh, (Msg::$key, Lang::En) => $en, )*
                }
            }
        }
    };
}

messages! {
    // ---- menu bar
    /// Top menu.
    MenuFile => "文件", "File";
    /// File ▸ Open.
    Open => "打开…", "Open…";
    /// File ▸ Open folder.
    OpenFolder => "打开文件夹…", "Open folder…";
    /// File ▸ Open sample.
    OpenSample => "打开示例地图", "Open sample map";
    /// File ▸ Recent files.
    RecentFiles => "最近文件", "Recent files";
    /// Clears the recent-file list.
    ClearRecent => "清除最近文件", "Clear recent files";
    /// No recent files yet.
    NoRecent => "（无）", "(none)";
    /// File ▸ Export.
    Export => "导出地图…", "Export map…";
    /// Tooltip on a disabled Export.
    ExportUnavailable => "请先打开地图", "Open a map first";
    /// File ▸ Quit.
    Quit => "退出", "Quit";
    /// Top menu.
    MenuView => "视图", "View";
    /// View ▸ zoom to everything.
    ZoomAll => "全图显示", "Zoom to all";
    /// Zoom to a layer.
    ZoomLayer => "缩放到图层", "Zoom to layer";
    /// Zoom to a feature.
    ZoomFeature => "缩放到要素", "Zoom to feature";
    /// Zoom in.
    ZoomIn => "放大", "Zoom in";
    /// Zoom out.
    ZoomOut => "缩小", "Zoom out";
    /// Panel.
    PanelLayers => "图层", "Layers";
    /// Panel.
    PanelReport => "导入报告", "Import report";
    /// Panel.
    PanelTable => "属性表", "Attribute table";
    /// Panel.
    PanelSearch => "查找", "Find";
    /// Panel.
    PanelInspector => "要素信息", "Feature info";
    /// Panel.
    PanelAnalysis => "服务分析", "Service analysis";
    /// Panel.
    PanelProjects => "项目与用地", "Projects & land";
    /// View: dark interface.
    DarkTheme => "深色界面", "Dark interface";
    /// Top menu.
    MenuTools => "工具", "Tools";
    /// Tool: identify / pan.
    ToolIdentify => "识别 / 平移", "Identify / pan";
    /// Tool.
    ToolMeasureDistance => "测量距离", "Measure distance";
    /// Tool.
    ToolMeasureArea => "测量面积", "Measure area";
    /// Tool.
    ToolBoxZoom => "拉框放大", "Box zoom";
    /// Top menu.
    MenuLanguage => "语言", "Language";
    /// Top menu.
    MenuHelp => "帮助", "Help";
    /// Help ▸ Shortcuts.
    Shortcuts => "快捷键", "Keyboard shortcuts";
    /// Help ▸ About.
    About => "关于 ParkPlan", "About ParkPlan";
    /// About text.
    AboutText => "ParkPlan：面向经开区规划人员的桌面 GIS。示例地图为示意图，非测绘数据。",
        "ParkPlan: a desktop GIS for the planners of an economic-and-technological development zone. The sample map is illustrative, not survey data.";
    /// Close a window.
    Close => "关闭", "Close";

    // ---- shortcuts window
    /// Shortcut help.
    KeyOpen => "打开文件", "Open a file";
    /// Shortcut help.
    KeyFind => "查找企业、设施、项目、站点", "Find an enterprise, facility, project or stop";
    /// Shortcut help.
    KeyExport => "导出地图", "Export the map";
    /// Shortcut help.
    KeyEsc => "清除选择 / 结束工具", "Clear the selection / leave the tool";
    /// Shortcut help.
    KeyHome => "全图显示", "Zoom to all";
    /// Shortcut help.
    KeyArrows => "平移地图", "Pan the map";
    /// Shortcut help.
    KeyPlusMinus => "放大 / 缩小", "Zoom in / out";
    /// Shortcut help.
    KeyShiftDrag => "拉框放大", "Box zoom";
    /// Shortcut help.
    KeyWheel => "以光标为中心缩放", "Zoom around the cursor";
    /// Shortcut help.
    KeyDoubleClick => "结束测量", "Finish the measurement";

    // ---- loading
    /// Loading banner.
    Loading => "正在加载", "Loading";
    /// Cancel button.
    Cancel => "取消", "Cancel";
    /// Load was cancelled.
    LoadCancelled => "已取消加载", "Loading cancelled";
    /// Load failed (nothing loaded).
    LoadFailed => "无法加载", "Could not load";
    /// Drop hint.
    DropHint => "松开鼠标以打开这些文件", "Release to open these files";
    /// Startup with nothing loaded.
    NothingLoaded => "尚未打开地图。使用“文件 > 打开”或把 GeoJSON 文件拖到窗口中。",
        "No map open. Use File > Open or drop GeoJSON files onto the window.";
    /// File dialog filter name.
    FilterGeoJson => "GeoJSON 与清单文件", "GeoJSON and manifests";
    /// File dialog filter name.
    FilterAll => "所有文件", "All files";

    // ---- status bar
    /// Status bar.
    Lon => "经度", "Lon";
    /// Status bar.
    Lat => "纬度", "Lat";
    /// Status bar.
    Scale => "比例尺", "Scale";
    /// Status bar: planar coordinates.
    Planar => "平面坐标", "Planar";
    /// Status bar: nothing under cursor.
    OutsideMap => "光标不在地图上", "Cursor outside the map";

    // ---- layers panel
    /// Layers panel.
    Visible => "显示", "Visible";
    /// Layers panel.
    Opacity => "不透明度", "Opacity";
    /// Layers panel.
    Style => "样式", "Style";
    /// Layers panel.
    Labels => "标注", "Labels";
    /// Layers panel.
    MoveUp => "上移", "Move up";
    /// Layers panel.
    MoveDown => "下移", "Move down";
    /// Layers panel.
    Features => "要素", "features";
    /// Layers panel.
    Problems => "问题", "problems";
    /// Layers panel: role.
    RoleLabel => "类型", "Role";
    /// Layers panel: source.
    SourceLabel => "来源", "Source";
    /// Layers panel: crs.
    CrsLabel => "坐标系", "CRS";
    /// Layers panel: encoding.
    EncodingLabel => "编码", "Encoding";
    /// Layers panel: open table.
    OpenTable => "打开属性表", "Open attribute table";
    /// Layers panel: the collapsible details of a layer.
    LayerDetails => "样式与属性", "Style and details";
    /// Layers panel: legend header.
    Legend => "图例", "Legend";
    /// Layers panel: no layers.
    NoLayers => "没有图层", "No layers";

    // ---- import report
    /// Report: severity filter.
    SeverityAll => "全部", "All";
    /// Severity.
    SeverityRepaired => "已修复", "Repaired";
    /// Severity.
    SeverityWarning => "警告", "Warning";
    /// Severity.
    SeverityError => "错误", "Error";
    /// Report: clean.
    ReportClean => "导入没有发现问题。", "The import found no problems.";
    /// Report column.
    ColFile => "文件", "File";
    /// Report column.
    ColFeature => "要素", "Feature";
    /// Report column.
    ColMessage => "问题", "Problem";
    /// Report column.
    ColAction => "处理", "Action";
    /// Report: group by message.
    GroupByMessage => "按问题归类", "Group by problem";
    /// Report: has a location.
    ZoomHere => "定位", "Zoom to";

    // ---- inspector
    /// Inspector: nothing selected.
    NothingSelected => "在地图上单击要素以查看其属性。", "Click a feature on the map to see its attributes.";
    /// Inspector section.
    MappedFields => "字段映射", "Field mapping";
    /// Inspector section.
    OriginalProperties => "原始属性", "Original properties";
    /// Inspector: layer.
    LayerLabel => "图层", "Layer";
    /// Inspector: id.
    IdLabel => "编号", "Id";
    /// Inspector: geometry.
    GeometryLabel => "几何", "Geometry";
    /// Inspector: location.
    LocationLabel => "位置", "Location";
    /// Inspector: area.
    AreaLabel => "面积", "Area";
    /// Inspector: length.
    LengthLabel => "长度", "Length";
    /// Inspector: column header.
    PropertyCol => "属性", "Property";
    /// Inspector: column header.
    ValueCol => "值", "Value";
    /// Inspector: model field header.
    ModelFieldCol => "模型字段", "Model field";
    /// Empty value.
    NullValue => "（空）", "(null)";
    /// Inspector: extra members.
    ForeignMembers => "其他成员", "Other members";

    // ---- attribute table
    /// Table: filter box hint.
    FilterHint => "筛选（任一字段包含）", "Filter (any field contains)";
    /// Table: pick a layer.
    ChooseLayer => "选择图层", "Choose a layer";
    /// Table: rows shown.
    RowsShown => "行", "rows";
    /// Table: row number column.
    RowCol => "序号", "Row";

    // ---- search
    /// Search hint.
    SearchHint => "输入名称的任意部分", "Type any part of a name";
    /// Search: no results.
    NoResults => "没有找到", "Nothing found";
    /// Search: more results not shown.
    MoreResults => "还有更多结果，请输入更多文字", "More results: type more to narrow";
    /// Search: stop.
    KindStop => "公交站点", "Bus stop";

    // ---- measure
    /// Measure: instructions.
    MeasureHint => "单击添加点，双击或回车结束，Esc 取消", "Click to add points, double-click or Enter to finish, Esc to cancel";
    /// Measure result.
    Distance => "距离", "Distance";
    /// Measure result.
    Area => "面积", "Area";
    /// Measure result.
    Perimeter => "周长", "Perimeter";
    /// Measure: clear.
    Clear => "清除", "Clear";
    /// Measure: geodesic note.
    GeodesicNote => "椭球面（大地线）计算", "Geodesic on the ellipsoid";
    /// Measure: segments.
    Segments => "段", "segments";

    // ---- selection & identify
    /// Tooltip hint.
    ClickForDetails => "单击查看详情", "Click for details";
    /// Selection cleared.
    ClearSelection => "清除选择", "Clear selection";

    // ---- analysis & projects (filled when the analysis library lands)
    /// Placeholder shown until results exist.
    AnalysisUnavailable => "服务分析需要加载企业和服务设施图层。", "Service analysis needs enterprise and facility layers.";
}

/// The language of the operating system's locale: Chinese for any `zh*` locale,
/// English otherwise. On Linux `LC_ALL`, `LC_MESSAGES` and `LANG` are read first (as
/// the C library does); elsewhere the OS is asked through `sys-locale`.
pub fn system_lang() -> Lang {
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return lang_of_locale(&v);
        }
    }
    sys_locale::get_locale()
        .map(|l| lang_of_locale(&l))
        .unwrap_or(Lang::En)
}

/// Chinese for a locale name such as `zh_CN.UTF-8`, `zh-Hans-CN` or `zh_TW`, English
/// for anything else (including `C` and `POSIX`).
pub fn lang_of_locale(locale: &str) -> Lang {
    let l = locale.trim().to_ascii_lowercase();
    if l.starts_with("zh") || l.starts_with("chinese") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// "1,234 features" / "1,234 个要素".
pub fn fmt_count(lang: Lang, n: usize, what: Msg) -> String {
    match lang {
        Lang::Zh => format!("{} {}", group_digits(n), what.text(lang)),
        Lang::En => format!("{} {}", group_digits(n), what.text(lang)),
    }
}

/// Digits grouped by thousands: 100000 → "100,000".
pub fn group_digits(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The label of a severity.
pub fn severity_label(lang: Lang, s: crate::import::Severity) -> &'static str {
    use crate::import::Severity;
    match s {
        Severity::Repaired => Msg::SeverityRepaired.text(lang),
        Severity::Warning => Msg::SeverityWarning.text(lang),
        Severity::Error => Msg::SeverityError.text(lang),
    }
}

/// A model field's label in the given language.
pub fn field_label(lang: Lang, f: crate::model::Field) -> String {
    match lang {
        Lang::Zh => f.label_zh().to_string(),
        Lang::En => {
            // The stable code reads well enough in English: "land_use" → "land use".
            let mut s = f.code().replace('_', " ");
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs the bundled font does not have.
    const MISSING: &[char] = &['▸', '◂', '▴', '▾', '↶', '↷', '⌂', '⌫', '✎', '✗'];

    #[test]
    fn every_message_has_both_languages_and_known_glyphs() {
        for m in Msg::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let t = m.text(lang);
                assert!(!t.trim().is_empty(), "{m:?} is empty in {lang:?}");
                assert!(
                    !t.chars().any(|c| MISSING.contains(&c)),
                    "{m:?} uses a glyph the bundled font lacks: {t}"
                );
            }
        }
        // Chinese strings really are Chinese (or symbols); English ones have no CJK.
        assert_ne!(Msg::MenuFile.text(Lang::Zh), Msg::MenuFile.text(Lang::En));
        for m in Msg::ALL {
            assert!(
                !m.text(Lang::En)
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m:?} English text contains hanzi"
            );
        }
    }

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(lang_of_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(lang_of_locale("zh-Hans-CN"), Lang::Zh);
        assert_eq!(lang_of_locale("ZH_tw"), Lang::Zh);
        assert_eq!(lang_of_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(lang_of_locale("C"), Lang::En);
        assert_eq!(lang_of_locale(""), Lang::En);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(100_000), "100,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}

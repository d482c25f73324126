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
    /// File ▸ Open database (the team database, issue #17).
    OpenDatabase => "打开数据库…", "Open database…";
    /// The open-database dialog: the server's URL.
    DbUrl => "数据库地址", "Database URL";
    /// The open-database dialog: the park.
    DbPark => "园区名称", "Park name";
    /// The open-database dialog: the password (kept in memory only).
    DbPassword => "密码（不保存，可留空用 PGPASSWORD / .pgpass）", "Password (not saved; empty: PGPASSWORD / .pgpass)";
    /// The open-database dialog's button.
    DbOpen => "连接并打开", "Connect and open";
    /// File ▸ pull others' changes.
    DbPull => "刷新（拉取他人的修改）", "Refresh (pull others' changes)";
    /// File ▸ the change log.
    DbLog => "变更日志…", "Change log…";
    /// File ▸ save to the database.
    DbSave => "保存到数据库", "Save to database";
    /// The conflict dialog's title.
    DbConflictTitle => "保存冲突", "Save conflict";
    /// The conflict dialog's first line.
    DbConflictIntro => "这些要素在您打开后已被他人修改。尚未写入任何内容；请选择如何处理：", "These features were changed by someone else since you opened them. Nothing has been written yet; choose what to do:";
    /// Conflict table header.
    DbAttribute => "属性", "Attribute";
    /// Conflict table header.
    DbMine => "我的", "Mine";
    /// Conflict table header.
    DbTheirs => "他人的", "Theirs";
    /// Conflict table header: take this attribute from theirs.
    DbUseTheirs => "取他人的", "Use theirs";
    /// The geometry row of the conflict table.
    DbGeometry => "几何形状", "Geometry";
    /// A side that deleted the feature.
    DbDeleted => "（已删除）", "(deleted)";
    /// Conflict dialog button.
    DbKeepMine => "保留我的", "Keep mine";
    /// Conflict dialog button.
    DbTakeTheirs => "采用他人的", "Take theirs";
    /// Conflict dialog button.
    DbMerge => "合并（勾选项取他人的）", "Merge (ticked from theirs)";
    /// The change-log window's refresh button.
    DbReload => "重新读取", "Reload";
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
    /// Panel: site suggestion.
    PanelSiting => "选址", "Siting";
    /// Siting: the facility kind, or a route's stops.
    SitingWhat => "选址对象", "Site";
    /// Siting: new stops of a route.
    SitingStopsOf => "公交站点", "Bus stops of";
    /// Siting: how many sites.
    SitingCount => "数量", "Count";
    /// Siting: where candidates come from.
    SitingCandidates => "候选点", "Candidates";
    /// Siting: candidates along roads every N m.
    SitingAlongRoads => "沿道路每隔(m)", "Along roads every (m)";
    /// Siting: candidates at parcel centroids of a land use.
    SitingParcels => "用地性质地块中心", "Centroids of parcels of land use";
    /// Siting: weight.
    SitingWeight => "权重", "Weight";
    /// Siting: weight by enterprises.
    SitingByEnterprises => "企业数", "Enterprises";
    /// Siting: weight by employees.
    SitingByEmployees => "职工人数", "Employees";
    /// Siting: method.
    SitingMethod => "方法", "Method";
    /// Siting: greedy.
    SitingGreedy => "贪心+交换", "Greedy + swaps";
    /// Siting: exact.
    SitingExact => "精确(整数规划)", "Exact (integer programme)";
    /// Siting: reach.
    SitingReach => "可达范围", "Reach";
    /// Siting: by circle.
    SitingCircle => "服务半径", "Service radius";
    /// Siting: run.
    SitingRun => "计算选址", "Suggest sites";
    /// Siting: clear.
    SitingClear => "清除", "Clear";
    /// Siting: computing.
    SitingComputing => "正在计算选址…", "Computing sites…";
    /// Siting: add as proposed facility.
    SitingAddProposed => "添加为拟建设施", "Add as proposed facility";
    /// Siting: ranked sites.
    SitingRanked => "建议选址（按新增覆盖排序）", "Suggested sites (ranked by new coverage)";
    /// Siting: newly covered enterprises.
    SitingNewlyCovered => "新覆盖企业", "Newly covered";
    /// Living circles: heading.
    LivingCircles => "生活圈达标（GB 50180-2018）", "Living circles (GB 50180-2018)";
    /// Living circles: compliant residential parcels.
    LivingCompliant => "居住地块达标", "residential parcels compliant";
    /// Living circles: show the gap layer.
    LivingShowGaps => "地图显示缺口", "Show gaps on map";
    /// Living circles: non-compliant parcels.
    LivingMissing => "未达标地块", "Non-compliant parcels";
    /// Service circle: heading.
    ServiceCircle => "企业服务圈达标", "Enterprises' service circle";
    /// Service circle: compliant enterprises.
    ServiceCompliant => "企业达标", "enterprises compliant";
    /// Service circle: non-compliant enterprises.
    ServiceMissing => "未达标企业", "Non-compliant enterprises";
    /// Compliance measured along roads for the kinds named.
    WalkedAlongRoads => "沿道路步行测量", "walked along roads";
    /// Siting: what to maximise.
    SitingTarget => "目标", "Target";
    /// Siting target: coverage.
    SitingTargetCoverage => "新增覆盖最多", "Most newly covered";
    /// Siting target: living-circle compliance of a tier.
    SitingTargetLiving => "生活圈达标", "Living-circle compliance";
    /// Siting target: the enterprises' service circle.
    SitingTargetService => "企业服务圈达标", "Service-circle compliance";
    /// Siting: places newly compliant.
    SitingNewlyCompliant => "新达标", "Newly compliant";
    /// Siting: stops also on detours off the route, up to N m.
    SitingDetour => "允许绕行(m)", "Detours up to (m)";
    /// Siting: a stop's detour.
    SitingDetourOf => "绕行", "detour";
    /// Siting: minimum spacing between stops.
    SitingMinSpacing => "最小站距(m)", "Min. stop spacing (m)";
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
    /// A layer is drawn as a picture at this zoom.
    AggregatedAtThisZoom => "此比例尺下聚合显示（每像素一个符号，放大可见单个要素）：", "Drawn aggregated at this zoom (one symbol per pixel; zoom in for single features): ";
    /// The map of a park whose layers have no drawable geometry.
    NothingDrawable => "已载入图层，但没有可绘制的要素（坐标系无法识别或没有几何）：请查看导入报告", "Layers are loaded but none has a feature that can be drawn (unreadable CRS or no geometry): see the import report";
    /// The built-in file dialog's title when it asks for a folder.
    ChooseFolder => "选择文件夹", "Choose a folder";
    /// Help ▸ Guide.
    Guide => "使用指南", "Guide";
    /// The guide window: open the guide file with its screenshots.
    GuideWithPictures => "打开带截图的指南文件", "Open the guide file (with pictures)";
    /// About text.
    AboutText => "ParkPlan：面向经开区规划人员的桌面 GIS。示例地图为示意图，非测绘数据。",
        "ParkPlan: a desktop GIS for the planners of an economic-and-technological development zone. The sample map is illustrative, not survey data.";
    /// About: before the build date of a packaged build.
    BuiltOn => "构建于", "built";
    /// About: a build not made by the packaging scripts (no build date).
    DevBuild => "开发版本", "dev build";
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
    /// Shortcut keys.
    KeysShiftDrag => "Shift + 拖动", "Shift + drag";
    /// Shortcut keys.
    KeysWheel => "鼠标滚轮", "Wheel";
    /// Shortcut keys.
    KeysDoubleClick => "双击", "Double-click";
    /// The unit mu (亩).
    UnitMu => "亩", "mu";
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
    NothingLoaded => "尚未打开地图。使用“文件 > 打开”或把 GeoJSON、Shapefile、GeoPackage、坐标 TXT 或 GTFS（.zip）文件拖到窗口中。",
        "No map open. Use File > Open or drop GeoJSON, Shapefile, GeoPackage, coordinate TXT or GTFS (.zip) files onto the window.";
    /// File dialog filter name.
    FilterGeoJson => "GeoJSON、Shapefile、GeoPackage、坐标 TXT、GTFS 与清单文件",
        "GeoJSON, Shapefile, GeoPackage, coordinate TXT, GTFS and manifests";
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
    /// Style option.
    StyleLandUse => "按用地性质", "By land use";
    /// Style option.
    StyleStatus => "按审批状态", "By approval status";
    /// Style option.
    StyleSingle => "单一符号", "Single symbol";
    /// Style option.
    StyleStage => "按项目阶段", "By lifecycle stage";
    /// Style option.
    StyleEmployees => "按职工人数（分级）", "Graduated by employees";
    /// Style option.
    StyleKind => "按设施类型", "By facility kind";
    /// Style option.
    StyleRoadClass => "按道路等级", "By road class";
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
    RowCol => "行号", "Row";
    /// New stop off its route: redraw the route through it.
    RerouteThroughStop => "改线经过此站（线路长度和站距随之改变）", "Reroute the line through the stop (length and spacing change)";
    /// New stop off its route: keep the line, add a detour.
    KeepAsDetour => "保留原线路，绕行至此站（往返长度计入线路）", "Keep the line, detour to the stop (the extra length counts)";
    /// A stop without a name.
    StopNeedsName => "站名为空：添加时将自动命名（可在此填写）", "No stop name: one will be generated (or type one here)";
    /// Measure readout: the parcel measured.
    ParcelLabel => "地块", "Parcel";
    /// Measure readout: the parcel's declared area.
    DeclaredArea => "申报面积", "Declared area";
    /// The export preview: fit the whole page.
    FitPage => "适合页面", "Fit page";
    /// Clears the analysis overlay (the focus) from the map.
    ClearOverlay => "清除分析图层", "Clear analysis layer";

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
    /// Analysis panel: the spatial index is being built after opening a park.
    IndexBuilding => "正在建立空间索引，稍后开始分析…", "Building the spatial index; the analysis follows…";

    // ---- analysis, projects, inspector service info, export dialog
    /// Analysis tab.
    TabFacilities => "设施服务圈", "Facilities";
    /// Analysis tab.
    TabRoutes => "公交线路", "Bus routes";
    /// Analysis tab.
    TabGaps => "服务盲区", "Gaps";
    /// Analysis tab.
    TabRadii => "服务半径", "Radii";
    /// UI text.
    ExportMap => "导出地图", "Export map";
    /// UI text.
    Title => "标题", "Title";
    /// UI text.
    Subtitle => "副标题", "Subtitle";
    /// UI text.
    FromTheAnalysis => "（按分析内容）", "(from the analysis)";
    /// UI text.
    Organisation => "制图单位", "Organisation";
    /// UI text.
    Paper => "纸张", "Paper";
    /// UI text.
    Orientation => "方向", "Orientation";
    /// UI text.
    Landscape => "横向", "Landscape";
    /// UI text.
    Portrait => "纵向", "Portrait";
    /// UI text.
    Fit => "适合范围", "Fit";
    /// UI text.
    Extent => "范围", "Extent";
    /// UI text.
    AllFocus => "全部/分析焦点", "All / focus";
    /// UI text.
    CurrentView => "当前视图", "Current view";
    /// UI text.
    Grid => "坐标格网", "Grid";
    /// UI text.
    ExportButton => "导出…", "Export…";
    /// UI text.
    TheFontLacksCharacters => "字体缺少以下字符：", "The font lacks characters:";
    /// UI text.
    ExportAnyway => "仍然导出", "Export anyway";
    /// UI text.
    PDFDocument => "PDF 文档", "PDF document";
    /// UI text.
    SVGImage => "SVG 图形", "SVG image";
    /// UI text.
    PNGImage => "PNG 图片", "PNG image";
    /// UI text.
    PreparingThePreview => "正在生成预览…", "Preparing the preview…";
    /// UI text.
    AllKinds => "全部类型", "All kinds";
    /// UI text.
    FacilityKind => "设施类型", "Facility kind";
    /// UI text.
    FacilityName => "设施名称", "Facility name";
    /// UI text.
    PickAFacilityFromThe => "从列表或在地图上选择一个设施，查看其服务圈和覆盖的企业。", "Pick a facility from the list or on the map to see its service circle and the enterprises it covers.";
    /// UI text.
    RadiusLower => "服务半径", "radius";
    /// UI text.
    BusStops => "公交站点", "Bus stops";
    /// UI text.
    ChooseAKind => "选择设施类型", "Choose a kind";
    /// UI text.
    GapKind => "盲区类型", "Gap kind";
    /// UI text.
    ChooseAFacilityKindTo => "选择一种设施类型，查看不在任何该类设施服务圈内的企业。", "Choose a facility kind to see the enterprises no facility of that kind covers.";
    /// UI text.
    DistanceToTheNearestFacility => "距离：到最近一处该类设施", "Distance: to the nearest facility of the kind";
    /// UI text.
    Enterprise => "企业", "Enterprise";
    /// UI text.
    Staff => "职工", "Staff";
    /// UI text.
    PickARouteToSee => "选择一条线路，查看站点、覆盖范围和指标。", "Pick a route to see its stops, catchment band and figures.";
    /// UI text.
    RouteLength => "线路长度", "Length";
    /// UI text.
    StopCount => "站点数", "Stops";
    /// UI text.
    SpacingMeanMinMax => "站距 平均/最小/最大", "Spacing mean/min/max";
    /// UI text.
    Catchment => "覆盖半径", "Catchment";
    /// UI text.
    CoveredEnterprises => "覆盖企业", "Enterprises";
    /// UI text.
    CoveredEmployees => "覆盖职工", "Employees";
    /// UI text.
    StopsHeader => "站点", "Stops";
    /// UI text.
    Stop => "站名", "Stop";
    /// UI text.
    AtKm => "里程", "At km";
    /// UI text.
    EnterprisesInTheCatchment => "覆盖的企业", "Enterprises in the catchment";
    /// UI text.
    DefaultsFollowGB501802018 => "默认值依据 GB 50180-2018 与常用做法；修改后结果立即更新。", "Defaults follow GB 50180-2018 and common practice; results update as you change them.";
    /// UI text.
    Default => "默认", "Default";
    /// UI text.
    BusStopCatchment => "公交站点覆盖半径", "Bus-stop catchment";
    /// UI text.
    ResetAll => "全部恢复默认", "Reset all";
    /// UI text.
    ServedBy => "服务情况", "Served by";
    /// UI text.
    NearestFacilityOfEachKind => "各类最近设施", "Nearest facility of each kind";
    /// UI text.
    WithinTheServiceRadius => "在服务半径内", "within the service radius";
    /// UI text.
    BeyondTheServiceRadius => "超出服务半径", "beyond the service radius";
    /// UI text.
    BusRoutes => "公交线路", "Bus routes";
    /// UI text.
    NoneWord => "无", "none";
    /// UI text.
    NearestStop => "最近站点", "Nearest stop";
    /// UI text.
    EmployeesLower => "职工", "employees";
    /// UI text.
    ShowServiceCircle => "查看服务圈", "Show service circle";
    /// UI text.
    ProjectsByStage => "项目（按阶段）", "Projects by stage";
    /// UI text.
    NoStage => "未注明阶段", "No stage";
    /// UI text.
    ShowOnTheMap => "在地图上显示", "Show on the map";
    /// UI text.
    Secretaries => "项目秘书", "Secretaries";
    /// UI text.
    Project => "项目", "Project";
    /// UI text.
    InvestmentYi => "投资(亿元)", "Investment (CNY 100 M)";
    /// UI text.
    Phase => "分期", "Phase";
    /// UI text.
    Secretary => "秘书", "Secretary";
    /// UI text.
    Parcel => "地块", "Parcel";
    /// UI text.
    LocationDiffers => "（位置不符）", " (location differs)";
    /// UI text.
    LandByApprovalStatus => "用地（按审批状态）", "Land by approval status";
    /// UI text.
    Status => "状态", "Status";
    /// UI text.
    Parcels => "地块", "Parcels";
    /// UI text.
    AreaMu => "面积(亩)", "Area (mu)";
    /// UI text.
    Ha => "公顷", "ha";
    /// UI text.
    Total => "合计", "Total";
    /// UI text.
    AreasAreGeodesicFromThe => "面积按几何图形在椭球面上计算。", "Areas are geodesic, from the geometry.";
    /// UI text.
    ByLandUse => "按用地性质", "By land use";
    /// Column header: the land use (GB 50137 code and name).
    LandUse => "用地性质", "Land use";
    /// UI text.
    NotStated => "（未注明）", "(none)";

    // ---- planning projects, survey intake, editing, write-back (issue #6)
    /// File menu.
    NewProject => "新建工程", "New project";
    /// File menu.
    SaveProject => "保存工程", "Save project";
    /// File menu.
    SaveProjectAs => "工程另存为…", "Save project as…";
    /// File menu.
    RecentProjects => "最近工程", "Recent projects";
    /// Tooltip of File > Open.
    OpenHint => "GeoJSON（经导入对话框添加）、清单文件或 .parkplan 工程", "GeoJSON (added through the intake dialog), manifests or .parkplan projects";
    /// File menu.
    ExportTables => "导出分析表（CSV）…", "Export analysis tables (CSV)…";
    /// Ledger (issue #13).
    ExportDispatch => "导出周调度报告…", "Export weekly dispatch report…";
    /// Ledger (issue #13).
    DispatchFileName => "周调度", "weekly-dispatch";
    /// Ledger (issue #13).
    Ledger => "项目台账", "Project ledger";
    /// Ledger (issue #13).
    AsOfDay => "查看日期", "As of";
    /// Ledger (issue #13).
    Today => "今天", "Today";
    /// Ledger (issue #13).
    AsOfNote => "地图、图例与下列统计按所选日期显示", "The map, legend and figures below show the park on this day";
    /// Ledger (issue #13).
    StalledProjects => "滞后项目", "Stalled projects";
    /// Ledger (issue #13).
    NoStalled => "无滞后项目", "No stalled project";
    /// Ledger (issue #13).
    MissingDocuments => "缺少证件", "Missing documents";
    /// Ledger (issue #13).
    DaysOfLimit => "天数/时限", "Days/limit";
    /// Ledger (issue #13).
    Responsible => "责任人", "Responsible";
    /// Ledger (issue #13).
    RedLines => "三区三线与耕地", "Red lines and arable land";
    /// Ledger (issue #13).
    ArableQuotaOutstanding => "待落实耕地占补指标", "Arable quota outstanding";
    /// Ledger (issue #13).
    RedlineConflicts => "红线冲突", "Red-line conflicts";
    /// Ledger (issue #13).
    NoConstraintLayers => "未加载三区三线或耕地图层", "No red-line or arable layer loaded";
    /// Ledger (issue #13).
    DoubtfulDates => "存疑日期（未使用）", "Dates that could not be used";
    /// Ledger (issue #13).
    StageLimits => "阶段时限（天）", "Stage limits (days)";
    /// Ledger (issue #13).
    Stage => "阶段", "Stage";
    /// Ledger (issue #13).
    Mu => "亩", "mu";
    /// Ledger (issue #13).
    ArableQuota => "耕地占补指标", "Arable quota";
    /// Ledger (issue #13).
    NoLimitWhenZero => "0 表示该阶段不设时限（保存在工程中）", "0: no limit for this stage (saved with the project)";
    /// Ledger (issue #13).
    ZoomToIt => "单击缩放到该项目", "Click to zoom to it";
    /// File dialog filter.
    FilterProject => "ParkPlan 工程", "ParkPlan project";
    /// File dialog filter.
    FilterGeoJsonOnly => "GeoJSON", "GeoJSON";
    /// File dialog filter.
    FilterGpkg => "GeoPackage（QGIS）", "GeoPackage (QGIS)";
    /// File dialog filter.
    FilterLandTxt => "报批坐标 TXT（界址点）", "Land-approval coordinate TXT";
    /// File menu: every layer of the map into one GeoPackage.
    ExportGpkg => "导出地图为 GeoPackage…", "Export map as GeoPackage…";
    /// File menu: bus routes as a GTFS feed (issue #15).
    ExportGtfs => "导出 GTFS…", "Export GTFS…";
    /// GTFS dialog title.
    GtfsTitle => "导出 GTFS 公交数据", "Export GTFS feed";
    /// GTFS dialog.
    GtfsRoutes => "线路", "Routes";
    /// GTFS dialog.
    GtfsHeadway => "发车间隔（分钟）", "Headway (min)";
    /// GTFS dialog.
    GtfsServiceHours => "运营时间（HH:MM）", "Service hours (HH:MM)";
    /// GTFS dialog.
    GtfsDays => "运营日", "Service days";
    /// GTFS dialog.
    GtfsSpeed => "平均车速（km/h）", "Average speed (km/h)";
    /// GTFS dialog.
    GtfsDwell => "停站时间（秒）", "Dwell at each stop (s)";
    /// GTFS dialog.
    GtfsAgency => "运营单位", "Agency";
    /// GTFS dialog.
    GtfsAgencyUrl => "运营单位网址", "Agency URL";
    /// GTFS dialog.
    GtfsTimezone => "时区", "Time zone";
    /// GTFS dialog.
    GtfsValidity => "有效期（空：今天起一年）", "Valid (empty: a year from today)";
    /// GTFS dialog note.
    GtfsNote => "站点按沿线顺序，时间按距离与车速推算；环线回到首站。设置随工程保存。",
        "Stops in their order along the line, times from distance and speed; a loop returns to its first stop. Settings are saved with the project.";
    /// GTFS dialog button.
    GtfsExportButton => "导出…", "Export…";
    /// GTFS dialog: nothing chosen.
    GtfsNoRoute => "请至少选择一条线路", "Choose at least one route";
    /// GTFS: the feed was written (window title and status).
    GtfsWritten => "已导出 GTFS", "GTFS feed written";
    /// File dialog filter.
    FilterGtfs => "GTFS 数据包（.zip）", "GTFS feed (.zip)";
    /// Name of a project never saved.
    UntitledProject => "未命名工程", "Untitled project";
    /// Top menu.
    MenuEdit => "编辑", "Edit";
    /// Top menu.
    MenuLayer => "图层", "Layer";
    /// Edit menu.
    Undo => "撤销", "Undo";
    /// Edit menu.
    Redo => "重做", "Redo";
    /// Edit menu.
    DeleteSelected => "删除所选要素", "Delete selected feature";
    /// Layer menu.
    SaveSelectionTxt => "所选地块（或项目用地）另存为报批坐标 TXT…", "Save selected parcel (or project's land) as approval TXT…";
    /// Layer menu (issue #12).
    SaveSelectionTxtHint => "先在地图上选中一个地块或项目", "Select a parcel or a project on the map first";
    /// Layer menu (issue #12).
    ParcelsTxtFileName => "报批坐标", "parcels";
    /// Layer menu (issue #12).
    SaveLayerAsGeoJson => "另存为 GeoJSON / GeoPackage / TXT…", "Save as GeoJSON / GeoPackage / TXT…";
    /// Layer menu / tool bar: the layer new features go to.
    EditLayer => "编辑图层", "Edit layer";
    /// Tool.
    ToolEdit => "编辑要素", "Edit features";
    /// Tool.
    ToolAddPoint => "添加点", "Add point";
    /// Tool.
    ToolDrawPolygon => "绘制地块", "Draw parcel";
    /// Tool hint.
    ToolEditHint => "单击选择；拖动所选点以移动；拖动节点，拖动或单击边中点插入节点，右键删除节点", "Click to select; drag a selected point to move it; drag vertices, drag or click an edge midpoint to insert one, right-click to delete one";
    /// Tool hint.
    ToolAddPointHint => "在地图上单击，向编辑图层添加一个点并填写属性", "Click the map to add a point to the edit layer and fill in its attributes";
    /// Drawing hint.
    DrawHint => "单击添加节点，双击或回车结束，退格删除上一个节点，Esc 取消", "Click to add vertices, double-click or Enter to finish, Backspace removes the last, Esc cancels";
    /// Drawing readout.
    Vertices => "个节点", "vertices";
    /// Status words for edits.
    EditGeometry => "修改几何", "geometry change";
    /// Status words for edits.
    EditAttribute => "修改属性", "attribute change";
    /// Status words for edits.
    EditAdd => "添加要素", "added feature";
    /// Status words for edits.
    EditDelete => "删除要素", "deleted feature";
    /// Feature form title.
    NewFeature => "新增要素", "New feature";
    /// Feature form / inspector: a property not in the table yet.
    NewProperty => "新属性", "New property";
    /// Feature form button.
    AddFeatureOk => "添加", "Add";
    /// Unsaved-changes question.
    UnsavedTitle => "有未保存的更改", "Unsaved changes";
    /// Button.
    SaveButton => "保存", "Save";
    /// Button.
    DontSave => "不保存", "Don't save";
    /// Delete question.
    DeleteFeatureTitle => "删除要素", "Delete feature";
    /// Delete question.
    DeleteCanUndo => "可用 Ctrl+Z 撤销。", "Ctrl+Z undoes it.";
    /// Button.
    DeleteButton => "删除", "Delete";
    /// Layer write-back dialog.
    SaveLayerTitle => "图层另存为（GeoJSON、GeoPackage 或报批坐标 TXT）", "Save layer (GeoJSON, GeoPackage or coordinate TXT)";
    /// Layer write-back option.
    WriteRfc7946 => "RFC 7946 经纬度（WGS84，推荐）", "RFC 7946 lon/lat (WGS84, recommended)";
    /// Layer write-back option.
    WriteSourceCrs => "源坐标系（带 crs 成员）", "Source CRS (with a crs member)";
    /// Layer write-back note.
    WriteKeepsEverything => "保留全部原始属性、编号与其他成员。", "Every original property, id and foreign member is kept.";
    /// Button.
    ChooseFile => "选择文件…", "Choose file…";
    /// Overwrite question.
    OverwriteTitle => "覆盖源文件？", "Write over the source file?";
    /// Button.
    OverwriteButton => "覆盖（保留 .bak）", "Overwrite (keep .bak)";
    /// Recovery question.
    RecoveryTitle => "恢复未保存的工作", "Recover unsaved work";
    /// Button.
    RecoverButton => "恢复", "Recover";
    /// Button.
    DiscardButton => "丢弃", "Discard";
    /// Outside-path question.
    OutsideTitle => "工程引用了工程文件夹以外的文件", "The project refers to files outside its folder";
    /// Outside-path question.
    OutsideText => "以下图层的文件不在工程文件夹内，尚未加载：", "These layers' files are outside the project folder and were not loaded:";
    /// Button.
    LoadThemToo => "也加载这些文件", "Load them too";
    /// Button.
    DontLoad => "不加载", "Don't load";
    /// Error dialog.
    ErrorTitle => "出错了", "Something went wrong";
    /// Save failure.
    SaveFailed => "保存失败，原文件未改动。", "Saving failed; the previous file is unchanged.";
    /// Intake dialog.
    IntakeTitle => "导入调查数据", "Survey intake";
    /// Intake dialog.
    IntakeLayerName => "图层名称", "Layer name";
    /// Intake dialog.
    IntakeGuessedBecause => "推测依据", "Guessed because";
    /// Intake dialog.
    IntakeGuessWas => "原推测", "The guess was";
    /// Intake dialog.
    IntakeFirstValue => "示例值", "Sample value";
    /// Intake dialog: a field with no column.
    NotMapped => "（不映射）", "(not mapped)";
    /// Intake dialog.
    IntakePreview => "前几行", "First rows";
    /// Intake dialog.
    IntakeCrsGuessed => "推测的坐标系", "guessed CRS";
    /// Intake dialog.
    IntakeCrsUnknown => "无法判断坐标系：请从列表中选择", "The CRS cannot be told: pick it from the list";
    /// Intake dialog.
    IntakeCrsAuto => "按文件声明或推测", "As declared or guessed";
    /// Intake dialog.
    IntakeChooseCrs => "选择坐标系", "Choose CRS";
    /// Intake dialog.
    IntakePleaseConfirm => "请确认", "please confirm";
    /// Intake dialog.
    IntakeGcj02 => "GCJ-02 转 WGS84（高德/腾讯地图采集的数据）", "GCJ-02 to WGS84 (data digitised on Gaode/AMap or Tencent maps)";
    /// Intake dialog.
    IntakeGcj02Hint => "国内网络地图的坐标有几百米的偏移，勾选后按公开算法纠正。", "Chinese web maps are offset by up to a few hundred metres; this corrects it with the published algorithm.";
    /// Intake dialog: the datum-shift parameters of Xi'an 1980 / Beijing 1954 data.
    IntakeShift => "转换参数（3 或 7 个）", "Datum shift (3 or 7 parameters)";
    /// Intake dialog: what to type.
    IntakeShiftHint => "测绘成果附带的转换到 CGCS2000 的参数：ΔX ΔY ΔZ（米），7 参数时再加 旋转 X Y Z（秒）和 尺度（ppm），用逗号或空格分隔。",
        "The survey's parameters to CGCS2000: dX dY dZ (metres); for 7 parameters also the rotations X Y Z (arc-seconds) and the scale (ppm), separated by commas or spaces.";
    /// Intake dialog: rotation convention.
    IntakePositionVector => "位置矢量（布尔莎，PROJ 与多数国内软件）", "Position vector (Bursa-Wolf; PROJ, most Chinese software)";
    /// Intake dialog: rotation convention.
    IntakeCoordinateFrame => "坐标框架（旋转符号相反，ArcGIS）", "Coordinate frame (rotations of opposite sign; ArcGIS)";
    /// Intake dialog: the row of a file holding several kinds of geometry.
    IntakeSplit => "几何类型", "Geometry kinds";
    /// Intake dialog: split such a file.
    IntakeSplitByGeometry => "按几何类型拆分为多个图层", "Split into one layer per kind of geometry";
    /// Intake dialog.
    IntakeCentre => "数据中心", "Data centre";
    /// Intake dialog.
    IntakeFarAway => "数据离当前地图很远，请检查坐标系。", "The data is far from the open map: check the CRS.";
    /// Intake dialog button.
    IntakeAdd => "添加到当前地图", "Add to the map";
    /// Intake dialog button.
    IntakeReplace => "作为新地图打开", "Open as a new map";
    /// Intake dialog button (nothing open).
    IntakeOpen => "打开", "Open";
    /// Inspector: attribute editing switch.
    EditAttributes => "编辑属性", "Edit attributes";
    /// Inspector button.
    AddProperty => "添加属性", "Add property";
    /// Inspector / layers panel button.
    DeleteFeatureButton => "删除要素", "Delete feature";
    /// Shortcut help.
    KeySave => "保存工程（Shift：另存为）", "Save the project (Shift: save as)";
    /// Shortcut help.
    KeyUndo => "撤销", "Undo";
    /// Shortcut help.
    KeyRedo => "重做", "Redo";
    /// Shortcut help.
    KeyDelete => "删除所选要素", "Delete the selected feature";
    /// Shortcut help.
    KeyEnterFinish => "结束绘制", "Finish drawing";
    /// Feature form: the list of values in use.
    ChooseValue => "选择已有值", "choose a value in use";
    /// File menu: forget the recent projects.
    ClearRecentProjects => "清除最近工程", "Clear recent projects";

    // ---- Isochrones (issue #7). Keep this block at the end of the table.
    /// How a facility kind's reach is shown (label before the switch).
    ReachHow => "服务范围", "Reach";
    /// Reach shown as the service circle.
    ReachCircle => "圆形服务圈", "Circle";
    /// Reach shown as an isochrone along roads.
    ReachIsochrone => "等时圈（沿道路）", "Isochrone (along roads)";
    /// Travel time choice (label).
    TravelTime => "时间", "Time";
    /// Travel mode choice (label).
    TravelModeLabel => "方式", "Mode";
    /// Walking.
    ModeWalk => "步行", "Walk";
    /// E-bike.
    ModeEbike => "电动车", "E-bike";
    /// While the road graph is built.
    BuildingNetwork => "正在构建路网…", "Building the road network…";
    /// While the isochrones are computed.
    ComputingIsochrones => "正在沿道路计算等时圈…", "Computing isochrones along roads…";
    /// The network could not be built.
    NetworkFailed => "路网无法构建：", "The road network could not be built: ";
    /// No roads.
    NoRoads => "没有道路图层，无法计算等时圈。", "There is no roads layer: isochrones need one.";
    /// Table header: the enterprises a circle claims but the isochrone does not reach.
    FalseCoverageHeader => "误覆盖企业（圆内，但限时内沿道路到不了）", "False coverage (in the circle, not reached along roads)";
    /// Table header.
    BeyondCircleHeader => "圆外可达企业", "Reached beyond the circle";
    /// Table header.
    ReachedHeader => "等时圈内全部企业", "All enterprises reached";
    /// Column: straight-line distance.
    StraightLine => "直线", "Straight";
    /// Column: travel time along roads.
    AlongRoads => "沿路用时", "Along roads";
    /// A facility far from every road.
    FacilityOffNetwork => "该设施距离道路过远，未接入路网：等时圈为空，圆内企业全部计为误覆盖。", "This facility is too far from every road: its isochrone is empty and everything in its circle counts as false coverage.";
    /// A facility on an isolated road piece.
    FacilityIsolated => "该设施位于孤立路段，与主路网不连通（见“路网”页）。", "This facility is on a road piece not joined to the main network (see the Roads tab).";
    /// Analysis tab: the road network and its problems.
    TabNetwork => "路网", "Roads";
    /// Network problems header.
    DisconnectedPieces => "孤立路段（与主路网不连通）", "Road pieces not joined to the main network";
    /// Network problems header.
    UnreachableEnterprises => "无法到达的企业（距离道路过远）", "Enterprises too far from any road";
    /// Network problems header.
    FacilitiesOffNetwork => "远离道路的设施", "Facilities far from every road";
    /// Network problems header.
    FacilitiesIsolated => "位于孤立路段的设施", "Facilities on isolated road pieces";
    /// No network problems.
    NoNetworkProblems => "路网连通，所有企业和设施都能到达道路。", "The network is connected; every enterprise and facility can reach a road.";
    /// Speed setting.
    WalkSpeed => "步行速度", "Walking speed";
    /// Speed setting.
    EbikeSpeed => "电动车速度", "E-bike speed";
    /// Setting: the farthest an enterprise may be from a road.
    MaxAccess => "到道路最远", "Farthest from a road";
    /// Setting: half-width of the drawn band.
    BandWidth => "等时圈带宽（单侧）", "Band half-width";
    /// How isochrones are measured.
    IsochroneMethod => "等时圈按道路网最短路计算：路段长度为椭球测地线长度；设施和企业到最近道路的一段按步行速度计入；电动车不超过道路限速；高速公路和快速路不可步行或骑行。", "Isochrones follow the shortest paths along the road network: segment lengths are geodesic on the ellipsoid; the leg from a facility or enterprise to its nearest road is walked; e-bikes keep to speed limits; motorways and expressways are closed to walking and cycling.";
    /// Column: distance to the nearest road.
    ToNearestRoad => "到道路", "To road";
    /// The whole network's figures (header).
    NetworkFigures => "路网概况", "Network";
    /// Button: fit the map to the isochrone and the circle.
    ZoomToIsochrone => "缩放到等时圈", "Zoom to the isochrone";
    /// Legend: reached enterprises.
    ReachedShort => "可达企业", "Reached";
    /// Legend: falsely covered enterprises.
    FalseCoverageShort => "误覆盖企业（圆内不可达）", "False coverage (in circle, not reached)";
}

/// The version line of Help > About: the Cargo version and the build date that the
/// packaging scripts set in `PARKPLAN_BUILD_DATE` at compile time ("dev build" without).
pub fn fmt_version(lang: Lang) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match option_env!("PARKPLAN_BUILD_DATE").filter(|d| !d.trim().is_empty()) {
        Some(date) => format!("ParkPlan {version} ({} {date})", Msg::BuiltOn.text(lang)),
        None => format!("ParkPlan {version} ({})", Msg::DevBuild.text(lang)),
    }
}

/// The language of the operating system's locale: Chinese for any `zh*` locale,
/// English otherwise. On Linux `LC_ALL`, `LC_MESSAGES` and `LANG` are read first (as
/// the C library does); elsewhere the OS is asked through `sys-locale`.
pub fn system_lang() -> Lang {
    Lang::from_env()
        .or_else(|| sys_locale::get_locale().map(|l| lang_of_locale(&l)))
        .unwrap_or(Lang::En)
}

/// Chinese for a locale name such as `zh_CN.UTF-8`, `zh-Hans-CN` or `zh_TW`, English
/// for anything else (including `C` and `POSIX`).
pub fn lang_of_locale(locale: &str) -> Lang {
    Lang::of_locale(locale)
}

/// One part of a file split by geometry: "线 12 个" / "12 lines".
pub fn fmt_part(lang: Lang, kind: &str, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{kind} {} 个", group_digits(n)),
        Lang::En => format!("{} {kind}", group_digits(n)),
    }
}

/// "覆盖企业 12 家" / "Enterprises covered: 12" (the facility view; tests compare it
/// with the library's answer).
pub fn fmt_covered(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("覆盖企业 {} 家", group_digits(n)),
        Lang::En => format!("Enterprises covered: {}", group_digits(n)),
    }
}

/// "职工 1,200 人" / "1,200 employees".
pub fn fmt_employees(lang: Lang, n: u64) -> String {
    let n = group_digits(n as usize);
    match lang {
        Lang::Zh => format!("职工 {n} 人"),
        Lang::En => format!("{n} employees"),
    }
}

/// The gaps summary: enterprises not covered, their share and employees.
pub fn fmt_uncovered(lang: Lang, n: usize, percent: f64, employees: u64) -> String {
    let (n, e) = (group_digits(n), group_digits(employees as usize));
    match lang {
        Lang::Zh => format!("未覆盖企业 {n} 家（占 {percent:.1}%），职工 {e} 人"),
        Lang::En => format!("{n} enterprises not covered ({percent:.1}%), {e} employees"),
    }
}

/// A route in the route list: "KW6 · 83 站 · 57.00 km".
pub fn fmt_route_row(lang: Lang, name: &str, stops: usize, length: &str) -> String {
    match lang {
        Lang::Zh => format!("{name}  ·  {stops} 站  ·  {length}"),
        Lang::En => format!("{name}  ·  {stops} stops  ·  {length}"),
    }
}

/// "在 3 处设施的服务圈内" / "Within the service circle of 3 facilities".
pub fn fmt_within_circles(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("在 {n} 处设施的服务圈内"),
        Lang::En => format!("Within the service circle of {n} facilities"),
    }
}

/// "半径 500 m" / "radius 500 m".
pub fn fmt_radius(lang: Lang, m: f64) -> String {
    match lang {
        Lang::Zh => format!("半径 {m:.0} m"),
        Lang::En => format!("radius {m:.0} m"),
    }
}

/// The inspector's button to show a route in the analysis panel.
pub fn fmt_show_route(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => format!("查看线路 {name} 的站点与覆盖"),
        Lang::En => format!("Show route {name}: stops and catchment"),
    }
}

/// "共 27 个项目，总投资 512.0 亿元".
pub fn fmt_projects_total(lang: Lang, n: usize, investment_yi: f64) -> String {
    match lang {
        Lang::Zh => format!("共 {n} 个项目，总投资 {investment_yi:.1} 亿元"),
        Lang::En => format!(
            "{n} projects, total investment CNY {} M",
            crate::model::units::grouped(investment_yi * 100.0, 0)
        ),
    }
}

/// A lifecycle stage's header: "在建：7 个，230.0 亿元".
pub fn fmt_stage_row(lang: Lang, stage: &str, n: usize, investment_yi: f64) -> String {
    match lang {
        Lang::Zh => format!("{stage}：{n} 个，{investment_yi:.1} 亿元"),
        Lang::En => format!(
            "{stage}: {n}, CNY {} M",
            crate::model::units::grouped(investment_yi * 100.0, 0)
        ),
    }
}

/// What an export wrote.
pub fn fmt_exported(lang: Lang, path: &str, bytes: usize, scale: f64) -> String {
    match lang {
        Lang::Zh => format!("已导出 {path}（{bytes} 字节，比例尺 1:{scale:.0}）"),
        Lang::En => format!("Exported {path} ({bytes} bytes, scale 1:{scale:.0})"),
    }
}

/// After a save to the team database.
pub fn fmt_db_saved(lang: Lang, written: usize) -> String {
    match lang {
        Lang::Zh => format!("已保存到数据库：{written} 处修改"),
        Lang::En => format!("Saved to the database: {written} change(s)"),
    }
}

/// After a pull (刷新) from the team database.
pub fn fmt_db_pulled(
    lang: Lang,
    updated: usize,
    added: usize,
    removed: usize,
    kept: usize,
) -> String {
    match lang {
        Lang::Zh => format!(
            "已刷新：更新 {updated}，新增 {added}，删除 {removed}；保留您未保存的修改 {kept} 处"
        ),
        Lang::En => format!(
            "Refreshed: {updated} updated, {added} added, {removed} removed; {kept} of your unsaved edits kept"
        ),
    }
}

/// A database error, worded for the planner.
pub fn fmt_db_error(lang: Lang, message: &str) -> String {
    match lang {
        Lang::Zh => format!("数据库：{message}"),
        Lang::En => format!("Database: {message}"),
    }
}

/// "已打开 X：8 个图层，1,234 个要素（0.4 秒）" / "Opened X: 8 layers, 1,234 features (0.4 s)".
pub fn fmt_loaded(lang: Lang, park: &str, layers: usize, features: usize, seconds: f64) -> String {
    match lang {
        Lang::Zh => format!(
            "已打开 {park}：{layers} 个图层，{} 个要素（{seconds:.1} 秒）",
            group_digits(features)
        ),
        Lang::En => format!(
            "Opened {park}: {layers} layers, {} features ({seconds:.1} s)",
            group_digits(features)
        ),
    }
}

/// Digits grouped by thousands: 100000 → "100,000".
pub fn group_digits(n: usize) -> String {
    crate::model::units::thousands(n as u64)
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

// ---- planning projects, survey intake, editing, write-back (issue #6)

/// "已保存 X" / "Saved X".
pub fn fmt_saved(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => format!("已保存 {path}"),
        Lang::En => format!("Saved {path}"),
    }
}

/// The unsaved-changes question.
pub fn fmt_unsaved(lang: Lang, project: &str) -> String {
    match lang {
        Lang::Zh => format!("工程“{project}”有未保存的更改。是否保存？"),
        Lang::En => format!("The project \"{project}\" has unsaved changes. Save them?"),
    }
}

/// The delete question.
pub fn fmt_delete_feature(lang: Lang, name: &str, layer: &str) -> String {
    match lang {
        Lang::Zh => format!("删除图层“{layer}”中的要素“{name}”？"),
        Lang::En => format!("Delete the feature \"{name}\" of layer \"{layer}\"?"),
    }
}

/// The overwrite question.
pub fn fmt_overwrite_source(lang: Lang, path: &str) -> String {
    match lang {
        Lang::Zh => format!("{path} 是该图层的源文件（调查成果）。覆盖它吗？原文件将保留为 .bak。"),
        Lang::En => format!(
            "{path} is the layer's source file (the survey delivery). Write over it? The previous file is kept as .bak."
        ),
    }
}

/// The recovery offer.
pub fn fmt_recovery(lang: Lang, project: &str, seconds_ago: u64) -> String {
    let ago = if seconds_ago < 60 {
        match lang {
            Lang::Zh => "刚刚".to_string(),
            Lang::En => "just now".to_string(),
        }
    } else if seconds_ago >= 3600 {
        match lang {
            Lang::Zh => format!("{} 小时前", seconds_ago / 3600),
            Lang::En => format!("{} h ago", seconds_ago / 3600),
        }
    } else {
        match lang {
            Lang::Zh => format!("{} 分钟前", seconds_ago / 60),
            Lang::En => format!("{} min ago", seconds_ago / 60),
        }
    };
    match lang {
        Lang::Zh => format!(
            "ParkPlan 上次没有正常退出。找到“{project}”的自动保存（{ago}）。恢复这些工作吗？"
        ),
        Lang::En => format!(
            "ParkPlan did not close properly last time. An autosave of \"{project}\" was found ({ago}). Recover that work?"
        ),
    }
}

/// A layer was written.
pub fn fmt_layer_written(lang: Lang, layer: &str, path: &str) -> String {
    match lang {
        Lang::Zh => format!("图层“{layer}”已写入 {path}"),
        Lang::En => format!("Layer \"{layer}\" written to {path}"),
    }
}

/// CSV tables were written.
pub fn fmt_tables_written(lang: Lang, n: usize, dir: &str) -> String {
    match lang {
        Lang::Zh => format!("已导出 {n} 个 CSV 表（UTF-8 带 BOM）到 {dir}"),
        Lang::En => format!("Exported {n} CSV tables (UTF-8 with BOM) to {dir}"),
    }
}

/// The dispatch report was written.
pub fn fmt_dispatch_written(lang: Lang, path: &str, day: &str, stalled: usize) -> String {
    match lang {
        Lang::Zh => format!("已导出周调度报告（截至 {day}，滞后项目 {stalled} 个）到 {path}"),
        Lang::En => format!("Weekly dispatch report ({day}, {stalled} stalled) written to {path}"),
    }
}

/// A layer was added from the intake dialog.
pub fn fmt_layer_added(lang: Lang, layer: &str, features: usize) -> String {
    match lang {
        Lang::Zh => format!("已添加图层“{layer}”（{} 个要素）", group_digits(features)),
        Lang::En => format!(
            "Added layer \"{layer}\" ({} features)",
            group_digits(features)
        ),
    }
}

/// "已撤销：修改几何" / "Undone: geometry change".
pub fn fmt_undone(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Zh => format!("已撤销：{what}"),
        Lang::En => format!("Undone: {what}"),
    }
}

/// "已重做：…" / "Redone: …".
pub fn fmt_redone(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Zh => format!("已重做：{what}"),
        Lang::En => format!("Redone: {what}"),
    }
}

/// A geometry the edit layer does not take.
pub fn fmt_wrong_geometry(lang: Lang, layer: &str, geometry: &str) -> String {
    match lang {
        Lang::Zh => format!("图层“{layer}”不能添加 {geometry}：请在工具栏选择合适的编辑图层"),
        Lang::En => format!(
            "Layer \"{layer}\" does not take a {geometry}: choose another edit layer in the tool bar"
        ),
    }
}

/// The new-stop form's offer to renumber the route's later stops.
pub fn fmt_renumber_stops(lang: Lang, route: &str, n: usize) -> String {
    match lang {
        Lang::Zh => format!("线路 {route} 其后 {n} 个站点序号顺延（+1）"),
        Lang::En => format!("Renumber the {n} later stops of {route} (+1)"),
    }
}

/// The intake's problem count.
pub fn fmt_intake_problems(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("读取时发现 {n} 个问题，添加后见导入报告。"),
        Lang::En => format!("Reading found {n} problems; the import report lists them once added."),
    }
}

/// "距当前地图 1.2 km" / "1.2 km from the open map".
pub fn fmt_from_map(lang: Lang, distance: &str) -> String {
    match lang {
        Lang::Zh => format!("距当前地图 {distance}"),
        Lang::En => format!("{distance} from the open map"),
    }
}

// ---- Isochrones (issue #7): sentences with numbers. Keep this block last.

/// "圆内企业 40 家" / "In the circle: 40".
pub fn fmt_in_circle(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("圆内企业 {} 家", group_digits(n)),
        Lang::En => format!("In the circle: {}", group_digits(n)),
    }
}

/// "步行15分钟可达 14 家" / "Reached on a 15-minute walk: 14" (`what` from
/// `IsochroneSpec::describe`).
pub fn fmt_reached(lang: Lang, what: &str, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{what}可达 {} 家", group_digits(n)),
        Lang::En => format!("Reached on a {what}: {}", group_digits(n)),
    }
}

/// "误覆盖 26 家" / "False coverage: 26".
pub fn fmt_false_coverage(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("误覆盖 {} 家", group_digits(n)),
        Lang::En => format!("False coverage: {}", group_digits(n)),
    }
}

/// "圆外可达 3 家" / "Beyond the circle: 3".
pub fn fmt_beyond_circle(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("圆外可达 {} 家", group_digits(n)),
        Lang::En => format!("Beyond the circle: {}", group_digits(n)),
    }
}

/// "圆内职工 8,802 人" / "In the circle: 8,802 employees".
pub fn fmt_employees_in_circle(lang: Lang, n: u64) -> String {
    let n = group_digits(n as usize);
    match lang {
        Lang::Zh => format!("圆内职工 {n} 人"),
        Lang::En => format!("In the circle: {n} employees"),
    }
}

/// "可达职工 2,465 人" / "Reached: 2,465 employees".
pub fn fmt_employees_reached(lang: Lang, n: u64) -> String {
    let n = group_digits(n as usize);
    match lang {
        Lang::Zh => format!("可达职工 {n} 人"),
        Lang::En => format!("Reached: {n} employees"),
    }
}

/// "距 KW6 线路 221 m（超出 60 m）" / "221 m from route KW6 (beyond 60 m)".
pub fn fmt_stop_from_route(lang: Lang, route: &str, metres: f64) -> String {
    let limit = crate::model::route_fit::ROUTE_TOLERANCE_M;
    let off = metres > limit;
    match (lang, off) {
        (Lang::Zh, false) => format!("距 {route} 线路 {metres:.0} m"),
        (Lang::Zh, true) => {
            format!("站点距 {route} 线路 {metres:.0} m，超出 {limit:.0} m：不在线路上")
        }
        (Lang::En, false) => format!("{metres:.0} m from route {route}"),
        (Lang::En, true) => {
            format!("{metres:.0} m from route {route}, beyond {limit:.0} m: not on the route")
        }
    }
}

/// "站名为空，已自动命名为 …" / "The stop had no name: named …".
pub fn fmt_auto_named(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => format!("站名为空，已自动命名为 “{name}”"),
        Lang::En => format!("The stop had no name: named \"{name}\""),
    }
}

/// "566.34 亩（实测 566.30 亩，差 0.04 亩）" / "566.34 mu (measured 566.30 mu, 0.04 mu apart)".
pub fn fmt_declared_vs_measured(lang: Lang, declared: f64, measured: f64) -> String {
    let g = |x: f64| crate::model::units::grouped(x, 2);
    let diff = (declared - measured).abs();
    match lang {
        Lang::Zh => format!(
            "{} 亩（实测 {} 亩，差 {} 亩）",
            g(declared),
            g(measured),
            g(diff)
        ),
        Lang::En => format!(
            "{} mu (measured {} mu, {} mu apart)",
            g(declared),
            g(measured),
            g(diff)
        ),
    }
}

/// "15 分钟" / "15 min".
pub fn fmt_minutes(lang: Lang, m: f64) -> String {
    match lang {
        Lang::Zh => format!("{m:.0} 分钟"),
        Lang::En => format!("{m:.0} min"),
    }
}

/// "按步行15分钟等时圈（沿道路）统计" / "Counted by the 15-minute walk along roads".
pub fn fmt_counted_by(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Zh => format!("按{what}等时圈（沿道路）统计"),
        Lang::En => format!("Counted by the {what} along roads"),
    }
}

/// "路网：4,212 个节点，4,295 段，228.6 km，2 个连通片（0.4 秒）".
pub fn fmt_network(
    lang: Lang,
    nodes: usize,
    edges: usize,
    km: f64,
    pieces: usize,
    seconds: f64,
) -> String {
    let (n, e) = (group_digits(nodes), group_digits(edges));
    match lang {
        Lang::Zh => {
            format!("{n} 个节点，{e} 段，{km:.1} km，{pieces} 个连通片（{seconds:.2} 秒）")
        }
        Lang::En => {
            format!("{n} nodes, {e} segments, {km:.1} km, {pieces} pieces ({seconds:.2} s)")
        }
    }
}

/// A disconnected piece: "三八洲岛内路：2.5 km，46 个节点".
pub fn fmt_piece(lang: Lang, roads: &str, km: f64, nodes: usize) -> String {
    match lang {
        Lang::Zh => format!("{roads}：{km:.2} km，{nodes} 个节点"),
        Lang::En => format!("{roads}: {km:.2} km, {nodes} nodes"),
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

//! The weekly dispatch report (周调度): a meeting-ready document of the park's projects
//! and land on a day.
//!
//! Page 1 is the overview map (the same page layout as every printed map) with the
//! projects coloured by their stage on the day and the stalled ones flagged, the stage
//! counts in its statistics table. Then pages of charts and tables flowing down the
//! page: the stage funnel and land approval per year ([`crate::render::charts`], the
//! same drawings the desktop shows), the stalled projects with days, responsible
//! person and missing documents, what moved since the last report, the projects of
//! each stage, land conflicts and the arable quota, the project timelines and the
//! dates that could not be used. With `atlas`, one page per project: its site map at a
//! fitting scale with its parcels, its stage, documents and land figures.
//!
//! Every page is a [`Page`] drawn by the shared renderer; [`write_pdf`] puts them in
//! one PDF (text extractable, the CJK font embedded).

use std::path::Path;

use super::layout::{
    LegendBlock, LegendRow, MapFocus, Orientation, Page, PageSpec, Paper, StatsTable, compose_page,
    mm_to_pt,
};
use super::{ExportError, fonts::FontMeasure};
use crate::analysis::ParkAnalysis;
use crate::analysis::constraints::KINDS;
use crate::analysis::ledger::{Ledger, ProjectStatus};
use crate::model::date::Date;
use crate::model::{Document, Lang, LifecycleStage, Park, SquareMeters};
use crate::render::charts::{self, STALLED};
use crate::render::labels::TextMeasure;
use crate::render::style::{Rgba, Stroke};
use crate::render::view::WorldRect;
use crate::render::{HAlign, MapStyles, ProjectedPark, Scene, ScreenRect};

/// What the dispatch document is asked to be.
#[derive(Debug, Clone)]
pub struct DispatchSpec {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// Language of the headings.
    pub lang: Lang,
    /// The previous report's day: what moved since then is listed.
    pub since: Option<Date>,
    /// One page per project.
    pub atlas: bool,
    /// Title (default: the park's name and 项目周调度).
    pub title: Option<String>,
    /// Organisation line.
    pub organisation: Option<String>,
}

impl Default for DispatchSpec {
    fn default() -> DispatchSpec {
        DispatchSpec {
            paper: Paper::A3,
            orientation: Orientation::Landscape,
            lang: Lang::Zh,
            since: None,
            atlas: false,
            title: None,
            organisation: None,
        }
    }
}

/// What the document is made of.
#[derive(Clone, Copy)]
pub struct DispatchInput<'a> {
    /// The park as it stood on the ledger's day ([`crate::analysis::ledger::park_as_of`]).
    pub park: &'a Park,
    /// That park projected for drawing.
    pub projected: &'a ProjectedPark,
    /// Map styles.
    pub styles: &'a MapStyles,
    /// The analysis with the ledger on the day (record indices as in `park`).
    pub analysis: &'a ParkAnalysis,
}

fn t(lang: Lang, zh: &str, en: &str) -> String {
    lang.pick(zh, en).to_string()
}

fn mu_text(m2_or_mu: f64) -> String {
    format!("{m2_or_mu:.1}")
}

/// The map's statistics: projects per stage on the day, stalled, quota, conflicts.
fn overview_stats(park: &Park, l: &Ledger, lang: Lang) -> StatsTable {
    let mut rows: Vec<(String, String)> = l
        .funnel(park)
        .into_iter()
        .map(|(s, n, inv)| {
            (
                s.label(lang).to_string(),
                match lang {
                    Lang::Zh => format!("{n} 个 · {inv:.1} 亿元"),
                    Lang::En => format!("{n} · {inv:.1} 亿元"),
                },
            )
        })
        .collect();
    let stalled = l.stalled().len();
    rows.push((t(lang, "滞后项目", "Stalled"), format!("{stalled}")));
    let quota: f64 = l
        .projects
        .iter()
        .filter(|p| p.quota_outstanding)
        .filter_map(|p| p.arable_quota_mu)
        .sum();
    if l.projects.iter().any(|p| p.arable_quota_mu.is_some()) {
        rows.push((
            t(lang, "待落实耕地指标(亩)", "Arable quota outstanding (mu)"),
            mu_text(quota),
        ));
    }
    let conflict: f64 = l
        .projects
        .iter()
        .filter_map(|p| p.redline_conflict_mu)
        .sum();
    if l.projects.iter().any(|p| p.redline_conflict_mu.is_some()) {
        rows.push((
            t(lang, "红线冲突(亩)", "Red-line conflicts (mu)"),
            mu_text(conflict),
        ));
    }
    StatsTable {
        title: match lang {
            Lang::Zh => format!("项目阶段（截至 {}）", l.as_of.chinese()),
            Lang::En => format!("Projects by stage on {}", l.as_of),
        },
        rows,
    }
}

/// The features of the stalled projects.
fn stalled_features(park: &Park, l: &Ledger) -> Vec<crate::model::FeatureRef> {
    l.stalled()
        .iter()
        .map(|s| park.projects[s.project as usize].feature)
        .collect()
}

/// Builds every page of the dispatch document.
pub fn dispatch_pages(input: &DispatchInput, spec: &DispatchSpec) -> Vec<Page> {
    let (park, l) = (input.park, &input.analysis.ledger);
    let lang = spec.lang;
    let title = spec.title.clone().unwrap_or_else(|| match lang {
        Lang::Zh => format!("{} 项目周调度", park.name),
        Lang::En => format!("{} weekly dispatch", park.name),
    });
    let day = match lang {
        Lang::Zh => l.as_of.chinese(),
        Lang::En => l.as_of.to_string(),
    };
    let page_spec = PageSpec {
        paper: spec.paper,
        orientation: spec.orientation,
        title: title.clone(),
        subtitle: Some(match (lang, spec.since) {
            (Lang::Zh, Some(s)) => format!("截至 {day}（上期 {}）· 红框为滞后项目", s.chinese()),
            (Lang::Zh, None) => format!("截至 {day} · 红框为滞后项目"),
            (Lang::En, Some(s)) => {
                format!("On {day} (previous report {s}) · stalled projects flagged")
            }
            (Lang::En, None) => format!("On {day} · stalled projects flagged"),
        }),
        date: Some(day.clone()),
        organisation: spec.organisation.clone(),
        lang,
        ..PageSpec::default()
    };
    let theme = &input.styles.theme;
    let stalled = stalled_features(park, l);
    let focus = MapFocus {
        overlays: crate::render::Overlays {
            flagged: stalled.clone(),
            ..Default::default()
        },
        stats: Some(overview_stats(park, l, lang)),
        legend: Some(LegendBlock {
            title: Some(t(lang, "调度标记", "Dispatch marks")),
            rows: vec![LegendRow::marker(
                t(lang, "滞后项目", "Stalled project"),
                theme.flagged_shape,
                9.0,
                theme.flagged_fill,
                1.2,
                Some(stalled.len()),
            )],
        }),
        ..MapFocus::default()
    };
    let mut pages = vec![compose_page(
        park,
        input.projected,
        input.styles,
        &focus,
        &page_spec,
    )];
    let mut sheet = Sheet::new(&page_spec, &title, &day);
    // Charts: the funnel and land approval side by side.
    let funnel = l.funnel(park);
    let years: Vec<(i32, crate::analysis::ledger::YearApproval)> =
        l.approval_by_year.iter().map(|(y, a)| (*y, *a)).collect();
    let font = sheet.font;
    sheet.block(font * 16.0, |r, m| {
        let mid = (r.min[0] + r.max[0]) * 0.5;
        let mut left = charts::funnel_chart(
            ScreenRect {
                min: r.min,
                max: [mid - font * 2.0, r.max[1]],
            },
            &funnel,
            lang,
            font,
            m,
        );
        let right = charts::approval_chart(
            ScreenRect {
                min: [mid + font * 2.0, r.min[1]],
                max: r.max,
            },
            &years,
            lang,
            font,
            m,
        );
        left.items.extend(right.items);
        left
    });
    // Stalled projects.
    let stalled_rows: Vec<Vec<String>> = l
        .stalled()
        .iter()
        .map(|s| project_row(park, s, lang))
        .collect();
    sheet.heading(&match lang {
        Lang::Zh => format!("滞后项目（{} 个，超过阶段时限）", stalled_rows.len()),
        Lang::En => format!(
            "Stalled projects ({}, over their stage's limit)",
            stalled_rows.len()
        ),
    });
    sheet.table(
        &project_headers(lang),
        &[3.0, 1.0, 1.6, 1.3, 1.6, 4.0],
        &stalled_rows,
        true,
    );
    // What moved since the last report.
    if let Some(since) = spec.since {
        let moved = l.moved_since(park, since);
        sheet.heading(&match lang {
            Lang::Zh => format!(
                "本期变化（{} 至 {}，{} 个项目）",
                since,
                l.as_of,
                moved.len()
            ),
            Lang::En => format!("Moved since {since} ({} projects)", moved.len()),
        });
        let rows: Vec<Vec<String>> = moved
            .iter()
            .map(|(i, from, to)| {
                let p = &park.projects[*i as usize];
                vec![
                    p.name.to_string(),
                    from.map_or_else(|| t(lang, "未签约", "not signed"), |s| s.label(lang).into()),
                    to.map_or_else(|| t(lang, "未签约", "not signed"), |s| s.label(lang).into()),
                ]
            })
            .collect();
        sheet.table(
            &[
                t(lang, "项目", "Project"),
                t(lang, "上期阶段", "Stage then"),
                t(lang, "本期阶段", "Stage now"),
            ],
            &[4.0, 1.5, 1.5],
            &rows,
            false,
        );
    }
    // Projects per stage.
    for stage in LifecycleStage::ALL.iter().rev() {
        let rows: Vec<Vec<String>> = l
            .projects
            .iter()
            .filter(|s| s.stage == Some(*stage))
            .map(|s| project_row(park, s, lang))
            .collect();
        if rows.is_empty() {
            continue;
        }
        sheet.heading(&format!("{}（{}）", stage.label(lang), rows.len()));
        sheet.table(
            &project_headers(lang),
            &[3.0, 1.0, 1.6, 1.3, 1.6, 4.0],
            &rows,
            false,
        );
    }
    // Land conflicts and the arable quota.
    let land_rows: Vec<Vec<String>> = l
        .projects
        .iter()
        .filter(|s| {
            s.arable_quota_mu.is_some_and(|q| q > 0.0)
                || s.redline_conflict_mu.is_some_and(|q| q > 0.0)
        })
        .map(|s| land_row(input, s, lang))
        .collect();
    if !land_rows.is_empty() || !input.analysis.constraints.is_empty() {
        sheet.heading(&match lang {
            Lang::Zh => format!(
                "用地冲突与耕地占补指标（碎片 < {} m² 不计）",
                input.analysis.constraints.tolerance_m2
            ),
            Lang::En => "Land conflicts and arable quota".to_string(),
        });
        sheet.table(
            &[
                t(lang, "项目", "Project"),
                t(lang, "地块", "Parcels"),
                t(lang, "耕地(亩)", "Arable (mu)"),
                t(lang, "指标", "Quota"),
                t(lang, "永久基本农田(亩)", "Farmland (mu)"),
                t(lang, "生态红线(亩)", "Red line (mu)"),
                t(lang, "开发边界外(亩)", "Outside boundary (mu)"),
            ],
            &[3.0, 2.0, 1.0, 1.0, 1.3, 1.2, 1.3],
            &land_rows,
            false,
        );
    }
    // Timelines.
    let rows = charts::timeline_rows(park, l);
    if !rows.is_empty() {
        let per_page = ((sheet.bottom() - sheet.top()) / (font * 1.7) - 4.0).max(5.0) as usize;
        for chunk in rows.chunks(per_page) {
            let h = font * (4.0 + 1.7 * chunk.len() as f32);
            sheet.block(h, |r, m| {
                charts::timeline_chart(r, chunk, l.as_of, lang, font, m)
            });
        }
    }
    if !l.doubtful.is_empty() {
        sheet.heading(&t(
            lang,
            "存疑日期（未使用）",
            "Dates that could not be used",
        ));
        let rows: Vec<Vec<String>> = l
            .doubtful
            .iter()
            .map(|d| {
                vec![
                    d.id.clone(),
                    d.field.to_string(),
                    d.text.clone(),
                    d.problem.clone(),
                ]
            })
            .collect();
        sheet.table(
            &[
                t(lang, "编号", "Id"),
                t(lang, "字段", "Field"),
                t(lang, "内容", "Text"),
                t(lang, "问题", "Problem"),
            ],
            &[1.5, 1.5, 1.5, 4.0],
            &rows,
            false,
        );
    }
    pages.extend(sheet.finish());
    if spec.atlas {
        for s in l.projects.iter().filter(|s| s.signed) {
            if let Some(p) = atlas_page(input, s, &page_spec) {
                pages.push(p);
            }
        }
    }
    pages
}

fn project_headers(lang: Lang) -> Vec<String> {
    vec![
        t(lang, "项目", "Project"),
        t(lang, "阶段", "Stage"),
        t(lang, "阶段起始", "Since"),
        t(lang, "天数/时限", "Days/limit"),
        t(lang, "责任人", "Responsible"),
        t(lang, "缺少证件", "Missing documents"),
    ]
}

fn project_row(park: &Park, s: &ProjectStatus, lang: Lang) -> Vec<String> {
    let p = &park.projects[s.project as usize];
    vec![
        p.name.to_string(),
        s.stage
            .map_or_else(String::new, |x| x.label(lang).to_string()),
        s.stage_since.map_or_else(String::new, |d| {
            if s.since_estimated {
                format!("{d}（估）")
            } else {
                d.to_string()
            }
        }),
        match (s.days_in_stage, s.limit_days) {
            (Some(d), Some(l)) => format!("{d} / {l}"),
            (Some(d), None) => format!("{d}"),
            _ => String::new(),
        },
        s.responsible.as_ref().map_or_else(
            || t(lang, "未注明", "not stated"),
            |(role, n)| format!("{n}（{}）", role.label(lang)),
        ),
        crate::analysis::ledger::documents_text(&s.missing_documents, lang),
    ]
}

fn land_row(input: &DispatchInput, s: &ProjectStatus, lang: Lang) -> Vec<String> {
    let park = input.park;
    let p = &park.projects[s.project as usize];
    let o = &input.analysis.constraints;
    let sum = |k: usize| -> Option<f64> {
        if !o.kinds_present[k] {
            return None;
        }
        Some(
            s.parcels
                .iter()
                .filter_map(|&i| o.parcels.get(i as usize))
                .filter_map(|c| c.m2()[k])
                .map(|m2| SquareMeters(m2).to_mu().0)
                .sum::<f64>()
                + 0.0,
        )
    };
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), mu_text);
    debug_assert_eq!(KINDS.len(), 4);
    vec![
        p.name.to_string(),
        s.parcels
            .iter()
            .map(|&i| park.parcels[i as usize].id.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        show(s.arable_quota_mu),
        s.quota_word(lang).to_string(),
        show(sum(0)),
        show(sum(1)),
        show(sum(2)),
    ]
}

/// One project's atlas page: its site map with its parcels selected, and its figures.
fn atlas_page(input: &DispatchInput, s: &ProjectStatus, base: &PageSpec) -> Option<Page> {
    let park = input.park;
    let lang = base.lang;
    let p = &park.projects[s.project as usize];
    let mut features: Vec<crate::model::FeatureRef> = s
        .parcels
        .iter()
        .map(|&i| park.parcels[i as usize].feature)
        .collect();
    features.push(p.feature);
    let mut extent: Option<WorldRect> = None;
    for f in &features {
        let Some(pf) = input.projected.feature(*f) else {
            continue;
        };
        extent = Some(match extent {
            None => pf.bbox,
            Some(e) => WorldRect {
                min: [e.min[0].min(pf.bbox.min[0]), e.min[1].min(pf.bbox.min[1])],
                max: [e.max[0].max(pf.bbox.max[0]), e.max[1].max(pf.bbox.max[1])],
            },
        });
    }
    let extent = extent?;
    // Some ground around the site: at least 600 m across.
    let pad = ((extent.max[0] - extent.min[0]).max(extent.max[1] - extent.min[1]) * 0.6).max(300.0);
    let extent = WorldRect {
        min: [extent.min[0] - pad, extent.min[1] - pad],
        max: [extent.max[0] + pad, extent.max[1] + pad],
    };
    let mut rows: Vec<(String, String)> = vec![
        (t(lang, "项目编号", "Id"), p.id.to_string()),
        (
            t(lang, "阶段", "Stage"),
            s.stage
                .map_or_else(String::new, |x| x.label(lang).to_string()),
        ),
        (
            t(lang, "阶段起始", "Since"),
            s.stage_since.map_or_else(String::new, |d| d.to_string()),
        ),
        (
            t(lang, "在阶段天数", "Days in stage"),
            match (s.days_in_stage, s.limit_days) {
                (Some(d), Some(l)) if s.stalled => match lang {
                    Lang::Zh => format!("{d}（超时限 {l}）"),
                    Lang::En => format!("{d} (limit {l})"),
                },
                (Some(d), _) => d.to_string(),
                _ => String::new(),
            },
        ),
        (
            t(lang, "责任人", "Responsible"),
            s.responsible
                .as_ref()
                .map_or_else(String::new, |(role, n)| {
                    format!("{n}（{}）", role.label(lang))
                }),
        ),
    ];
    let dates = [
        (LifecycleStage::Signed, &p.dates.signed),
        (LifecycleStage::Fulfilling, &p.dates.fulfilled),
        (LifecycleStage::InLibrary, &p.dates.library),
        (LifecycleStage::Started, &p.dates.started),
        (LifecycleStage::InProduction, &p.dates.production),
    ];
    for (st, d) in dates {
        if let Some(d) = d {
            rows.push((
                format!("{}{}", st.label(lang), t(lang, "日期", " date")),
                d.to_string(),
            ));
        }
    }
    for (d, date) in Document::ALL.iter().zip(&s.documents) {
        rows.push((
            d.label(lang).to_string(),
            date.map_or_else(|| t(lang, "缺", "missing"), |x| x.to_string()),
        ));
    }
    let land = land_row(input, s, lang);
    let names = [
        t(lang, "耕地(亩)", "Arable (mu)"),
        t(lang, "耕地指标", "Quota"),
        t(lang, "永久基本农田(亩)", "Farmland (mu)"),
        t(lang, "生态红线(亩)", "Red line (mu)"),
        t(lang, "开发边界外(亩)", "Outside boundary (mu)"),
    ];
    for (k, name) in names.iter().enumerate() {
        rows.push((name.clone(), land[k + 2].clone()));
    }
    let focus = MapFocus {
        overlays: crate::render::Overlays {
            selected: features,
            ..Default::default()
        },
        extent: Some(extent),
        stats: Some(StatsTable {
            title: p.name.to_string(),
            rows,
        }),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "{} · 截至 {}",
                p.name,
                input.analysis.ledger.as_of.chinese()
            ),
            Lang::En => format!("{} · on {}", p.name, input.analysis.ledger.as_of),
        }),
        ..MapFocus::default()
    };
    let spec = PageSpec {
        subtitle: None,
        scale: None,
        ..base.clone()
    };
    Some(compose_page(
        park,
        input.projected,
        input.styles,
        &focus,
        &spec,
    ))
}

/// Pages of headings, tables and charts flowing down, a new page when one is full.
struct Sheet {
    size: [f32; 2],
    margin: f32,
    font: f32,
    title: String,
    day: String,
    pages: Vec<Scene>,
    y: f32,
}

const RULE: Rgba = Rgba::rgb(120, 120, 120);
const TEXT: Rgba = Rgba::rgb(30, 30, 30);
const HEAD_FILL: Rgba = Rgba::rgb(235, 238, 242);

impl Sheet {
    fn new(spec: &PageSpec, title: &str, day: &str) -> Sheet {
        let size = spec.size_pt();
        let fs = (size[0].min(size[1]) / 595.28).sqrt().max(0.5);
        let mut s = Sheet {
            size,
            margin: mm_to_pt(spec.margin_mm.clamp(5.0, 50.0)),
            font: 9.0 * fs,
            title: title.to_string(),
            day: day.to_string(),
            pages: Vec::new(),
            y: 0.0,
        };
        s.new_page();
        s
    }

    fn top(&self) -> f32 {
        self.margin + self.font * 3.0
    }

    fn bottom(&self) -> f32 {
        self.size[1] - self.margin - self.font * 1.5
    }

    fn new_page(&mut self) {
        let mut sc = Scene {
            background: Some(Rgba::WHITE),
            ..Scene::default()
        };
        let f = self.font;
        let n = self.pages.len() + 2;
        sc.text(
            format!("{} · {}", self.title, self.day),
            [self.margin, self.margin + f],
            HAlign::Left,
            f * 1.2,
            TEXT,
        );
        sc.text(
            format!("{n}"),
            [self.size[0] - self.margin, self.margin + f],
            HAlign::Right,
            f,
            TEXT,
        );
        sc.line(
            vec![
                [self.margin, self.margin + f * 2.0],
                [self.size[0] - self.margin, self.margin + f * 2.0],
            ],
            Stroke::solid(RULE, 0.6),
        );
        self.pages.push(sc);
        self.y = self.top();
    }

    fn scene(&mut self) -> &mut Scene {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > self.top() + 1.0 {
            self.new_page();
        }
    }

    fn heading(&mut self, text: &str) {
        let f = self.font;
        self.ensure(f * 5.0);
        let y = self.y + f * 1.2;
        let x = self.margin;
        self.scene()
            .text(text.to_string(), [x, y], HAlign::Left, f * 1.25, TEXT);
        self.y += f * 2.4;
    }

    /// A chart block of height `h`, drawn by `draw` into its rectangle.
    fn block(&mut self, h: f32, draw: impl FnOnce(ScreenRect, &dyn TextMeasure) -> Scene) {
        let h = h.min(self.bottom() - self.top());
        self.ensure(h);
        let r = ScreenRect {
            min: [self.margin, self.y],
            max: [self.size[0] - self.margin, self.y + h],
        };
        let drawn = draw(r, &FontMeasure);
        self.scene().items.extend(drawn.items);
        self.y += h + self.font;
    }

    /// A table: header row, then rows; widths are relative; `alert` draws the first
    /// column in red (stalled projects). An empty table prints "无".
    fn table(&mut self, headers: &[String], widths: &[f32], rows: &[Vec<String>], alert: bool) {
        let f = self.font;
        let m = FontMeasure;
        let total: f32 = widths.iter().sum();
        let inner = self.size[0] - 2.0 * self.margin;
        let cols: Vec<f32> = widths.iter().map(|w| inner * w / total).collect();
        let rh = f * 1.6;
        let draw_header = |sheet: &mut Sheet| {
            let y = sheet.y;
            let mut x = sheet.margin;
            let margin = sheet.margin;
            let sc = sheet.scene();
            sc.rect(
                ScreenRect {
                    min: [margin, y],
                    max: [margin + inner, y + rh],
                },
                Some(HEAD_FILL),
                None,
            );
            for (h, w) in headers.iter().zip(&cols) {
                let txt = charts::truncate(h, w - f * 0.6, f, &m);
                sc.text(txt, [x + f * 0.3, y + rh * 0.5], HAlign::Left, f, TEXT);
                x += w;
            }
            sheet.y += rh;
        };
        self.ensure(rh * 2.0);
        draw_header(self);
        if rows.is_empty() {
            let (x, y) = (self.margin + f * 0.3, self.y + rh * 0.5);
            self.scene().text("无", [x, y], HAlign::Left, f, TEXT);
            self.y += rh + f;
            return;
        }
        for row in rows {
            if self.y + rh > self.bottom() {
                self.new_page();
                draw_header(self);
            }
            let y = self.y;
            let mut x = self.margin;
            let margin = self.margin;
            let sc = self.scene();
            for (k, (cell, w)) in row.iter().zip(&cols).enumerate() {
                let txt = charts::truncate(cell, w - f * 0.6, f, &m);
                let colour = if alert && k == 0 { STALLED } else { TEXT };
                sc.text(txt, [x + f * 0.3, y + rh * 0.5], HAlign::Left, f, colour);
                x += w;
            }
            sc.line(
                vec![[margin, y + rh], [margin + inner, y + rh]],
                Stroke::solid(Rgba::rgb(220, 220, 220), 0.4),
            );
            self.y += rh;
        }
        self.y += f;
    }

    fn finish(self) -> Vec<Page> {
        let size = self.size;
        let title = self.title.clone();
        self.pages
            .into_iter()
            .map(|sc| Page {
                size,
                scenes: vec![sc],
                map_view: crate::render::MapView::new([0.0, 0.0], 1.0, size),
                scale: 0.0,
                title: title.clone(),
                notes: Vec::new(),
            })
            .collect()
    }
}

/// Writes the pages as one PDF, atomically. Returns the number of bytes written.
pub fn write_pdf(pages: &[Page], path: &Path) -> Result<usize, ExportError> {
    let sheets: Vec<(&[crate::render::scene::Scene], [f32; 2])> = pages
        .iter()
        .map(|p| (p.scenes.as_slice(), p.size))
        .collect();
    let title = pages.first().map(|p| p.title.clone()).unwrap_or_default();
    let bytes = super::pdf::pages_to_pdf(&sheets, &title)?;
    crate::save::write_atomic(path, &bytes, false).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(bytes.len())
}

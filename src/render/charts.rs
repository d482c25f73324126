//! Charts of the ledger, drawn once as [`Scene`]s so the desktop and the printed
//! dispatch report show the same picture: the stage funnel (projects and investment
//! per stage), land approval per year (报批 / 批复 / 供地 bars in mu), and project
//! timelines (stage bars against dates, documents as marks).
//!
//! Every chart draws into a rectangle in display units (points on paper, pixels on
//! screen) and takes a text measure so labels fit.

use super::labels::TextMeasure;
use super::scene::{HAlign, Scene};
use super::style::palette::lifecycle_colour;
use super::style::{MarkerShape, Rgba, Stroke};
use super::view::ScreenRect;
use crate::analysis::ledger::{Ledger, YearApproval};
use crate::model::date::Date;
use crate::model::{Lang, LifecycleStage, Park};

const TEXT: Rgba = Rgba::rgb(30, 30, 30);
const MUTED: Rgba = Rgba::rgb(110, 110, 110);
const GRID: Rgba = Rgba::rgb(215, 215, 215);
/// 报批, 批复, 供地.
pub const APPROVAL_COLOURS: [Rgba; 3] = [
    Rgba::rgb(158, 202, 225),
    Rgba::rgb(49, 130, 189),
    Rgba::rgb(35, 139, 69),
];
/// The colour of a stalled project's mark.
pub const STALLED: Rgba = Rgba::rgb(215, 25, 28);

/// Stage funnel: one bar per stage, its length the number of projects, the investment
/// written beside it. `rows`: (stage, projects, investment in 亿元).
pub fn funnel_chart(
    r: ScreenRect,
    rows: &[(LifecycleStage, usize, f64)],
    lang: Lang,
    font: f32,
    m: &dyn TextMeasure,
) -> Scene {
    let mut s = Scene::default();
    chart_title(
        &mut s,
        r,
        lang.pick(
            "项目阶段漏斗（项目数 · 投资额）",
            "Stage funnel (projects · investment)",
        ),
        font,
    );
    let top = r.min[1] + font * 2.0;
    let n = rows.len().max(1) as f32;
    let row_h = ((r.max[1] - top) / n).max(font * 1.2);
    let label_w = rows
        .iter()
        .map(|(st, _, _)| m.width(st.label(lang), font))
        .fold(0.0f32, f32::max)
        + font;
    let value_w = m.width("99 个 · 9999.9 亿元", font) + font * 0.5;
    let bar_x = r.min[0] + label_w;
    let bar_w = (r.max[0] - bar_x - value_w).max(font);
    let max = rows.iter().map(|x| x.1).max().unwrap_or(0).max(1) as f32;
    for (k, (stage, count, inv)) in rows.iter().enumerate() {
        let y = top + k as f32 * row_h;
        let mid = y + row_h * 0.5;
        s.text(
            stage.label(lang),
            [bar_x - font * 0.5, mid],
            HAlign::Right,
            font,
            TEXT,
        );
        let w = bar_w * (*count as f32 / max);
        // Centred bars: the funnel narrows as projects move on.
        let x0 = bar_x + (bar_w - w) * 0.5;
        s.rect(
            ScreenRect {
                min: [x0, y + row_h * 0.15],
                max: [x0 + w.max(0.5), y + row_h * 0.85],
            },
            Some(lifecycle_colour(*stage)),
            None,
        );
        let v = match lang {
            Lang::Zh => format!("{count} 个 · {inv:.1} 亿元"),
            Lang::En => format!("{count} · {inv:.1} 亿元"),
        };
        s.text(
            v,
            [bar_x + bar_w + font * 0.5, mid],
            HAlign::Left,
            font,
            TEXT,
        );
    }
    s
}

/// Land approval per year: three bars a year (报批, 批复, 供地) in mu, with a legend.
pub fn approval_chart(
    r: ScreenRect,
    years: &[(i32, YearApproval)],
    lang: Lang,
    font: f32,
    m: &dyn TextMeasure,
) -> Scene {
    let mut s = Scene::default();
    let title = lang.pick("土地报批进度（亩/年）", "Land approval per year (mu)");
    s.text(
        title,
        [r.min[0], r.min[1] + font * 0.7],
        HAlign::Left,
        font * 1.1,
        TEXT,
    );
    let names = [
        lang.pick("报批", "Submitted"),
        lang.pick("批复", "Approved"),
        lang.pick("供地", "Supplied"),
    ];
    // Legend on the title line, right-aligned.
    let mut x = r.max[0];
    for (k, name) in names.iter().enumerate().rev() {
        let w = m.width(name, font * 0.9);
        x -= w;
        s.text(
            *name,
            [x, r.min[1] + font * 0.7],
            HAlign::Left,
            font * 0.9,
            TEXT,
        );
        x -= font * 1.1;
        s.rect(
            ScreenRect {
                min: [x, r.min[1] + font * 0.25],
                max: [x + font * 0.8, r.min[1] + font * 1.05],
            },
            Some(APPROVAL_COLOURS[k]),
            None,
        );
        x -= font * 0.8;
    }
    let plot = ScreenRect {
        min: [
            r.min[0] + m.width("00000", font * 0.85) + font * 0.3,
            r.min[1] + font * 2.2,
        ],
        max: [r.max[0], r.max[1] - font * 1.5],
    };
    let max = years
        .iter()
        .flat_map(|(_, a)| [a.submitted_mu, a.approved_mu, a.supplied_mu])
        .fold(0.0f64, f64::max);
    let top = nice_ceiling(max.max(1.0) * 1.05);
    let h = plot.max[1] - plot.min[1];
    // Grid and axis labels at quarters.
    for q in 0..=4 {
        let v = top * q as f64 / 4.0;
        let y = plot.max[1] - h * (q as f32 / 4.0);
        s.line(
            vec![[plot.min[0], y], [plot.max[0], y]],
            Stroke::solid(GRID, 0.5),
        );
        s.text(
            format!("{v:.0}"),
            [plot.min[0] - font * 0.3, y],
            HAlign::Right,
            font * 0.85,
            MUTED,
        );
    }
    if years.is_empty() {
        s.text(
            lang.pick("无报批日期数据", "No approval dates in the data"),
            [
                (plot.min[0] + plot.max[0]) * 0.5,
                (plot.min[1] + plot.max[1]) * 0.5,
            ],
            HAlign::Center,
            font,
            MUTED,
        );
        return s;
    }
    let slot = (plot.max[0] - plot.min[0]) / years.len() as f32;
    let bw = slot * 0.8 / 3.0;
    for (k, (year, a)) in years.iter().enumerate() {
        let x0 = plot.min[0] + slot * k as f32 + slot * 0.1;
        for (j, v) in [a.submitted_mu, a.approved_mu, a.supplied_mu]
            .iter()
            .enumerate()
        {
            let bh = (h as f64 * (v / top)) as f32;
            let bx = x0 + bw * j as f32;
            s.rect(
                ScreenRect {
                    min: [bx, plot.max[1] - bh],
                    max: [bx + bw * 0.92, plot.max[1]],
                },
                Some(APPROVAL_COLOURS[j]),
                None,
            );
            let text = format!("{v:.0}");
            if *v > 0.0 && m.width(&text, font * 0.7) <= bw * 1.1 {
                s.text(
                    text,
                    [bx + bw * 0.46, plot.max[1] - bh - font * 0.5],
                    HAlign::Center,
                    font * 0.7,
                    MUTED,
                );
            }
        }
        s.text(
            year.to_string(),
            [x0 + slot * 0.4, plot.max[1] + font * 0.8],
            HAlign::Center,
            font * 0.9,
            TEXT,
        );
    }
    s
}

/// One project's row of the timeline: when it entered each stage, and its documents.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// The label (project name).
    pub label: String,
    /// (stage, from) in order; each bar runs to the next one's start or the end day.
    pub stages: Vec<(LifecycleStage, Date)>,
    /// Document dates.
    pub documents: Vec<Date>,
    /// Stalled on the day.
    pub stalled: bool,
}

/// The timeline rows of the ledger's projects (signed ones), stalled first.
pub fn timeline_rows(park: &Park, ledger: &Ledger) -> Vec<TimelineRow> {
    let mut rows: Vec<(bool, TimelineRow)> = ledger
        .projects
        .iter()
        .filter(|s| s.signed)
        .map(|s| {
            let p = &park.projects[s.project as usize];
            let d = |t: &Option<crate::model::Text>| {
                t.as_deref()
                    .and_then(Date::parse)
                    .filter(|x| *x <= ledger.as_of)
            };
            let top = s.stage.unwrap_or(LifecycleStage::Signed);
            let mut stages: Vec<(LifecycleStage, Date)> = [
                (LifecycleStage::Signed, d(&p.dates.signed)),
                (LifecycleStage::Fulfilling, d(&p.dates.fulfilled)),
                (LifecycleStage::InLibrary, d(&p.dates.library)),
                (LifecycleStage::Started, d(&p.dates.started)),
                (LifecycleStage::InProduction, d(&p.dates.production)),
            ]
            .into_iter()
            .filter(|(st, _)| *st <= top)
            .filter_map(|(st, x)| x.map(|x| (st, x)))
            .collect();
            // 在建 follows 开工 at once: the bar from 开工 shows the current stage.
            if top >= LifecycleStage::UnderConstruction
                && let Some(last) = stages
                    .iter_mut()
                    .find(|(st, _)| *st == LifecycleStage::Started)
            {
                last.0 = LifecycleStage::UnderConstruction;
            }
            if let (Some(since), Some(stage)) = (s.stage_since, s.stage)
                && !stages.iter().any(|(st, _)| *st == stage)
            {
                stages.push((stage, since));
            }
            stages.sort_by_key(|(st, x)| (*x, *st));
            (
                s.stalled,
                TimelineRow {
                    label: p.name.to_string(),
                    stages,
                    documents: s.documents.iter().flatten().copied().collect(),
                    stalled: s.stalled,
                },
            )
        })
        .collect();
    rows.sort_by_key(|(stalled, _)| !*stalled);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Project timelines: a bar per project coloured by stage from each stage's date to
/// the next (the last to `end`), documents as triangles, stalled projects' names in
/// red; a year axis along the top.
pub fn timeline_chart(
    r: ScreenRect,
    rows: &[TimelineRow],
    end: Date,
    lang: Lang,
    font: f32,
    m: &dyn TextMeasure,
) -> Scene {
    let mut s = Scene::default();
    chart_title(
        &mut s,
        r,
        lang.pick(
            "项目时间轴（色条为阶段，三角为证件发放）",
            "Project timelines (bars: stages; triangles: documents issued)",
        ),
        font,
    );
    let start = rows
        .iter()
        .flat_map(|row| row.stages.iter().map(|(_, d)| *d))
        .min()
        .unwrap_or(end.plus_days(-365));
    let label_w = rows
        .iter()
        .map(|row| m.width(&row.label, font * 0.85))
        .fold(0.0f32, f32::max)
        .min((r.max[0] - r.min[0]) * 0.35)
        + font * 0.5;
    let plot = ScreenRect {
        min: [r.min[0] + label_w, r.min[1] + font * 3.2],
        max: [r.max[0] - font * 0.5, r.max[1]],
    };
    let span = end.days_since(start).max(1) as f32;
    let x_of =
        |d: Date| plot.min[0] + (plot.max[0] - plot.min[0]) * (d.days_since(start) as f32 / span);
    // Year ticks.
    let (y0, y1) = (start.year(), end.year());
    for y in y0..=y1 + 1 {
        if let Some(d) = Date::from_ymd(y, 1, 1)
            && d >= start
            && d <= end
        {
            let x = x_of(d);
            s.line(
                vec![[x, plot.min[1] - font * 0.4], [x, plot.max[1]]],
                Stroke::solid(GRID, 0.5),
            );
            s.text(
                y.to_string(),
                [x, plot.min[1] - font * 1.0],
                HAlign::Center,
                font * 0.85,
                MUTED,
            );
        }
    }
    let n = rows.len().max(1) as f32;
    let row_h = ((plot.max[1] - plot.min[1]) / n).min(font * 2.0);
    for (k, row) in rows.iter().enumerate() {
        let y = plot.min[1] + row_h * k as f32;
        let mid = y + row_h * 0.5;
        let label: String = truncate(&row.label, label_w - font * 0.5, font * 0.85, m);
        s.text(
            label,
            [plot.min[0] - font * 0.4, mid],
            HAlign::Right,
            font * 0.85,
            if row.stalled { STALLED } else { TEXT },
        );
        for (j, (stage, from)) in row.stages.iter().enumerate() {
            let to = row.stages.get(j + 1).map_or(end, |(_, d)| *d);
            let (x0, x1) = (x_of(*from), x_of(to));
            s.rect(
                ScreenRect {
                    min: [x0, y + row_h * 0.2],
                    max: [x1.max(x0 + 0.5), y + row_h * 0.8],
                },
                Some(lifecycle_colour(*stage)),
                None,
            );
        }
        for d in &row.documents {
            let x = x_of(*d);
            s.items
                .push(super::scene::Item::Marker(super::scene::MarkerItem {
                    center: [x, y + row_h * 0.12],
                    shape: MarkerShape::Triangle,
                    size: (row_h * 0.35).max(2.0),
                    fill: Some(Rgba::rgb(60, 60, 60)),
                    stroke: None,
                    tag: None,
                }));
        }
    }
    // The day itself.
    let x = x_of(end);
    s.line(
        vec![[x, plot.min[1] - font * 0.4], [x, plot.max[1]]],
        Stroke::solid(STALLED, 0.8),
    );
    s
}

/// The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `v` (> 0): the top of a value axis.
fn nice_ceiling(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|t| *t >= v)
        .unwrap_or(10.0 * p)
}

/// A chart's title along the top of its rectangle.
fn chart_title(s: &mut Scene, r: ScreenRect, title: &str, font: f32) {
    s.text(
        title,
        [r.min[0], r.min[1] + font * 0.7],
        HAlign::Left,
        font * 1.1,
        TEXT,
    );
}

/// `text` shortened with "…" to fit `width` at `size`.
pub fn truncate(text: &str, width: f32, size: f32, m: &dyn TextMeasure) -> String {
    if m.width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut t = out.clone();
        t.push(c);
        t.push('…');
        if m.width(&t, size) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::EstimatedMeasure;

    fn rect() -> ScreenRect {
        ScreenRect {
            min: [0.0, 0.0],
            max: [400.0, 200.0],
        }
    }

    #[test]
    fn the_funnel_bar_lengths_follow_the_counts() {
        let rows = [
            (LifecycleStage::Signed, 4, 10.0),
            (LifecycleStage::InProduction, 2, 5.0),
        ];
        let s = funnel_chart(rect(), &rows, Lang::Zh, 10.0, &EstimatedMeasure);
        let widths: Vec<f32> = s
            .items
            .iter()
            .filter_map(|i| match i {
                super::super::scene::Item::Polygon(p) => Some(p.rings[0][1][0] - p.rings[0][0][0]),
                _ => None,
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] / widths[1] - 2.0).abs() < 1e-3, "{widths:?}");
        assert!(s.labels().any(|l| l.text == "4 个 · 10.0 亿元"));
    }

    #[test]
    fn long_names_are_shortened_to_fit() {
        let t = truncate(
            "先导稀材电子信息产业园（一期）",
            60.0,
            10.0,
            &EstimatedMeasure,
        );
        assert!(t.ends_with('…'));
        assert!(EstimatedMeasure.width(&t, 10.0) <= 60.0);
    }
}

//! The bus-route tables: per route, its stops along it, the enterprises in its
//! catchment.

use crate::analysis::Spacing;
use crate::report::ReportInput;
use crate::report::table::{Cell, Column, Fmt, Table};

pub(super) fn routes(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let spacing = |text, csv| Column::num(text, csv, Fmt::Fixed(0), Fmt::Fixed(2));
    let mut t = Table::new(
        "routes",
        "公交线路",
        "Bus routes",
        vec![
            Column::both("编号", "编号 id"),
            Column::both("线路", "线路 name"),
            Column::num("长度(km)", "长度 length_m", Fmt::Km(3), Fmt::Fixed(3)),
            Column::count("站点数", "站点数 stops"),
            spacing("平均站距(m)", "平均站距 mean_stop_spacing_m"),
            spacing("最小站距(m)", "最小站距 min_stop_spacing_m"),
            spacing("最大站距(m)", "最大站距 max_stop_spacing_m"),
            Column::num(
                "覆盖半径(m)",
                "覆盖半径 catchment_m",
                Fmt::Fixed(0),
                Fmt::Plain,
            ),
            Column::count("覆盖企业", "覆盖企业 enterprises"),
            Column::count("职工人数", "职工人数 employees"),
            Column::num(
                "企业占比",
                "企业占比 share_of_enterprises",
                Fmt::Percent,
                Fmt::Fixed(6),
            ),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        let sp = |f: fn(&Spacing) -> f64| Cell::opt_num(rs.spacing.as_ref().map(f));
        t.rows.push(vec![
            (&route.id).into(),
            (&route.name).into(),
            Cell::Num(rs.length_m),
            rs.stops.len().into(),
            sp(|s| s.mean_m),
            sp(|s| s.min_m),
            sp(|s| s.max_m),
            Cell::Num(rs.catchment_m),
            rs.enterprises.len().into(),
            rs.employees.into(),
            Cell::Num(rs.share_of_enterprises),
        ]);
    }
    t
}

pub(super) fn route_stops(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "route_stops",
        "线路站点",
        "Stops along each route",
        vec![
            Column::csv_only("线路 route"),
            Column::csv_only("序号 seq"),
            Column::csv_only("站点编号 stop_id"),
            Column::csv_only("站点名称 stop_name"),
            Column::csv_num("里程 position_m", Fmt::Fixed(1)),
            Column::csv_num("距线路 offset_m", Fmt::Fixed(1)),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        for (k, &s) in rs.stops.iter().enumerate() {
            let st = &park.stops[s as usize];
            t.rows.push(vec![
                (&route.name).into(),
                st.seq.map_or(Cell::Missing, |q| Cell::Int(u64::from(q))),
                (&st.id).into(),
                (&st.name).into(),
                Cell::opt_num(rs.stop_positions_m.get(k).copied()),
                Cell::opt_num(rs.stop_offsets_m.get(k).copied()),
            ]);
        }
    }
    t
}

pub(super) fn route_enterprises(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "route_enterprises",
        "线路覆盖的企业",
        "Enterprises in each route's catchment",
        vec![
            Column::csv_only("线路 route"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_only("职工人数 employees"),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        for &e in &rs.enterprises {
            let ent = &park.enterprises[e as usize];
            t.rows.push(vec![
                (&route.name).into(),
                (&ent.id).into(),
                (&ent.name).into(),
                ent.employees
                    .map_or(Cell::Missing, |n| Cell::Int(u64::from(n))),
            ]);
        }
    }
    t
}

//! Site suggestion (issue #15) on the sample map: the suggested sites' coverage checked
//! by an independent computation (geodesic distances on the WGS84 ellipsoid, not the
//! planar frame the library uses), exact against brute force, the stop spacing rule,
//! and the CLI's JSON keys.

use std::collections::BTreeSet;
use std::time::Duration;

use geo::{Distance, Geodesic, Point};
use parkplan::analysis::siting::{Candidate, Demand, Goal, Limits, Method, SiteReach, Weight};
use parkplan::model::{FacilityKind, Park};
use parkplan::workspace::siting::{CandidateSource, SiteTarget, SuggestRequest};
use parkplan::workspace::{Overrides, Workspace};

use crate::common;

fn sample() -> Workspace {
    Workspace::open(&[common::sample_dir()], None, &Overrides::default()).unwrap()
}

/// Runs `parkplan-cli SUB SAMPLE_MAP ARGS…`.
fn on_sample(sub: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .arg(sub)
        .arg(common::sample_dir())
        .args(args)
        .output()
        .unwrap()
}

/// The JSON a successful run printed.
fn json_of(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn geodesic(a: [f64; 2], b: Point<f64>) -> f64 {
    Geodesic.distance(Point::new(a[0], a[1]), b)
}

/// Enterprises within `r` (geodesic) of any of `sites`, with a tolerance band: (surely
/// inside, within r + tol).
fn covered_by(park: &Park, sites: &[[f64; 2]], r: f64, tol: f64) -> (BTreeSet<u32>, BTreeSet<u32>) {
    let mut sure = BTreeSet::new();
    let mut maybe = BTreeSet::new();
    for (i, e) in park.enterprises.iter().enumerate() {
        let Some(p) = e.location else { continue };
        let d = sites
            .iter()
            .map(|s| geodesic(*s, p))
            .fold(f64::INFINITY, f64::min);
        if d <= r - tol {
            sure.insert(i as u32);
        }
        if d <= r + tol {
            maybe.insert(i as u32);
        }
    }
    (sure, maybe)
}

fn request(kind: FacilityKind, count: usize, cands: &str, method: Method) -> SuggestRequest {
    SuggestRequest {
        target: SiteTarget::Kind(kind),
        count,
        candidates: Some(CandidateSource::parse(cands).unwrap()),
        weight: Weight::Enterprises,
        method,
        reach: SiteReach::Circle,
        time_limit: Duration::from_secs(30),
        min_spacing_m: 300.0,
        set_cover: false,
        ..SuggestRequest::default()
    }
}

#[test]
fn suggested_kindergartens_cover_what_an_independent_computation_says() {
    let ws = sample();
    let park = &ws.park;
    let kind = FacilityKind::Kindergarten;
    let r = ws.settings().radius(kind);
    let existing: Vec<[f64; 2]> = park
        .facilities
        .iter()
        .filter(|f| f.kind == kind)
        .filter_map(|f| f.location.map(|p| [p.x(), p.y()]))
        .collect();
    assert!(!existing.is_empty());
    let greedy = ws
        .suggest(
            &request(kind, 3, "roads:150", Method::Greedy),
            &Limits::default(),
        )
        .unwrap();
    let exact = ws
        .suggest(
            &request(kind, 3, "roads:150", Method::Exact),
            &Limits::default(),
        )
        .unwrap();
    assert!(
        exact.solution.optimal,
        "the sample is small: exact must finish"
    );
    assert!(exact.solution.covered_after >= greedy.solution.covered_after);
    assert!(greedy.solution.upper_bound >= exact.solution.covered_after - 1e-9);
    assert_eq!(exact.solution.chosen.len(), 3);
    for s in [&greedy, &exact] {
        let sol = &s.solution;
        // 1 m of tolerance for planar (UTM) against geodesic distances.
        let (before_sure, before_maybe) = covered_by(park, &existing, r, 1.0);
        let sites: Vec<[f64; 2]> = sol
            .chosen
            .iter()
            .map(|&j| s.candidates[j as usize].lon_lat)
            .collect();
        let mut all = existing.clone();
        all.extend(&sites);
        let (after_sure, after_maybe) = covered_by(park, &all, r, 1.0);
        assert!(before_sure.len() as f64 <= sol.covered_before);
        assert!(sol.covered_before <= before_maybe.len() as f64);
        assert!(after_sure.len() as f64 <= sol.covered_after);
        assert!(sol.covered_after <= after_maybe.len() as f64);
        assert!(
            sol.covered_after > sol.covered_before,
            "the sites must add coverage"
        );
        // Each site's newly covered enterprises are within its radius and were not
        // covered before.
        for (k, newly) in sol.newly.iter().enumerate() {
            assert!(!newly.is_empty());
            for &e in newly {
                let p = park.enterprises[e as usize].location.unwrap();
                assert!(geodesic(sites[k], p) <= r + 1.0);
                assert!(!before_sure.contains(&e));
            }
        }
        // Ranked: newly covered counts do not increase.
        assert!(sol.newly.windows(2).all(|w| w[0].len() >= w[1].len()));
    }
}

#[test]
fn exact_equals_brute_force_over_every_pair_of_parcel_sites() {
    let ws = sample();
    let park = &ws.park;
    let kind = FacilityKind::ConvenienceServiceCentre;
    let r = ws.settings().radius(kind);
    // Residential and commercial parcels' centroids as candidates.
    let s = ws
        .suggest(
            &request(kind, 2, "parcels:B", Method::Exact),
            &Limits::default(),
        )
        .unwrap();
    let n = s.candidates.len();
    assert!((2..200).contains(&n), "{n} candidates");
    let existing: Vec<[f64; 2]> = park
        .facilities
        .iter()
        .filter(|f| f.kind == kind)
        .filter_map(|f| f.location.map(|p| [p.x(), p.y()]))
        .collect();
    // The oracle: every pair, counted with geodesic distances (no planar frame).
    let mut best = 0usize;
    for i in 0..n {
        for j in i + 1..n {
            let mut all = existing.clone();
            all.push(s.candidates[i].lon_lat);
            all.push(s.candidates[j].lon_lat);
            best = best.max(covered_by(park, &all, r, 0.0).0.len());
        }
    }
    assert!(
        (s.solution.covered_after - best as f64).abs() <= 1.0,
        "exact {} vs brute force {best}",
        s.solution.covered_after
    );
    assert!(s.solution.optimal);
}

#[test]
fn kw6_stops_keep_the_minimum_spacing() {
    let ws = sample();
    let park = &ws.park;
    let route = ws.route("KW6").unwrap();
    let mut req = request(FacilityKind::Other, 3, "roads:50", Method::Exact);
    req.target = SiteTarget::Route("KW6".into());
    req.min_spacing_m = 400.0;
    let s = ws.suggest(&req, &Limits::default()).unwrap();
    assert_eq!(s.route, Some(route));
    assert_eq!(s.kind, "bus_stop");
    assert_eq!(s.radius_m, ws.settings().catchment_m);
    let stops: Vec<Point<f64>> = park
        .stops
        .iter()
        .filter(|st| st.route.as_deref() == Some("KW6"))
        .filter_map(|st| st.location)
        .collect();
    assert!(!stops.is_empty());
    let sites: Vec<[f64; 2]> = s
        .solution
        .chosen
        .iter()
        .map(|&j| s.candidates[j as usize].lon_lat)
        .collect();
    for (k, a) in sites.iter().enumerate() {
        for st in &stops {
            assert!(
                geodesic(*a, *st) >= 400.0 - 1.0,
                "new stop too close to an existing one"
            );
        }
        for b in &sites[k + 1..] {
            assert!(geodesic(*a, Point::new(b[0], b[1])) >= 400.0 - 1.0);
        }
    }
}

#[test]
fn set_covering_covers_every_coverable_enterprise() {
    let ws = sample();
    let park = &ws.park;
    let kind = FacilityKind::Kindergarten;
    let r = ws.settings().radius(kind);
    let mut req = request(kind, 1, "roads:200", Method::Exact);
    req.set_cover = true;
    let s = ws.suggest(&req, &Limits::default()).unwrap();
    let sc = s.set_cover.as_ref().unwrap();
    assert!(sc.lower_bound <= sc.chosen.len());
    let mut all: Vec<[f64; 2]> = park
        .facilities
        .iter()
        .filter(|f| f.kind == kind)
        .filter_map(|f| f.location.map(|p| [p.x(), p.y()]))
        .collect();
    all.extend(sc.chosen.iter().map(|&j| s.candidates[j as usize].lon_lat));
    let (_, maybe) = covered_by(park, &all, r, 1.0);
    let located = park
        .enterprises
        .iter()
        .filter(|e| e.location.is_some())
        .count();
    assert!(maybe.len() + sc.uncoverable.len() >= located);
}

#[test]
fn clicked_points_and_a_candidate_file_are_accepted() {
    let ws = sample();
    let e = ws.park.enterprises[0].location.unwrap();
    let mut req = request(FacilityKind::PolicePost, 1, "roads:100", Method::Greedy);
    req.candidates = Some(CandidateSource::Points(vec![Candidate::at(
        "clicked",
        [e.x(), e.y()],
    )]));
    let s = ws.suggest(&req, &Limits::default()).unwrap();
    assert_eq!(s.candidates.len(), 1);
    // A file of points, read by the importer.
    let dir = crate::common::scratch().join("parkplan-siting");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("cands.geojson");
    std::fs::write(
        &f,
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"P1","properties":{{}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}]}}"#,
            e.x(),
            e.y()
        ),
    )
    .unwrap();
    req.candidates = Some(CandidateSource::File(f.clone()));
    let s2 = ws.suggest(&req, &Limits::default()).unwrap();
    assert_eq!(s2.candidates[0].id, "P1");
    assert_eq!(s2.solution.covered_after, s.solution.covered_after);
    // Nothing to choose from is an error naming the source, not a crash.
    req.candidates = Some(CandidateSource::Parcels("XYZ".into()));
    let err = ws
        .suggest(&req, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("parcels:XYZ"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_suggest_json_has_the_issue_keys() {
    let v = json_of(&on_sample(
        "suggest",
        &[
            "--kind",
            "幼儿园",
            "--count",
            "2",
            "--candidates",
            "parcels:R",
            "--weight",
            "employees",
            "--method",
            "exact",
            "--reach",
            "walk:15",
            "--json",
        ],
    ));
    for k in [
        "kind",
        "radius_m",
        "reach",
        "count",
        "method",
        "weight",
        "candidates",
        "covered_before",
        "covered_after",
        "upper_bound",
        "gap",
        "seconds",
        "sites",
    ] {
        assert!(v.get(k).is_some(), "missing {k}: {v}");
    }
    assert_eq!(v["kind"], "kindergarten");
    assert_eq!(v["reach"], "walk:15");
    assert_eq!(v["weight"], "employees");
    let sites = v["sites"].as_array().unwrap();
    assert!(!sites.is_empty() && sites.len() <= 2);
    for k in [
        "rank",
        "id",
        "lon",
        "lat",
        "new_enterprises",
        "new_employees",
        "enterprises",
    ] {
        assert!(sites[0].get(k).is_some(), "site misses {k}");
    }
    let gained: f64 = sites
        .iter()
        .map(|s| s["new_employees"].as_f64().unwrap())
        .sum();
    let after = v["covered_after"].as_f64().unwrap();
    let before = v["covered_before"].as_f64().unwrap();
    assert!((after - before - gained).abs() < 1e-6);
    // A bad flag is a message, not a crash.
    let bad = on_sample("suggest", &["--kind", "幼儿园", "--reach", "car:5"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--reach"));
}

#[test]
fn living_circle_compliance_matches_an_independent_count() {
    use parkplan::analysis::living::is_residential;
    let ws = sample();
    let park = &ws.park;
    let a = ws.analyse_with(&Default::default()).unwrap();
    let settings = &ws.settings().living;
    assert_eq!(a.living.tiers.len(), 3);
    // Independent: geodesic distances from each residential parcel's interior point.
    let facilities: Vec<(FacilityKind, Point<f64>)> = park
        .facilities
        .iter()
        .filter_map(|f| Some((f.kind, f.location?)))
        .collect();
    let parcels: Vec<(usize, [f64; 2])> = park
        .parcels
        .iter()
        .enumerate()
        .filter(|(_, p)| is_residential(settings, p.land_use.as_deref()))
        .filter_map(|(i, p)| {
            let pt = parkplan::model::records::representative_point(park.geometry(p.feature)?)?;
            Some((i, [pt.x(), pt.y()]))
        })
        .collect();
    assert!(parcels.len() > 10, "the sample has residential parcels");
    let mut previous_compliant = usize::MAX;
    for tier in &a.living.tiers {
        assert_eq!(tier.parcels_total, parcels.len());
        let mut sure = 0;
        let mut maybe = 0;
        for (_, xy) in &parcels {
            let ok = |tol: f64| {
                tier.required.iter().all(|&(k, r)| {
                    facilities
                        .iter()
                        .any(|(fk, p)| *fk == k && geodesic(*xy, *p) <= r + tol)
                })
            };
            sure += usize::from(ok(-1.0));
            maybe += usize::from(ok(1.0));
        }
        assert!(
            (sure..=maybe).contains(&tier.parcels_compliant),
            "{}: {} not in {sure}..={maybe}",
            tier.name,
            tier.parcels_compliant
        );
        // Tiers do not nest: a higher tier needs the lower tiers' kinds too, so it can
        // never have more compliant parcels.
        assert!(tier.parcels_compliant <= previous_compliant);
        previous_compliant = tier.parcels_compliant;
        for (_, kinds) in &tier.missing {
            assert!(!kinds.is_empty());
        }
    }
    // The 15-minute tier requires the 5-minute kinds.
    let t15 = &a.living.tiers[2];
    assert!(
        t15.required
            .iter()
            .any(|(k, r)| *k == FacilityKind::Kindergarten && *r == 300.0)
    );
}

#[test]
fn report_json_gains_living_circles_and_keeps_its_keys() {
    let v = json_of(&on_sample("report", &["--json"]));
    for k in [
        "method",
        "park",
        "settings",
        "totals",
        "facilities",
        "coverage_by_kind",
        "uncovered",
        "coverage_all_kinds",
        "park_area",
        "routes",
        "enterprises_beyond_all_routes",
        "land",
        "projects",
        "living_circles",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let lc = &v["living_circles"];
    for tier in ["5min", "10min", "15min"] {
        let t = &lc[tier];
        let total = t["parcels_total"].as_u64().unwrap();
        let ok = t["parcels_compliant"].as_u64().unwrap();
        let missing = t["missing"].as_object().unwrap();
        assert!(ok <= total);
        assert_eq!(missing.len() as u64, total - ok, "{tier}");
        for kinds in missing.values() {
            assert!(!kinds.as_array().unwrap().is_empty());
        }
    }
}

/// The enterprises' own service circle: each enterprise's compliance recomputed with
/// geodesic distances to every facility (1 m of tolerance for the planar frame).
#[test]
fn service_circle_matches_an_independent_count() {
    let ws = sample();
    let park = &ws.park;
    let a = ws.analyse_with(&Default::default()).unwrap();
    let sc = &a.living.service;
    let settings = &ws.settings().living.service;
    assert_eq!(sc.radius_m, settings.radius_m);
    assert_eq!(
        sc.required.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        settings.required
    );
    let facilities: Vec<(FacilityKind, Point<f64>)> = park
        .facilities
        .iter()
        .filter_map(|f| Some((f.kind, f.location?)))
        .collect();
    let located: Vec<(usize, Point<f64>)> = park
        .enterprises
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((i, e.location?)))
        .collect();
    assert_eq!(sc.enterprises_total, located.len());
    let (mut sure, mut maybe) = (0, 0);
    let missing: std::collections::HashMap<u32, &[FacilityKind]> =
        sc.missing.iter().map(|(i, m)| (*i, m)).collect();
    for (i, p) in &located {
        let has = |k: FacilityKind, tol: f64| {
            facilities
                .iter()
                .any(|(fk, f)| *fk == k && geodesic([f.x(), f.y()], *p) <= sc.radius_m + tol)
        };
        let ok = |tol: f64| settings.required.iter().all(|&k| has(k, tol));
        sure += usize::from(ok(-1.0));
        maybe += usize::from(ok(1.0));
        // Every kind listed missing is really beyond the radius.
        for &k in missing.get(&(*i as u32)).copied().unwrap_or(&[]) {
            assert!(!has(k, -1.0), "{} has {k:?}", park.enterprises[*i].id);
        }
    }
    assert!(
        (sure..=maybe).contains(&sc.enterprises_compliant),
        "{} not in {sure}..={maybe}",
        sc.enterprises_compliant
    );
    assert!(sc.enterprises_compliant > 0 && sc.enterprises_compliant < sc.enterprises_total);
}

/// `report --walk police_post`: the police post is measured along roads (said so in the
/// JSON), and a walk along roads is never shorter than the straight line, so no
/// enterprise becomes compliant that was not by the circle.
#[test]
fn report_walks_a_kind_along_roads_and_says_so() {
    let circle = json_of(&on_sample("report", &["--json"]));
    let walk = json_of(&on_sample("report", &["--json", "--walk", "police_post"]));
    let (c, w) = (&circle["service_circle"], &walk["service_circle"]);
    for k in [
        "radius_m",
        "required",
        "reach",
        "enterprises_total",
        "enterprises_compliant",
        "share",
        "missing",
    ] {
        assert!(c.get(k).is_some(), "service_circle misses {k}");
    }
    assert_eq!(c["reach"]["police_post"], "circle");
    assert_eq!(w["reach"]["police_post"], "walk_along_roads");
    assert_eq!(w["reach"]["community_service_station"], "circle");
    assert_eq!(
        walk["living_circles"]["15min"]["reach"]["police_post"],
        "walk_along_roads"
    );
    let compliant = |v: &serde_json::Value| v["enterprises_compliant"].as_u64().unwrap();
    assert!(
        compliant(w) < compliant(c),
        "the sample's roads make some walks longer"
    );
    let missing_c = c["missing"].as_object().unwrap();
    for (id, kinds) in w["missing"].as_object().unwrap() {
        let kinds: Vec<&str> = kinds
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        // Kinds still by circle are missing exactly as before.
        let before: Vec<&str> = missing_c
            .get(id)
            .map(|k| {
                k.as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        for k in &before {
            assert!(
                kinds.contains(k),
                "{id}: {k} missing by circle, not by walk"
            );
        }
    }
    assert_eq!(
        missing_c.len() as u64,
        c["enterprises_total"].as_u64().unwrap() - compliant(c)
    );
    // A kind that is no kind is a message.
    let bad = on_sample("report", &["--walk", "swimming_pool"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("swimming_pool"));
}

/// `--target compliance:5min` with kindergartens: the parcels a site lists became
/// compliant, each missed only a kindergarten, and adding the suggested sites as
/// kindergartens makes exactly `covered_after` parcels compliant.
#[test]
fn compliance_target_makes_the_parcels_it_lists_compliant() {
    use parkplan::analysis::{build, living};
    let ws = sample();
    let park = &ws.park;
    let kind = FacilityKind::Kindergarten;
    let a = ws.analyse_with(&Default::default()).unwrap();
    let t5 = &a.living.tiers[a.living.tier("5min").unwrap()];
    let mut req = request(kind, 3, "parcels:R", Method::Exact);
    req.goal = Goal::Compliance("5min".into());
    let s = ws.suggest(&req, &Limits::default()).unwrap();
    assert_eq!(s.target, "compliance:5min");
    assert_eq!(s.demand, Demand::Parcels);
    assert_eq!(s.radius_m, 300.0);
    assert!(s.solution.optimal);
    assert_eq!(s.solution.covered_before, t5.parcels_compliant as f64);
    let newly: usize = s.solution.newly.iter().map(Vec::len).sum();
    assert!(newly > 0);
    assert_eq!(
        s.solution.covered_before + newly as f64,
        s.solution.covered_after
    );
    let only_kg: BTreeSet<u32> = t5
        .missing
        .iter()
        .filter(|(_, m)| m[..] == [kind])
        .map(|(p, _)| *p)
        .collect();
    let sites: Vec<[f64; 2]> = s
        .solution
        .chosen
        .iter()
        .map(|&j| s.candidates[j as usize].lon_lat)
        .collect();
    for (k, list) in s.solution.newly.iter().enumerate() {
        for &p in list {
            assert!(
                only_kg.contains(&p),
                "{} missed more",
                park.parcels[p as usize].id
            );
            let pt = parkplan::model::records::representative_point(
                park.geometry(park.parcels[p as usize].feature).unwrap(),
            )
            .unwrap();
            assert!(geodesic(sites[k], pt) <= 301.0);
        }
    }
    // Build the kindergartens and recount.
    let mut built: Park = (**park).clone();
    for (k, ll) in sites.iter().enumerate() {
        built
            .facilities
            .push(build::facility(&format!("NEW{k}"), kind, ll[0], ll[1]));
    }
    let index = parkplan::spatial::ParkIndex::build_default(&built).unwrap();
    let lc = living::living_circles(&built, &index, &ws.settings().living);
    assert_eq!(
        lc.tiers[0].parcels_compliant as f64,
        s.solution.covered_after
    );
    // A kind the tier does not require, and a tier that does not exist, are messages.
    let mut bad = request(FacilityKind::MiddleSchool, 1, "parcels:R", Method::Greedy);
    bad.goal = Goal::Compliance("5min".into());
    let e = ws
        .suggest(&bad, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not require middle_school"), "{e}");
    bad.goal = Goal::Compliance("20min".into());
    let e = ws
        .suggest(&bad, &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("20min") && e.contains("15min"), "{e}");
}

/// `--target compliance:service` from the command line: the enterprises listed per site
/// lacked only that kind within the service circle and are within its radius.
#[test]
fn cli_compliance_service_target() {
    let ws = sample();
    let v = json_of(&on_sample(
        "suggest",
        &[
            "--kind",
            "police_post",
            "--target",
            "compliance:service",
            "--count",
            "2",
            "--json",
        ],
    ));
    assert_eq!(v["target"], "compliance:service");
    let a = ws.analyse_with(&Default::default()).unwrap();
    let sc = &a.living.service;
    assert_eq!(
        v["covered_before"].as_f64().unwrap(),
        sc.enterprises_compliant as f64
    );
    let only: BTreeSet<&str> = sc
        .missing
        .iter()
        .filter(|(_, m)| m[..] == [FacilityKind::PolicePost])
        .map(|(e, _)| ws.park.enterprises[*e as usize].id.as_str())
        .collect();
    let mut total = 0;
    for site in v["sites"].as_array().unwrap() {
        let at = [site["lon"].as_f64().unwrap(), site["lat"].as_f64().unwrap()];
        let ids = site["enterprises"].as_array().unwrap();
        assert_eq!(site["new_compliant"].as_u64().unwrap() as usize, ids.len());
        for id in ids {
            let id = id.as_str().unwrap();
            assert!(only.contains(id), "{id} lacked more than a police post");
            let e = ws.park.enterprises.iter().find(|e| e.id == id).unwrap();
            assert!(geodesic(at, e.location.unwrap()) <= sc.radius_m + 1.0);
        }
        total += ids.len();
    }
    assert!(total > 0);
    assert_eq!(
        v["covered_after"].as_f64().unwrap(),
        sc.enterprises_compliant as f64 + total as f64
    );
}

/// KW6 with detours: candidates off the route carry their detour (at most twice the
/// limit), the chosen stops keep the spacing, and the JSON reports `detour_m`.
#[test]
fn kw6_detour_stops_report_their_detour() {
    let ws = sample();
    let mut req = request(FacilityKind::Other, 3, "roads:100", Method::Greedy);
    req.target = SiteTarget::Route("KW6".into());
    req.detour_m = Some(400.0);
    req.min_spacing_m = 400.0;
    let with = ws.suggest(&req, &Limits::default()).unwrap();
    req.detour_m = None;
    let without = ws.suggest(&req, &Limits::default()).unwrap();
    let detours: Vec<&Candidate> = with
        .candidates
        .iter()
        .filter(|c| c.id.starts_with("detour:"))
        .collect();
    assert!(!detours.is_empty());
    for c in &detours {
        let d = c.detour_m.unwrap();
        assert!(d > 0.0 && d <= 800.0 + 1e-6, "{} {d}", c.id);
    }
    assert!(without.candidates.iter().all(|c| c.detour_m == Some(0.0)));
    // More candidates cannot cover less.
    assert!(with.solution.covered_after >= without.solution.covered_after);
    let sites: Vec<[f64; 2]> = with
        .solution
        .chosen
        .iter()
        .map(|&j| with.candidates[j as usize].lon_lat)
        .collect();
    for (k, a) in sites.iter().enumerate() {
        for b in &sites[k + 1..] {
            assert!(geodesic(*a, Point::new(b[0], b[1])) >= 400.0 - 1.0);
        }
        for st in ws
            .park
            .stops
            .iter()
            .filter(|s| s.route.as_deref() == Some("KW6"))
        {
            assert!(geodesic(*a, st.location.unwrap()) >= 400.0 - 1.0);
        }
    }
    let j = parkplan::report::siting::json(&ws.park, &with);
    let v = serde_json::to_value(&j).unwrap();
    for site in v["sites"].as_array().unwrap() {
        assert!(site["detour_m"].as_f64().is_some(), "{site}");
    }
}

/// The CLI's JSON checked against the sample's GeoJSON files read here with
/// serde_json alone (not the library's importer): every site's newly covered
/// enterprises are exactly those within the radius (geodesic) of it, not within the
/// radius of an existing facility of the kind nor of a site ranked above it.
#[test]
fn cli_suggest_json_coverage_recomputed_from_the_geojson() {
    let dir = common::sample_dir();
    let v = json_of(&on_sample(
        "suggest",
        &[
            "--kind",
            "幼儿园",
            "--count",
            "3",
            "--candidates",
            "roads:150",
            "--json",
        ],
    ));
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    let point = |f: &serde_json::Value| -> [f64; 2] {
        let c = &f["geometry"]["coordinates"];
        [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
    };
    let enterprises: Vec<(String, [f64; 2])> = read("企业.geojson")["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("a feature id").to_string(),
                point(f),
            )
        })
        .collect();
    let kindergartens: Vec<[f64; 2]> = read("服务设施.geojson")["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["设施类型"] == "幼儿园")
        .map(point)
        .collect();
    let r = v["radius_m"].as_f64().unwrap();
    let near = |a: [f64; 2], b: [f64; 2]| geodesic(a, Point::new(b[0], b[1]));
    let mut covered: Vec<bool> = enterprises
        .iter()
        .map(|(_, p)| kindergartens.iter().any(|k| near(*k, *p) <= r))
        .collect();
    assert_eq!(
        covered.iter().filter(|c| **c).count() as f64,
        v["covered_before"].as_f64().unwrap()
    );
    for site in v["sites"].as_array().unwrap() {
        let at = [site["lon"].as_f64().unwrap(), site["lat"].as_f64().unwrap()];
        let mut mine: Vec<&str> = Vec::new();
        for (i, (id, p)) in enterprises.iter().enumerate() {
            if !covered[i] && near(at, *p) <= r {
                mine.push(id);
                covered[i] = true;
            }
        }
        let listed: Vec<&str> = site["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let (mut a, mut b) = (mine.clone(), listed.clone());
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "site {}", site["id"]);
        assert_eq!(
            site["new_enterprises"].as_u64().unwrap() as usize,
            listed.len()
        );
    }
    assert_eq!(
        covered.iter().filter(|c| **c).count() as f64,
        v["covered_after"].as_f64().unwrap()
    );
}

/// The printed gap layer of the service circle: the page's overlay highlights exactly
/// the non-compliant enterprises, the CLI writes it (read back with usvg), and a tier
/// that does not exist is a message naming the tiers.
#[test]
fn printed_service_circle_gaps() {
    use parkplan::render::Focus;
    let ws = sample();
    let a = ws.analyse_with(&Default::default()).unwrap();
    let projected = ws.projected().unwrap();
    let page = ws
        .map_focus(
            &projected,
            Focus::ServiceGaps,
            None,
            parkplan::model::Lang::Zh,
        )
        .unwrap();
    let want: BTreeSet<_> = a
        .living
        .service
        .missing
        .iter()
        .map(|(e, _)| ws.park.enterprises[*e as usize].feature)
        .collect();
    let got: BTreeSet<_> = page.overlays.highlighted.iter().copied().collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let dir = crate::common::scratch().join("parkplan-service-gaps");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("gaps.svg");
    let o = on_sample(
        "export",
        &["--living-gaps", "service", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).expect("usvg reads it");
    let bad_out = dir.join("bad.svg");
    let bad = on_sample(
        "export",
        &["--living-gaps", "20min", "--out", bad_out.to_str().unwrap()],
    );
    assert!(!bad.status.success());
    let e = String::from_utf8_lossy(&bad.stderr);
    assert!(
        e.contains("20min") && e.contains("5min, 10min, 15min"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A compliance target with the kind walked along roads (`--reach walk:15`, or the kind
/// shown by isochrone): the places already compliant are counted by the same walk the
/// report uses (`report --walk`), and every listed enterprise lacked only that kind.
#[test]
fn compliance_target_walks_the_kind_when_asked() {
    use parkplan::analysis::ReachChoice;
    let kind = FacilityKind::PolicePost;
    let ws = sample();
    let mut req = request(kind, 2, "roads:200", Method::Greedy);
    req.goal = Goal::Compliance("service".into());
    req.reach = SiteReach::parse("walk:15").unwrap();
    let s = ws.suggest(&req, &Limits::default()).unwrap();
    assert!(
        s.method_text.contains("walked along roads"),
        "{}",
        s.method_text
    );
    let mut walked = sample();
    let spec = walked.studies.reach_of(kind).spec;
    walked.studies.set_reach(
        kind,
        ReachChoice {
            isochrone: true,
            spec,
        },
    );
    let a = walked.analyse_with(&Default::default()).unwrap();
    let sc = &a.living.service;
    assert_eq!(s.solution.covered_before, sc.enterprises_compliant as f64);
    let only: BTreeSet<u32> = sc
        .missing
        .iter()
        .filter(|(_, m)| m[..] == [kind])
        .map(|(e, _)| *e)
        .collect();
    let newly: Vec<u32> = s.solution.newly.iter().flatten().copied().collect();
    assert!(!newly.is_empty());
    assert!(newly.iter().all(|e| only.contains(e)));
    // The same request from the workspace that shows the kind by isochrone, without
    // --reach: the same answer.
    req.reach = SiteReach::Circle;
    let t = walked.suggest(&req, &Limits::default()).unwrap();
    assert_eq!(t.solution.covered_after, s.solution.covered_after);
}

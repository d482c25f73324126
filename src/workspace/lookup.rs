//! Finding a facility or a bus route from what a person typed (an id or a name) — the
//! one lookup the command line uses before it works by index like the desktop. A key
//! that names more than one feature is refused with the candidates listed, never
//! resolved to the first of them.

use crate::model::Park;

/// Why a key does not name exactly one feature.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LookupError {
    /// Nothing matches.
    #[error("no {what} \"{key}\"; some that exist: {}", known.join(", "))]
    NotFound {
        /// "facility" or "route".
        what: &'static str,
        /// What was looked for.
        key: String,
        /// Some that exist ("id name").
        known: Vec<String>,
    },
    /// Several match equally well.
    #[error("\"{key}\" names {} {}: {}; use an id that names one", candidates.len(), plural(what), candidates.join(", "))]
    Ambiguous {
        /// "facility" or "route".
        what: &'static str,
        /// What was looked for.
        key: String,
        /// The matching ones ("id name").
        candidates: Vec<String>,
    },
}

/// "facilities", "routes".
fn plural(what: &str) -> String {
    match what.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{what}s"),
    }
}

/// How many existing features an error lists.
const KNOWN_LISTED: usize = 12;

/// Picks one index from `items` (id, name) by, in order: exact id, exact name, name
/// ignoring ASCII case, name containing the key. The first rule with any match decides;
/// more than one match there is ambiguous.
fn pick<'a>(
    what: &'static str,
    key: &str,
    items: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> Result<usize, LookupError> {
    let k = key.trim();
    let label = |(id, name): (&str, &str)| {
        if id.is_empty() || id == name {
            name.to_string()
        } else {
            format!("{id} {name}")
        }
    };
    type Rule = fn(&str, &str, &str) -> bool;
    let rules: [Rule; 4] = [
        // An id, or the original of ids made unique ("0" names "0#1" and "0#2").
        |k, id, _| id == k || id.rsplit_once('#').is_some_and(|(orig, _)| orig == k),
        |k, _, name| name == k,
        |k, _, name| name.eq_ignore_ascii_case(k),
        |k, _, name| !k.is_empty() && name.contains(k),
    ];
    for rule in rules {
        let hits: Vec<usize> = items
            .clone()
            .enumerate()
            .filter(|(_, (id, name))| rule(k, id, name))
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                let all: Vec<(&str, &str)> = items.clone().collect();
                return Err(LookupError::Ambiguous {
                    what,
                    key: k.to_string(),
                    candidates: many.iter().map(|&i| label(all[i])).collect(),
                });
            }
        }
    }
    Err(LookupError::NotFound {
        what,
        key: k.to_string(),
        known: items.take(KNOWN_LISTED).map(label).collect(),
    })
}

/// The index of the facility `key` names (id, then name).
pub fn facility(park: &Park, key: &str) -> Result<usize, LookupError> {
    pick(
        "facility",
        key,
        park.facilities
            .iter()
            .map(|f| (f.id.as_str(), f.name.as_str())),
    )
}

/// The index of the bus route `key` names (id, then name).
pub fn route(park: &Park, key: &str) -> Result<usize, LookupError> {
    pick(
        "route",
        key,
        park.routes.iter().map(|r| (r.id.as_str(), r.name.as_str())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::build;
    use crate::model::FacilityKind;

    fn park() -> Park {
        let mut a = build::facility("SS-1", FacilityKind::CommunityServiceStation, 112.3, 30.3);
        a.name = "北港社区服务站".into();
        let mut b = build::facility("SS-2", FacilityKind::CommunityServiceStation, 112.31, 30.3);
        b.name = "南港社区服务站".into();
        let mut c = build::facility("0", FacilityKind::Other, 112.32, 30.3);
        c.name = "x".into();
        let mut d = build::facility("0", FacilityKind::Other, 112.33, 30.3);
        d.name = "y".into();
        Park {
            facilities: vec![a, b, c, d],
            routes: vec![
                build::route("KW6", "KW6", &[(112.29, 30.30), (112.32, 30.30)]),
                build::route("R2", "KW6", &[(112.29, 30.31), (112.32, 30.31)]),
            ],
            ..Park::default()
        }
    }

    #[test]
    fn ids_and_names_find_one() {
        let p = park();
        assert_eq!(facility(&p, "SS-2"), Ok(1));
        assert_eq!(facility(&p, "北港社区服务站"), Ok(0));
        assert_eq!(facility(&p, "南港"), Ok(1));
    }

    #[test]
    fn ambiguous_keys_are_refused_with_candidates() {
        let p = park();
        match facility(&p, "0") {
            Err(LookupError::Ambiguous { candidates, .. }) => {
                assert_eq!(candidates, vec!["0 x".to_string(), "0 y".to_string()]);
            }
            other => panic!("expected ambiguity, got {other:?}"),
        }
        assert!(matches!(
            facility(&p, "社区服务站"),
            Err(LookupError::Ambiguous { .. })
        ));
        // Two routes named KW6: the id picks the first, the name is ambiguous only
        // when no id matches.
        assert_eq!(route(&p, "KW6"), Ok(0));
        assert_eq!(route(&p, "R2"), Ok(1));
    }

    #[test]
    fn unknown_keys_list_some_that_exist() {
        let p = park();
        let e = facility(&p, "幼儿园").unwrap_err();
        assert!(e.to_string().contains("SS-1 北港社区服务站"), "{e}");
    }
}

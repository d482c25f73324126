//! The ParkPlan schema in a PostgreSQL database: the `parkplan` schema with the parks
//! and layers catalogue (each layer's role and field mapping, as a manifest has them),
//! the change log `parkplan.changes` (who = `current_user`, when, layer, feature,
//! before and after as JSONB) filled by a trigger on every layer table, and the group
//! roles `parkplan_viewer` (read), `parkplan_editor` (read and edit features) and
//! `parkplan_admin` (also push and replace parks). Layer tables are made by
//! [`super::push`], through [`layer_table_sql`].
//!
//! [`init`] can run again on an initialised database: every statement is idempotent.

use super::DbError;
use crate::model::Layer;
use crate::model::attributes::ColumnType;

/// The group roles `db init` creates, lowest first, with what they may do.
pub const ROLES: [(&str, &str); 3] = [
    ("parkplan_viewer", "read parks and the change log"),
    (
        "parkplan_editor",
        "viewer + add, change and delete features",
    ),
    ("parkplan_admin", "editor + push, replace parks"),
];

const INIT_SQL: &str = r#"
CREATE EXTENSION IF NOT EXISTS postgis;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parkplan_viewer') THEN
        CREATE ROLE parkplan_viewer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parkplan_editor') THEN
        CREATE ROLE parkplan_editor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parkplan_admin') THEN
        CREATE ROLE parkplan_admin NOLOGIN;
    END IF;
END
$$;
GRANT parkplan_viewer TO parkplan_editor;
GRANT parkplan_editor TO parkplan_admin;
CREATE SCHEMA IF NOT EXISTS parkplan;
GRANT USAGE ON SCHEMA parkplan TO parkplan_viewer;
GRANT CREATE ON SCHEMA parkplan TO parkplan_admin;

CREATE TABLE IF NOT EXISTS parkplan.parks (
    name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT current_user,
    analysis jsonb
);
CREATE SEQUENCE IF NOT EXISTS parkplan.layer_numbers;
CREATE TABLE IF NOT EXISTS parkplan.layers (
    park text NOT NULL REFERENCES parkplan.parks (name) ON DELETE CASCADE ON UPDATE CASCADE,
    ord integer NOT NULL,
    name text NOT NULL,
    table_name text NOT NULL UNIQUE,
    role text NOT NULL,
    role_reason text NOT NULL DEFAULT '',
    fields jsonb NOT NULL DEFAULT '{}',
    columns text[] NOT NULL DEFAULT '{}',
    document_members jsonb NOT NULL DEFAULT '[]',
    part text,
    PRIMARY KEY (park, ord)
);
CREATE TABLE IF NOT EXISTS parkplan.changes (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    who text NOT NULL DEFAULT current_user,
    park text NOT NULL,
    layer text NOT NULL,
    table_name text NOT NULL,
    fid bigint,
    op text NOT NULL,
    version bigint,
    before jsonb,
    after jsonb
);
CREATE INDEX IF NOT EXISTS changes_park_id ON parkplan.changes (park, id);

-- Editors may add log entries (through the trigger) but never say who or when.
CREATE OR REPLACE FUNCTION parkplan.stamp_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    NEW.who := current_user;
    NEW.at := now();
    RETURN NEW;
END
$f$;
DROP TRIGGER IF EXISTS stamp ON parkplan.changes;
CREATE TRIGGER stamp BEFORE INSERT ON parkplan.changes
    FOR EACH ROW EXECUTE FUNCTION parkplan.stamp_change();

-- Every row change of a layer table, before and after.
CREATE OR REPLACE FUNCTION parkplan.log_change() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    b jsonb;
    a jsonb;
    f bigint;
    v bigint;
    p text;
    l text;
BEGIN
    SELECT park, name INTO p, l FROM parkplan.layers WHERE table_name = TG_TABLE_NAME;
    IF TG_OP <> 'INSERT' THEN
        b := jsonb_build_object('id', OLD.feature_id, 'properties', OLD.properties,
                                'geometry', ST_AsGeoJSON(OLD.geom)::jsonb, 'version', OLD.version);
        f := OLD.fid;
        v := OLD.version;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        a := jsonb_build_object('id', NEW.feature_id, 'properties', NEW.properties,
                                'geometry', ST_AsGeoJSON(NEW.geom)::jsonb, 'version', NEW.version);
        f := NEW.fid;
        v := NEW.version;
    END IF;
    INSERT INTO parkplan.changes (park, layer, table_name, fid, op, version, before, after)
        VALUES (coalesce(p, '?'), coalesce(l, TG_TABLE_NAME), TG_TABLE_NAME, f, lower(TG_OP), v, b, a);
    RETURN NULL;
END
$f$;

GRANT SELECT ON parkplan.parks, parkplan.layers, parkplan.changes TO parkplan_viewer;
GRANT INSERT ON parkplan.changes TO parkplan_editor;
GRANT USAGE ON SEQUENCE parkplan.changes_id_seq TO parkplan_editor;
GRANT INSERT, UPDATE, DELETE ON parkplan.parks, parkplan.layers TO parkplan_admin;
GRANT USAGE ON SEQUENCE parkplan.layer_numbers TO parkplan_admin;
"#;

/// Creates (or completes) the ParkPlan schema and its roles. Needs a role that may
/// create extensions, roles and schemas (a superuser, or the database owner with
/// CREATEROLE when PostGIS is already installed).
pub fn init(client: &mut postgres::Client) -> Result<(), DbError> {
    client
        .batch_execute(INIT_SQL)
        .map_err(|e| DbError::sql("creating the ParkPlan schema (db init)", &e))
}

/// Fails with [`DbError::NotInitialised`] when the database has no ParkPlan schema.
pub fn check(client: &mut postgres::Client) -> Result<(), DbError> {
    let row = client
        .query_one("SELECT to_regclass('parkplan.parks') IS NOT NULL", &[])
        .map_err(|e| DbError::sql("looking for the ParkPlan schema", &e))?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(DbError::NotInitialised)
    }
}

/// Quotes an identifier for SQL.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a string literal for SQL (for DDL, where parameters cannot go).
pub(crate) fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The statements that create a layer's table: key, original id, geometry in EPSG:4490,
/// the properties as JSONB, a `version` per row, who changed it last, a generated typed
/// column per mapped field (`f_name`, `f_area` …, kept in step with the properties by
/// PostgreSQL itself), a GiST index on the geometry and grants to the roles. The change
/// trigger is added by [`layer_trigger_sql`] (after the first load, so that a push is
/// not logged row by row).
pub fn layer_table_sql(table: &str, layer: &Layer) -> String {
    let t = format!("parkplan.{}", ident(table));
    let mut typed = String::new();
    for (field, prop) in &layer.fields {
        let key = literal(prop);
        let expr = match layer.attributes.column(prop).map(|c| c.column_type()) {
            Some(ColumnType::Int | ColumnType::Float) => format!(
                "double precision GENERATED ALWAYS AS (CASE WHEN jsonb_typeof(properties -> {key}) = 'number' \
                 THEN (properties ->> {key})::double precision END) STORED"
            ),
            Some(ColumnType::Bool) => format!(
                "boolean GENERATED ALWAYS AS (CASE WHEN jsonb_typeof(properties -> {key}) = 'boolean' \
                 THEN (properties ->> {key})::boolean END) STORED"
            ),
            _ => format!("text GENERATED ALWAYS AS (properties ->> {key}) STORED"),
        };
        typed.push_str(&format!(
            ",\n    {} {expr}",
            ident(&format!("f_{}", field.code()))
        ));
    }
    format!(
        "CREATE TABLE {t} (
    fid bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    feature_id jsonb,
    geom geometry(Geometry, 4490),
    properties jsonb NOT NULL DEFAULT '{{}}',
    version bigint NOT NULL DEFAULT 1,
    updated_by text NOT NULL DEFAULT current_user,
    updated_at timestamptz NOT NULL DEFAULT now(){typed}
);
GRANT SELECT ON {t} TO parkplan_viewer;
GRANT INSERT, UPDATE, DELETE ON {t} TO parkplan_editor;
GRANT USAGE ON SEQUENCE parkplan.{seq} TO parkplan_editor;
",
        seq = ident(&format!("{table}_fid_seq")),
    )
}

/// The statements run after a layer's rows are loaded: the key sequence moved past
/// them, the spatial index, statistics, and the change-log trigger.
pub fn layer_trigger_sql(table: &str) -> String {
    let t = format!("parkplan.{}", ident(table));
    format!(
        "SELECT setval(pg_get_serial_sequence({lit}, 'fid'), coalesce(max(fid), 0) + 1, false) FROM {t};
CREATE INDEX {gist} ON {t} USING gist (geom);
ANALYZE {t};
CREATE TRIGGER log_change AFTER INSERT OR UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION parkplan.log_change();
",
        lit = literal(&t),
        gist = ident(&format!("{table}_geom")),
    )
}

/// Whether the catalogue holds a park of this name.
pub(crate) fn park_exists(
    client: &mut impl postgres::GenericClient,
    name: &str,
) -> Result<bool, DbError> {
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM parkplan.parks WHERE name = $1)",
            &[&name],
        )
        .map_err(|e| DbError::sql("looking for the park", &e))?
        .get(0))
}

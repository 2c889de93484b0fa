//! The catalog queries, one per catalog. Each returns a single row holding one JSON array
//! (`json_agg`), so the whole set is sent as one simple-protocol batch: one round trip, no
//! prepared statements (safe behind a transaction-mode pooler), one snapshot.
//!
//! The big aggregates are not ordered in SQL (sorting megabytes of JSON costs more than
//! the rest of the query); the model is put in order on the client.
//!
//! `{SCHEMAS}` is replaced by an `ARRAY[...]::text[]` of the managed schema names, each
//! quoted through `crate::quote::literal`.

/// Relations not created by an extension.
/// (A hashed `NOT IN` over one scan of `pg_depend`, not a lookup per row.)
const NOT_EXTENSION_OWNED: &str = "c.oid NOT IN (SELECT dep.objid FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'e')";

/// The grantee of an `aclexplode` row by name (`public` for PUBLIC).
macro_rules! acl_json {
    ($acl:expr, $owner:expr) => {
        concat!(
            "(SELECT pg_catalog.json_agg(pg_catalog.json_build_object('grantee', CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END, 'priv', a.privilege_type) ORDER BY a.grantee, a.privilege_type) FROM pg_catalog.aclexplode(",
            $acl,
            ") a WHERE a.grantee <> ",
            $owner,
            ")"
        )
    };
}

pub const SERVER_VERSION: &str = "SELECT pg_catalog.current_setting('server_version_num')";

pub const SCHEMAS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'name', n.nspname, ",
    "'comment', pg_catalog.obj_description(n.oid, 'pg_namespace'), ",
    "'acl', ",
    acl_json!(
        "COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))",
        "n.nspowner"
    ),
    ") ORDER BY n.nspname), '[]') FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY({SCHEMAS})"
);

pub const RELATIONS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'oid', c.oid::bigint, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind, ",
    "'rls', c.relrowsecurity, 'force', c.relforcerowsecurity, 'partition', c.relispartition, ",
    "'estimate', c.reltuples::bigint, 'options', c.reloptions, ",
    "'comment', ds.description, ",
    "'view', CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END, ",
    "'acl', ",
    acl_json!("c.relacl", "c.relowner"),
    ")), '[]') ",
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0 ",
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname = ANY({SCHEMAS}) AND "
);

/// A default cannot name a column, so it is printed without opening its table (`pg_get_expr`
/// with relation 0 is several times cheaper); a generated column's expression can.
pub const COLUMNS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'rel', a.attrelid::bigint, 'num', a.attnum, 'name', a.attname, ",
    "'type', pg_catalog.format_type(a.atttypid, a.atttypmod), 'typoid', a.atttypid::bigint, ",
    "'notnull', a.attnotnull, 'default', pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated <> '' THEN ad.adrelid ELSE 0 END), ",
    "'identity', a.attidentity, 'generated', a.attgenerated, ",
    "'collation', CASE WHEN a.attcollation <> t.typcollation THEN ",
    "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text ELSE cn.nspname || '.' || co.collname END ",
    "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END, ",
    "'comment', ds.description, ",
    "'acl', CASE WHEN a.attacl IS NOT NULL THEN ",
    acl_json!("a.attacl", "c.relowner"),
    " END)), '[]') ",
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid ",
    "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum ",
    "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = a.attnum ",
    "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ",
    "AND n.nspname = ANY({SCHEMAS}) AND "
);

pub const CONSTRAINTS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'rel', co.conrelid::bigint, 'name', co.conname, 'type', co.contype, ",
    "'cols', (SELECT pg_catalog.json_agg(att.attname ORDER BY k.ord) FROM pg_catalog.unnest(co.conkey) WITH ORDINALITY k(num, ord) ",
    "JOIN pg_catalog.pg_attribute att ON att.attrelid = co.conrelid AND att.attnum = k.num), ",
    "'ref_schema', fn.nspname, 'ref_table', fc.relname, ",
    "'ref_cols', (SELECT pg_catalog.json_agg(att.attname ORDER BY k.ord) FROM pg_catalog.unnest(co.confkey) WITH ORDINALITY k(num, ord) ",
    "JOIN pg_catalog.pg_attribute att ON att.attrelid = co.confrelid AND att.attnum = k.num), ",
    "'on_delete', co.confdeltype, 'on_update', co.confupdtype, ",
    "'deferrable', co.condeferrable, 'deferred', co.condeferred, ",
    "'expr', CASE WHEN co.contype = 'c' THEN pg_catalog.pg_get_expr(co.conbin, co.conrelid) END, ",
    "'nnd', CASE WHEN co.contype = 'u' THEN (SELECT (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean FROM pg_catalog.pg_index i WHERE i.indexrelid = co.conindid) END",
    ")), '[]') ",
    "FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid ",
    "LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace ",
    "WHERE co.contype IN ('p', 'u', 'f', 'c', 'x') AND n.nspname = ANY({SCHEMAS}) AND "
);

pub const INDEXES: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'rel', i.indrelid::bigint, 'name', ic.relname, 'unique', i.indisunique, 'valid', i.indisvalid, ",
    "'method', am.amname, 'nkey', i.indnkeyatts, ",
    "'parts', (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'attnum', k.attnum, 'name', att.attname, ",
    "'def', CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END, ",
    "'desc', k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 1, ",
    "'nulls_first', k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 2) = 2, ",
    "'opclass', CASE WHEN k.ord <= i.indnkeyatts THEN i.indclass[k.ord - 1]::bigint END",
    ") ORDER BY k.ord) FROM pg_catalog.unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) ",
    "LEFT JOIN pg_catalog.pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum AND k.attnum > 0), ",
    "'pred', pg_catalog.pg_get_expr(i.indpred, i.indrelid)",
    ")), '[]') ",
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid ",
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam ",
    "WHERE n.nspname = ANY({SCHEMAS}) ",
    "AND i.indexrelid NOT IN (SELECT co.conindid FROM pg_catalog.pg_constraint co WHERE co.contype IN ('p', 'u', 'x')) AND "
);

/// Operator classes that are not their type's default, by oid: an index key using one
/// names it (`gin_trgm_ops`). Looked up on the client, which is cheaper than per key.
pub const OPCLASSES: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'oid', op.oid::bigint, 'name', CASE WHEN opn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(op.opcname) ",
    "ELSE pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(op.opcname) END)), '[]') ",
    "FROM pg_catalog.pg_opclass op JOIN pg_catalog.pg_namespace opn ON opn.oid = op.opcnamespace ",
    "WHERE NOT op.opcdefault"
);

/// User-defined types: enums with their labels in order; other kinds are reported as
/// unmanaged.
pub const TYPES: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'oid', t.oid::bigint, 'schema', n.nspname, 'name', t.typname, 'kind', t.typtype, ",
    "'values', CASE WHEN t.typtype = 'e' THEN (SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END, ",
    "'comment', pg_catalog.obj_description(t.oid, 'pg_type')",
    ") ORDER BY n.nspname, t.typname), '[]') ",
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS}) AND t.typtype IN ('e', 'd', 'c', 'r', 'm') ",
    "AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')) ",
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.objid = t.oid AND dep.deptype = 'e')"
);

/// Policies on managed tables, and on the platform tables users may attach policies to.
pub const POLICIES: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'schema', n.nspname, 'table', c.relname, 'name', p.polname, 'cmd', p.polcmd, ",
    "'permissive', p.polpermissive, ",
    "'roles', (SELECT pg_catalog.json_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END) FROM pg_catalog.unnest(p.polroles) r), ",
    "'using', pg_catalog.pg_get_expr(p.polqual, p.polrelid), ",
    "'check', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)",
    ")), '[]') ",
    "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS}) OR (n.nspname, c.relname) IN (('auth', 'users'), ('storage', 'objects'), ('storage', 'buckets'))"
);

/// User triggers: on managed tables, on `auth.users`, and on the storage tables when
/// their function is the user's own.
pub const TRIGGERS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'schema', n.nspname, 'table', c.relname, 'name', t.tgname, 'type', t.tgtype, ",
    "'cols', (SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord) FROM pg_catalog.unnest(t.tgattr::int2[]) WITH ORDINALITY k(num, ord) ",
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num), ",
    "'fschema', fn.nspname, 'fname', f.proname, 'nargs', t.tgnargs, ",
    "'constraint', t.tgconstraint <> 0, ",
    "'def', pg_catalog.pg_get_triggerdef(t.oid, true)",
    ")), '[]') ",
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace ",
    "WHERE NOT t.tgisinternal AND (n.nspname = ANY({SCHEMAS}) OR (n.nspname = 'auth' AND c.relname = 'users') ",
    "OR (n.nspname = 'storage' AND c.relname IN ('objects', 'buckets') AND fn.nspname = ANY({SCHEMAS})))"
);

pub const FUNCTIONS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'schema', n.nspname, 'name', p.proname, 'kind', p.prokind, ",
    "'args', pg_catalog.pg_get_function_arguments(p.oid), ",
    "'identity_args', pg_catalog.pg_get_function_identity_arguments(p.oid), ",
    "'result', pg_catalog.pg_get_function_result(p.oid), ",
    "'lang', l.lanname, 'secdef', p.prosecdef, 'volatility', p.provolatile, ",
    "'strict', p.proisstrict, 'config', p.proconfig, 'src', p.prosrc, ",
    "'sqlbody', CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) END, ",
    "'argnames', p.proargnames, 'argmodes', p.proargmodes, ",
    "'argtypes', (SELECT pg_catalog.json_agg(pg_catalog.format_type(u.t, NULL) ORDER BY u.o) ",
    "FROM pg_catalog.unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(t, o)), ",
    "'comment', pg_catalog.obj_description(p.oid, 'pg_proc'), ",
    "'acl', ",
    acl_json!(
        "COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))",
        "p.proowner"
    ),
    ")), '[]') ",
    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
    "JOIN pg_catalog.pg_language l ON l.oid = p.prolang ",
    "WHERE n.nspname = ANY({SCHEMAS}) ",
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid AND dep.deptype = 'e')"
);

pub const EXTENSIONS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'name', e.extname, 'schema', n.nspname, 'version', e.extversion",
    ") ORDER BY e.extname), '[]') ",
    "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace ",
    "WHERE e.extname <> 'plpgsql'"
);

/// Default privileges set for managed schemas (`ALTER DEFAULT PRIVILEGES IN SCHEMA`).
pub const DEFAULT_ACLS: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'owner', pg_catalog.pg_get_userbyid(d.defaclrole)::text, 'schema', n.nspname, 'type', d.defaclobjtype, ",
    "'acl', ",
    acl_json!("d.defaclacl", "d.defaclrole"),
    ") ORDER BY pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype), '[]') ",
    "FROM pg_catalog.pg_default_acl d JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS})"
);

/// Sequences owned by a column: `serial` (deptype `a`) or identity (deptype `i`).
pub const OWNED_SEQUENCES: &str = concat!(
    "SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(",
    "'seq', d.objid::bigint, 'rel', d.refobjid::bigint, 'col', a.attname, 'deptype', d.deptype",
    ") ORDER BY d.objid), '[]') ",
    "FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid AND c.relkind = 'S' ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid ",
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass ",
    "AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0 AND n.nspname = ANY({SCHEMAS})"
);

/// The queries in the order their results are read.
pub fn all() -> Vec<(&'static str, String)> {
    let rel = |q: &str| format!("{q}{NOT_EXTENSION_OWNED}");
    vec![
        ("server_version", SERVER_VERSION.to_string()),
        ("schemas", SCHEMAS.to_string()),
        ("relations", rel(RELATIONS)),
        ("columns", rel(COLUMNS)),
        ("constraints", rel(CONSTRAINTS)),
        ("indexes", rel(INDEXES)),
        ("types", TYPES.to_string()),
        ("policies", POLICIES.to_string()),
        ("triggers", TRIGGERS.to_string()),
        ("functions", FUNCTIONS.to_string()),
        ("extensions", EXTENSIONS.to_string()),
        ("default_acls", DEFAULT_ACLS.to_string()),
        ("owned_sequences", OWNED_SEQUENCES.to_string()),
        ("opclasses", OPCLASSES.to_string()),
    ]
}

//! The catalog queries, one per catalog. Each returns a single row holding one JSON array
//! (`json_agg`), so the whole set is sent as one simple-protocol batch: one round trip, no
//! prepared statements (safe behind a transaction-mode pooler), one snapshot.
//!
//! What the server spends its time on, and how these queries avoid it (measured on a
//! 2,000-table schema; see docs/benchmarks.md):
//! - Each catalog row is a positional JSON array (`json_build_array`), decoded into the
//!   row structs of `build.rs` field by field, in order: building an object with keys costs
//!   about twice as much per row. The key of each position is kept as a comment
//!   (`/*name*/`) and a test checks them against the struct's fields.
//! - No correlated subquery per row where an array column will do: constraint and index
//!   keys come as attribute numbers (named on the client from the columns already read,
//!   and from `REF_COLUMNS` for tables outside the managed schemas), ACLs as their `aclitem`
//!   text (parsed on the client), and the extension-owned relations as one list filtered on
//!   the client. A subquery per constraint cost more than the rest of the query.
//! - The big aggregates are not ordered in SQL (sorting megabytes of JSON costs more than
//!   the rest of the query); the model is put in order on the client.
//!
//! `{SCHEMAS}` is replaced by an `ARRAY[...]::text[]` of the managed schema names, each
//! quoted through `crate::quote::literal`.

/// A positional row: `pg_catalog.json_build_array(/*key*/ value, …)`.
macro_rules! row {
    ($k:literal => $v:expr $(, $ks:literal => $vs:expr)* $(,)?) => {
        concat!("pg_catalog.json_build_array(/*", $k, "*/ ", $v $(, ", /*", $ks, "*/ ", $vs)*, ")")
    };
}

/// `json_agg` of rows, `[]` when there are none.
macro_rules! agg {
    ($row:expr) => {
        concat!("SELECT COALESCE(pg_catalog.json_agg(", $row, "), '[]') ")
    };
    ($row:expr, order $order:literal) => {
        concat!(
            "SELECT COALESCE(pg_catalog.json_agg(",
            $row,
            " ORDER BY ",
            $order,
            "), '[]') "
        )
    };
}

pub const SERVER_VERSION: &str = "SELECT pg_catalog.current_setting('server_version_num')";

pub const SCHEMAS: &str = concat!(
    agg!(
        row!(
            "name" => "n.nspname",
            "comment" => "pg_catalog.obj_description(n.oid, 'pg_namespace')",
            "owner" => "pg_catalog.pg_get_userbyid(n.nspowner)",
            "acl" => "COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))::pg_catalog.text[]",
        ),
        order "n.nspname"
    ),
    "FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY({SCHEMAS})"
);

/// Relations created by an extension, by oid; their relations, columns, constraints and
/// indexes are dropped on the client.
pub const EXTENSION_RELATIONS: &str = concat!(
    agg!("dep.objid::bigint"),
    "FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'e'"
);

pub const RELATIONS: &str = concat!(
    agg!(row!(
        "oid" => "c.oid::bigint",
        "schema" => "n.nspname",
        "name" => "c.relname",
        "kind" => "c.relkind",
        "rls" => "c.relrowsecurity",
        "force" => "c.relforcerowsecurity",
        "partkey" => "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END",
        "parent" => "CASE WHEN c.relispartition THEN (SELECT ih.inhparent::bigint FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = c.oid) END",
        "bound" => "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END",
        // Table inheritance (not partitioning): the parents, in order.
        "inherits" => "CASE WHEN NOT c.relispartition THEN (SELECT pg_catalog.json_agg(ih.inhparent::bigint ORDER BY ih.inhseqno) FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = c.oid) END",
        "replident" => "c.relreplident",
        "persistence" => "c.relpersistence",
        "replident_index" => "CASE WHEN c.relreplident = 'i' THEN (SELECT ic.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident) END",
        "estimate" => "c.reltuples::bigint",
        "options" => "c.reloptions",
        "comment" => "ds.description",
        "view" => "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END",
        "owner" => "CASE WHEN c.relacl IS NOT NULL THEN pg_catalog.pg_get_userbyid(c.relowner) END",
        "acl" => "c.relacl::pg_catalog.text[]",
    )),
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = 0 ",
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname = ANY({SCHEMAS})"
);

/// A default cannot name a column, so it is printed without opening its table (`pg_get_expr`
/// with relation 0 is several times cheaper); a generated column's expression can.
pub const COLUMNS: &str = concat!(
    agg!(row!(
        "rel" => "a.attrelid::bigint",
        "num" => "a.attnum",
        "name" => "a.attname",
        "type" => "pg_catalog.format_type(a.atttypid, a.atttypmod)",
        "typoid" => "a.atttypid::bigint",
        "notnull" => "a.attnotnull",
        "default" => "pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated <> '' THEN ad.adrelid ELSE 0 END)",
        "identity" => "a.attidentity",
        "generated" => "a.attgenerated",
        "inherited" => "a.attinhcount > 0",
        "collation" => concat!(
            "CASE WHEN a.attcollation <> t.typcollation THEN ",
            "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text ELSE cn.nspname || '.' || co.collname END ",
            "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END"
        ),
        "comment" => "ds.description",
        "owner" => "CASE WHEN a.attacl IS NOT NULL THEN pg_catalog.pg_get_userbyid(c.relowner) END",
        "acl" => "a.attacl::pg_catalog.text[]",
    )),
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid ",
    "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum ",
    "LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ds.objsubid = a.attnum ",
    "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ",
    "AND n.nspname = ANY({SCHEMAS})"
);

/// Columns of the tables outside the managed schemas that managed foreign keys reference
/// (`auth.users`), so their key numbers can be named.
pub const REF_COLUMNS: &str = concat!(
    agg!(row!(
        "rel" => "a.attrelid::bigint",
        "num" => "a.attnum",
        "name" => "a.attname",
    )),
    "FROM pg_catalog.pg_attribute a WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN (",
    "SELECT co.confrelid FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace ",
    "WHERE co.contype = 'f' AND n.nspname = ANY({SCHEMAS}) AND NOT fn.nspname = ANY({SCHEMAS}))"
);

pub const CONSTRAINTS: &str = concat!(
    agg!(row!(
        "rel" => "co.conrelid::bigint",
        "name" => "co.conname",
        "type" => "co.contype",
        "keys" => "co.conkey",
        "ref_rel" => "co.confrelid::bigint",
        "ref_schema" => "fn.nspname",
        "ref_table" => "fc.relname",
        "ref_keys" => "co.confkey",
        "on_delete" => "co.confdeltype",
        "on_update" => "co.confupdtype",
        "deferrable" => "co.condeferrable",
        "deferred" => "co.condeferred",
        // A check's expression; an exclusion constraint's whole definition.
        "expr" => "CASE WHEN co.contype = 'c' THEN pg_catalog.pg_get_expr(co.conbin, co.conrelid) WHEN co.contype = 'x' THEN pg_catalog.pg_get_constraintdef(co.oid, true) END",
        "nnd" => "CASE WHEN co.contype = 'u' THEN (SELECT (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean FROM pg_catalog.pg_index i WHERE i.indexrelid = co.conindid) END",
        "valid" => "co.convalidated",
        "local" => "co.conislocal",
        // A constraint a partition inherits, or one Postgres adds for each partition a
        // foreign key references, has a parent constraint: on the parent table, or on
        // the same table.
        "parent_rel" => "CASE WHEN co.conparentid <> 0 THEN (SELECT pc.conrelid::bigint FROM pg_catalog.pg_constraint pc WHERE pc.oid = co.conparentid) END",
        "noinherit" => "co.connoinherit",
    )),
    "FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid ",
    "LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace ",
    "WHERE co.contype IN ('p', 'u', 'f', 'c', 'x') AND n.nspname = ANY({SCHEMAS})"
);

/// Indexes that do not back a constraint. Key columns come as attribute numbers (0 for an
/// expression); the text of each key is asked for only when the index has expressions.
pub const INDEXES: &str = concat!(
    agg!(row!(
        "rel" => "i.indrelid::bigint",
        "name" => "ic.relname",
        "unique" => "i.indisunique",
        "valid" => "i.indisvalid",
        "partition" => "ic.relispartition",
        "method" => "am.amname",
        "nkey" => "i.indnkeyatts",
        "keys" => "i.indkey::pg_catalog.int2[]",
        "options" => "i.indoption::pg_catalog.int2[]",
        "opclasses" => "i.indclass::pg_catalog.oid[]::pg_catalog.int8[]",
        "defs" => "CASE WHEN i.indexprs IS NOT NULL THEN (SELECT pg_catalog.json_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FROM pg_catalog.generate_series(1, i.indnatts::int) k) END",
        "pred" => "pg_catalog.pg_get_expr(i.indpred, i.indrelid)",
    )),
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid ",
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam ",
    "WHERE n.nspname = ANY({SCHEMAS}) ",
    "AND i.indexrelid NOT IN (SELECT co.conindid FROM pg_catalog.pg_constraint co WHERE co.contype IN ('p', 'u', 'x'))"
);

/// Operator classes that are not their type's default, by oid: an index key using one
/// names it (`gin_trgm_ops`). Looked up on the client, which is cheaper than per key.
pub const OPCLASSES: &str = concat!(
    agg!(row!(
        "oid" => "op.oid::bigint",
        "name" => concat!(
            "CASE WHEN opn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(op.opcname) ",
            "ELSE pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(op.opcname) END"
        ),
    )),
    "FROM pg_catalog.pg_opclass op JOIN pg_catalog.pg_namespace opn ON opn.oid = op.opcnamespace ",
    "WHERE NOT op.opcdefault"
);

/// User-defined types: enums with their labels in order; other kinds are reported as
/// unmanaged.
pub const TYPES: &str = concat!(
    agg!(
        row!(
            "oid" => "t.oid::bigint",
            "schema" => "n.nspname",
            "name" => "t.typname",
            "kind" => "t.typtype",
            "values" => "CASE WHEN t.typtype = 'e' THEN (SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END",
            "comment" => "pg_catalog.obj_description(t.oid, 'pg_type')",
            "base" => "CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END",
            "not_null" => "t.typnotnull",
            "default" => "pg_catalog.pg_get_expr(t.typdefaultbin, 0)",
            "checks" => concat!(
                "CASE WHEN t.typtype = 'd' THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(co.conname, pg_catalog.pg_get_expr(co.conbin, 0), co.convalidated) ORDER BY co.conname) ",
                "FROM pg_catalog.pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c') END"
            ),
            "collation" => concat!(
                "CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> (SELECT b.typcollation FROM pg_catalog.pg_type b WHERE b.oid = t.typbasetype) ",
                "THEN (SELECT pg_catalog.quote_ident(cl.collname) FROM pg_catalog.pg_collation cl WHERE cl.oid = t.typcollation) END"
            ),
            "attributes" => concat!(
                "CASE WHEN t.typtype = 'c' THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum) ",
                "FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END"
            ),
        ),
        order "n.nspname, t.typname"
    ),
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS}) AND t.typtype IN ('e', 'd', 'c', 'r', 'm') ",
    "AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')) ",
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.objid = t.oid AND dep.deptype = 'e')"
);

/// Policies on managed tables, and on the platform tables users may attach policies to.
pub const POLICIES: &str = concat!(
    agg!(row!(
        "schema" => "n.nspname",
        "table" => "c.relname",
        "name" => "p.polname",
        "cmd" => "p.polcmd",
        "permissive" => "p.polpermissive",
        "roles" => "(SELECT pg_catalog.json_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END) FROM pg_catalog.unnest(p.polroles) r)",
        "using" => "pg_catalog.pg_get_expr(p.polqual, p.polrelid)",
        "check" => "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)",
    )),
    "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS}) OR (n.nspname, c.relname) IN (('auth', 'users'), ('storage', 'objects'), ('storage', 'buckets'))"
);

/// User triggers: on managed tables, on `auth.users`, and on the storage tables when
/// their function is the user's own.
pub const TRIGGERS: &str = concat!(
    agg!(row!(
        "schema" => "n.nspname",
        "table" => "c.relname",
        "name" => "t.tgname",
        "type" => "t.tgtype",
        "cols" => concat!(
            "(SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord) FROM pg_catalog.unnest(t.tgattr::int2[]) WITH ORDINALITY k(num, ord) ",
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num)"
        ),
        "fschema" => "fn.nspname",
        "fname" => "f.proname",
        "nargs" => "t.tgnargs",
        // tgargs holds each argument followed by a NUL byte; `escape` prints NUL as \000
        // and a backslash as \\.
        "args" => concat!(
            "(SELECT pg_catalog.json_agg(pg_catalog.replace(x.arg, '\\\\', '\\') ORDER BY x.n) ",
            "FROM pg_catalog.unnest((pg_catalog.string_to_array(pg_catalog.encode(t.tgargs, 'escape'), '\\000'))[1:t.tgnargs]) ",
            "WITH ORDINALITY x(arg, n))"
        ),
        "constraint" => "t.tgconstraint <> 0",
        "def" => "pg_catalog.pg_get_triggerdef(t.oid, true)",
    )),
    "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace ",
    // A trigger a partition inherits (tgparentid) is its parent's.
    "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND (n.nspname = ANY({SCHEMAS}) OR (n.nspname = 'auth' AND c.relname = 'users') ",
    "OR (n.nspname = 'storage' AND c.relname IN ('objects', 'buckets') AND fn.nspname = ANY({SCHEMAS})))"
);

pub const FUNCTIONS: &str = concat!(
    agg!(row!(
        "schema" => "n.nspname",
        "name" => "p.proname",
        "kind" => "p.prokind",
        "args" => "pg_catalog.pg_get_function_arguments(p.oid)",
        "identity_args" => "pg_catalog.pg_get_function_identity_arguments(p.oid)",
        "result" => "pg_catalog.pg_get_function_result(p.oid)",
        "lang" => "l.lanname",
        "secdef" => "p.prosecdef",
        "volatility" => "p.provolatile",
        "strict" => "p.proisstrict",
        "rows" => "CASE WHEN p.proretset AND p.prorows <> 1000 THEN p.prorows::bigint END",
        "parallel" => "p.proparallel",
        "config" => "p.proconfig",
        "src" => "p.prosrc",
        "sqlbody" => "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_catalog.pg_get_function_sqlbody(p.oid) END",
        "argnames" => "p.proargnames",
        "argmodes" => "p.proargmodes",
        "argtypes" => concat!(
            "(SELECT pg_catalog.json_agg(pg_catalog.format_type(u.t, NULL) ORDER BY u.o) ",
            "FROM pg_catalog.unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(t, o))"
        ),
        "comment" => "pg_catalog.obj_description(p.oid, 'pg_proc')",
        "owner" => "pg_catalog.pg_get_userbyid(p.proowner)",
        "acl" => "COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))::pg_catalog.text[]",
    )),
    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace ",
    "JOIN pg_catalog.pg_language l ON l.oid = p.prolang ",
    "WHERE n.nspname = ANY({SCHEMAS}) ",
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid AND dep.deptype = 'e')"
);

pub const EXTENSIONS: &str = concat!(
    agg!(
        row!(
            "name" => "e.extname",
            "schema" => "n.nspname",
            "version" => "e.extversion",
        ),
        order "e.extname"
    ),
    "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace ",
    "WHERE e.extname <> 'plpgsql'"
);

/// Default privileges set for managed schemas (`ALTER DEFAULT PRIVILEGES IN SCHEMA`).
pub const DEFAULT_ACLS: &str = concat!(
    agg!(
        row!(
            "owner" => "pg_catalog.pg_get_userbyid(d.defaclrole)::text",
            "schema" => "n.nspname",
            "type" => "d.defaclobjtype",
            "acl" => "d.defaclacl::pg_catalog.text[]",
        ),
        order "pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype"
    ),
    "FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace ",
    "WHERE d.defaclnamespace = 0 OR n.nspname = ANY({SCHEMAS})"
);

/// Sequences owned by a column: `serial` (deptype `a`) or identity (deptype `i`).
pub const OWNED_SEQUENCES: &str = concat!(
    agg!(
        row!(
            "seq" => "d.objid::bigint",
            "rel" => "d.refobjid::bigint",
            "col" => "a.attname",
            "deptype" => "d.deptype",
        ),
        order "d.objid"
    ),
    "FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid AND c.relkind = 'S' ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid ",
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass ",
    "AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0 AND n.nspname = ANY({SCHEMAS})"
);

/// Every sequence's type and options (`pg_sequence`).
pub const SEQUENCES: &str = concat!(
    agg!(
        row!(
            "oid" => "s.seqrelid::bigint",
            "type" => "pg_catalog.format_type(s.seqtypid, NULL)",
            "start" => "s.seqstart",
            "increment" => "s.seqincrement",
            "max" => "s.seqmax",
            "min" => "s.seqmin",
            "cache" => "s.seqcache",
            "cycle" => "s.seqcycle",
        ),
        order "s.seqrelid"
    ),
    "FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid ",
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY({SCHEMAS})"
);

/// Collations created in the covered schemas (not by an extension). The locale columns
/// differ across versions (`colliculocale` on 15–16, `colllocale` on 17+): read by name
/// from the row's JSON so one query serves every version.
pub const COLLATIONS: &str = concat!(
    agg!(
        row!(
            "schema" => "n.nspname",
            "name" => "c.collname",
            "provider" => "c.collprovider",
            "collate" => "c.collcollate",
            "ctype" => "c.collctype",
            "icu" => "COALESCE(pg_catalog.to_jsonb(c) ->> 'colllocale', pg_catalog.to_jsonb(c) ->> 'colliculocale')",
            "deterministic" => "c.collisdeterministic",
            "comment" => "pg_catalog.obj_description(c.oid, 'pg_collation')",
        ),
        order "n.nspname, c.collname"
    ),
    "FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace ",
    "WHERE n.nspname = ANY({SCHEMAS}) AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d ",
    "WHERE d.classid = 'pg_catalog.pg_collation'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e')"
);

/// Tables Supabase Realtime publishes: the members of the `supabase_realtime` publication
/// (every table when it is `FOR ALL TABLES`), by oid. No rows without the publication.
pub const REALTIME: &str = concat!(
    agg!("c.oid::bigint"),
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ",
    "JOIN pg_catalog.pg_publication p ON p.pubname = 'supabase_realtime' ",
    "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY({SCHEMAS}) AND (p.puballtables OR EXISTS (",
    "SELECT FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid AND pr.prrelid = c.oid))"
);

/// Whether the `supabase_realtime` publication exists (one row, `[true]` or `[]`).
pub const REALTIME_PUBLICATION: &str = concat!(
    agg!("true"),
    "FROM pg_catalog.pg_publication p WHERE p.pubname = 'supabase_realtime'"
);

/// Whether Supabase Storage's tables exist (one row, `[true]` or `[]`): then [`BUCKETS`]
/// is read in a second round trip (a query naming a missing table fails as a whole).
pub const HAS_BUCKETS: &str = concat!(
    agg!("true"),
    "WHERE pg_catalog.to_regclass('storage.buckets') IS NOT NULL ",
    "AND pg_catalog.to_regclass('storage.objects') IS NOT NULL"
);

/// Storage buckets, with how many files each holds.
pub const BUCKETS: &str = concat!(
    agg!(
        row!(
            "id" => "b.id",
            "name" => "b.name",
            "public" => "COALESCE(b.public, false)",
            "file_size_limit" => "b.file_size_limit",
            "allowed_mime_types" => "b.allowed_mime_types",
            "objects" => "(SELECT pg_catalog.count(*) FROM storage.objects o WHERE o.bucket_id = b.id)",
        ),
        order "b.id"
    ),
    "FROM storage.buckets b"
);

/// The queries in the order their results are read.
pub fn all() -> Vec<(&'static str, &'static str)> {
    vec![
        ("server_version", SERVER_VERSION),
        ("schemas", SCHEMAS),
        ("extension_relations", EXTENSION_RELATIONS),
        ("relations", RELATIONS),
        ("columns", COLUMNS),
        ("ref_columns", REF_COLUMNS),
        ("constraints", CONSTRAINTS),
        ("indexes", INDEXES),
        ("types", TYPES),
        ("policies", POLICIES),
        ("triggers", TRIGGERS),
        ("functions", FUNCTIONS),
        ("extensions", EXTENSIONS),
        ("default_acls", DEFAULT_ACLS),
        ("owned_sequences", OWNED_SEQUENCES),
        ("sequences", SEQUENCES),
        ("collations", COLLATIONS),
        ("opclasses", OPCLASSES),
        ("realtime", REALTIME),
        ("realtime_publication", REALTIME_PUBLICATION),
        ("has_buckets", HAS_BUCKETS),
    ]
}

/// The keys of a query's rows, in order, read back from its `/*key*/` comments at the
/// outermost `json_build_array` (for the test that holds them to the row structs).
#[cfg(test)]
pub fn row_keys(sql: &str) -> Vec<String> {
    let Some(start) = sql.find("json_build_array(") else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut rest = &sql[start + "json_build_array".len()..];
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/*") {
            let end = rest.find("*/").unwrap_or(rest.len());
            if depth == 1 {
                keys.push(rest[2..end].to_string());
            }
            rest = &rest[(end + 2).min(rest.len())..];
            continue;
        }
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    keys
}

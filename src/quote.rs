//! The one quoting module: every identifier and every literal that reaches SQL goes
//! through [`ident`] or [`literal`]. Nothing else in the crate builds SQL from user text.

/// Quote an SQL identifier: always double-quoted, embedded quotes doubled.
/// A NUL byte cannot appear in a Postgres identifier and is dropped.
pub fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\"\""),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Quote a schema-qualified name: `"schema"."name"`.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// Quote an SQL string literal. Uses the `E''` form only when a backslash is present,
/// so output is correct whatever `standard_conforming_strings` says.
pub fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 3);
    let needs_e = value.contains('\\');
    if needs_e {
        out.push('E');
    }
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Quote a body (a function's source) as a dollar-quoted string whose tag does not occur
/// in it, so the text reaches Postgres byte for byte.
pub fn dollar(body: &str) -> String {
    let mut tag = String::from("$supaform$");
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$supaform{n}$");
    }
    format!("{tag}{body}{tag}")
}

/// A `search_path` setting as a list of quoted identifiers (`''` for an empty path):
/// `"public", "extensions"`. Each element is quoted on its own, so a comma-separated
/// value means several schemas, as it does in `SET search_path = a, b`.
pub fn search_path(value: &str) -> String {
    let parts: Vec<&str> = value
        .split(',')
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return "''".to_string();
    }
    parts
        .iter()
        .map(|p| {
            let bare = p
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .map(|x| x.replace("\"\"", "\""))
                .unwrap_or_else(|| p.to_string());
            ident(&bare)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keywords `quote_ident` quotes (Postgres' reserved, column-name and type-function-name
/// keywords). Used to print names the way Postgres prints them; never to build SQL.
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// An identifier as Postgres prints it (`quote_ident`): bare when it is a lower-case
/// simple name that is not a keyword, double-quoted otherwise.
pub fn ident_if_needed(name: &str) -> String {
    let simple = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if simple && !QUOTED_KEYWORDS.contains(&name) {
        name.to_string()
    } else {
        ident(name)
    }
}

/// Quote a list of identifiers separated by `, `.
pub fn ident_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_quoted_and_quotes_doubled() {
        assert_eq!(ident("profiles"), "\"profiles\"");
        assert_eq!(ident("Mixed Case"), "\"Mixed Case\"");
        assert_eq!(ident("a\"b;drop"), "\"a\"\"b;drop\"");
        assert_eq!(qualified("public", "x"), "\"public\".\"x\"");
    }

    #[test]
    fn identifiers_print_like_quote_ident() {
        assert_eq!(ident_if_needed("profiles"), "profiles");
        assert_eq!(ident_if_needed("Mixed"), "\"Mixed\"");
        assert_eq!(ident_if_needed("user"), "\"user\"");
        assert_eq!(ident_if_needed("has space"), "\"has space\"");
        assert_eq!(ident_if_needed("1abc"), "\"1abc\"");
    }

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\b"), "E'a\\\\b'");
        assert_eq!(literal("x\0y"), "'xy'");
    }

    #[test]
    fn dollar_quoting_picks_a_tag_absent_from_the_body() {
        assert_eq!(dollar("select 1"), "$supaform$select 1$supaform$");
        assert_eq!(
            dollar("x $supaform$ y"),
            "$supaform1$x $supaform$ y$supaform1$"
        );
    }

    #[test]
    fn search_paths_quote_each_schema() {
        assert_eq!(search_path(""), "''");
        assert_eq!(
            search_path("public, extensions"),
            "\"public\", \"extensions\""
        );
        assert_eq!(search_path("\"My Schema\""), "\"My Schema\"");
        assert_eq!(search_path("a\";drop"), "\"a\"\";drop\"");
    }
}

//! Reading back the few catalog strings that come only as SQL text: column defaults,
//! function argument lists and trigger `WHEN` clauses.

use crate::model::{DefaultValue, Literal};

/// A column default as the config would write it: a plain constant of the column's own
/// type becomes a literal (`'light'::text`, `42`, `true`, `'draft'::public.status`),
/// anything else stays SQL. `None` for a `NULL` default.
pub fn classify_default(expr: &str, column_type: &str) -> Option<DefaultValue> {
    let e = expr.trim();
    if e == "NULL" || (e.starts_with("NULL::") && !e[6..].contains(['(', ' '])) {
        return None;
    }
    if e == "true" || e == "false" {
        return Some(DefaultValue::Literal(Literal::Bool(e == "true")));
    }
    if is_plain_integer(e) {
        return Some(DefaultValue::Literal(Literal::number(e.to_string())));
    }
    if let Some((value, cast)) = quoted_with_cast(e) {
        // A cast carrying a type modifier (`'{}'::character varying(128)[]`) was written
        // by hand: Postgres drops the modifier from the default of a plain literal, so
        // only the SQL form gives the same default back.
        if same_type(cast, column_type) && !cast.contains('(') {
            return Some(DefaultValue::Literal(Literal::String(value)));
        }
    }
    Some(DefaultValue::Sql(e.to_string()))
}

/// An integer HCL reads back to the same text (no sign, no leading zero, 15 digits max).
fn is_plain_integer(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
}

/// `'text'::type` → (text, type). Only a single string literal followed by one cast.
fn quoted_with_cast(e: &str) -> Option<(String, &str)> {
    let rest = e.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if let Some((_, '\'')) = chars.peek() {
                value.push('\'');
                chars.next();
                continue;
            }
            let after = &rest[i + 1..];
            let cast = after.strip_prefix("::")?;
            if cast.contains("::") || cast.contains('\'') {
                return None;
            }
            return Some((value, cast));
        }
        value.push(c);
    }
    None
}

/// The cast type names the column's type (a typmod on the column is ignored, since
/// Postgres drops it from the cast: `'x'::character varying` on `character varying(20)`).
fn same_type(cast: &str, column: &str) -> bool {
    if cast == column {
        return true;
    }
    let strip = |t: &str| -> String {
        match (t.find('('), t.find(')')) {
            (Some(a), Some(b)) if b > a => format!("{}{}", &t[..a], &t[b + 1..]),
            _ => t.to_string(),
        }
    };
    strip(column) == cast
}

/// Split at top-level commas (outside quotes, parentheses and brackets).
pub fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut in_single = false;
    let mut in_double = false;
    for c in s.chars() {
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '(' | '[' if !in_single && !in_double => depth += 1,
            ')' | ']' if !in_single && !in_double => depth -= 1,
            ',' if depth == 0 && !in_single && !in_double => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// The `DEFAULT` expression of one argument as `pg_get_function_arguments` prints it.
pub fn arg_default(piece: &str) -> Option<String> {
    let mut in_single = false;
    let mut in_double = false;
    let mut depth = 0i32;
    for (i, c) in piece.char_indices() {
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '(' | '[' if !in_single && !in_double => depth += 1,
            ')' | ']' if !in_single && !in_double => depth -= 1,
            ' ' if depth == 0 && !in_single && !in_double => {
                if let Some(d) = piece[i..].strip_prefix(" DEFAULT ") {
                    return Some(d.trim().to_string());
                }
            }
            _ => {}
        }
    }
    None
}

/// The `WHEN` condition of a trigger, from `pg_get_triggerdef(oid, true)`.
pub fn trigger_when(def: &str) -> Option<String> {
    let start = ["FOR EACH ROW WHEN (", "FOR EACH STATEMENT WHEN ("]
        .iter()
        .filter_map(|m| def.find(m).map(|i| i + m.len()))
        .min()?;
    let end = def.rfind(") EXECUTE FUNCTION ")?;
    (end >= start).then(|| def[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Literal(Literal::String(s.into())))
    }

    #[test]
    fn constants_of_the_column_type_become_literals() {
        assert_eq!(classify_default("'light'::text", "text"), lit("light"));
        assert_eq!(
            classify_default("'draft'::public.status", "public.status"),
            lit("draft")
        );
        assert_eq!(
            classify_default("'it''s'::character varying", "character varying(20)"),
            lit("it's")
        );
        assert_eq!(
            classify_default("42", "integer"),
            Some(DefaultValue::Literal(Literal::number("42")))
        );
        assert_eq!(
            classify_default("true", "boolean"),
            Some(DefaultValue::Literal(Literal::Bool(true)))
        );
        assert_eq!(classify_default("'{}'::text[]", "text[]"), lit("{}"));
        // A hand-written cast with a type modifier stays SQL (Postgres would drop it).
        assert_eq!(
            classify_default("'{}'::character varying(128)[]", "character varying(128)[]"),
            Some(DefaultValue::Sql("'{}'::character varying(128)[]".into()))
        );
        assert_eq!(classify_default("NULL::text", "text"), None);
    }

    #[test]
    fn everything_else_stays_sql() {
        for (e, t) in [
            ("now()", "timestamp with time zone"),
            ("gen_random_uuid()", "uuid"),
            ("'2020-01-01'::date", "timestamp without time zone"),
            ("('a'::text || 'b'::text)", "text"),
            ("'{}'::jsonb", "json"),
            ("1.50", "numeric(10,2)"),
            ("007", "integer"),
            ("nextval('public.t_id_seq'::regclass)", "integer"),
        ] {
            assert_eq!(
                classify_default(e, t),
                Some(DefaultValue::Sql(e.into())),
                "{e}"
            );
        }
    }

    #[test]
    fn argument_lists_split_at_top_level_commas() {
        assert_eq!(
            split_top_level("a integer, b text DEFAULT 'x, y'::text, c numeric(10,2)"),
            vec![
                "a integer",
                "b text DEFAULT 'x, y'::text",
                "c numeric(10,2)"
            ]
        );
        assert_eq!(
            arg_default("b text DEFAULT 'x, y'::text"),
            Some("'x, y'::text".into())
        );
        assert_eq!(arg_default("\"a DEFAULT b\" text"), None);
    }

    #[test]
    fn trigger_when_is_extracted() {
        let d = "CREATE TRIGGER t BEFORE UPDATE ON public.x FOR EACH ROW WHEN (old.* IS DISTINCT FROM new.*) EXECUTE FUNCTION public.f()";
        assert_eq!(
            trigger_when(d).as_deref(),
            Some("old.* IS DISTINCT FROM new.*")
        );
        assert_eq!(
            trigger_when("CREATE TRIGGER t AFTER INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION public.f()"),
            None
        );
    }
}

//! A small SQL tokenizer for the rules that read expressions (policy `using`/`check`,
//! index expressions and predicates).
//!
//! It is not a parser: it splits text into tokens the way Postgres' lexer does (strings,
//! escape strings, dollar quoting, quoted identifiers, comments, numbers, operators), so a
//! rule can look at structure — parentheses, keywords, function calls — without being
//! fooled by a string that happens to contain `auth.uid()` or a column called `"select"`.
//! Unquoted identifiers and keywords are folded to lower case, as Postgres folds them.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword. Unquoted ones are lower-cased; `quoted` ones keep their text.
    Ident {
        text: String,
        quoted: bool,
    },
    /// A string constant's value (quotes removed, `''` unescaped).
    Str(String),
    Num(String),
    /// An operator: `=`, `->>`, `::`, `<>`, …
    Op(String),
    /// A positional parameter `$1`.
    Param(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Semicolon,
}

impl Tok {
    /// True for the unquoted keyword or identifier `kw` (given in lower case).
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Ident { text, quoted: false } if text == kw)
    }

    /// True for an identifier naming `name` (lower case), quoted or not: `auth`, `"auth"`.
    pub fn is_name(&self, name: &str) -> bool {
        matches!(self, Tok::Ident { text, .. } if text == name)
    }

    fn is_literal(&self) -> bool {
        matches!(self, Tok::Str(_) | Tok::Num(_))
            || self.is_kw("true")
            || self.is_kw("false")
            || self.is_kw("null")
    }

    /// The token as SQL text (canonical spacing aside).
    pub fn text(&self) -> String {
        match self {
            Tok::Ident {
                text,
                quoted: false,
            } => text.clone(),
            Tok::Ident { text, quoted: true } => format!("\"{}\"", text.replace('"', "\"\"")),
            Tok::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Tok::Num(s) | Tok::Op(s) | Tok::Param(s) => s.clone(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::Comma => ",".into(),
            Tok::Dot => ".".into(),
            Tok::Semicolon => ";".into(),
        }
    }
}

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?:";

/// Split `sql` into tokens. Never fails: an unterminated string or comment runs to the end.
pub fn tokens(sql: &str) -> Vec<Tok> {
    let c: Vec<char> = sql.chars().collect();
    let n = c.len();
    let at = |i: usize| c.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '-' && at(i + 1) == Some('-') {
            while i < n && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == Some('*') {
            // Block comments nest in Postgres.
            let mut depth = 0;
            while i < n {
                if c[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '\'' {
            let (s, next) = quoted(&c, i + 1, '\'', false);
            out.push(Tok::Str(s));
            i = next;
        } else if matches!(ch, 'e' | 'E') && at(i + 1) == Some('\'') {
            let (s, next) = quoted(&c, i + 2, '\'', true);
            out.push(Tok::Str(s));
            i = next;
        } else if matches!(ch, 'b' | 'B' | 'x' | 'X' | 'n' | 'N') && at(i + 1) == Some('\'') {
            let (s, next) = quoted(&c, i + 2, '\'', false);
            out.push(Tok::Str(s));
            i = next;
        } else if ch == '"' {
            let (s, next) = quoted(&c, i + 1, '"', false);
            out.push(Tok::Ident {
                text: s,
                quoted: true,
            });
            i = next;
        } else if ch == '$' {
            if at(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                let start = i;
                i += 1;
                while i < n && c[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Param(c[start..i].iter().collect()));
            } else if let Some((s, next)) = dollar_quoted(&c, i) {
                out.push(Tok::Str(s));
                i = next;
            } else {
                out.push(Tok::Op("$".into()));
                i += 1;
            }
        } else if ch.is_ascii_digit()
            || (ch == '.' && at(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < n && (c[i].is_ascii_alphanumeric() || c[i] == '.' || c[i] == '_') {
                // `1..2` does not occur in expressions; `1.e5` and `1e-5` do.
                if matches!(c[i], 'e' | 'E') && matches!(at(i + 1), Some('+') | Some('-')) {
                    i += 1;
                }
                i += 1;
            }
            out.push(Tok::Num(c[start..i].iter().collect()));
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < n && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            out.push(Tok::Ident {
                text: word.to_lowercase(),
                quoted: false,
            });
        } else {
            let single = match ch {
                '(' => Some(Tok::LParen),
                ')' => Some(Tok::RParen),
                '[' => Some(Tok::LBracket),
                ']' => Some(Tok::RBracket),
                ',' => Some(Tok::Comma),
                '.' => Some(Tok::Dot),
                ';' => Some(Tok::Semicolon),
                _ => None,
            };
            if let Some(t) = single {
                out.push(t);
                i += 1;
            } else if OP_CHARS.contains(ch) {
                let start = i;
                while i < n && OP_CHARS.contains(c[i]) {
                    // A comment may follow an operator without a space.
                    if i > start
                        && ((c[i] == '-' && at(i + 1) == Some('-'))
                            || (c[i] == '/' && at(i + 1) == Some('*')))
                    {
                        break;
                    }
                    i += 1;
                }
                out.push(Tok::Op(c[start..i].iter().collect()));
            } else {
                // Anything else Postgres would reject; keep it as an operator of its own.
                out.push(Tok::Op(ch.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// The body of a string or quoted identifier starting at `i` (after the opening quote),
/// and the index after the closing quote. A doubled quote stands for one; with
/// `backslash`, `\x` escapes the next character.
fn quoted(c: &[char], mut i: usize, q: char, backslash: bool) -> (String, usize) {
    let mut s = String::new();
    while i < c.len() {
        let ch = c[i];
        if backslash && ch == '\\' && i + 1 < c.len() {
            s.push(c[i + 1]);
            i += 2;
        } else if ch == q {
            if c.get(i + 1) == Some(&q) {
                s.push(q);
                i += 2;
            } else {
                return (s, i + 1);
            }
        } else {
            s.push(ch);
            i += 1;
        }
    }
    (s, i)
}

/// A dollar-quoted string `$tag$ ... $tag$` starting at `i`, if one starts there.
fn dollar_quoted(c: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
        j += 1;
    }
    if c.get(j) != Some(&'$') {
        return None;
    }
    let tag = &c[i..=j];
    let body_start = j + 1;
    let mut k = body_start;
    while k + tag.len() <= c.len() {
        if &c[k..k + tag.len()] == tag {
            return Some((c[body_start..k].iter().collect(), k + tag.len()));
        }
        k += 1;
    }
    Some((c[body_start..].iter().collect(), c.len()))
}

/// Index of the parenthesis closing the one at `open`, if any.
fn matching_paren(t: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, tok) in t.iter().enumerate().skip(open) {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `t` without parentheses around the whole of it: `((a = b))` → `a = b`.
pub fn strip_parens(mut t: &[Tok]) -> &[Tok] {
    while t.len() >= 2
        && t[0] == Tok::LParen
        && matching_paren(t, 0) == Some(t.len() - 1)
        && !t[1].is_kw("select")
    {
        t = &t[1..t.len() - 1];
    }
    t
}

/// `t` split at the keyword `kw` where it stands outside any parentheses.
fn split_top<'t>(t: &'t [Tok], kw: &str) -> Vec<&'t [Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Tok::LParen | Tok::LBracket => depth += 1,
            Tok::RParen | Tok::RBracket => depth -= 1,
            _ if depth == 0 && tok.is_kw(kw) => {
                parts.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&t[start..]);
    parts
}

/// A literal, optionally cast: `1`, `'a'`, `'a'::text`.
fn literal(t: &[Tok]) -> Option<&Tok> {
    match strip_parens(t) {
        [lit] if lit.is_literal() => Some(lit),
        [lit, Tok::Op(op), Tok::Ident { .. }] if lit.is_literal() && op == "::" => Some(lit),
        _ => None,
    }
}

/// True when the boolean expression `sql` is trivially true whatever the row: `true`,
/// `(true)`, `1 = 1`, `'a' = 'a'`, `not false`, `true or …`, `true and true`.
pub fn is_always_true(sql: &str) -> bool {
    always_true(&tokens(sql))
}

fn always_true(t: &[Tok]) -> bool {
    let t = strip_parens(t);
    if t.is_empty() {
        return false;
    }
    let ors = split_top(t, "or");
    if ors.len() > 1 {
        return ors.iter().any(|p| always_true(p));
    }
    let ands = split_top(t, "and");
    if ands.len() > 1 {
        return ands.iter().all(|p| always_true(p));
    }
    if let [first, rest @ ..] = t {
        if first.is_kw("not") {
            return always_false(rest);
        }
    }
    if let Some(lit) = literal(t) {
        return lit.is_kw("true")
            || matches!(lit, Tok::Str(s) if matches!(s.to_ascii_lowercase().as_str(), "t" | "true" | "on" | "yes" | "y" | "1"));
    }
    // `x = x` with the same literal on both sides.
    let eq: Vec<usize> = top_level(t)
        .filter(|&i| matches!(&t[i], Tok::Op(o) if o == "="))
        .collect();
    if let [i] = eq[..] {
        if let (Some(a), Some(b)) = (literal(&t[..i]), literal(&t[i + 1..])) {
            return a == b && !a.is_kw("null");
        }
    }
    false
}

fn always_false(t: &[Tok]) -> bool {
    let t = strip_parens(t);
    if let [first, rest @ ..] = t {
        if first.is_kw("not") {
            return always_true(rest);
        }
    }
    matches!(t, [f] if f.is_kw("false"))
}

/// Indexes of the tokens of `t` outside any parentheses or brackets.
fn top_level(t: &[Tok]) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0i32;
    t.iter().enumerate().filter_map(move |(i, tok)| {
        let here = depth;
        match tok {
            Tok::LParen | Tok::LBracket => depth += 1,
            Tok::RParen | Tok::RBracket => depth -= 1,
            _ => {}
        }
        (here == 0 && !matches!(tok, Tok::RParen | Tok::RBracket)).then_some(i)
    })
}

/// One pair of parentheses.
struct Frame {
    parent: Option<usize>,
    /// The parentheses hold a subquery: `(select …)` or `(with … select …)`.
    select: bool,
    /// That subquery reads a table (`from` at its own level).
    from: bool,
}

/// The auth functions Supabase's `auth` schema provides, called in policies.
const AUTH_FUNCTIONS: &[&str] = &["uid", "jwt", "role", "email"];

/// A call of an auth function at `i`: `auth.uid(`, `"auth"."uid"(`, `current_setting(`,
/// `pg_catalog.current_setting(`. Returns how it is shown in messages.
fn auth_call(t: &[Tok], i: usize) -> Option<String> {
    let prev_dot = i > 0 && t[i - 1] == Tok::Dot;
    if t[i].is_name("auth")
        && !prev_dot
        && t.get(i + 1) == Some(&Tok::Dot)
        && t.get(i + 3) == Some(&Tok::LParen)
    {
        if let Some(Tok::Ident { text, .. }) = t.get(i + 2) {
            if AUTH_FUNCTIONS.contains(&text.as_str()) {
                return Some(format!("auth.{text}()"));
            }
        }
    }
    if t[i].is_name("current_setting")
        && t.get(i + 1) == Some(&Tok::LParen)
        && (!prev_dot || (i >= 2 && t[i - 2].is_name("pg_catalog")))
    {
        return Some("current_setting()".into());
    }
    None
}

/// The auth function calls of `sql` (`auth.uid()`, `auth.jwt()`, `auth.role()`,
/// `auth.email()`, `current_setting()`) that Postgres evaluates for every row: those not
/// inside a scalar subquery without `from`, such as `(select auth.uid())` or the normalised
/// `( SELECT auth.uid() AS uid)`. Each call is listed once, in order of appearance.
pub fn per_row_auth_calls(sql: &str) -> Vec<String> {
    let t = tokens(sql);
    // Pass 1: the parentheses, what they hold, and the innermost pair around each token.
    let mut frames: Vec<Frame> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut frame_of: Vec<Option<usize>> = Vec::with_capacity(t.len());
    for (i, tok) in t.iter().enumerate() {
        let current = stack.last().copied();
        match tok {
            Tok::LParen => {
                frame_of.push(current);
                frames.push(Frame {
                    parent: current,
                    select: false,
                    from: false,
                });
                stack.push(frames.len() - 1);
            }
            Tok::RParen => {
                stack.pop();
                frame_of.push(stack.last().copied());
            }
            _ => {
                frame_of.push(current);
                if let Some(f) = current {
                    if (tok.is_kw("select") || tok.is_kw("with")) && t[i - 1] == Tok::LParen {
                        frames[f].select = true;
                    } else if tok.is_kw("from")
                        && frames[f].select
                        && !(i > 0 && t[i - 1].is_kw("distinct"))
                    {
                        frames[f].from = true;
                    }
                }
            }
        }
    }
    // Pass 2: each call, and the nearest subquery around it.
    let mut out: Vec<String> = Vec::new();
    for (i, frame) in frame_of.iter().enumerate() {
        let Some(call) = auth_call(&t, i) else {
            continue;
        };
        let mut f = *frame;
        let mut wrapped = false;
        while let Some(id) = f {
            if frames[id].select {
                wrapped = !frames[id].from;
                break;
            }
            f = frames[id].parent;
        }
        if !wrapped && !out.contains(&call) {
            out.push(call);
        }
    }
    out
}

/// True when `sql` reads the user-editable metadata of Supabase Auth: the
/// `raw_user_meta_data` column of `auth.users`, or a `user_metadata` key (an identifier or
/// a word of a string such as `'user_metadata'` or `'{user_metadata,role}'`) in an
/// expression that reads the JWT (`auth.jwt()` or `current_setting(…)`).
pub fn reads_user_metadata(sql: &str) -> bool {
    let t = tokens(sql);
    if t.iter().any(|x| x.is_name("raw_user_meta_data")) {
        return true;
    }
    let names_key = t.iter().any(|x| match x {
        Tok::Ident { text, .. } => text == "user_metadata",
        Tok::Str(s) => s
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == "user_metadata"),
        _ => false,
    });
    let reads_jwt = (0..t.len()).any(|i| {
        matches!(
            auth_call(&t, i).as_deref(),
            Some("auth.jwt()" | "current_setting()")
        )
    });
    names_key && reads_jwt
}

/// `sql` in a canonical spelling for comparisons: tokens separated by single spaces,
/// keywords lower-cased, comments and outer parentheses dropped.
pub fn canonical(sql: &str) -> String {
    let t = tokens(sql);
    strip_parens(&t)
        .iter()
        .map(Tok::text)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Tok {
        Tok::Ident {
            text: s.into(),
            quoted: false,
        }
    }

    #[test]
    fn tokens_follow_postgres_lexing() {
        assert_eq!(
            tokens("Auth.UID() = \"Owner\" -- hi\n and x->>'a''b' /* c /* d */ */ ::text"),
            vec![
                id("auth"),
                Tok::Dot,
                id("uid"),
                Tok::LParen,
                Tok::RParen,
                Tok::Op("=".into()),
                Tok::Ident {
                    text: "Owner".into(),
                    quoted: true
                },
                id("and"),
                id("x"),
                Tok::Op("->>".into()),
                Tok::Str("a'b".into()),
                Tok::Op("::".into()),
                id("text"),
            ]
        );
        assert_eq!(
            tokens("$1 + $tag$ it's $x$ $tag$ || E'\\'q' || 1.5e-3"),
            vec![
                Tok::Param("$1".into()),
                Tok::Op("+".into()),
                Tok::Str(" it's $x$ ".into()),
                Tok::Op("||".into()),
                Tok::Str("'q".into()),
                Tok::Op("||".into()),
                Tok::Num("1.5e-3".into()),
            ]
        );
    }

    #[test]
    fn unterminated_text_does_not_panic() {
        for s in ["'abc", "\"abc", "/* x", "$a$ x", "E'\\", "$", "é = 'ü"] {
            let _ = tokens(s);
            let _ = per_row_auth_calls(s);
            let _ = is_always_true(s);
        }
    }

    #[test]
    fn always_true_forms() {
        for s in [
            "true",
            "(true)",
            "((TRUE))",
            "1 = 1",
            "(1 = 1)",
            "'a'::text = 'a'::text",
            "not false",
            "true or owner = 1",
            "true and (1=1)",
            "'true'::boolean",
            "'true'",
        ] {
            assert!(is_always_true(s), "{s} should be always true");
        }
        for s in [
            "false",
            "owner = 1",
            "true and owner = 1",
            "1 = 2",
            "null = null",
            "'false'",
            "\"true\"",
            "(select true)",
            "",
        ] {
            assert!(!is_always_true(s), "{s} should not be always true");
        }
    }

    #[test]
    fn per_row_calls_in_raw_and_normalised_forms() {
        assert_eq!(per_row_auth_calls("auth.uid() = user_id"), ["auth.uid()"]);
        assert!(per_row_auth_calls("(select auth.uid()) = user_id").is_empty());
        assert!(per_row_auth_calls("(( SELECT auth.uid() AS uid) = user_id)").is_empty());
        assert!(per_row_auth_calls("( SELECT (auth.jwt() ->> 'aal'::text)) = 'aal2'").is_empty());
        assert_eq!(
            per_row_auth_calls(
                "((auth.uid() = owner) AND (EXISTS ( SELECT 1 FROM t WHERE (t.owner = auth.uid()))))"
            ),
            ["auth.uid()"]
        );
        assert!(
            per_row_auth_calls("exists (select 1 from t where t.owner = (select auth.uid()))")
                .is_empty()
        );
        assert_eq!(
            per_row_auth_calls(
                "((current_setting('request.jwt.claims'::text, true))::jsonb ->> 'sub'::text) = (owner)::text"
            ),
            ["current_setting()"]
        );
        assert!(per_row_auth_calls(
            "(( SELECT ((current_setting('request.jwt.claims'::text, true))::jsonb ->> 'sub'::text)) = (owner)::text)"
        )
        .is_empty());
        assert_eq!(
            per_row_auth_calls("\"auth\".\"jwt\"() ->> 'role' = 'admin' and auth.role() = 'x'"),
            ["auth.jwt()", "auth.role()"]
        );
        // `(select extract(epoch from …))` has no FROM of its own.
        assert!(
            per_row_auth_calls("(select extract(epoch from auth.jwt()::text::timestamp)) > 0")
                .is_empty()
        );
    }

    #[test]
    fn strings_and_quoted_identifiers_do_not_confuse_the_call_check() {
        assert!(per_row_auth_calls("note = 'auth.uid()'").is_empty());
        assert!(per_row_auth_calls("$$ auth.uid() $$ = note").is_empty());
        assert!(per_row_auth_calls("-- auth.uid()\n owner = 1").is_empty());
        // A column called "select" opens no subquery.
        assert_eq!(
            per_row_auth_calls("(\"select\" auth.uid())"),
            ["auth.uid()"]
        );
        // A column of another table called auth is not the auth schema.
        assert!(per_row_auth_calls("t.auth.uid(1) = 1").is_empty());
        assert!(per_row_auth_calls("myauth.uid() = id").is_empty());
    }

    #[test]
    fn user_metadata_reads() {
        assert!(reads_user_metadata(
            "(auth.jwt() -> 'user_metadata' ->> 'role') = 'admin'"
        ));
        assert!(reads_user_metadata(
            "(auth.jwt() #>> '{user_metadata,role}') = 'admin'"
        ));
        assert!(reads_user_metadata(
            "exists (select 1 from auth.users u where u.id = (select auth.uid()) and u.raw_user_meta_data ->> 'admin' = 'true')"
        ));
        assert!(!reads_user_metadata(
            "(auth.jwt() -> 'app_metadata' ->> 'role') = 'admin'"
        ));
        assert!(!reads_user_metadata("user_metadata ->> 'theme' = 'dark'"));
        assert!(!reads_user_metadata(
            "auth.jwt() ->> 'role' = 'x' -- not user_metadata"
        ));
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(canonical("(LOWER( Name ))"), "lower ( name )");
        assert_eq!(canonical("lower(name)"), canonical("lower ( name ) -- c"));
        assert_ne!(canonical("lower(\"Name\")"), canonical("lower(name)"));
    }
}

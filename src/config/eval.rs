//! Evaluation of HCL expressions: literals, templates, `var.*`, `local.*`, `env()`,
//! `sql()`, and references to other blocks (which stay symbolic until lowering).

use super::diag::Diag;
use super::source::Span;
use hcl::edit::expr::{Expression, TraversalOperator, UnaryOperator};
use hcl::edit::template::{Element, Template};
use hcl::edit::Span as _;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Block kinds an expression may reference as `kind.LABEL`.
pub const REF_KINDS: &[&str] = &[
    "table",
    "view",
    "enum",
    "function",
    "schema",
    "extension",
    "secret",
    "edge_function",
    "policy",
    "trigger",
    "bucket",
];

/// A reference to another block: `table.profiles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub kind: String,
    pub label: String,
}

impl std::fmt::Display for Ref {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.kind, self.label)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    List(Vec<Spanned>),
    Object(Vec<(String, Spanned)>),
    Ref(Ref),
    /// An SQL expression: `sql("now()")`.
    Sql(String),
    /// The value of an environment variable that is not set (only where the loader
    /// allows deferring it: secret values and environment blocks). Holds the variable name.
    Unknown(String),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Ref(_) => "reference",
            Value::Sql(_) => "sql expression",
            Value::Unknown(_) => "unknown value",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub value: Value,
    pub span: Span,
}

enum LocalState {
    InProgress,
    Done(Box<Result<Spanned, Diag>>),
}

/// Evaluates expressions of one configuration.
pub struct Evaluator<'a> {
    vars: BTreeMap<String, Spanned>,
    locals: BTreeMap<String, (&'a Expression, usize)>,
    local_values: RefCell<BTreeMap<String, LocalState>>,
    /// Locals being evaluated, innermost last: the members of a cycle when one closes.
    local_stack: RefCell<Vec<String>>,
    env: &'a dyn Fn(&str) -> Option<String>,
    /// Whether an unset `env()` yields [`Value::Unknown`] instead of an error.
    defer_env: std::cell::Cell<bool>,
    /// `bucket.LABEL.id` values read since the last [`Evaluator::take_bucket_refs`]: the
    /// lowerer checks the bucket exists and records the edge.
    bucket_refs: RefCell<Vec<(String, Span)>>,
}

fn span_of(expr: &Expression, file: usize, fallback: &Span) -> Span {
    match expr.span() {
        Some(r) => Span::new(file, r),
        None => fallback.clone(),
    }
}

impl<'a> Evaluator<'a> {
    /// The `bucket.LABEL.id` values read since the last call, with their spans.
    pub fn take_bucket_refs(&self) -> Vec<(String, Span)> {
        std::mem::take(&mut *self.bucket_refs.borrow_mut())
    }

    pub fn new(
        vars: BTreeMap<String, Spanned>,
        locals: BTreeMap<String, (&'a Expression, usize)>,
        env: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Evaluator {
            vars,
            locals,
            local_values: RefCell::new(BTreeMap::new()),
            local_stack: RefCell::new(Vec::new()),
            env,
            defer_env: std::cell::Cell::new(false),
            bucket_refs: RefCell::new(Vec::new()),
        }
    }

    /// Run `f` with unset environment variables deferred rather than fatal.
    pub fn deferring_env<T>(&self, f: impl FnOnce() -> T) -> T {
        let before = self.defer_env.replace(true);
        let out = f();
        self.defer_env.set(before);
        out
    }

    /// Evaluate every local once, so errors in unused locals are reported too.
    pub fn eval_all_locals(&self, diags: &mut Vec<Diag>) {
        let names: Vec<String> = self.locals.keys().cloned().collect();
        for n in names {
            let span = self
                .locals
                .get(&n)
                .map(|(e, f)| span_of(e, *f, &Span::default()))
                .unwrap_or_default();
            if let Err(d) = self.local(&n, &span) {
                diags.push(d);
            }
        }
    }

    fn local(&self, name: &str, at: &Span) -> Result<Spanned, Diag> {
        match self.local_values.borrow().get(name) {
            Some(LocalState::InProgress) => {
                let stack = self.local_stack.borrow();
                let from = stack.iter().position(|n| n == name).unwrap_or(0);
                let mut members: Vec<String> =
                    stack[from..].iter().map(|n| format!("local.{n}")).collect();
                let message = if members.len() <= 1 {
                    format!("local.{name} refers to itself")
                } else {
                    let mut all = members.clone();
                    all.sort();
                    format!("cycle between local values {}", all.join(", "))
                };
                members.push(format!("local.{name}"));
                return Err(Diag::new("config::cycle", message)
                    .at(at, "this reference closes the cycle")
                    .help(format!(
                        "{} — a local value cannot refer back to itself, directly or through other locals",
                        members.join(" → ")
                    )));
            }
            Some(LocalState::Done(r)) => return (**r).clone(),
            None => {}
        }
        let Some((expr, file)) = self.locals.get(name).copied() else {
            let mut d = Diag::new(
                "config::unknown_reference",
                format!("there is no local value named `{name}`"),
            )
            .at(at, "unknown local");
            if let Some(s) = suggest(name, self.locals.keys().map(String::as_str)) {
                d = d.help(format!("did you mean `local.{s}`?"));
            } else {
                d = d.help("declare it in a `locals { ... }` block");
            }
            return Err(d);
        };
        self.local_values
            .borrow_mut()
            .insert(name.to_string(), LocalState::InProgress);
        self.local_stack.borrow_mut().push(name.to_string());
        let r = self.eval(expr, file);
        self.local_stack.borrow_mut().pop();
        self.local_values
            .borrow_mut()
            .insert(name.to_string(), LocalState::Done(Box::new(r.clone())));
        r
    }

    /// Evaluate one expression of file `file`.
    pub fn eval(&self, expr: &Expression, file: usize) -> Result<Spanned, Diag> {
        let span = span_of(expr, file, &Span::new(file, 0..0));
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().to_string()),
            Expression::String(s) => Value::String(s.value().to_string()),
            Expression::Array(a) => {
                let mut items = Vec::new();
                for e in a.iter() {
                    items.push(self.eval(e, file)?);
                }
                Value::List(items)
            }
            Expression::Object(o) => {
                let mut items = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hcl::edit::expr::ObjectKey::Ident(i) => i.value().to_string(),
                        hcl::edit::expr::ObjectKey::Expression(e) => {
                            match self.eval(e, file)?.value {
                                Value::String(s) => s,
                                other => {
                                    return Err(Diag::new(
                                        "config::wrong_type",
                                        format!(
                                            "an object key must be a string, not {}",
                                            other.type_name()
                                        ),
                                    )
                                    .at(&span_of(e, file, &span), "not a string"))
                                }
                            }
                        }
                    };
                    items.push((key, self.eval(v.expr(), file)?));
                }
                Value::Object(items)
            }
            Expression::StringTemplate(t) => self.template(t, file, &span)?,
            Expression::HeredocTemplate(h) => self.template(&h.template, file, &span)?,
            Expression::Parenthesis(p) => return self.eval(p.inner(), file),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                return Err(self.bare_name_error(name, &span));
            }
            Expression::Traversal(t) => return self.traversal(t, file, &span),
            Expression::FuncCall(c) => return self.call(c, file, &span),
            Expression::UnaryOp(u) => {
                let inner = self.eval(&u.expr, file)?;
                match (u.operator.value(), inner.value) {
                    (UnaryOperator::Neg, Value::Number(n)) => Value::Number(match n.strip_prefix('-') {
                        Some(pos) => pos.to_string(),
                        None => format!("-{n}"),
                    }),
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (_, other) => {
                        return Err(Diag::new(
                            "config::wrong_type",
                            format!("this operator cannot apply to a {}", other.type_name()),
                        )
                        .at(&span, "invalid operand"))
                    }
                }
            }
            Expression::Conditional(_) | Expression::BinaryOp(_) | Expression::ForExpr(_) => {
                return Err(Diag::new(
                    "config::unsupported_expression",
                    "operators, conditionals and `for` expressions are not supported in supaform configurations",
                )
                .at(&span, "unsupported expression")
                .help("write the value out, or compute it in a `locals` block from literals"))
            }
        };
        Ok(Spanned { value, span })
    }

    fn bare_name_error(&self, name: &str, span: &Span) -> Diag {
        let d = Diag::new(
            "config::unknown_reference",
            format!("`{name}` is not a value supaform knows"),
        )
        .at(span, "unknown name");
        if REF_KINDS.contains(&name) || name == "var" || name == "local" {
            d.help(format!("write `{name}.NAME` to refer to one"))
        } else {
            d.help(format!("a string needs quotes: \"{name}\""))
        }
    }

    fn template(&self, t: &Template, file: usize, span: &Span) -> Result<Value, Diag> {
        let mut out = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, file)?;
                    match v.value {
                        Value::String(s) => out.push_str(&s),
                        Value::Number(n) => out.push_str(&n),
                        Value::Bool(b) => out.push_str(&b.to_string()),
                        Value::Unknown(name) => return Ok(Value::Unknown(name)),
                        other => {
                            return Err(Diag::new(
                                "config::wrong_type",
                                format!(
                                    "a {} cannot be interpolated into a string",
                                    other.type_name()
                                ),
                            )
                            .at(&v.span, "not a string, number or bool"))
                        }
                    }
                }
                Element::Directive(_) => {
                    return Err(Diag::new(
                        "config::unsupported_expression",
                        "template directives (%{if} / %{for}) are not supported",
                    )
                    .at(span, "template directive")
                    .help("escape a literal `%{` as `%%{`"))
                }
            }
        }
        Ok(Value::String(out))
    }

    fn traversal(
        &self,
        t: &hcl::edit::expr::Traversal,
        file: usize,
        span: &Span,
    ) -> Result<Spanned, Diag> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let root = match &t.expr {
            Expression::Variable(v) => v.value().to_string(),
            other => {
                let base = self.eval(other, file)?;
                return self.apply_ops(base, &ops, file, span);
            }
        };
        let first = match ops.first() {
            Some(TraversalOperator::GetAttr(a)) => a.value().to_string(),
            _ => return Err(self.bare_name_error(&root, span)),
        };
        match root.as_str() {
            "var" => {
                let Some(v) = self.vars.get(&first) else {
                    let mut d = Diag::new(
                        "config::unknown_reference",
                        format!("there is no variable named `{first}`"),
                    )
                    .at(span, "unknown variable");
                    d = match suggest(&first, self.vars.keys().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `var.{s}`?")),
                        None => d.help(format!(
                            "declare it: variable \"{first}\" {{ default = ... }}"
                        )),
                    };
                    return Err(d);
                };
                let v = Spanned {
                    value: v.value.clone(),
                    span: span.clone(),
                };
                self.apply_ops(v, &ops[1..], file, span)
            }
            "local" => {
                let v = self.local(&first, span)?;
                let v = Spanned {
                    value: v.value,
                    span: span.clone(),
                };
                self.apply_ops(v, &ops[1..], file, span)
            }
            // A bucket's id is its label: usable in any string (a policy's `using`).
            "bucket"
                if ops.len() == 2
                    && matches!(ops[1], TraversalOperator::GetAttr(a) if a.value().as_str() == "id") =>
            {
                self.bucket_refs
                    .borrow_mut()
                    .push((first.clone(), span.clone()));
                Ok(Spanned {
                    value: Value::String(first),
                    span: span.clone(),
                })
            }
            kind if REF_KINDS.contains(&kind) => {
                if ops.len() > 1 {
                    return Err(Diag::new(
                        "config::invalid_reference",
                        format!("a reference names a whole block: `{kind}.{first}`"),
                    )
                    .at(span, "remove what follows the label"));
                }
                Ok(Spanned {
                    value: Value::Ref(Ref {
                        kind: kind.to_string(),
                        label: first,
                    }),
                    span: span.clone(),
                })
            }
            other => {
                let mut d = Diag::new(
                    "config::unknown_reference",
                    format!("`{other}.{first}` refers to nothing supaform knows"),
                )
                .at(span, "unknown reference");
                let roots = REF_KINDS.iter().copied().chain(["var", "local"]);
                if let Some(s) = suggest(other, roots) {
                    d = d.help(format!("did you mean `{s}.{first}`?"));
                } else {
                    d = d
                        .help("references start with var., local., or a block kind such as table.");
                }
                Err(d)
            }
        }
    }

    fn apply_ops(
        &self,
        mut v: Spanned,
        ops: &[&TraversalOperator],
        file: usize,
        span: &Span,
    ) -> Result<Spanned, Diag> {
        for op in ops {
            let next = match (op, &v.value) {
                (TraversalOperator::GetAttr(a), Value::Object(items)) => items
                    .iter()
                    .find(|(k, _)| k == a.value().as_str())
                    .map(|(_, x)| x.clone()),
                (TraversalOperator::Index(e), Value::List(items)) => {
                    let idx = self.eval(e, file)?;
                    match idx.value {
                        Value::Number(n) => {
                            n.parse::<usize>().ok().and_then(|i| items.get(i).cloned())
                        }
                        _ => None,
                    }
                }
                (TraversalOperator::LegacyIndex(i), Value::List(items)) => {
                    usize::try_from(*i.value())
                        .ok()
                        .and_then(|i| items.get(i).cloned())
                }
                (TraversalOperator::Index(e), Value::Object(items)) => {
                    let key = self.eval(e, file)?;
                    match key.value {
                        Value::String(k) => {
                            items.iter().find(|(x, _)| *x == k).map(|(_, x)| x.clone())
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match next {
                Some(n) => {
                    v = Spanned {
                        value: n.value,
                        span: span.clone(),
                    }
                }
                None => {
                    return Err(Diag::new(
                        "config::invalid_reference",
                        format!(
                            "this {} has no such element or attribute",
                            v.value.type_name()
                        ),
                    )
                    .at(span, "cannot be looked up"))
                }
            }
        }
        Ok(v)
    }

    fn call(
        &self,
        c: &hcl::edit::expr::FuncCall,
        file: usize,
        span: &Span,
    ) -> Result<Spanned, Diag> {
        let name = c.name.name.value().as_str();
        let args: Vec<&Expression> = c.args.iter().collect();
        let string_arg = |i: usize| -> Result<String, Diag> {
            let e = args[i];
            let v = self.eval(e, file)?;
            match v.value {
                Value::String(s) => Ok(s),
                other => Err(Diag::new(
                    "config::wrong_type",
                    format!("{name}() takes a string, not a {}", other.type_name()),
                )
                .at(&v.span, "expected a string")),
            }
        };
        let value = match (name, args.len()) {
            ("env", 1 | 2) => {
                let var = string_arg(0)?;
                match (self.env)(&var) {
                    Some(v) => Value::String(v),
                    None if args.len() == 2 => return self.eval(args[1], file),
                    None if self.defer_env.get() => Value::Unknown(var),
                    None => {
                        return Err(Diag::new(
                            "config::env_not_set",
                            format!("the environment variable {var} is not set"),
                        )
                        .at(span, "read here")
                        .help(format!(
                            "export {var}=..., or give a default: env(\"{var}\", \"...\")"
                        )))
                    }
                }
            }
            ("sql", 1) => Value::Sql(string_arg(0)?),
            ("env" | "sql", n) => {
                return Err(Diag::new(
                    "config::wrong_arguments",
                    format!("{name}() does not take {n} arguments"),
                )
                .at(span, "wrong number of arguments")
                .help(if name == "env" {
                    "env(\"NAME\") or env(\"NAME\", \"default\")"
                } else {
                    "sql(\"expression\")"
                }))
            }
            _ => {
                return Err(Diag::new(
                    "config::unknown_function",
                    format!("there is no function named `{name}`"),
                )
                .at(span, "unknown function")
                .help("supaform's functions are env(\"NAME\") and sql(\"expression\")"))
            }
        };
        Ok(Spanned {
            value,
            span: span.clone(),
        })
    }
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    let mut seen = Vec::new();
    for c in candidates {
        seen.push(c);
        let d = levenshtein(word, c);
        if d <= (word.len().max(c.len()) / 3).max(1) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    if best.is_none() {
        // `afterwards` for `after`, `selected` for `select`: one starts the other.
        best = candidates_prefix(word, &seen);
    }
    best.map(|(_, c)| c)
}

fn candidates_prefix<'a>(word: &str, candidates: &[&'a str]) -> Option<(usize, &'a str)> {
    candidates
        .iter()
        .filter(|c| {
            let (short, long) = if c.len() < word.len() {
                (**c, word)
            } else {
                (word, **c)
            };
            short.chars().count() >= 4 && long.starts_with(short)
        })
        .max_by_key(|c| c.len())
        .map(|c| (0, *c))
}

/// Edit distance counting a swap of two neighbouring characters as one edit (optimal
/// string alignment), so `tabel` is one typo away from `table`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("colum", ["column", "index"]), Some("column"));
        assert_eq!(suggest("zzz", ["column", "index"]), None);
        assert_eq!(suggest("tabel", ["table", "enum"]), Some("table"));
        assert_eq!(suggest("afterwards", ["before", "after"]), Some("after"));
        assert_eq!(suggest("in", ["insert", "update"]), None);
        assert_eq!(levenshtein("ab", "ba"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}

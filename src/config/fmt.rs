//! The canonical layout of a configuration file (`supaform fmt`), the way `terraform fmt`
//! lays out HCL.
//!
//! The rules are those of hclwrite's formatter (hashicorp/hcl, `hclwrite/format.go`), applied
//! to a token stream, line by line:
//!
//! - **Indentation**: two spaces per open bracket level. A line whose brackets open more than
//!   they close indents the lines after it; a line that closes brackets is itself dedented.
//! - **Spacing** inside a line: one space between most tokens (`a ? b : c`,
//!   `[for x in xs : x]`); none around `.` and `::`, before `,` or `...`, after an opening or
//!   before a closing `(` / `[`, between a function name and its `(`, before an index `[`,
//!   after `!` and a negating `-`; one space inside `{ }` (but `{}` stays empty).
//! - **Alignment**: the `=` of consecutive lines that each hold a single-line attribute
//!   (`key = value` whose brackets balance on the line) are aligned one space after the
//!   longest key. Any other line ends the run: a blank line, a comment-only line, a block
//!   header or a one-line block, a closing brace, an attribute whose value opens brackets it
//!   closes on a later line. A heredoc value does not end the run: hclwrite sees the whole
//!   heredoc as one line. Line-end comments (`#`, `//`) of consecutive lines are aligned the
//!   same way, one space after the longest code.
//! - **Kept as written**: the text of quoted strings, heredocs (their content and closing
//!   marker), block comments after their first line, blank lines (runs are kept, as
//!   terraform does) and the order of everything. Unlike hclwrite, the inside of `${ ... }`
//!   in a string or heredoc is not respaced: string contents are left to their author.
//! - **Normalised**: line endings become `\n` (as terraform does), trailing whitespace is
//!   removed (also at the end of comments), and the file ends with exactly one newline.
//!
//! Formatting only changes whitespace. As a guard, the result is parsed again and must give
//! the same document as the input; if it does not (a bug), the file is reported and left as
//! it was.

use super::diag::Diag;
use std::borrow::Cow;
use std::ops::Range;

/// Format one file's text. A syntax error is returned as the same diagnostic `validate`
/// reports (its span points into `text`, file number 0); the caller sets the file.
pub fn format_source(text: &str) -> Result<String, Diag> {
    let normalized: Cow<str> = if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let before = match hcl::parse(&normalized) {
        Ok(b) => b,
        Err(_) => return Err(syntax_error(text, &normalized)),
    };
    let tokens = lex(&normalized).map_err(|e| internal(&format!("cannot read a token: {e}")))?;
    let out = layout(tokens);
    match hcl::parse(&out) {
        Ok(after) if after == before => Ok(out),
        _ => Err(internal(
            "the formatted text would not parse to the same document",
        )),
    }
}

/// The parser's diagnostic, with its span mapped back from `normalized` to `original`.
fn syntax_error(original: &str, normalized: &str) -> Diag {
    let Err(e) = hcl::edit::parser::parse_body(normalized) else {
        return internal("the file parses with hcl-edit but not with hcl");
    };
    let mut d = super::syntax_diag(normalized, 0, &e);
    if original.len() != normalized.len() {
        if let Some(span) = d.span.as_mut() {
            let start = original_offset(original, span.range.start);
            let end = original_offset(original, span.range.end);
            span.range = start..end.max(start);
        }
    }
    d
}

/// The offset in `original` of byte `offset` of its copy with every `\r\n` made `\n`.
fn original_offset(original: &str, offset: usize) -> usize {
    let bytes = original.as_bytes();
    let mut seen = 0; // bytes of the normalized text passed so far
    let mut i = 0;
    while i < bytes.len() && seen < offset {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1; // the `\r` has no counterpart in the normalized text
            continue;
        }
        i += 1;
        seen += 1;
    }
    i
}

fn internal(why: &str) -> Diag {
    Diag::new(
        "fmt::internal",
        format!("supaform fmt cannot lay out this file safely ({why}); it was left unchanged"),
    )
    .help("this is a bug in supaform fmt: please report it with the file")
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Newline,
    /// `# ...` or `// ...`, including its newline when it has one.
    LineComment,
    /// `/* ... */`
    BlockComment,
    Ident,
    Number,
    /// A whole quoted string, templates included: its text is never changed.
    Str,
    /// A whole heredoc, from `<<MARKER` to the closing marker: never changed.
    Heredoc,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    Equal,
    EqualOp,
    NotEqual,
    Bang,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Question,
    Colon,
    DoubleColon,
    FatArrow,
    Ellipsis,
    Dot,
    Comma,
    /// Anything else (kept as written).
    Other,
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    kind: Kind,
    text: Cow<'a, str>,
    /// Spaces written before the token (set by the layout passes).
    spaces: usize,
}

fn bracket_change(k: Kind) -> i32 {
    match k {
        Kind::OBrace | Kind::OBrack | Kind::OParen => 1,
        Kind::CBrace | Kind::CBrack | Kind::CParen => -1,
        _ => 0,
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '-' || c.is_alphanumeric() || is_combining(c as u32)
}

struct Lexer<'a> {
    src: &'a str,
}

impl<'a> Lexer<'a> {
    fn rest(&self, i: usize) -> &'a str {
        &self.src[i..]
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.src[i..].chars().next()
    }

    /// The next token at or after `i` (whitespace skipped): kind and byte range. A `\r`
    /// not followed by `\n` is whitespace too: the parser accepts one only where any
    /// amount of whitespace may be.
    fn next(&self, mut i: usize) -> Result<Option<(Kind, Range<usize>)>, String> {
        while let Some(c) = self.char_at(i) {
            if c == ' ' || c == '\t' || c == '\r' {
                i += 1;
            } else {
                break;
            }
        }
        let Some(c) = self.char_at(i) else {
            return Ok(None);
        };
        let rest = self.rest(i);
        let one = |k: Kind, len: usize| Ok(Some((k, i..i + len)));
        match c {
            '\n' => one(Kind::Newline, 1),
            '#' => Ok(Some((Kind::LineComment, i..self.line_end(i)))),
            '/' if rest.starts_with("//") => Ok(Some((Kind::LineComment, i..self.line_end(i)))),
            '/' if rest.starts_with("/*") => match rest[2..].find("*/") {
                Some(n) => one(Kind::BlockComment, n + 4),
                None => Err(format!("unterminated comment at byte {i}")),
            },
            '"' => Ok(Some((Kind::Str, i..self.quoted(i)?))),
            '<' if rest.starts_with("<<") => match self.heredoc(i)? {
                Some(end) => Ok(Some((Kind::Heredoc, i..end))),
                None => one(Kind::Lt, 1),
            },
            '0'..='9' => Ok(Some((Kind::Number, i..self.number(i)))),
            c if is_ident_start(c) => {
                let len: usize = rest
                    .chars()
                    .take_while(|c| is_ident_continue(*c))
                    .map(char::len_utf8)
                    .sum();
                one(Kind::Ident, len)
            }
            _ => {
                const PUNCT: &[(&str, Kind)] = &[
                    ("...", Kind::Ellipsis),
                    ("::", Kind::DoubleColon),
                    ("==", Kind::EqualOp),
                    ("!=", Kind::NotEqual),
                    ("<=", Kind::Le),
                    (">=", Kind::Ge),
                    ("=>", Kind::FatArrow),
                    ("&&", Kind::And),
                    ("||", Kind::Or),
                    ("{", Kind::OBrace),
                    ("}", Kind::CBrace),
                    ("[", Kind::OBrack),
                    ("]", Kind::CBrack),
                    ("(", Kind::OParen),
                    (")", Kind::CParen),
                    ("=", Kind::Equal),
                    ("!", Kind::Bang),
                    ("<", Kind::Lt),
                    (">", Kind::Gt),
                    ("+", Kind::Plus),
                    ("-", Kind::Minus),
                    ("*", Kind::Star),
                    ("/", Kind::Slash),
                    ("%", Kind::Percent),
                    ("?", Kind::Question),
                    (":", Kind::Colon),
                    (".", Kind::Dot),
                    (",", Kind::Comma),
                ];
                match PUNCT.iter().find(|(p, _)| rest.starts_with(p)) {
                    Some((p, k)) => one(*k, p.len()),
                    None => one(Kind::Other, c.len_utf8()),
                }
            }
        }
    }

    /// End of a line comment starting at `i`: just after its newline, or the end of input.
    fn line_end(&self, i: usize) -> usize {
        self.rest(i)
            .find('\n')
            .map(|n| i + n + 1)
            .unwrap_or(self.src.len())
    }

    fn number(&self, i: usize) -> usize {
        let b = self.src.as_bytes();
        let digits = |mut j: usize| {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let mut j = digits(i);
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
            j = digits(j + 1);
        }
        if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
            let mut k = j + 1;
            if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
                k += 1;
            }
            if k < b.len() && b[k].is_ascii_digit() {
                j = digits(k);
            }
        }
        j
    }

    /// End (exclusive) of the quoted string whose `"` is at `i`.
    fn quoted(&self, i: usize) -> Result<usize, String> {
        let mut j = i + 1;
        loop {
            let rest = self.rest(j);
            let Some(c) = rest.chars().next() else {
                return Err(format!("unterminated string at byte {i}"));
            };
            if c == '"' {
                return Ok(j + 1);
            } else if c == '\n' {
                return Err(format!("newline in the string at byte {i}"));
            } else if c == '\\' {
                j += 1 + self.char_at(j + 1).map(char::len_utf8).unwrap_or(0);
            } else if rest.starts_with("$${") || rest.starts_with("%%{") {
                j += 3;
            } else if rest.starts_with("${") || rest.starts_with("%{") {
                j = self.template_seq(j + 2)?;
            } else {
                j += c.len_utf8();
            }
        }
    }

    /// End (exclusive) of a template sequence `${ ... }` / `%{ ... }` whose content starts at
    /// `i`: just after its closing brace.
    fn template_seq(&self, mut i: usize) -> Result<usize, String> {
        let mut depth = 0usize;
        loop {
            let Some((k, r)) = self.next(i)? else {
                return Err(format!("unterminated template sequence at byte {i}"));
            };
            match k {
                Kind::OBrace => depth += 1,
                Kind::CBrace if depth == 0 => return Ok(r.end),
                Kind::CBrace => depth -= 1,
                _ => {}
            }
            i = r.end;
        }
    }

    /// When a heredoc starts at `i` (`<<MARKER` or `<<-MARKER` then a newline), the end
    /// (exclusive) of its closing marker.
    fn heredoc(&self, i: usize) -> Result<Option<usize>, String> {
        let rest = self.rest(i + 2);
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let head = self.src.len() - rest.len();
        let marker_len: usize = match rest.chars().next() {
            Some(c) if is_ident_start(c) => rest
                .chars()
                .take_while(|c| is_ident_continue(*c))
                .map(char::len_utf8)
                .sum(),
            _ => return Ok(None),
        };
        let marker = &rest[..marker_len];
        if !rest[marker_len..].starts_with('\n') {
            return Ok(None);
        }
        let content = head + marker_len + 1;
        // A closing marker: at a line start, after spaces or tabs, not followed by an
        // identifier character.
        let closes = |at: usize| -> Option<usize> {
            let line = self.rest(at);
            let ws = line.len() - line.trim_start_matches([' ', '\t']).len();
            let after = line[ws..].strip_prefix(marker)?;
            match after.chars().next() {
                Some(c) if is_ident_continue(c) => None,
                _ => Some(at + ws + marker.len()),
            }
        };
        if let Some(end) = closes(content) {
            return Ok(Some(end));
        }
        let mut j = content;
        loop {
            let rest = self.rest(j);
            let Some(c) = rest.chars().next() else {
                return Err(format!("unterminated heredoc at byte {i}"));
            };
            if c == '\n' {
                if let Some(end) = closes(j + 1) {
                    return Ok(Some(end));
                }
                j += 1;
            } else if rest.starts_with("$${") || rest.starts_with("%%{") {
                j += 3;
            } else if rest.starts_with("${") || rest.starts_with("%{") {
                j = self.template_seq(j + 2)?;
            } else {
                j += c.len_utf8();
            }
        }
    }
}

/// Split `src` into tokens; whitespace between tokens is dropped (the layout puts it back).
fn lex(src: &str) -> Result<Vec<Tok<'_>>, String> {
    let lx = Lexer { src };
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((kind, r)) = lx.next(i)? {
        let raw = &src[r.clone()];
        let text = match kind {
            Kind::LineComment => {
                let body = raw.strip_suffix('\n');
                let trimmed = body.unwrap_or(raw).trim_end();
                if body.is_some() {
                    Cow::Owned(format!("{trimmed}\n"))
                } else {
                    Cow::Borrowed(trimmed)
                }
            }
            Kind::BlockComment if raw.contains('\n') => Cow::Owned(
                raw.split('\n')
                    .map(str::trim_end)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => Cow::Borrowed(raw),
        };
        out.push(Tok {
            kind,
            text,
            spaces: 0,
        });
        i = r.end;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Layout

/// One line of tokens, split in up to three cells whose starts get aligned: `lead`
/// (everything before the others), `assign` (from the `=` of a single-line attribute) and
/// `comment` (a line-end comment after some code).
#[derive(Debug, Clone)]
struct Line {
    lead: Range<usize>,
    assign: Option<Range<usize>>,
    comment: Option<usize>,
}

fn is_comment(k: Kind) -> bool {
    matches!(k, Kind::LineComment | Kind::BlockComment)
}

fn lines(toks: &[Tok]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        let ends_line =
            t.kind == Kind::Newline || (t.kind == Kind::LineComment && t.text.ends_with('\n'));
        if ends_line {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out.into_iter()
        .map(|r| {
            let mut line = Line {
                lead: r.clone(),
                assign: None,
                comment: None,
            };
            if r.len() > 1 && is_comment(toks[r.end - 1].kind) {
                line.comment = Some(r.end - 1);
                line.lead = r.start..r.end - 1;
            }
            let lead = line.lead.clone();
            if let Some(eq) = (lead.start + 1..lead.end).find(|&i| toks[i].kind == Kind::Equal) {
                let net: i32 = toks[eq..lead.end]
                    .iter()
                    .map(|t| bracket_change(t.kind))
                    .sum();
                if net == 0 {
                    line.assign = Some(eq..lead.end);
                    line.lead = lead.start..eq;
                }
            }
            line
        })
        .collect()
}

fn indent(toks: &mut [Tok], lines: &[Line]) {
    // Each entry: how many brackets a line opened (net) when it raised the indent.
    let mut stack: Vec<i32> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        let first = line.lead.start;
        if toks[first].kind == Kind::Newline {
            toks[first].spaces = 0;
            continue;
        }
        let cells = line.lead.clone().chain(line.assign.clone().unwrap_or(0..0));
        let net: i32 = cells.map(|i| bracket_change(toks[i].kind)).sum();
        if net > 0 {
            toks[first].spaces = 2 * stack.len();
            stack.push(net);
        } else {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = stack.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    stack.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
            toks[first].spaces = 2 * stack.len();
        }
    }
}

/// Whether `subject` is followed by a space when `after` comes next (`before` precedes it
/// in the same cell, if anything does).
fn space_after(subject: &Tok, before: Option<&Tok>, after: &Tok) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    if a == Newline {
        return false;
    }
    if s == Ident && a == OParen {
        return false; // a function call: f(x)
    }
    if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) {
        return false; // provider::name::f
    }
    if s == Dot || a == Dot {
        return false;
    }
    if a == Comma || a == Ellipsis {
        return false;
    }
    if s == Comma {
        return true;
    }
    if s == Ident && subject.text == "in" && before.is_some_and(|b| b.kind == Ident) {
        return true; // [for x in [a]: x]
    }
    if a == OBrack && (s == Ident || s == Number || bracket_change(s) < 0) {
        return false; // an index: a[0], f()[0]
    }
    if s == Bang {
        return false;
    }
    if s == Minus {
        // A negation (no space) unless the token before ends an operand.
        return !matches!(
            before.map(|b| b.kind),
            None | Some(
                OParen
                    | OBrace
                    | OBrack
                    | Equal
                    | Colon
                    | Comma
                    | Question
                    | Plus
                    | Star
                    | Slash
                    | Percent
                    | Minus
                    | EqualOp
                    | NotEqual
                    | Gt
                    | Ge
                    | Lt
                    | Le
                    | And
                    | Or
                    | Bang
            )
        );
    }
    if s == OBrace || a == CBrace {
        return !(s == OBrace && a == CBrace); // `{ a = 1 }`, but `{}`
    }
    if bracket_change(s) > 0 || bracket_change(a) < 0 {
        return false; // `[a]`, `(a)`
    }
    true
}

fn spaces(toks: &mut [Tok], lines: &[Line]) {
    for line in lines {
        let mut cells = vec![line.lead.clone()];
        if let Some(a) = &line.assign {
            toks[a.start].spaces = 1;
            cells.push(a.clone());
        }
        for cell in cells {
            for i in cell.start..cell.end.saturating_sub(1) {
                let before = (i > cell.start).then(|| &toks[i - 1]);
                let space = space_after(&toks[i], before, &toks[i + 1]);
                toks[i + 1].spaces = usize::from(space);
            }
        }
    }
}

/// Columns a cell takes: its spaces and its characters (grapheme clusters, approximately).
fn columns(toks: &[Tok], cell: Range<usize>) -> usize {
    toks[cell]
        .iter()
        .map(|t| t.spaces + graphemes(&t.text))
        .sum()
}

fn align(toks: &mut [Tok], lines: &[Line]) {
    // `=` of consecutive single-line attributes.
    let mut run: Vec<&Line> = Vec::new();
    let flush_assign = |run: &mut Vec<&Line>, toks: &mut [Tok]| {
        let width = run
            .iter()
            .map(|l| columns(toks, l.lead.clone()))
            .max()
            .unwrap_or(0);
        for l in run.drain(..) {
            let w = columns(toks, l.lead.clone());
            if let Some(a) = &l.assign {
                toks[a.start].spaces = width - w + 1;
            }
        }
    };
    for line in lines {
        if line.assign.is_some() {
            run.push(line);
        } else {
            flush_assign(&mut run, toks);
        }
    }
    flush_assign(&mut run, toks);

    // Line-end comments of consecutive lines.
    let code = |toks: &[Tok], l: &Line| {
        columns(toks, l.lead.clone()) + l.assign.clone().map_or(0, |a| columns(toks, a))
    };
    let flush_comments = |run: &mut Vec<&Line>, toks: &mut [Tok]| {
        let width = run.iter().map(|l| code(toks, l)).max().unwrap_or(0);
        for l in run.drain(..) {
            let w = code(toks, l);
            if let Some(c) = l.comment {
                toks[c].spaces = width - w + 1;
            }
        }
    };
    for line in lines {
        if line.comment.is_some() {
            run.push(line);
        } else {
            flush_comments(&mut run, toks);
        }
    }
    flush_comments(&mut run, toks);
}

fn layout(mut toks: Vec<Tok>) -> String {
    let lines = lines(&toks);
    indent(&mut toks, &lines);
    spaces(&mut toks, &lines);
    align(&mut toks, &lines);
    let mut out = String::new();
    for t in &toks {
        out.extend(std::iter::repeat_n(' ', t.spaces));
        out.push_str(&t.text);
    }
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Marks that extend the character before them into one grapheme cluster (an
/// approximation of Unicode's rules, enough for aligning keys: combining marks, joiners,
/// variation selectors, emoji modifiers and tags).
fn is_combining(cp: u32) -> bool {
    matches!(cp,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05BD
        | 0x05BF..=0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06ED
        | 0x0900..=0x0903
        | 0x093A..=0x094F
        | 0x0951..=0x0957
        | 0x0962..=0x0963
        | 0x0E31
        | 0x0E34..=0x0E3A
        | 0x0E47..=0x0E4E
        | 0x1160..=0x11FF
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D
        | 0x20D0..=0x20FF
        | 0x302A..=0x302F
        | 0x3099..=0x309A
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        | 0x1F3FB..=0x1F3FF
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// Grapheme clusters in `s`, approximately (see [`is_combining`]); a pair of regional
/// indicators (a flag) counts once, as does a zero-width-joiner sequence.
fn graphemes(s: &str) -> usize {
    let mut n = 0;
    let mut joined = false;
    let mut flag_half = false;
    for c in s.chars() {
        let cp = c as u32;
        if is_combining(cp) {
            joined = cp == 0x200D;
            continue;
        }
        if joined {
            joined = false;
            continue;
        }
        if (0x1F1E6..=0x1F1FF).contains(&cp) {
            flag_half = !flag_half;
            if !flag_half {
                continue;
            }
        } else {
            flag_half = false;
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        format_source(s).unwrap_or_else(|d| panic!("{}\n--- input:\n{s}", d.summary()))
    }

    /// Formats `input` to `want`, and `want` to itself.
    #[track_caller]
    fn check(input: &str, want: &str) {
        assert_eq!(fmt(input), want, "formatting\n{input}");
        assert_eq!(fmt(want), want, "formatting is not idempotent on\n{want}");
    }

    #[test]
    fn equals_align_within_a_run_of_single_line_attributes() {
        check(
            "t {\na = 1\nbungle = 2\n  cc=\"x\"\n}\n",
            "t {\n  a      = 1\n  bungle = 2\n  cc     = \"x\"\n}\n",
        );
        // hclwrite's own cases.
        check("a=1", "a = 1\n");
        check("\na = 1\nbungle = 2\n", "\na      = 1\nbungle = 2\n");
    }

    #[test]
    fn a_blank_line_a_comment_line_a_block_or_a_multi_line_value_ends_the_run() {
        check(
            "t {\n  a = 1\n\n  bbbb = 2\n}\n",
            "t {\n  a = 1\n\n  bbbb = 2\n}\n",
        );
        check(
            "t {\n  a = 1\n  # about bbbb\n  bbbb = 2\n}\n",
            "t {\n  a = 1\n  # about bbbb\n  bbbb = 2\n}\n",
        );
        check(
            "t {\n  a = 1\n  column \"x\" { type = \"uuid\" }\n  bbbb = 2\n}\n",
            "t {\n  a = 1\n  column \"x\" { type = \"uuid\" }\n  bbbb = 2\n}\n",
        );
        check(
            "t {\n  a = 1\n  inner {\n    x = 1\n  }\n  bbbb = 2\n}\n",
            "t {\n  a = 1\n  inner {\n    x = 1\n  }\n  bbbb = 2\n}\n",
        );
        check(
            "t {\n  a = 1\n  list = [\n    1,\n  ]\n  bbbb = 2\n}\n",
            "t {\n  a = 1\n  list = [\n    1,\n  ]\n  bbbb = 2\n}\n",
        );
        // A single-line object value stays in the run.
        check(
            "t {\n  a = { x = 1 }\n  bbbb = 2\n}\n",
            "t {\n  a    = { x = 1 }\n  bbbb = 2\n}\n",
        );
    }

    #[test]
    fn nested_blocks_indent_two_spaces_per_level() {
        check(
            "table \"t\" {\ncolumn \"id\" {\n        type = \"uuid\"\n}\n\t\t  rls {\nenabled = true\n     }\n}\n",
            "table \"t\" {\n  column \"id\" {\n    type = \"uuid\"\n  }\n  rls {\n    enabled = true\n  }\n}\n",
        );
        check(
            "a {\nb {\nc {\nd = 1\n}\n}\n}\n",
            "a {\n  b {\n    c {\n      d = 1\n    }\n  }\n}\n",
        );
    }

    #[test]
    fn one_line_blocks_get_one_space_inside_their_braces_and_empty_ones_stay_empty() {
        check(
            "column \"id\" {type=\"uuid\"}\nrls {  enabled   =  true  }\nenvironment \"local\" {   }\nb{}\n",
            "column \"id\" { type = \"uuid\" }\nrls { enabled = true }\nenvironment \"local\" {}\nb {}\n",
        );
    }

    #[test]
    fn lists_lose_their_inner_padding_and_multi_line_lists_indent() {
        check(
            "x {\n  a = [ \"a\" , \"b\",\"c\" ]\n  e = [ ]\n  n = [ [ 1 ] , [2] ]\n}\n",
            "x {\n  a = [\"a\", \"b\", \"c\"]\n  e = []\n  n = [[1], [2]]\n}\n",
        );
        check(
            "x {\nroles = [\n\"anon\",\n      \"authenticated\", # readers\n  ]\n}\n",
            "x {\n  roles = [\n    \"anon\",\n    \"authenticated\", # readers\n  ]\n}\n",
        );
        check("x = [[\n[\na\n]\n]]\n", "x = [[\n  [\n    a\n  ]\n]]\n");
    }

    #[test]
    fn objects_get_spaces_inside_braces_and_their_keys_align() {
        check(
            "locals {\n  o = {a=1, b=\"x\"}\n  m = {\n  a = 1\n  long_key = 2\n  \"quoted\" = 3\n  c: 4\n  }\n}\n",
            "locals {\n  o = { a = 1, b = \"x\" }\n  m = {\n    a        = 1\n    long_key = 2\n    \"quoted\" = 3\n    c : 4\n  }\n}\n",
        );
        check(
            "locals {\n  l = [{a=1},{b=2}]\n}\n",
            "locals {\n  l = [{ a = 1 }, { b = 2 }]\n}\n",
        );
    }

    #[test]
    fn expressions_are_spaced_like_hclwrite() {
        check(
            "t {\n  a = env( \"X\" , \"d\" )\n  b = table . profiles\n  c = - 1\n  d = [ 1 , -2 ]\n  e = f( g() )[ 0 ]\n  f = ( 1 + 2 ) * -3\n  g = !true\n  h = sql(\"now()\")\n  i = x[\"k\"]\n  j = a ? b : c\n}\n",
            "t {\n  a = env(\"X\", \"d\")\n  b = table.profiles\n  c = -1\n  d = [1, -2]\n  e = f(g())[0]\n  f = (1 + 2) * -3\n  g = !true\n  h = sql(\"now()\")\n  i = x[\"k\"]\n  j = a ? b : c\n}\n",
        );
        check(
            "x = [for v in [a]: v if v != 1]\ny = {for k, v in m: k => v...}\n",
            "x = [for v in [a] : v if v != 1]\ny = { for k, v in m : k => v... }\n",
        );
    }

    #[test]
    fn heredocs_keep_their_content_and_stay_in_the_alignment_run() {
        let input = "function \"f\" {\n  returns = \"trigger\"\n     body = <<-SQL\n    begin   \n\t${ var.x }\n      select 1;\n    end;\n      SQL\n  language = \"plpgsql\"\n}\n";
        let want = "function \"f\" {\n  returns  = \"trigger\"\n  body     = <<-SQL\n    begin   \n\t${ var.x }\n      select 1;\n    end;\n      SQL\n  language = \"plpgsql\"\n}\n";
        check(input, want);
        // Plain heredocs too, with a marker-like word inside and an empty one.
        let input = "v {\nquery=<<EOT\nnot EOT here\n  EOTX\n EOT\nempty =<<E\nE\n}\n";
        let want = "v {\n  query = <<EOT\nnot EOT here\n  EOTX\n EOT\n  empty = <<E\nE\n}\n";
        check(input, want);
    }

    #[test]
    fn comments_of_all_three_kinds_are_kept_in_place() {
        check(
            "# file header   \n// slashes\n/* block */\nt {\n# inside\n      a = 1 # trailing\n  bbb = 2 // trailing too\n  /* multi\n     line   \n  */\n  c = /* inline */ 3\n}\n# the end",
            "# file header\n// slashes\n/* block */\nt {\n  # inside\n  a   = 1 # trailing\n  bbb = 2 // trailing too\n  /* multi\n     line\n  */\n  c = /* inline */ 3\n}\n# the end\n",
        );
    }

    #[test]
    fn line_end_comments_align_like_hclwrite() {
        // hclwrite's own cases.
        check(
            "\na = 1 # foo\nbungle = \"bonce\" # baz\nzebra = \"striped\" # baz\n",
            "\na      = 1         # foo\nbungle = \"bonce\"   # baz\nzebra  = \"striped\" # baz\n",
        );
        check(
            "\nfoo {} # here we go\na = 1 # foo\nbungle = \"bonce\" # baz\n",
            "\nfoo {}           # here we go\na      = 1       # foo\nbungle = \"bonce\" # baz\n",
        );
        check(
            "\na = 1 # foo\nbungle = (\n    \"bonce\"\n) # baz\nzebra = \"striped\" # baz\n",
            "\na = 1 # foo\nbungle = (\n  \"bonce\"\n)                 # baz\nzebra = \"striped\" # baz\n",
        );
        check(
            "\na=\"apple\"# foo\nbungle=(# woo parens\n\"bonce\"\n)# baz\nzebra=\"striped\"# baz\n",
            "\na = \"apple\" # foo\nbungle = (  # woo parens\n  \"bonce\"\n)                 # baz\nzebra = \"striped\" # baz\n",
        );
        // The block opener's comment aligns with the attributes below it.
        check(
            "function \"f\" { # SQL\n  returns = \"int\" # type\n}\n",
            "function \"f\" {    # SQL\n  returns = \"int\" # type\n}\n",
        );
    }

    #[test]
    fn blank_lines_are_kept_and_the_file_ends_with_one_newline() {
        check(
            "\n\na = 1\n\n\n\nb = 2   \n   \n\n\n",
            "\n\na = 1\n\n\n\nb = 2\n",
        );
        check("a = 1", "a = 1\n");
        check("", "");
        check("\n\n  \n", "");
        check("# only a comment", "# only a comment\n");
    }

    #[test]
    fn crlf_line_endings_become_lf() {
        check(
            "t {\r\n  a = 1 # c\r\n  bb = <<EOT\r\n  x\r\nEOT\r\n}\r\n",
            "t {\n  a  = 1 # c\n  bb = <<EOT\n  x\nEOT\n}\n",
        );
    }

    #[test]
    fn tabs_become_spaces_outside_strings_and_heredocs() {
        check(
            "t {\n\ta\t=\t\"x\ty\"\n\tb = <<E\n\tkept\nE\n}\n",
            "t {\n  a = \"x\ty\"\n  b = <<E\n\tkept\nE\n}\n",
        );
    }

    #[test]
    fn unicode_keys_align_by_characters_and_strings_are_kept() {
        // hclwrite's case: one column per grapheme cluster.
        check(
            "\n𝒜 = 1 # foo\nbungle = \"🇬🇧\" # baz\nzebra = \"striped\" # baz\n",
            "\n𝒜      = 1         # foo\nbungle = \"🇬🇧\"       # baz\nzebra  = \"striped\" # baz\n",
        );
        check(
            "t {\n  café = \"crème brûlée\"\n  naïve_key = \"日本語\"\n}\n",
            "t {\n  café      = \"crème brûlée\"\n  naïve_key = \"日本語\"\n}\n",
        );
    }

    #[test]
    fn quoted_strings_are_kept_exactly() {
        check(
            "t {\n  a = \"  two  spaces ${ var.x }  %{ if true }y%{ endif } \\\" $${x} \"\n  b = \"{\"\n}\n",
            "t {\n  a = \"  two  spaces ${ var.x }  %{ if true }y%{ endif } \\\" $${x} \"\n  b = \"{\"\n}\n",
        );
        check(
            "t {\n  a = \"${ { k = \"}\" } }\"\n}\n",
            "t {\n  a = \"${ { k = \"}\" } }\"\n}\n",
        );
    }

    #[test]
    fn a_syntax_error_is_reported_at_its_line_and_column() {
        let src = "table \"t\" {\n  column \"id\" { type = }\n}\n";
        let d = format_source(src).unwrap_err();
        assert_eq!(d.code, "config::syntax");
        let span = d.span.clone().expect("a span");
        assert_eq!(
            crate::config::source::line_col(src, span.range.start),
            (2, 24)
        );
        // With CRLF line endings the span still points into the original text.
        let crlf = src.replace('\n', "\r\n");
        let d = format_source(&crlf).unwrap_err();
        let span = d.span.clone().expect("a span");
        assert_eq!(&crlf[span.range.clone()], "}");
        assert_eq!(
            crate::config::source::line_col(&crlf, span.range.start),
            (2, 24)
        );
        assert!(format_source("a = \"unterminated\n").is_err());
        assert!(format_source("t {\n").is_err());
    }

    #[test]
    fn formatting_changes_nothing_but_whitespace() {
        let input = "t {\n  a = [1,2] # c\n  b = { x = \"y\" }\n}\n";
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&fmt(input)), squeeze(input));
    }

    #[test]
    fn grapheme_counting_approximates_clusters() {
        assert_eq!(graphemes("abc"), 3);
        assert_eq!(graphemes("e\u{301}"), 1);
        assert_eq!(graphemes("🇬🇧🇫🇷"), 2);
        assert_eq!(graphemes("👩\u{200D}💻"), 1);
        assert_eq!(graphemes("日本"), 2);
    }

    /// Every `*.hcl` file below `dir` (skipping `target` and hidden directories).
    fn hcl_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    hcl_files(&p, out);
                }
            } else if name.ends_with(".hcl") {
                out.push(p);
            }
        }
    }

    /// HCL found in the repository: `*.hcl` files, ```hcl blocks of the Markdown docs, and
    /// the raw-string fixtures of the tests and sources that parse as HCL.
    fn corpus() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut files = Vec::new();
        hcl_files(root, &mut files);
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                out.push((f.display().to_string(), t));
            }
        }
        let mut docs = vec![root.join("README.md")];
        if let Ok(rd) = std::fs::read_dir(root.join("docs")) {
            docs.extend(rd.flatten().map(|e| e.path()));
        }
        for d in docs {
            let Ok(t) = std::fs::read_to_string(&d) else {
                continue;
            };
            for (i, block) in t.split("```hcl\n").skip(1).enumerate() {
                if let Some(end) = block.find("```") {
                    out.push((format!("{}#{i}", d.display()), block[..end].to_string()));
                }
            }
        }
        let mut rs = Vec::new();
        for dir in ["tests", "src", "src/config", "src/cli"] {
            if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
                rs.extend(
                    rd.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "rs")),
                );
            }
        }
        for f in rs {
            let Ok(t) = std::fs::read_to_string(&f) else {
                continue;
            };
            for (i, chunk) in t.split("r#\"").skip(1).enumerate() {
                if let Some(end) = chunk.find("\"#") {
                    let s = &chunk[..end];
                    if s.contains('{') && hcl::parse(s).is_ok() {
                        out.push((format!("{}#{i}", f.display()), s.to_string()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn formatting_is_idempotent_on_every_hcl_text_of_the_repository() {
        let corpus = corpus();
        assert!(corpus.len() >= 5, "only {} HCL texts found", corpus.len());
        let mut checked = 0;
        for (name, text) in &corpus {
            match format_source(text) {
                Ok(once) => {
                    let twice = format_source(&once)
                        .unwrap_or_else(|d| panic!("{name}: {}\n{once}", d.summary()));
                    assert_eq!(twice, once, "{name}: fmt(fmt(x)) != fmt(x)");
                    checked += 1;
                }
                // The malformed corpus: a parse error (syntax, duplicate attribute, ...),
                // never an internal failure.
                Err(d) => assert_ne!(d.code, "fmt::internal", "{name}: {}", d.summary()),
            }
        }
        assert!(checked >= 5, "only {checked} texts formatted");
    }

    #[test]
    fn no_prefix_or_one_character_deletion_of_a_file_makes_it_panic_or_drift() {
        let texts = [MESSY_TABLE, MESSY_POLICIES, MESSY_FUNCTIONS];
        let mut formatted = 0;
        for t in texts {
            let cuts: Vec<usize> = t.char_indices().map(|(i, _)| i).collect();
            let mut variants: Vec<String> = cuts.iter().map(|&i| t[..i].to_string()).collect();
            for (n, &i) in cuts.iter().enumerate() {
                let next = cuts.get(n + 1).copied().unwrap_or(t.len());
                variants.push(format!("{}{}", &t[..i], &t[next..]));
            }
            for v in variants {
                match format_source(&v) {
                    Ok(once) => {
                        formatted += 1;
                        assert_eq!(fmt(&once), once, "not idempotent on\n{v}");
                    }
                    Err(d) => assert_ne!(d.code, "fmt::internal", "{}\n{v}", d.summary()),
                }
            }
        }
        assert!(formatted > 100, "only {formatted} variants parsed");
    }

    const MESSY_TABLE: &str = r#"# Profiles: one row per auth user.   
table "profiles" {
    comment="one per user"
  column "id" {type="uuid"}
  column "username" {
      type = "varchar(40)"
      null=true # optional
      comment = "shown to others"   // public
  }
	column "created_at" {
  type = "timestamptz"
    default = sql( "now()" )
      }
  primary_key = [ "id" ]


  foreign_key "profiles_id_fkey" {
  columns = ["id"]
  references="auth.users(id)"
  on_delete = "cascade"
  }
  index "profiles_username_idx" {   columns = ["username"]   }
  check "username_length" {expression="char_length(username) >= 3"}
  rls{enabled=true}
  lifecycle { prevent_destroy = true }   # never drop
}
"#;

    const MESSY_POLICIES: &str = "policy \"profiles_select_own\" {\r\n\ttable = table.profiles # graph edge\r\n\tcommand = \"select\"\r\n\troles = [ \"authenticated\" , \"anon\" ]\r\n\tusing = \"(select auth.uid()) = id\"\r\n}\r\n\r\ngrant \"profiles_rw\"   {\r\n  on = table.profiles\r\n  roles = local.writers\r\n  privileges = [\r\n  \"select\",\r\n  \"insert\", \"update\",\r\n]\r\n  /* column-level:\r\n  columns = [\"username\"] */\r\n}\r\n";

    const MESSY_FUNCTIONS: &str = r#"
function "handle_new_user" { # runs as the owner
  returns="trigger"
   language = "plpgsql"
  security = "definer"
  search_path = ""
  body = <<-SQL
    begin
      insert into public.profiles (id, username)
      values (new.id, new.raw_user_meta_data ->> 'username');
      return new;
    end;
  SQL
}
trigger "on_auth_user_created" {
table = "auth.users"
timing = "after"
events = ["insert"]
function = function.handle_new_user
}
view "public_profiles" {
    query = <<SQL
select id, username
  from public.profiles
SQL
    security_invoker = true
}
locals {
  writers = ["authenticated"]
  settings = {
    theme = "light"
    page_size = 20
  }
}



"#;

    #[test]
    fn realistic_messy_files() {
        insta::assert_snapshot!("messy_table", fmt(MESSY_TABLE));
        insta::assert_snapshot!("messy_policies_crlf_tabs", fmt(MESSY_POLICIES));
        insta::assert_snapshot!("messy_functions_heredocs", fmt(MESSY_FUNCTIONS));
        for t in [MESSY_TABLE, MESSY_POLICIES, MESSY_FUNCTIONS] {
            let once = fmt(t);
            assert_eq!(fmt(&once), once);
        }
    }
}

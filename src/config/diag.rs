//! Configuration diagnostics: every error names its file, line and column, labels the
//! offending span and, where it helps, says how to fix it.

use super::source::{Sources, Span};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// One configuration error (boxed: errors travel through many `Result`s).
#[derive(Debug, Clone)]
pub struct Diag(Box<DiagData>);

impl std::ops::Deref for Diag {
    type Target = DiagData;
    fn deref(&self) -> &DiagData {
        &self.0
    }
}

impl std::ops::DerefMut for Diag {
    fn deref_mut(&mut self) -> &mut DiagData {
        &mut self.0
    }
}

#[derive(Debug, Clone)]
pub struct DiagData {
    /// Stable code, e.g. `config::unknown_attribute`.
    pub code: &'static str,
    pub message: String,
    pub span: Option<Span>,
    pub label: String,
    pub help: Option<String>,
    /// Filled by [`Diagnostics::attach`]: the file the span points into.
    source: Option<NamedSource<String>>,
    location: Option<String>,
}

impl Diag {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Diag(Box::new(DiagData {
            code,
            message: message.into(),
            span: None,
            label: String::new(),
            help: None,
            source: None,
            location: None,
        }))
    }

    pub fn at(mut self, span: &Span, label: impl Into<String>) -> Self {
        self.span = Some(span.clone());
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`, once attached to its sources.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// A compact one-diagnostic rendering: `error[code] file:line:col: message` plus help.
    pub fn summary(&self) -> String {
        let mut s = format!("error[{}]", self.code);
        if let Some(l) = &self.location {
            s.push(' ');
            s.push_str(l);
        }
        s.push_str(": ");
        s.push_str(&self.message);
        if let Some(h) = &self.help {
            s.push_str("\n  help: ");
            s.push_str(h);
        }
        s
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("supaform::{}", self.code)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.as_ref()?;
        self.source.as_ref()?;
        let label = if self.label.is_empty() {
            None
        } else {
            Some(self.label.clone())
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label,
            span.range.start,
            span.range.end.saturating_sub(span.range.start),
        ))))
    }
}

/// Every error found in one run (validation reports all of them, not only the first).
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub items: Vec<Diag>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diag) {
        self.items.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Give each diagnostic its source text and `file:line:col`, and order them by
    /// file and position so output is stable.
    pub fn attach(mut self, sources: &Sources) -> Self {
        for d in &mut self.items {
            if let Some(span) = d.span.clone() {
                if let Some(f) = sources.get(span.file) {
                    d.source = Some(NamedSource::new(f.name.clone(), f.text.to_string()));
                    d.location = Some(sources.location(&span));
                }
            }
        }
        self.items.sort_by(|a, b| {
            let ka = a.span.as_ref().map(|s| (s.file, s.range.start));
            let kb = b.span.as_ref().map(|s| (s.file, s.range.start));
            ka.cmp(&kb).then_with(|| a.message.cmp(&b.message))
        });
        self.items
            .dedup_by(|a, b| a.span == b.span && a.message == b.message && a.code == b.code);
        self
    }

    /// All summaries, one per diagnostic, separated by a blank line.
    pub fn summary(&self) -> String {
        self.items
            .iter()
            .map(Diag::summary)
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.items.len() {
            1 => write!(f, "{}", self.items[0]),
            n => write!(f, "the configuration has {n} errors"),
        }
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self.items.as_slice() {
            [one] => one.code(),
            _ => Some(Box::new("supaform::config")),
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self.items.as_slice() {
            [one] => one.help(),
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self.items.as_slice() {
            [one] => one.source_code(),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match self.items.as_slice() {
            [one] => one.labels(),
            _ => None,
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.items.len() < 2 {
            return None;
        }
        Some(Box::new(self.items.iter().map(|d| d as &dyn Diagnostic)))
    }
}

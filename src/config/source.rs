//! The source files of a configuration, and spans into them.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: usize,
    pub range: Range<usize>,
}

impl Span {
    pub fn new(file: usize, range: Range<usize>) -> Self {
        Span { file, range }
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The name shown in diagnostics (relative to the working directory when possible).
    pub name: String,
    pub text: Arc<str>,
}

/// Every file a configuration was read from, in load order.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, name: String, text: String) -> usize {
        self.files.push(SourceFile {
            path,
            name,
            text: Arc::from(text),
        });
        self.files.len() - 1
    }

    pub fn get(&self, file: usize) -> Option<&SourceFile> {
        self.files.get(file)
    }

    /// One-based line and column (in characters) of a span's start.
    pub fn line_col(&self, span: &Span) -> (usize, usize) {
        let Some(f) = self.files.get(span.file) else {
            return (0, 0);
        };
        line_col(&f.text, span.range.start)
    }

    /// `file:line:col` of a span.
    pub fn location(&self, span: &Span) -> String {
        let (l, c) = self.line_col(span);
        let name = self
            .files
            .get(span.file)
            .map(|f| f.name.as_str())
            .unwrap_or("?");
        format!("{name}:{l}:{c}")
    }
}

/// One-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 9), (2, 3));
        assert_eq!(line_col(t, 1000), (3, 1));
    }
}

//! `sequence` blocks and the `sequence { … }` block of an identity column, as `import`
//! writes them.

use super::{block_close, block_open, hcl_string, name_schema, Attrs};
use crate::model::{IdentitySequence, Sequence, SequenceOptions};

fn options(a: &mut Attrs, o: &SequenceOptions) {
    for (k, v) in [
        ("start", o.start),
        ("increment", o.increment),
        ("min_value", o.min_value),
        ("max_value", o.max_value),
        ("cache", o.cache),
    ] {
        if let Some(v) = v {
            a.set(k, v.to_string());
        }
    }
    if o.cycle {
        a.set("cycle", "true".into());
    }
}

pub(super) fn sequence_block(s: &mut String, label: &str, q: &Sequence) {
    block_open(s, 0, &format!("sequence {}", hcl_string(label)));
    let mut a = Attrs::new(1);
    name_schema(&mut a, label, &q.name);
    if q.data_type != "bigint" {
        a.set("type", hcl_string(&q.data_type));
    }
    options(&mut a, &q.options);
    if let Some((t, c)) = &q.owned_by {
        let owner = if t.schema == q.name.schema {
            format!("{}.{c}", t.name)
        } else {
            format!("{}.{}.{c}", t.schema, t.name)
        };
        a.set("owned_by", hcl_string(&owner));
    }
    if let Some(c) = &q.comment {
        a.set("comment", hcl_string(c));
    }
    a.write(s);
    block_close(s, 0);
    s.push('\n');
}

/// Inside a column block (depth 2).
pub(super) fn identity_sequence_block(s: &mut String, q: &IdentitySequence) {
    block_open(s, 2, "sequence");
    let mut a = Attrs::new(3);
    if let Some(n) = &q.name {
        a.set("name", hcl_string(n));
    }
    options(&mut a, &q.options);
    a.write(s);
    block_close(s, 2);
}

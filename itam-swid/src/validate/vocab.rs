//! ISO-CASE-1: open-vocabulary values that differ from a predefined value only in case.
//!
//! XML is case-sensitive, and so are the SWID vocabularies: strongTNC's tags write the role
//! `tagcreator`, which is not `tagCreator`, so their tags have no tag creator (SWID-1-1).
//! The vocabularies are open, so such a value is valid; this rule says which predefined value
//! it probably meant.

use itam_core::VersionScheme;

use super::rules::Rule;
use super::tree::Element;
use super::{Ctx, at_attr, child_steps, step};
use crate::model::{PatchEvent, Rel, Role};
use crate::ns::N8060 as N8060_NS;

/// The predefined value `value` spells in another case, if any (`None` for an exact match
/// or a value no predefined one matches).
fn near_miss<'k>(value: &str, known: &[&'k str]) -> Option<&'k str> {
    if known.contains(&value) {
        return None;
    }
    known
        .iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(value))
}

/// One open vocabulary: the attribute that holds it and its predefined values.
struct Vocabulary {
    /// The SWID element the attribute belongs to (`None`: any SWID element).
    owner: Option<&'static str>,
    /// The attribute's namespace and local name.
    attribute: (Option<&'static str>, &'static str),
    /// How a finding names the attribute.
    shown: &'static str,
    /// The predefined values.
    known: Vec<&'static str>,
    /// Whether the value is a list of tokens (`role` is NMTOKENS).
    tokens: bool,
}

pub(super) fn check(ctx: &mut Ctx<'_>, root: &Element<'_>, path: &str) {
    let vocabularies = [
        Vocabulary {
            owner: Some("Entity"),
            attribute: (None, "role"),
            shown: "role",
            known: Role::KNOWN.iter().map(Role::as_str).collect(),
            tokens: true,
        },
        Vocabulary {
            owner: Some("Link"),
            attribute: (None, "rel"),
            shown: "rel",
            known: Rel::KNOWN.iter().map(Rel::as_str).collect(),
            tokens: false,
        },
        Vocabulary {
            owner: Some("SoftwareIdentity"),
            attribute: (None, "versionScheme"),
            shown: "versionScheme",
            known: VersionScheme::KNOWN
                .iter()
                .map(VersionScheme::as_str)
                .collect(),
            tokens: false,
        },
        Vocabulary {
            owner: None,
            attribute: (Some(N8060_NS), "patchEvent"),
            shown: "n8060:patchEvent",
            known: PatchEvent::KNOWN.iter().map(PatchEvent::as_str).collect(),
            tokens: false,
        },
    ];
    element(ctx, &vocabularies, root, path);
}

fn element(ctx: &mut Ctx<'_>, vocabularies: &[Vocabulary], el: &Element<'_>, path: &str) {
    let ns = ctx.swid_ns;
    for v in vocabularies {
        if v.owner.is_some_and(|owner| !el.is(ns, owner)) {
            continue;
        }
        let Some(attr) = el.attribute(v.attribute.0, v.attribute.1) else {
            continue;
        };
        let values: Vec<&str> = if v.tokens {
            attr.value.split_ascii_whitespace().collect()
        } else {
            vec![attr.value.trim()]
        };
        for value in values {
            if let Some(meant) = near_miss(value, &v.known) {
                ctx.fire(
                    Rule::IsoCase1,
                    at_attr(path, attr),
                    format!(
                        "{} \"{value}\" is not a predefined value (values are case-sensitive); did you mean \"{meant}\"?",
                        v.shown
                    ),
                );
            }
        }
    }
    let steps = child_steps(el, ns);
    for (i, child) in el.children.iter().enumerate() {
        if child.namespace.as_deref().unwrap_or_default() == ns {
            element(
                ctx,
                vocabularies,
                child,
                &format!("{path}/{}", step(&steps, i)),
            );
        }
    }
}

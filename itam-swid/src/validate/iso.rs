//! The ISO/IEC 19770-2:2015 co-constraints that the XSD does not (or cannot) enforce.

use super::rules::Rule;
use super::tree::Element;
use super::{Ctx, at_attr, at_elem, child_steps, flag, has_role, regid, step};

pub(super) fn check(ctx: &mut Ctx<'_>, root: &Element<'_>, path: &str) {
    let ns = ctx.swid_ns;
    let creators: Vec<(usize, &Element<'_>)> = root
        .children
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is(ns, "Entity") && has_role(c, "tagCreator"))
        .collect();
    if creators.is_empty() {
        ctx.fire(
            Rule::Swid1_1,
            at_elem(path, root),
            "no Entity has the role tagCreator",
        );
    }
    let steps = child_steps(root, ns);
    if let Some(&(_, first)) = creators.first() {
        let expected = regid(first);
        for &(i, entity) in creators.iter().skip(1) {
            if regid(entity) != expected {
                let p = format!("{path}/{}", step(&steps, i));
                let loc = entity
                    .attribute(None, "regid")
                    .map_or_else(|| at_elem(&p, entity), |a| at_attr(&p, a));
                ctx.fire(
                    Rule::Swid2_1,
                    loc,
                    format!(
                        "tagCreator Entity \"{}\" has regid \"{}\" but the first tagCreator has \"{}\"",
                        entity.attr(None, "name").unwrap_or_default(),
                        regid(entity),
                        expected
                    ),
                );
            }
        }
    }
    for (name, rule) in [
        ("Payload", Rule::IsoPayload),
        ("Evidence", Rule::IsoEvidence),
    ] {
        let n = root.children_named(ns, name).count();
        if n > 1 {
            let (i, second) = root
                .children
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is(ns, name))
                .nth(1)
                .unwrap_or((0, root));
            ctx.fire(
                rule,
                at_elem(&format!("{path}/{}", step(&steps, i)), second),
                format!("the tag has {n} {name} elements; at most one is allowed"),
            );
        }
    }
    let set: Vec<&str> = ["corpus", "patch", "supplemental"]
        .into_iter()
        .filter(|f| flag(root, f))
        .collect();
    if set.len() > 1 {
        ctx.fire(
            Rule::IsoTagType,
            at_elem(path, root),
            format!("{} are all true; a tag has one type", set.join(" and ")),
        );
    }
    let patches = root
        .children_named(ns, "Link")
        .any(|l| l.attr(None, "rel").is_some_and(|r| r.trim() == "patches"));
    if !patches {
        ctx.fire(
            Rule::IsoPatchLink,
            at_elem(path, root),
            "the patch tag has no Link with rel=\"patches\" to the software it patches",
        );
    }
}

//! Test support shared by the itam-swid integration tests: proptest strategies that generate
//! SWID models in the reader's normal form (what [`itam_swid::read::read`] could have
//! produced), so that `read(write(m)) == m` is a meaningful property.
//!
//! Use from another test file with `mod support;` (this folder is not a test target itself).
//!
//! Normal form, i.e. what the generators guarantee:
//! - no whitespace-only text directly inside SWID elements (the reader drops layout), and no
//!   two adjacent text nodes anywhere (an XML parser merges them);
//! - foreign subtrees are self-contained: each element declares the namespace bindings it
//!   uses that no ancestor inside the subtree declares ([`normalize_foreign`]);
//! - open vocabularies built through `From<&str>` (so `Other("tagCreator")` never occurs);
//! - unknown attributes never collide with the schema's attribute names.
#![allow(dead_code)]

use std::collections::BTreeMap;

use itam_swid::itam_core::{RegId, VersionScheme};
use itam_swid::model::*;
use proptest::option::of;
use proptest::prelude::*;

/// Foreign namespaces used by the generators, each with the prefix the "document" used. Two
/// namespaces share the prefix `pa`, as happens across elements of real tags; the generators
/// never put both on one element (XML cannot), so the writer has to resolve it.
pub const POOL: [(&str, &str); 4] = [
    ("urn:example:a", "pa"),
    ("http://example.com/ns/b", "pb"),
    ("urn:example:c#x", "pc"),
    ("urn:example:a2", "pa"),
];

/// Whether `name` can sit on an element beside `others` (no prefix bound to two namespaces).
fn prefix_consistent(name: &QName, others: &[&QName]) -> bool {
    others
        .iter()
        .all(|o| o.prefix.is_none() || o.prefix != name.prefix || o.namespace == name.namespace)
}

/// Any text XML can carry (markup characters, quotes, tabs, newlines, CR, non-ASCII).
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"'\t\n\r=:/#%.\u{e9}\u{4e2d}\u{1f600}-]{0,12}"
}

/// Text with at least one non-whitespace character.
pub fn solid_text() -> impl Strategy<Value = String> {
    "[ \n]{0,2}[a-zA-Z&<>\"'\u{e9}][a-zA-Z0-9 &<>\n\r]{0,8}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    of(text())
}

fn vocab<T: for<'a> From<&'a str> + std::fmt::Debug>(
    known: &'static [&'static str],
) -> impl Strategy<Value = T> {
    prop_oneof![
        proptest::sample::select(known).prop_map(T::from),
        "[a-zA-Z+ -]{0,8}".prop_map(|s| T::from(s.as_str())),
    ]
}

fn xml_bool() -> impl Strategy<Value = XmlBool> {
    prop_oneof![
        proptest::sample::select(&["true", "false", "1", "0"][..]).prop_map(XmlBool::new),
        text().prop_map(XmlBool::new),
    ]
}

fn xml_int() -> impl Strategy<Value = XmlInt> {
    prop_oneof![
        any::<i64>().prop_map(XmlInt::from),
        text().prop_map(XmlInt::new),
    ]
}

fn lang() -> impl Strategy<Value = Option<String>> {
    of(prop_oneof![
        Just("en-US".to_owned()),
        Just(String::new()),
        text()
    ])
}

/// Unknown attributes for a SWID element: unqualified ones named `ext…` (never a schema
/// name) and qualified ones from [`POOL`], no duplicates.
pub fn extra_attributes() -> impl Strategy<Value = Vec<Attribute>> {
    proptest::collection::vec((0..=POOL.len(), "[a-z]{1,4}", text()), 0..3).prop_map(|items| {
        let mut seen = BTreeMap::new();
        for (which, local, value) in items {
            let name = match POOL.get(which) {
                Some((uri, prefix)) => QName::qualified(*uri, Some(prefix), format!("a{local}")),
                None => QName::local(format!("ext{local}")),
            };
            let others: Vec<&QName> = seen.values().map(|a: &Attribute| &a.name).collect();
            if !prefix_consistent(&name, &others) {
                continue;
            }
            seen.entry((name.namespace.clone(), name.local.clone()))
                .or_insert(Attribute::new(name, value));
        }
        // Keep a deterministic but not sorted order: reverse insertion by key.
        seen.into_values().rev().collect()
    })
}

fn foreign_name() -> impl Strategy<Value = QName> {
    prop_oneof![
        (0..POOL.len(), "[a-zA-Z][a-zA-Z0-9]{0,5}").prop_map(|(i, local)| {
            let (uri, prefix) = POOL.get(i).copied().unwrap_or(POOL[0]);
            QName::qualified(uri, Some(prefix), local)
        }),
        "[a-zA-Z][a-zA-Z0-9]{0,5}".prop_map(QName::local),
        "[a-zA-Z][a-zA-Z0-9]{0,5}".prop_map(|local| QName::qualified(
            "urn:example:default",
            None,
            local
        )),
        Just(QName::qualified(
            itam_swid::ns::XMLDSIG,
            Some("ds"),
            "Signature"
        )),
    ]
}

fn foreign_attributes() -> impl Strategy<Value = Vec<Attribute>> {
    proptest::collection::vec((0..=POOL.len(), "[a-z]{1,4}", text()), 0..3).prop_map(|items| {
        let mut out: Vec<Attribute> = Vec::new();
        for (which, local, value) in items {
            let name = match POOL.get(which) {
                Some((uri, prefix)) => QName::qualified(*uri, Some(prefix), local),
                None => QName::local(local),
            };
            let others: Vec<&QName> = out.iter().map(|a| &a.name).collect();
            if !out
                .iter()
                .any(|a| a.name.namespace == name.namespace && a.name.local == name.local)
                && prefix_consistent(&name, &others)
            {
                out.push(Attribute::new(name, value));
            }
        }
        out
    })
}

/// Drops attributes whose prefix the element's own name binds to another namespace.
fn consistent_with_name(name: &QName, attributes: Vec<Attribute>) -> Vec<Attribute> {
    attributes
        .into_iter()
        .filter(|a| prefix_consistent(&a.name, &[name]))
        .collect()
}

fn leaf_node(solid: bool) -> BoxedStrategy<ForeignNode> {
    let text_strategy = if solid {
        solid_text().boxed()
    } else {
        "[a-z &<>\n]{1,8}".boxed()
    };
    prop_oneof![
        text_strategy.prop_map(ForeignNode::Text),
        "[a-z ]{0,8}[a-z]".prop_map(ForeignNode::Comment),
        ("pi[a-z]{0,3}", of("[a-z0-9]{1,6}"))
            .prop_map(|(target, value)| ForeignNode::ProcessingInstruction { target, value }),
    ]
    .boxed()
}

/// A foreign element subtree (not yet normalised).
pub fn foreign_element() -> BoxedStrategy<ForeignElement> {
    let leaf =
        (foreign_name(), foreign_attributes()).prop_map(|(name, attributes)| ForeignElement {
            attributes: consistent_with_name(&name, attributes),
            name,
            namespaces: Vec::new(),
            children: Vec::new(),
        });
    leaf.prop_recursive(3, 12, 4, |inner| {
        (
            foreign_name(),
            foreign_attributes(),
            proptest::collection::vec(
                prop_oneof![inner.prop_map(ForeignNode::Element), leaf_node(false)],
                0..4,
            ),
        )
            .prop_map(|(name, attributes, children)| ForeignElement {
                attributes: consistent_with_name(&name, attributes),
                name,
                namespaces: Vec::new(),
                children: merge_texts(children),
            })
    })
    .prop_map(|mut e| {
        normalize_foreign(&mut e, &mut Vec::new());
        e
    })
    .boxed()
}

/// Merges adjacent text nodes, as an XML parser would.
pub fn merge_texts(nodes: Vec<ForeignNode>) -> Vec<ForeignNode> {
    let mut out: Vec<ForeignNode> = Vec::with_capacity(nodes.len());
    for node in nodes {
        if let (ForeignNode::Text(new), Some(ForeignNode::Text(last))) = (&node, out.last_mut()) {
            last.push_str(new);
            continue;
        }
        out.push(node);
    }
    out
}

/// Makes a foreign subtree self-contained the way the reader does: each element declares the
/// bindings it uses that no ancestor within the subtree declares.
pub fn normalize_foreign(e: &mut ForeignElement, scope: &mut Vec<(Option<String>, String)>) {
    let mark = scope.len();
    let mut decls: Vec<NamespaceDecl> = Vec::new();
    let mut need =
        |prefix: Option<String>, uri: String, scope: &mut Vec<(Option<String>, String)>| {
            let bound = scope
                .iter()
                .rev()
                .find(|(p, _)| *p == prefix)
                .map(|(_, u)| u.clone());
            if bound.as_deref() != Some(uri.as_str()) {
                scope.push((prefix.clone(), uri.clone()));
                decls.push(NamespaceDecl { prefix, uri });
            }
        };
    need(
        e.name.prefix.clone(),
        e.name.namespace.clone().unwrap_or_default(),
        scope,
    );
    for a in &e.attributes {
        if let (Some(p), Some(u)) = (&a.name.prefix, &a.name.namespace) {
            need(Some(p.clone()), u.clone(), scope);
        }
    }
    e.namespaces = decls;
    for child in &mut e.children {
        if let ForeignNode::Element(c) = child {
            normalize_foreign(c, scope);
        }
    }
    scope.truncate(mark);
}

/// Content allowed inside a SWID element besides its SWID children: foreign elements,
/// solid text, comments, PIs.
pub fn other_node() -> BoxedStrategy<ForeignNode> {
    prop_oneof![
        3 => foreign_element().prop_map(ForeignNode::Element),
        1 => leaf_node(true),
    ]
    .boxed()
}

fn content() -> impl Strategy<Value = Vec<ForeignNode>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => proptest::collection::vec(other_node(), 0..2).prop_map(merge_texts),
    ]
}

pub fn meta() -> impl Strategy<Value = Meta> {
    (lang(), extra_attributes(), content()).prop_map(|(lang, attributes, content)| Meta {
        lang,
        attributes,
        content,
    })
}

pub fn entity() -> impl Strategy<Value = Entity> {
    (
        text(),
        of(text().prop_map(RegId::new)),
        prop_oneof![
            Just(Roles::new("tagCreator softwareCreator")),
            text().prop_map(Roles::new)
        ],
        opt_text(),
        lang(),
        extra_attributes(),
        proptest::collection::vec(
            prop_oneof![
                3 => meta().prop_map(EntityChild::Meta),
                1 => other_node().prop_map(EntityChild::Other),
            ],
            0..3,
        ),
    )
        .prop_map(
            |(name, regid, role, thumbprint, lang, attributes, children)| Entity {
                name,
                regid,
                role,
                thumbprint,
                lang,
                attributes,
                children: merge_children(children, |c| match c {
                    EntityChild::Other(n) => Some(n),
                    _ => None,
                }),
            },
        )
}

/// Merges adjacent `Other(Text)` children of a SWID element.
fn merge_children<C: From<ForeignNode>>(
    children: Vec<C>,
    as_node: impl Fn(&mut C) -> Option<&mut ForeignNode>,
) -> Vec<C> {
    let mut out: Vec<C> = Vec::with_capacity(children.len());
    for mut child in children {
        let appended = match (
            as_node(&mut child).cloned(),
            out.last_mut().and_then(&as_node),
        ) {
            (Some(ForeignNode::Text(new)), Some(ForeignNode::Text(last))) => {
                last.push_str(&new);
                true
            }
            _ => false,
        };
        if !appended {
            out.push(child);
        }
    }
    out
}

pub fn link() -> impl Strategy<Value = Link> {
    (
        (
            prop_oneof![text(), "swid:[a-z0-9-]{1,8}", "swidpath:[a-z/]{1,8}"],
            vocab::<Rel>(&[
                "ancestor",
                "component",
                "patches",
                "see-also",
                "supplemental",
                "license",
            ]),
            opt_text(),
            opt_text(),
            of(vocab::<Ownership>(&["abandon", "private", "shared"])),
        ),
        (
            opt_text(),
            of(vocab::<Use>(&["required", "recommended", "optional"])),
            lang(),
            extra_attributes(),
            content(),
        ),
    )
        .prop_map(
            |(
                (href, rel, artifact, media, ownership),
                (r#type, r#use, lang, attributes, content),
            )| Link {
                href,
                rel,
                artifact,
                media,
                ownership,
                r#type,
                r#use,
                lang,
                attributes,
                content,
            },
        )
}

pub fn software_meta() -> impl Strategy<Value = SoftwareMeta> {
    (
        proptest::collection::vec(of(text()), 14),
        of(xml_bool()),
        lang(),
        extra_attributes(),
        content(),
    )
        .prop_map(|(values, edr, lang, attributes, content)| {
            let mut meta = SoftwareMeta {
                entitlement_data_required: edr,
                lang,
                attributes,
                content,
                ..SoftwareMeta::default()
            };
            let names = SOFTWARE_META_ATTRIBUTES
                .iter()
                .filter(|n| **n != "entitlementDataRequired");
            for (name, value) in names.zip(values) {
                if let Some(field) = meta.field_mut(name) {
                    *field = value;
                }
            }
            meta
        })
}

pub fn hash_algorithm() -> impl Strategy<Value = HashAlgorithm> {
    prop_oneof![
        proptest::sample::select(HashAlgorithm::KNOWN),
        Just(HashAlgorithm::Other("urn:example:hash:x".to_owned())),
        Just(HashAlgorithm::Other("urn:example:hash:y".to_owned())),
    ]
}

pub fn file() -> impl Strategy<Value = File> {
    (
        (
            text(),
            of(xml_bool()),
            opt_text(),
            opt_text(),
            of(xml_int()),
            opt_text(),
        ),
        (
            proptest::collection::btree_map(hash_algorithm(), "[0-9a-f]{0,16}", 0..3),
            of(xml_bool()),
            of(vocab::<PatchEvent>(&["add", "remove", "update", "modify"])),
            lang(),
            extra_attributes(),
            content(),
        ),
    )
        .prop_map(
            |(
                (name, key, location, root, size, version),
                (hashes, mutable, patch_event, lang, attributes, content),
            )| File {
                name: name.into(),
                key,
                location,
                root,
                size,
                version,
                hashes: hashes.into(),
                mutable,
                patch_event,
                lang,
                attributes,
                content,
            },
        )
}

pub fn directory() -> BoxedStrategy<Directory> {
    let leaf = (
        text(),
        of(xml_bool()),
        opt_text(),
        opt_text(),
        lang(),
        extra_attributes(),
    )
        .prop_map(|(name, key, location, root, lang, attributes)| Directory {
            name: name.into(),
            key,
            location,
            root,
            lang,
            attributes,
            children: Vec::new(),
        });
    leaf.prop_recursive(3, 16, 4, |inner| {
        (
            text(),
            extra_attributes(),
            proptest::collection::vec(
                prop_oneof![
                    2 => inner.prop_map(DirectoryChild::Directory),
                    3 => file().prop_map(DirectoryChild::File),
                    1 => other_node().prop_map(DirectoryChild::Other),
                ],
                0..4,
            ),
        )
            .prop_map(|(name, attributes, children)| Directory {
                name: name.into(),
                attributes,
                children: merge_children(children, |c| match c {
                    DirectoryChild::Other(n) => Some(n),
                    _ => None,
                }),
                ..Directory::default()
            })
    })
    .boxed()
}

pub fn resource_collection() -> impl Strategy<Value = ResourceCollection> {
    (
        lang(),
        opt_text(),
        opt_text(),
        opt_text(),
        extra_attributes(),
        proptest::collection::vec(
            prop_oneof![
                directory().prop_map(ResourceChild::Directory),
                file().prop_map(ResourceChild::File),
                (text(), of(xml_int()), lang(), extra_attributes()).prop_map(
                    |(name, pid, lang, attributes)| {
                        ResourceChild::Process(Process {
                            name,
                            pid,
                            lang,
                            attributes,
                            content: Vec::new(),
                        })
                    }
                ),
                (text(), lang(), extra_attributes(), content()).prop_map(
                    |(r#type, lang, attributes, content)| {
                        ResourceChild::Resource(Resource {
                            r#type,
                            lang,
                            attributes,
                            content,
                        })
                    }
                ),
                other_node().prop_map(ResourceChild::Other),
            ],
            0..4,
        ),
    )
        .prop_map(
            |(lang, path_separator, env_var_prefix, env_var_suffix, attributes, children)| {
                ResourceCollection {
                    lang,
                    path_separator,
                    env_var_prefix,
                    env_var_suffix,
                    attributes,
                    children: merge_children(children, |c| match c {
                        ResourceChild::Other(n) => Some(n),
                        _ => None,
                    }),
                }
            },
        )
}

pub fn evidence() -> impl Strategy<Value = Evidence> {
    (opt_text(), opt_text(), resource_collection()).prop_map(|(date, device_id, resources)| {
        Evidence {
            date,
            device_id,
            resources,
        }
    })
}

/// A whole tag in normal form.
pub fn software_identity() -> impl Strategy<Value = SoftwareIdentity> {
    (
        (
            text(),
            text(),
            of(xml_int()),
            opt_text(),
            of(prop_oneof![
                Just(VersionScheme::MultipartNumeric),
                Just(VersionScheme::Semver),
                "[a-z+ ]{0,8}".prop_map(|s| VersionScheme::from(s.as_str())),
            ]),
        ),
        (
            of(xml_bool()),
            of(xml_bool()),
            of(xml_bool()),
            opt_text(),
            lang(),
            extra_attributes(),
        ),
        proptest::collection::vec(
            prop_oneof![
                3 => entity().prop_map(Child::Entity),
                2 => link().prop_map(Child::Link),
                2 => software_meta().prop_map(Child::Meta),
                1 => resource_collection().prop_map(Child::Payload),
                1 => evidence().prop_map(Child::Evidence),
                1 => other_node().prop_map(Child::Other),
            ],
            0..5,
        ),
    )
        .prop_map(
            |(
                (name, tag_id, tag_version, version, version_scheme),
                (corpus, patch, supplemental, media, lang, attributes),
                children,
            )| {
                let mut tag = SoftwareIdentity::new(name, tag_id);
                tag.tag_version = tag_version;
                tag.version = version;
                tag.version_scheme = version_scheme;
                tag.corpus = corpus;
                tag.patch = patch;
                tag.supplemental = supplemental;
                tag.media = media;
                tag.lang = lang;
                tag.attributes = attributes;
                tag.children = merge_children(children, |c| match c {
                    Child::Other(n) => Some(n),
                    _ => None,
                });
                tag
            },
        )
}

//! The schema layer: what the 2015 XSD checks, in the published (ISO) or corrected (NIST) form.

use super::profile::SchemaMode;
use super::rules::Rule;
use super::tree::{Attribute, Element};
use super::{Ctx, SWID_NS, at_attr, at_elem, child_steps, step};
use crate::ns::XML as XML_NS;

/// XSD datatypes of the declared attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    String,
    Boolean,
    Integer,
    DateTime,
    AnyUri,
    NmToken,
    NmTokens,
    Ownership,
    Use,
    VersionScheme,
}

/// The element types of the 2015 schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SoftwareIdentity,
    Entity,
    EntityMeta,
    SoftwareMeta,
    Link,
    Payload,
    Evidence,
    Directory,
    File,
    Process,
    Resource,
}

const SOFTWARE_META_ATTRS: &[(&str, Ty, bool)] = &[
    ("activationStatus", Ty::String, false),
    ("channelType", Ty::String, false),
    ("colloquialVersion", Ty::String, false),
    ("description", Ty::String, false),
    ("edition", Ty::String, false),
    ("entitlementDataRequired", Ty::Boolean, false),
    ("entitlementKey", Ty::String, false),
    ("generator", Ty::String, false),
    ("persistentId", Ty::String, false),
    ("product", Ty::String, false),
    ("productFamily", Ty::String, false),
    ("revision", Ty::String, false),
    ("summary", Ty::String, false),
    ("unspscCode", Ty::String, false),
    ("unspscVersion", Ty::String, false),
];

impl Kind {
    /// Declared unqualified attributes: name, type, required.
    const fn attributes(self) -> &'static [(&'static str, Ty, bool)] {
        match self {
            Self::SoftwareIdentity => &[
                ("corpus", Ty::Boolean, false),
                ("media", Ty::String, false),
                ("name", Ty::String, true),
                ("patch", Ty::Boolean, false),
                ("supplemental", Ty::Boolean, false),
                ("tagId", Ty::String, true),
                ("tagVersion", Ty::Integer, false),
                ("version", Ty::String, false),
                ("versionScheme", Ty::VersionScheme, false),
            ],
            Self::Entity => &[
                ("name", Ty::String, true),
                ("regid", Ty::AnyUri, false),
                ("role", Ty::NmTokens, true),
                ("thumbprint", Ty::String, false),
            ],
            Self::EntityMeta | Self::Payload => &[],
            Self::SoftwareMeta => SOFTWARE_META_ATTRS,
            Self::Link => &[
                ("artifact", Ty::String, false),
                ("href", Ty::AnyUri, true),
                ("media", Ty::String, false),
                ("ownership", Ty::Ownership, false),
                ("rel", Ty::NmToken, true),
                ("type", Ty::String, false),
                ("use", Ty::Use, false),
            ],
            Self::Evidence => &[
                ("date", Ty::DateTime, false),
                ("deviceId", Ty::String, false),
            ],
            Self::Directory => &[
                ("key", Ty::Boolean, false),
                ("location", Ty::String, false),
                ("name", Ty::String, true),
                ("root", Ty::String, false),
            ],
            Self::File => &[
                ("key", Ty::Boolean, false),
                ("location", Ty::String, false),
                ("name", Ty::String, true),
                ("root", Ty::String, false),
                ("size", Ty::Integer, false),
                ("version", Ty::String, false),
            ],
            Self::Process => &[("name", Ty::String, true), ("pid", Ty::Integer, false)],
            Self::Resource => &[("type", Ty::String, true)],
        }
    }

    /// Whether the ISO XSD's `##any` wildcard (from `Meta`/`FilesystemItem`) applies.
    const fn derives_from_meta(self) -> bool {
        matches!(
            self,
            Self::EntityMeta
                | Self::SoftwareMeta
                | Self::Directory
                | Self::File
                | Self::Process
                | Self::Resource
        )
    }

    /// The kind of a SWID-namespace child called `name`, if the schema allows it here.
    fn child(self, name: &str) -> Option<Self> {
        match (self, name) {
            (Self::SoftwareIdentity, "Entity") => Some(Self::Entity),
            (Self::SoftwareIdentity, "Evidence") => Some(Self::Evidence),
            (Self::SoftwareIdentity, "Link") => Some(Self::Link),
            (Self::SoftwareIdentity, "Meta") => Some(Self::SoftwareMeta),
            (Self::SoftwareIdentity, "Payload") => Some(Self::Payload),
            (Self::Entity, "Meta") => Some(Self::EntityMeta),
            (Self::Payload | Self::Evidence | Self::Directory, "Directory") => {
                Some(Self::Directory)
            }
            (Self::Payload | Self::Evidence | Self::Directory, "File") => Some(Self::File),
            (Self::Payload | Self::Evidence, "Process") => Some(Self::Process),
            (Self::Payload | Self::Evidence, "Resource") => Some(Self::Resource),
            _ => None,
        }
    }
}

pub(super) fn check(ctx: &mut Ctx<'_>, root: &Element<'_>, mode: SchemaMode) {
    let path = format!("/{}", root.name);
    if !root.is(SWID_NS, "SoftwareIdentity") {
        let found = match &root.namespace {
            Some(ns) => format!("{{{ns}}}{}", root.name),
            None => format!("{} in no namespace", root.name),
        };
        ctx.fire(
            Rule::XsdRoot,
            at_elem(&path, root),
            format!("the root element is {found}, not SoftwareIdentity in {SWID_NS}"),
        );
        if root.name != "SoftwareIdentity" {
            return;
        }
    }
    element(ctx, root, Kind::SoftwareIdentity, &path, mode);
}

fn element(ctx: &mut Ctx<'_>, el: &Element<'_>, kind: Kind, path: &str, mode: SchemaMode) {
    if el.has_text {
        ctx.fire(
            Rule::XsdText,
            at_elem(path, el),
            format!(
                "{} has character content, but its type is empty or element-only",
                el.name
            ),
        );
    }
    attributes(ctx, el, kind, path, mode);
    let swid_ns = ctx.swid_ns;
    let steps = child_steps(el, swid_ns);
    for (i, child) in el.children.iter().enumerate() {
        let child_path = format!("{path}/{}", step(&steps, i));
        match child.namespace.as_deref().unwrap_or_default() {
            ns if ns == swid_ns => match kind.child(&child.name) {
                Some(child_kind) => element(ctx, child, child_kind, &child_path, mode),
                None => ctx.fire(
                    Rule::XsdElement,
                    at_elem(&child_path, child),
                    format!("{} is not allowed inside {}", child.name, el.name),
                ),
            },
            "" => ctx.fire(
                Rule::XsdElement,
                at_elem(&child_path, child),
                format!(
                    "{} is in no namespace; inside {} it must be in {swid_ns}",
                    child.name, el.name
                ),
            ),
            ns => {
                if kind != Kind::SoftwareIdentity {
                    ctx.fire(
                        Rule::XsdElement,
                        at_elem(&child_path, child),
                        format!(
                            "{{{ns}}}{} is not allowed inside {}: only SoftwareIdentity takes elements from other namespaces",
                            child.name, el.name
                        ),
                    );
                }
            }
        }
    }
}

fn attributes(ctx: &mut Ctx<'_>, el: &Element<'_>, kind: Kind, path: &str, mode: SchemaMode) {
    let declared = kind.attributes();
    for &(name, _, required) in declared {
        if required && el.attribute(None, name).is_none() {
            ctx.fire(
                Rule::XsdRequired,
                at_elem(path, el),
                format!(
                    "{} has no {name} attribute, which the schema requires",
                    el.name
                ),
            );
        }
    }
    let any_allowed = mode == SchemaMode::Iso2015 && kind.derives_from_meta();
    for attr in &el.attributes {
        let loc = || at_attr(path, attr);
        match attr.namespace.as_deref() {
            None => match declared.iter().find(|(n, _, _)| *n == attr.name) {
                Some(&(_, ty, _)) => datatype(ctx, el, attr, ty, path, mode),
                None if any_allowed => {}
                None => ctx.fire(
                    Rule::XsdUndeclared,
                    loc(),
                    format!(
                        "{} has the undeclared unqualified attribute {}{}",
                        el.name,
                        attr.name,
                        match mode {
                            SchemaMode::Iso2015 => "",
                            SchemaMode::NistFixed if kind.derives_from_meta() =>
                                " (allowed by the published ISO XSD, not by NIST's corrected one)",
                            SchemaMode::NistFixed => "",
                        }
                    ),
                ),
            },
            Some(XML_NS) if attr.name == "lang" => {
                if !attr.value.is_empty() && !is_language(&attr.value) {
                    ctx.fire(
                        Rule::XsdDatatype,
                        loc(),
                        format!("xml:lang \"{}\" is not a language tag", attr.value),
                    );
                }
            }
            Some(ns) if ns == ctx.swid_ns && !any_allowed => ctx.fire(
                Rule::XsdUndeclared,
                loc(),
                format!(
                    "{} has the attribute {} qualified with the SWID namespace, which the schema does not declare",
                    el.name, attr.name
                ),
            ),
            Some(_) => {} // ##other, processed lax (xsi:*, n8060:*, hash algorithms, …)
        }
    }
}

fn datatype(
    ctx: &mut Ctx<'_>,
    el: &Element<'_>,
    attr: &Attribute<'_>,
    ty: Ty,
    path: &str,
    mode: SchemaMode,
) {
    let (name, value) = (attr.name.as_ref(), attr.value.as_ref());
    let loc = || at_attr(path, attr);
    let v = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let (ok, what) = match ty {
        Ty::String => (true, ""),
        Ty::Boolean => (matches!(v, "true" | "false" | "1" | "0"), "an xs:boolean"),
        Ty::Integer => (is_integer(v), "an xs:integer"),
        Ty::DateTime => (is_date_time(v), "an xs:dateTime"),
        Ty::AnyUri => (is_any_uri(v), "an xs:anyURI"),
        Ty::NmToken => (is_nmtoken(v), "an xs:NMTOKEN"),
        Ty::NmTokens => (
            v.split_ascii_whitespace().next().is_some()
                && v.split_ascii_whitespace().all(is_nmtoken),
            "a non-empty xs:NMTOKENS list",
        ),
        Ty::Ownership => (
            matches!(v, "abandon" | "private" | "shared"),
            "one of abandon, private, shared",
        ),
        Ty::Use => (
            matches!(v, "optional" | "required" | "recommended"),
            "one of optional, required, recommended",
        ),
        Ty::VersionScheme => {
            if mode == SchemaMode::Iso2015 && !is_nmtoken(v) {
                ctx.fire(
                    Rule::XsdVersionScheme,
                    loc(),
                    format!(
                        "versionScheme \"{value}\" is not an xs:NMTOKEN, as the published ISO XSD requires (NIST's corrected XSD accepts it)"
                    ),
                );
            }
            return;
        }
    };
    if !ok {
        ctx.fire(
            Rule::XsdDatatype,
            loc(),
            format!("{}/@{name} \"{value}\" is not {what}", el.name),
        );
    }
}

fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '\u{B7}')
}

fn is_nmtoken(v: &str) -> bool {
    !v.is_empty() && v.chars().all(is_name_char)
}

/// `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*` (the lexical space of xs:language).
fn is_language(v: &str) -> bool {
    let mut parts = v.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?` with field ranges.
fn is_date_time(v: &str) -> bool {
    let v = v.strip_prefix('-').unwrap_or(v);
    let Some((date, time)) = v.split_once('T') else {
        return false;
    };
    let mut d = date.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (d.next(), d.next(), d.next()) else {
        return false;
    };
    let date_ok = year.len() >= 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && digits(month, 2)
        && digits(day, 2)
        && (1..=12).contains(&month.parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&day.parse::<u8>().unwrap_or(0));
    let (clock, zone) = if let Some(t) = time.strip_suffix('Z') {
        (t, None)
    } else if let Some(i) = time.rfind(['+', '-']) {
        (time.get(..i).unwrap_or(""), time.get(i + 1..))
    } else {
        (time, None)
    };
    let zone_ok = zone.is_none_or(|z| {
        z.split_once(':')
            .is_some_and(|(h, m)| digits(h, 2) && digits(m, 2) && h <= "14" && m <= "59")
    });
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (clock, None),
    };
    let mut t = hms.split(':');
    let (Some(h), Some(m), Some(s), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return false;
    };
    let time_ok = digits(h, 2)
        && digits(m, 2)
        && digits(s, 2)
        && (h <= "23" || hms == "24:00:00")
        && m <= "59"
        && s <= "59"
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    date_ok && zone_ok && time_ok
}

/// Characters XSD 1.0 (following XLink) escapes before reading an anyURI: they are accepted
/// as if percent-encoded.
fn escaped_by_xlink(c: char) -> bool {
    !c.is_ascii() || c <= ' ' || c == '\u{7f}' || "\"<>\\^`{|}".contains(c)
}

/// Whether every character of `s` is allowed by `allowed`, a `%` starts `%HH`, or XLink
/// escaping would make it one.
fn uri_chars(s: &str, allowed: &str) -> bool {
    let b = s.as_bytes();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            chars.next();
            chars.next();
        } else if !(c.is_ascii_alphanumeric()
            || "-._~!$&'()*+,;=".contains(c)
            || allowed.contains(c)
            || escaped_by_xlink(c))
        {
            return false;
        }
    }
    true
}

/// An `xs:anyURI`: an RFC 3986 URI reference once XLink escaping is applied (so spaces and
/// non-ASCII characters pass, as in libxml2), with the authority's structure checked
/// (`[userinfo@]host[:port]`).
fn is_any_uri(v: &str) -> bool {
    let (before_fragment, fragment) = v.split_once('#').unwrap_or((v, ""));
    let (before_query, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let rest = match before_query.split_once(':') {
        Some((scheme, rest))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            rest
        }
        _ => before_query,
    };
    let path = match rest.strip_prefix("//") {
        Some(hier) => {
            let (authority, path) = match hier.find('/') {
                Some(i) => (hier.get(..i).unwrap_or(""), hier.get(i..).unwrap_or("")),
                None => (hier, ""),
            };
            let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
            let (host, port) = if hostport.starts_with('[') {
                match hostport.split_once(']') {
                    Some((h, p)) => (h.trim_start_matches('['), p.strip_prefix(':').unwrap_or(p)),
                    None => return false,
                }
            } else {
                hostport.split_once(':').unwrap_or((hostport, ""))
            };
            let host_ok = if hostport.starts_with('[') {
                host.chars()
                    .all(|c| c.is_ascii_hexdigit() || ":.".contains(c))
            } else {
                uri_chars(host, "")
            };
            if !(uri_chars(userinfo, ":") && host_ok && port.bytes().all(|b| b.is_ascii_digit())) {
                return false;
            }
            path
        }
        None => rest,
    };
    uri_chars(path, ":@/") && uri_chars(query, ":@/?") && uri_chars(fragment, ":@/?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_checks() {
        for (ok, v) in [(true, "-12"), (true, "+0"), (false, "1.5"), (false, "")] {
            assert_eq!(is_integer(v), ok, "integer {v}");
        }
        assert!(is_nmtoken("multipartnumeric"));
        assert!(!is_nmtoken("multipartnumeric+suffix"));
        for (ok, v) in [
            (true, "en"),
            (true, "en-US"),
            (false, "englishlanguage"),
            (false, "en_US"),
            (false, ""),
        ] {
            assert_eq!(is_language(v), ok, "language {v}");
        }
        for (ok, v) in [
            (true, "2016-05-03T10:11:12Z"),
            (true, "2016-05-03T10:11:12.5+02:00"),
            (true, "2016-05-03T10:11:12"),
            (false, "2016-05-03"),
            (false, "2016-13-03T10:11:12"),
            (false, "2016-05-03T25:11:12"),
        ] {
            assert_eq!(is_date_time(v), ok, "dateTime {v}");
        }
        for (ok, v) in [
            (true, "swid:com.acme-1%20x"),
            (true, "acme.com"),
            (true, "Example X"),
            (true, "http://[::1]:8080/a b?x#y"),
            (
                false,
                "swidpath://swid:SoftwareIdentity[@name='Primary SWID tag']",
            ),
            (false, "http://host:port/"),
            (false, "a#b#c"),
            (false, "a%2"),
        ] {
            assert_eq!(is_any_uri(v), ok, "anyURI {v}");
        }
    }
}

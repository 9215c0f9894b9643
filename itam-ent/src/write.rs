//! The canonical writer.
//!
//! Output is deterministic: an XML declaration, the root in the configured namespace (the
//! default namespace of the reconstructed profile unless told otherwise), attributes in a fixed
//! order (declared attributes in profile order, then `xml:lang`, then the kept unknown
//! attributes in the order read), known children in a fixed order (the order of the profile's
//! child list), and unknown content put back after as many known children as stood before it
//! when it was read. Two spaces of indentation, except inside elements that carry text (which
//! is written exactly). Namespace declarations are written where they are first needed.
//!
//! What XML 1.0 cannot carry (a character such as NUL, a name that is not an XML name, `--` in
//! a comment, a processing instruction targeted `xml` or with a colon) is a [`WriteError`]
//! with the element's path, never written wrong or left out: the same checks and error as the
//! SWID writer's ([`itam_xml::write`]). Re-indenting invalidates an XML signature over a
//! document that was not already in canonical form (the `ds:Signature` element itself is kept
//! unchanged).

use std::fmt::Display;

use chrono::SecondsFormat;
use itam_core::version::Bound;
use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};

use crate::model::{
    Contract, Ent, EntMeta, Entity, InvoiceData, Limit, LimitTime, Link, LinkContent, Meta, Metric,
    OrderInfo, Quantification, Right, TestMethod, Timestamp, ValidVersion,
};
use crate::profile::{DEFAULT_NAMESPACE, XML_NAMESPACE, names as n};
use crate::xml::{BaseElement, QName, XmlAttribute, XmlElement, XmlNode};
pub use itam_xml::WriteError;
use itam_xml::name::is_ncname;
use itam_xml::write::{Context, check_comment, check_pi, escape};

/// How to write.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteOptions {
    /// The namespace of the Ent elements (default: the reconstructed profile's,
    /// `http://standards.iso.org/iso/19770/-3/2016/schema.xsd`).
    pub namespace: String,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            namespace: DEFAULT_NAMESPACE.to_owned(),
        }
    }
}

impl WriteOptions {
    /// Options writing the given namespace.
    pub fn with_namespace(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
        }
    }
}

/// Writes an Ent in canonical form with the default options.
///
/// # Errors
/// A [`WriteError`] when the model holds what XML 1.0 cannot carry: a character such as NUL,
/// a name that is not an XML name, a comment with `--`, a processing instruction whose target
/// is `xml` or has a colon — each with the path of the element.
pub fn write(ent: &Ent) -> Result<String, WriteError> {
    write_with(ent, &WriteOptions::default())
}

/// Writes an Ent in canonical form.
///
/// # Errors
/// As [`write()`].
pub fn write_with(ent: &Ent, options: &WriteOptions) -> Result<String, WriteError> {
    let tree = to_tree(ent, &options.namespace);
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io)?;
    w.write_event(Event::Text(BytesText::from_escaped("\n")))
        .map_err(io)?;
    let root = At {
        parent: None,
        siblings: &[],
        index: 0,
        element: &tree,
    };
    write_element(&mut w, &root, &mut Scope::default(), 0, &options.namespace)?;
    w.write_event(Event::Text(BytesText::from_escaped("\n")))
        .map_err(io)?;
    String::from_utf8(w.into_inner()).map_err(|e| WriteError::Writer(e.to_string()))
}

/// The document as a generic element tree: known elements in `namespace`, unknown content as
/// kept. The validator walks the same tree, so it checks exactly what the writer emits.
#[must_use]
pub fn to_tree(ent: &Ent, namespace: &str) -> XmlElement {
    let b = Builder { ns: namespace };
    b.ent(ent)
}

struct Builder<'a> {
    ns: &'a str,
}

#[derive(Default)]
struct Attrs(Vec<(&'static str, String)>);

impl Attrs {
    fn put(&mut self, name: &'static str, value: Option<impl Display>) {
        if let Some(v) = value {
            self.0.push((name, v.to_string()));
        }
    }
    fn text(&mut self, name: &'static str, value: &Option<String>) {
        if let Some(v) = value {
            self.0.push((name, v.clone()));
        }
    }
    fn always(&mut self, name: &'static str, value: impl Display) {
        self.0.push((name, value.to_string()));
    }
    fn time(&mut self, name: &'static str, value: &Option<Timestamp>) {
        if let Some(t) = value {
            self.0
                .push((name, t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        }
    }
}

impl Builder<'_> {
    fn element(
        &self,
        name: &str,
        attrs: Attrs,
        base: &BaseElement,
        known: Vec<XmlElement>,
        text: Option<&str>,
    ) -> XmlElement {
        let mut attributes: Vec<XmlAttribute> = attrs
            .0
            .into_iter()
            .map(|(k, v)| XmlAttribute::new(QName::local(k), v))
            .collect();
        if let Some(lang) = &base.lang {
            attributes.push(XmlAttribute::new(
                QName::prefixed(XML_NAMESPACE, "xml", n::LANG),
                lang.clone(),
            ));
        }
        for extra in &base.attributes {
            let clash = attributes.iter_mut().find(|a| {
                a.name.namespace == extra.name.namespace && a.name.local == extra.name.local
            });
            match clash {
                // A declared attribute whose text a lax read could not type (`entRevision`
                // "7x"): the text as read is written, never the field's default.
                Some(declared) => declared.value.clone_from(&extra.value),
                None => attributes.push(extra.clone()),
            }
        }
        let mut children = Vec::new();
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            children.push(XmlNode::Text(t.to_owned()));
        }
        let count = known.len();
        let mut known = known.into_iter();
        for i in 0..=count {
            for ext in base.extensions.iter().filter(|e| e.position == i) {
                children.push(ext.node.clone());
            }
            if let Some(k) = known.next() {
                children.push(XmlNode::Element(k));
            }
        }
        for ext in base.extensions.iter().filter(|e| e.position > count) {
            children.push(ext.node.clone());
        }
        XmlElement {
            name: QName {
                namespace: Some(self.ns.to_owned()),
                prefix: None,
                local: name.to_owned(),
            },
            namespaces: Vec::new(),
            attributes,
            children,
        }
    }

    fn ent(&self, e: &Ent) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::NAME, &e.name);
        a.always(n::ENT_ID, &e.ent_id);
        a.always(n::ENT_REVISION, e.ent_revision);
        a.always(n::ENT_TYPE, &e.ent_type);
        a.put(n::SUPPLEMENTAL_ENT_TYPE, e.supplemental_ent_type.as_ref());
        a.put(n::ENTITLEMENT_TYPE, e.entitlement_type.as_ref());
        a.time(n::ISSUED, &e.issued);
        let mut k = Vec::new();
        k.extend(e.ent_meta.iter().map(|x| self.ent_meta(x)));
        k.extend(e.entities.iter().map(|x| self.entity(x)));
        k.extend(e.contracts.iter().map(|x| self.contract(x)));
        k.extend(e.order_info.iter().map(|x| self.order_info(x)));
        k.extend(e.invoice_data.iter().map(|x| self.invoice_data(x)));
        k.extend(e.rights.iter().map(|x| self.right(x)));
        k.extend(e.links.iter().map(|x| self.link(x)));
        k.extend(e.meta.iter().map(|x| self.meta(x)));
        self.element(n::ENT, a, &e.base, k, None)
    }

    fn ent_meta(&self, m: &EntMeta) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::DESCRIPTION, &m.description);
        a.put(n::CHANNEL_TYPE, m.channel_type.as_ref());
        a.put(n::TRUST_LEVEL, m.trust_level.as_ref());
        a.put(n::FOSS_COPYLEFT, m.foss_copyleft.as_ref());
        a.text(n::GENERATOR, &m.generator);
        a.text(n::PRODUCT, &m.product);
        a.text(n::PRODUCT_FAMILY, &m.product_family);
        a.text(n::EDITION, &m.edition);
        a.text(n::COLLOQUIAL_VERSION, &m.colloquial_version);
        a.text(n::PERSISTENT_ID, &m.persistent_id);
        a.text(n::ENTITLEMENT_KEY, &m.entitlement_key);
        a.text(n::LICENSE_EXPRESSION, &m.license_expression);
        self.element(n::ENT_META, a, &m.base, Vec::new(), None)
    }

    fn entity(&self, e: &Entity) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::NAME, &e.name);
        a.put(n::REGID, e.regid.as_ref());
        let roles: Vec<&str> = e.role.iter().map(|r| r.as_str()).collect();
        a.always(n::ROLE, roles.join(" "));
        a.text(n::THUMBPRINT, &e.thumbprint);
        let k = e.meta.iter().map(|x| self.meta(x)).collect();
        self.element(n::ENTITY, a, &e.base, k, None)
    }

    fn contract(&self, c: &Contract) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::CONTRACT_ID, &c.contract_id);
        a.text(n::NAME, &c.name);
        a.text(n::CONTRACT_TYPE, &c.contract_type);
        a.put(n::START_DATE, c.start_date);
        a.put(n::END_DATE, c.end_date);
        let k = c.meta.iter().map(|x| self.meta(x)).collect();
        self.element(n::CONTRACT, a, &c.base, k, None)
    }

    fn order_info(&self, o: &OrderInfo) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::ORDER_ID, &o.order_id);
        a.text(n::ORDER_LINE, &o.order_line);
        a.put(n::ORDER_DATE, o.order_date);
        a.text(n::PART_NUMBER, &o.part_number);
        a.put(n::QUANTITY, o.quantity);
        let k = o.meta.iter().map(|x| self.meta(x)).collect();
        self.element(n::ORDER_INFO, a, &o.base, k, None)
    }

    fn invoice_data(&self, i: &InvoiceData) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::INVOICE_ID, &i.invoice_id);
        a.put(n::INVOICE_DATE, i.invoice_date);
        a.put(n::AMOUNT, i.amount);
        a.put(n::UNIT_PRICE, i.unit_price);
        a.text(n::CURRENCY, &i.currency);
        let k = i.meta.iter().map(|x| self.meta(x)).collect();
        self.element(n::INVOICE_DATA, a, &i.base, k, None)
    }

    fn right(&self, r: &Right) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::NAME, &r.name);
        let mut k = Vec::new();
        k.extend(r.metrics.iter().map(|x| self.metric(x)));
        k.extend(r.limits.iter().map(|x| self.limit(x)));
        k.extend(r.valid_versions.iter().map(|x| self.valid_version(x)));
        k.extend(r.links.iter().map(|x| self.link(x)));
        k.extend(r.meta.iter().map(|x| self.meta(x)));
        self.element(n::RIGHT, a, &r.base, k, None)
    }

    fn limit(&self, l: &Limit) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::TYPE, &l.limit_type);
        a.text(n::VALUE, &l.value);
        let mut k = Vec::new();
        k.extend(l.limit_time.iter().map(|x| self.limit_time(x)));
        k.extend(l.meta.iter().map(|x| self.meta(x)));
        self.element(n::LIMIT, a, &l.base, k, None)
    }

    fn limit_time(&self, t: &LimitTime) -> XmlElement {
        let mut a = Attrs::default();
        a.time(n::START, &t.start);
        a.time(n::END, &t.end);
        a.put(n::DURATION, t.duration);
        a.put(n::DURATION_UNIT, t.duration_unit.as_ref());
        self.element(n::LIMIT_TIME, a, &t.base, Vec::new(), None)
    }

    fn metric(&self, m: &Metric) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::TYPE, &m.metric_type);
        let mut k = Vec::new();
        k.extend(m.quantification.iter().map(|x| self.quantification(x)));
        k.extend(m.test_methods.iter().map(|x| self.test_method(x)));
        k.extend(m.meta.iter().map(|x| self.meta(x)));
        self.element(n::METRIC, a, &m.base, k, None)
    }

    fn quantification(&self, q: &Quantification) -> XmlElement {
        let mut a = Attrs::default();
        a.put(n::QUANTITY, q.quantity);
        a.text(n::UNIT, &q.unit);
        a.put(n::FACTOR, q.factor);
        a.put(n::UNLIMITED, q.unlimited);
        self.element(n::QUANTIFICATION, a, &q.base, Vec::new(), None)
    }

    fn test_method(&self, t: &TestMethod) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::NAME, &t.name);
        a.text(n::DESCRIPTION, &t.description);
        a.text(n::HREF, &t.href);
        self.element(n::TEST_METHOD, a, &t.base, Vec::new(), None)
    }

    fn valid_version(&self, v: &ValidVersion) -> XmlElement {
        let mut a = Attrs::default();
        let r = &v.range;
        a.always(n::VERSION_SCHEME, &r.scheme);
        match (&r.lower, &r.upper) {
            (Bound::Inclusive(lo), Bound::Inclusive(hi)) if lo == hi => {
                a.always(n::VERSION, lo);
            }
            (lower, upper) => {
                match lower {
                    Bound::Inclusive(x) => a.always(n::MIN_VERSION, x),
                    Bound::Exclusive(x) => a.always(n::AFTER_VERSION, x),
                    Bound::Unbounded => {}
                }
                match upper {
                    Bound::Inclusive(x) => a.always(n::MAX_VERSION, x),
                    Bound::Exclusive(x) => a.always(n::BEFORE_VERSION, x),
                    Bound::Unbounded => {}
                }
            }
        }
        a.put(n::TAG_ID, v.tag_id.as_ref());
        a.text(n::PERSISTENT_ID, &v.persistent_id);
        self.element(n::VALID_VERSION, a, &v.base, Vec::new(), None)
    }

    fn link(&self, l: &Link) -> XmlElement {
        let mut a = Attrs::default();
        a.always(n::HREF, &l.href);
        a.always(n::REL, &l.rel);
        a.text(n::ARTIFACT, &l.artifact);
        a.text(n::MEDIA, &l.media);
        a.text(n::OWNERSHIP, &l.ownership);
        a.text(n::TYPE, &l.media_type);
        a.text(n::USE, &l.use_);
        let k = l.content.iter().map(|x| self.link_content(x)).collect();
        self.element(n::LINK, a, &l.base, k, None)
    }

    fn link_content(&self, c: &LinkContent) -> XmlElement {
        let mut a = Attrs::default();
        a.text(n::TYPE, &c.media_type);
        a.text(n::DIGEST, &c.digest);
        a.text(n::DIGEST_ALGORITHM, &c.digest_algorithm);
        self.element(n::LINK_CONTENT, a, &c.base, Vec::new(), Some(&c.text))
    }

    fn meta(&self, m: &Meta) -> XmlElement {
        self.element(n::META, Attrs::default(), &m.base, Vec::new(), None)
    }
}

/// Namespace declarations in scope: (prefix, uri), innermost last.
#[derive(Default)]
struct Scope(Vec<(Option<String>, String)>);

impl Scope {
    fn lookup(&self, prefix: Option<&str>) -> Option<&str> {
        if prefix == Some("xml") {
            return Some(XML_NAMESPACE);
        }
        let found = self
            .0
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == prefix)
            .map(|(_, u)| u.as_str());
        match (found, prefix) {
            (None, None) => Some(""),
            (f, _) => f,
        }
    }
}

/// Where the writer is: the element being written and its ancestors, kept as references so
/// that a path (`/Ent/Right[2]/Limit[1]`) is built only for an error.
struct At<'a> {
    parent: Option<&'a Self>,
    /// The element's siblings (its parent's children) and its index among them.
    siblings: &'a [XmlNode],
    index: usize,
    element: &'a XmlElement,
}

impl At<'_> {
    fn path(&self) -> String {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(a) = at {
            let name = a.element.name.prefixed_name();
            match a.parent {
                None => steps.push(format!("/{name}")),
                Some(_) => {
                    let nth = a
                        .siblings
                        .iter()
                        .take(a.index + 1)
                        .filter_map(XmlNode::as_element)
                        .filter(|e| e.name == a.element.name)
                        .count();
                    steps.push(format!("/{name}[{nth}]"));
                }
            }
            at = a.parent;
        }
        steps.reverse();
        steps.concat()
    }
}

fn check_ncname(name: &str, at: &At<'_>) -> Result<(), WriteError> {
    if is_ncname(name) {
        Ok(())
    } else {
        Err(WriteError::InvalidName {
            name: name.to_owned(),
            path: at.path(),
        })
    }
}

fn check_qname(name: &QName, at: &At<'_>) -> Result<(), WriteError> {
    check_ncname(&name.local, at)?;
    name.prefix
        .as_deref()
        .map_or(Ok(()), |p| check_ncname(p, at))
}

/// Declares `prefix` → `uri` on the element being written unless it is already in scope.
fn declare(
    decls: &mut Vec<(Option<String>, String)>,
    scope: &mut Scope,
    prefix: Option<&str>,
    uri: &str,
    at: &At<'_>,
) -> Result<(), WriteError> {
    if scope.lookup(prefix) == Some(uri) {
        return Ok(());
    }
    if let Some(p) = prefix {
        // `xmlns:p=""` is not allowed (Namespaces in XML 1.0 §3), nor is rebinding `xml`.
        if uri.is_empty() || p == "xml" || p == "xmlns" {
            return Err(WriteError::InvalidName {
                name: p.to_owned(),
                path: format!("{}/namespace declaration", at.path()),
            });
        }
    }
    decls.retain(|(p, _)| p.as_deref() != prefix);
    decls.push((prefix.map(str::to_owned), uri.to_owned()));
    scope.0.push((prefix.map(str::to_owned), uri.to_owned()));
    Ok(())
}

fn write_element(
    w: &mut Writer<Vec<u8>>,
    at: &At<'_>,
    scope: &mut Scope,
    depth: usize,
    ent_ns: &str,
) -> Result<(), WriteError> {
    let el = at.element;
    let mark = scope.0.len();
    check_qname(&el.name, at)?;
    let qname = el.name.prefixed_name();
    let mut start = BytesStart::new(qname.as_str());
    let mut decls: Vec<(Option<String>, String)> = Vec::new();
    for d in &el.namespaces {
        if let Some(p) = &d.prefix {
            check_ncname(p, at)?;
        }
        declare(&mut decls, scope, d.prefix.as_deref(), &d.uri, at)?;
    }
    let want = el.name.namespace.as_deref().unwrap_or_default();
    declare(&mut decls, scope, el.name.prefix.as_deref(), want, at)?;
    let mut attrs: Vec<(String, &str)> = Vec::new();
    let mut invented = 0usize;
    for a in &el.attributes {
        check_qname(&a.name, at)?;
        let name = match (&a.name.namespace, &a.name.prefix) {
            (None, _) => a.name.local.clone(),
            (Some(ns), prefix) => {
                let prefix = match prefix {
                    Some(p) => p.clone(),
                    None => {
                        invented += 1;
                        format!("ns{invented}")
                    }
                };
                declare(&mut decls, scope, Some(&prefix), ns, at)?;
                format!("{prefix}:{}", a.name.local)
            }
        };
        attrs.push((name, &a.value));
    }
    for (p, u) in &decls {
        let key = match p {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_owned(),
        };
        push_attr(&mut start, &key, u, at)?;
    }
    for (k, v) in &attrs {
        push_attr(&mut start, k, v, at)?;
    }
    if el.children.is_empty() {
        w.write_event(Event::Empty(start)).map_err(io)?;
        scope.0.truncate(mark);
        return Ok(());
    }
    w.write_event(Event::Start(start)).map_err(io)?;
    let is_link_content =
        el.name.local == n::LINK_CONTENT && el.name.namespace.as_deref() == Some(ent_ns);
    let indent = !is_link_content && !el.children.iter().any(|c| matches!(c, XmlNode::Text(_)));
    for (index, child) in el.children.iter().enumerate() {
        if indent {
            newline(w, depth + 1)?;
        }
        match child {
            XmlNode::Element(e) => {
                let inner = At {
                    parent: Some(at),
                    siblings: &el.children,
                    index,
                    element: e,
                };
                write_element(w, &inner, scope, depth + 1, ent_ns)?;
            }
            XmlNode::Text(t) => {
                let text = escape(t, Context::Text).map_err(|c| WriteError::char(c, &at.path()))?;
                w.write_event(Event::Text(BytesText::from_escaped(text)))
                    .map_err(io)?;
            }
            XmlNode::Comment(c) => {
                check_comment(c).map_err(|e| WriteError::markup("comment", e, &at.path()))?;
                w.write_event(Event::Comment(BytesText::from_escaped(c.as_str())))
                    .map_err(io)?;
            }
            XmlNode::ProcessingInstruction { target, value } => {
                check_pi(target, value.as_deref())
                    .map_err(|e| WriteError::markup("processing instruction", e, &at.path()))?;
                let content = match value {
                    Some(v) => format!("{target} {v}"),
                    None => target.clone(),
                };
                w.write_event(Event::PI(BytesPI::new(content)))
                    .map_err(io)?;
            }
        }
    }
    if indent {
        newline(w, depth)?;
    }
    w.write_event(Event::End(BytesEnd::new(qname.as_str())))
        .map_err(io)?;
    scope.0.truncate(mark);
    Ok(())
}

fn push_attr(
    start: &mut BytesStart<'_>,
    key: &str,
    value: &str,
    at: &At<'_>,
) -> Result<(), WriteError> {
    let value = escape(value, Context::Attribute)
        .map_err(|c| WriteError::char(c, &format!("{}/@{key}", at.path())))?;
    start.push_attribute(Attribute {
        key: quick_xml::name::QName(key),
        value,
    });
    Ok(())
}

fn io(e: std::io::Error) -> WriteError {
    WriteError::Writer(e.to_string())
}

fn newline(w: &mut Writer<Vec<u8>>, depth: usize) -> Result<(), WriteError> {
    let mut s = String::with_capacity(1 + 2 * depth);
    s.push('\n');
    for _ in 0..depth {
        s.push_str("  ");
    }
    w.write_event(Event::Text(BytesText::from_escaped(s)))
        .map_err(io)
}

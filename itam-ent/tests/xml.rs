//! Reader and writer: samples, modes, namespaces, limits, errors, kept content, round trips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use itam_core::Decimal;
use itam_ent::read::{Limits, ReadOptions, read_str, read_with};
use itam_ent::values::{MetricType, Rel, RightName, Role};
use itam_ent::xml::{QName, XmlAttribute, XmlElement, XmlNode};
use itam_ent::{ParseError, Parsed, XmlError, write};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const NS: &str = "http://standards.iso.org/iso/19770/-3/2016/schema.xsd";

fn minimal(ns: &str, body: &str) -> String {
    format!(
        r#"<Ent xmlns="{ns}" name="N" entId="e-1"><Entity name="C" regid="c.example" role="entCreator"/>{body}</Ent>"#
    )
}

#[test]
fn sample_reads_with_every_field_typed() {
    let ent = read_str(&data("per-core-subscription.ent.xml"), &ReadOptions::STRICT)
        .unwrap()
        .value;
    assert_eq!(ent.name, "Example Database Enterprise");
    assert_eq!(ent.ent_revision, 1);
    assert_eq!(ent.entities.len(), 3);
    assert_eq!(
        ent.entities[0].role,
        [Role::EntCreator, Role::Licensor, Role::SoftwareCreator]
    );
    assert_eq!(ent.entities[1].meta[0].get("costCenter"), Some("CC-100"));
    let use_right = &ent.rights[0];
    assert_eq!(use_right.name, RightName::Use);
    assert_eq!(use_right.metrics[0].metric_type, MetricType::Core);
    assert_eq!(use_right.metrics[0].quantity(), Some(Decimal::from(16)));
    assert_eq!(
        use_right.metrics[0].quantification[0].factor,
        Some(Decimal::new(5, 1))
    );
    assert!(use_right.valid_versions[0].range.contains("24.1"));
    assert!(!use_right.valid_versions[0].range.contains("25.0"));
    assert_eq!(ent.invoice_data[0].amount, Some(Decimal::new(5_760_000, 2)));
    assert_eq!(ent.links[0].rel, Rel::License);
    assert_eq!(ent.links[0].content[0].text, "Licensed per physical core.");
    assert_eq!(ent.base.lang.as_deref(), Some("en"));
    // The foreign attribute, the extension element and the signature are kept, in order.
    assert_eq!(
        ent.base.attributes[0].name.prefixed_name(),
        "vnd:contractLine"
    );
    let names: Vec<String> = ent
        .base
        .extensions
        .iter()
        .filter_map(|e| match &e.node {
            XmlNode::Element(el) => Some(el.name.prefixed_name()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["vnd:Extension", "ds:Signature"]);
    let sig = ent.base.extensions.last().unwrap();
    let known = 1 + 3 + 1 + 1 + 1 + 2 + 1 + 1;
    assert_eq!(
        sig.position, known,
        "the signature stays after every known child"
    );
}

#[test]
fn sample_round_trips_and_the_writer_is_a_fixed_point() {
    let ent = read_str(&data("per-core-subscription.ent.xml"), &ReadOptions::STRICT)
        .unwrap()
        .value;
    let text = write(&ent).unwrap();
    let again = read_str(&text, &ReadOptions::STRICT).unwrap().value;
    assert_eq!(again, ent);
    assert_eq!(write(&again).unwrap(), text);
    assert!(text.contains("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"));
    assert!(text.contains("<ds:SignatureValue>c2lnbmF0dXJl</ds:SignatureValue>"));
    assert!(
        text.trim_end().ends_with("</ds:Signature>\n</Ent>"),
        "{text}"
    );
}

#[test]
fn any_year_of_the_namespace_is_accepted() {
    for year in ["2015", "2016", "2021"] {
        let ns = format!("http://standards.iso.org/iso/19770/-3/{year}/schema.xsd");
        let Parsed {
            value: ent,
            source_map: map,
            ..
        } = read_str(&minimal(&ns, ""), &ReadOptions::STRICT).unwrap();
        assert_eq!(ent.ent_id.as_str(), "e-1");
        assert_eq!(map.namespace.as_deref(), Some(ns.as_str()));
    }
}

#[test]
fn strict_refuses_a_foreign_or_missing_namespace_lax_accepts_it() {
    let swid = minimal("http://standards.iso.org/iso/19770/-2/2015/schema.xsd", "");
    assert!(matches!(
        read_str(&swid, &ReadOptions::STRICT).map(Parsed::into_value),
        Err(ParseError::WrongNamespace { .. })
    ));
    let none = r#"<Ent name="N" entId="e"><Entity name="C" role="entCreator"/></Ent>"#;
    let err = read_str(none, &ReadOptions::STRICT).unwrap_err();
    assert!(
        matches!(err, ParseError::WrongNamespace { found: None, .. }),
        "{err}"
    );
    let ent = read_str(none, &ReadOptions::LAX).unwrap().value;
    assert_eq!(
        ent.entities.len(),
        1,
        "children in no namespace are read when the root has none"
    );
}

#[test]
fn wrong_root_and_malformed_xml_give_line_and_column() {
    let err = read_str("<SoftwareIdentity/>", &ReadOptions::STRICT).unwrap_err();
    assert!(matches!(err, ParseError::WrongRoot { .. }));
    let err = read_str("<Ent>\n  <Entity>\n</Ent>", &ReadOptions::STRICT).unwrap_err();
    let pos = err.pos().unwrap();
    assert_eq!(pos.line, 3, "{err}");
    assert!(
        err.to_string().starts_with("not well-formed xml at 3:"),
        "{err}"
    );
}

#[test]
fn dtd_is_refused_so_no_entity_is_expanded() {
    let text = format!(
        "<?xml version=\"1.0\"?>\n  <!DOCTYPE Ent [<!ENTITY x \"boom\">]>{}",
        minimal(NS, "<Meta a=\"&x;\"/>")
    );
    // The refusal says where the declaration is.
    let at = itam_core::TextPos { line: 2, col: 3 };
    assert_eq!(
        read_str(&text, &ReadOptions::STRICT).map(Parsed::into_value),
        Err(ParseError::Xml(XmlError::Dtd { pos: at }))
    );
    assert_eq!(
        read_str(&text, &ReadOptions::LAX).map(Parsed::into_value),
        Err(ParseError::Xml(XmlError::Dtd { pos: at }))
    );
    assert_eq!(
        read_str(&text, &ReadOptions::STRICT).unwrap_err().pos(),
        Some(at)
    );
}

#[test]
fn limits_are_enforced() {
    let doc = minimal(NS, "<Right name=\"use\"><Metric type=\"core\"/></Right>");
    let mut small = Limits::default();
    small.max_bytes = 10;
    let err = read_str(&doc, &ReadOptions::STRICT.with_limits(small)).unwrap_err();
    assert!(matches!(
        err,
        ParseError::Xml(XmlError::TooLarge { limit: 10, .. })
    ));
    let mut shallow = Limits::default();
    shallow.max_depth = 2;
    let err = read_str(&doc, &ReadOptions::STRICT.with_limits(shallow)).unwrap_err();
    assert!(
        matches!(err, ParseError::Xml(XmlError::TooDeep { limit: 2, .. })),
        "{err}"
    );
    let mut few = Limits::default();
    few.max_nodes = 3;
    let err = read_str(&doc, &ReadOptions::STRICT.with_limits(few)).unwrap_err();
    assert_eq!(err, ParseError::Xml(XmlError::TooManyNodes { limit: 3 }));
    let mut narrow = Limits::default();
    narrow.max_attributes = 2;
    let err = read_str(&doc, &ReadOptions::STRICT.with_limits(narrow)).unwrap_err();
    assert!(matches!(
        err,
        ParseError::Xml(XmlError::TooManyAttributes { .. })
    ));
    // Deeply nested foreign content is bounded too.
    let deep = format!(
        "{}{}",
        "<x:a xmlns:x=\"urn:x\">".repeat(100),
        "</x:a>".repeat(100)
    );
    let err = read_str(&minimal(NS, &deep), &ReadOptions::STRICT).unwrap_err();
    assert!(matches!(err, ParseError::Xml(XmlError::TooDeep { .. })));
}

#[test]
fn strict_errors_name_the_attribute_and_its_position() {
    let doc = minimal(NS, "\n<Right/>");
    let err = read_str(&doc, &ReadOptions::STRICT).unwrap_err();
    assert_eq!(
        err,
        ParseError::MissingAttribute {
            path: "/Ent/Right[1]".into(),
            attribute: "name",
            pos: itam_core::TextPos { line: 2, col: 1 }
        }
    );
    let doc = minimal(NS, "<OrderInfo quantity=\"1e3\"/>");
    let err = read_str(&doc, &ReadOptions::STRICT).unwrap_err();
    assert!(
        matches!(
            &err,
            ParseError::InvalidValue {
                attribute: "quantity",
                expected: "xs:decimal",
                ..
            }
        ),
        "{err}"
    );
    let doc = minimal(NS, "<Bogus/>");
    assert!(matches!(
        read_str(&doc, &ReadOptions::STRICT).map(Parsed::into_value),
        Err(ParseError::UnexpectedElement { .. })
    ));
    let doc = minimal(NS, "stray");
    assert!(matches!(
        read_str(&doc, &ReadOptions::STRICT).map(Parsed::into_value),
        Err(ParseError::UnexpectedText { .. })
    ));
    let doc = minimal(
        NS,
        "<Right name=\"use\"><ValidVersion version=\"1\" minVersion=\"2\"/></Right>",
    );
    assert!(matches!(
        read_str(&doc, &ReadOptions::STRICT).map(Parsed::into_value),
        Err(ParseError::Conflict { .. })
    ));
}

#[test]
fn lax_keeps_what_strict_refuses_and_round_trips_it() {
    let doc = minimal(
        NS,
        "stray<Bogus a=\"1\"/><OrderInfo quantity=\"1e3\" orderDate=\"yesterday\"/><Right/>\
         <Right name=\"use\"><ValidVersion version=\"1\" minVersion=\"2\"/></Right>",
    );
    let ent = read_str(&doc, &ReadOptions::LAX).unwrap().value;
    assert_eq!(ent.order_info[0].quantity, None);
    let kept: Vec<&XmlAttribute> = ent.order_info[0].base.attributes.iter().collect();
    assert_eq!(kept.len(), 2);
    let values: Vec<&str> = kept.iter().map(|a| a.value.as_str()).collect();
    assert!(values.contains(&"1e3") && values.contains(&"yesterday"));
    assert_eq!(ent.rights[0].name, RightName::Other(String::new()));
    assert_eq!(
        ent.rights[1].valid_versions[0].base.attributes[0]
            .name
            .local,
        "minVersion"
    );
    let kinds: Vec<bool> = ent
        .base
        .extensions
        .iter()
        .map(|e| matches!(e.node, XmlNode::Text(_)))
        .collect();
    assert_eq!(kinds, [true, false]);
    let text = write(&ent).unwrap();
    let again = read_str(&text, &ReadOptions::LAX).unwrap().value;
    assert_eq!(again, ent);
    assert_eq!(write(&again).unwrap(), text);
}

#[test]
fn source_map_gives_positions_of_elements_and_attributes() {
    let Parsed {
        value: _,
        source_map: map,
        ..
    } = read_str(&data("per-core-subscription.ent.xml"), &ReadOptions::STRICT).unwrap();
    assert_eq!(map.get("/Ent").unwrap().line, 4);
    assert_eq!(map.get("/Ent/Right[1]/Metric[1]/@type").unwrap().line, 27);
    assert_eq!(map.get("/Ent/Entity[2]/Meta[1]").unwrap().line, 17);
    assert_eq!(
        map.nearest("/Ent/Entity[2]/Meta[1]/@nothing").unwrap().line,
        17
    );
    assert!(map.get("/Ent/Nothing[1]").is_none());
    let Parsed {
        value: _,
        source_map: lax_map,
        ..
    } = read_str(
        r#"<Ent name="N" entId="e"><Entity name="C" role="entCreator"/></Ent>"#,
        &ReadOptions::LAX,
    )
    .unwrap();
    assert_eq!(lax_map.namespace, None);
}

#[test]
fn bom_and_non_utf8_bytes() {
    let doc = minimal(NS, "");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(doc.as_bytes());
    let ent = read_with(&bytes, &ReadOptions::STRICT).unwrap().value;
    assert_eq!(ent.name, "N");
    let err = read_with(b"<Ent \xFF/>", &ReadOptions::STRICT).unwrap_err();
    // The offset counts from the input's start, byte-order mark included (as the SWID reader
    // reports it), and the position says where the text stopped decoding.
    assert_eq!(
        err,
        ParseError::Xml(XmlError::Encoding {
            encoding: itam_ent::read::Encoding::Utf8,
            offset: 5,
            pos: itam_core::TextPos { line: 1, col: 6 },
        })
    );
}

#[test]
fn special_characters_survive_in_attributes_and_text() {
    let mut ent = read_str(&minimal(NS, ""), &ReadOptions::STRICT)
        .unwrap()
        .value;
    ent.name = "a&b <c> \"q\" 'a'\ttab\nline\r\n".into();
    ent.links.push(itam_ent::Link::new(
        "https://x.example/?a=1&b=2",
        Rel::SeeAlso,
    ));
    ent.links[0].content.push(itam_ent::LinkContent {
        text: "  x < y && z > w ]]> \r\n end  ".into(),
        ..Default::default()
    });
    let text = write(&ent).unwrap();
    assert_eq!(read_str(&text, &ReadOptions::STRICT).unwrap().value, ent);
}

/// 10⁵ attributes on one element (issue 12 point 2): refused with where the element starts,
/// by a check on the raw start tag that runs before the XML parser.
#[test]
fn a_hundred_thousand_attributes_are_refused_before_parsing() {
    for distinct in [true, false] {
        let attributes: String = (0..100_000)
            .map(|i| {
                if distinct {
                    format!(" a{i}=\"v\"")
                } else {
                    " a=\"v\"".to_owned()
                }
            })
            .collect();
        let doc = minimal(NS, &format!("\n <Right name=\"use\"{attributes}/>"));
        // The same name 10⁵ times: the parser would have refused the duplicate first.
        let err = read_str(&doc, &ReadOptions::LAX).unwrap_err();
        assert_eq!(
            err,
            ParseError::Xml(XmlError::TooManyAttributes {
                pos: itam_core::TextPos { line: 2, col: 2 },
                // `name` and the 10⁵.
                count: 100_001,
                limit: 256
            })
        );
    }
}

/// Issue 12 point 7: a namespace-less Ent with unknown children is read as the default
/// profile's, so they are written in its namespace (no `xmlns=""`) and read back to the same
/// model; a child that really is in no namespace inside a namespaced Ent keeps its `xmlns=""`.
#[test]
fn a_namespace_less_ent_with_unknown_children_round_trips() {
    let text = r#"<Ent name="N" entId="e-1"><Entity name="C" regid="c.example" role="entCreator"/><Foo a="1"><Bar xmlns="">t</Bar></Foo><Right name="use"/></Ent>"#;
    let Parsed { value: first, .. } = read_str(text, &ReadOptions::LAX).unwrap();
    let written = write(&first).unwrap();
    assert!(!written.contains("xmlns=\"\""), "{written}");
    let Parsed { value: again, .. } = read_str(&written, &ReadOptions::LAX).unwrap();
    assert_eq!(again, first);
    assert_eq!(write(&again).unwrap(), written);

    let foreign = minimal(
        NS,
        r#"<x:Ext xmlns:x="urn:x"><Plain xmlns="">t</Plain></x:Ext>"#,
    );
    let Parsed { value: first, .. } = read_str(&foreign, &ReadOptions::STRICT).unwrap();
    let written = write(&first).unwrap();
    assert!(written.contains("<Plain xmlns=\"\">"), "{written}");
    let Parsed { value: again, .. } = read_str(&written, &ReadOptions::STRICT).unwrap();
    assert_eq!(again, first);
}

/// Issue 12 point 8: an `entRevision` that is not a non-negative integer is refused by the
/// strict reader; the lax reader keeps its text, the writer writes that text (never "0"),
/// and validation reports it where it is.
#[test]
fn an_invalid_ent_revision_is_kept_and_reported() {
    for revision in ["0(", "7x", "-1"] {
        let text = format!(
            r#"<Ent xmlns="{NS}" name="N" entId="e-1" entRevision="{revision}"><Entity name="C" regid="c.example" role="entCreator"/><Right name="use"/></Ent>"#
        );
        assert!(
            matches!(
                read_str(&text, &ReadOptions::STRICT).map(Parsed::into_value),
                Err(ParseError::InvalidValue {
                    attribute: "entRevision",
                    ..
                })
            ),
            "{revision}"
        );
        let Parsed {
            value: ent,
            source_map: map,
            ..
        } = read_str(&text, &ReadOptions::LAX).unwrap();
        let written = write(&ent).unwrap();
        assert!(
            written.contains(&format!("entRevision=\"{revision}\"")),
            "{revision}: {written}"
        );
        assert!(!written.contains("entRevision=\"0\""), "{written}");
        let Parsed { value: again, .. } = read_str(&written, &ReadOptions::LAX).unwrap();
        assert_eq!(again, ent);
        let report = itam_ent::validate_with_source(&ent, itam_ent::Profile::reconstructed(), &map);
        let finding = report
            .findings()
            .iter()
            .find(|f| f.location.path == "/Ent/@entRevision")
            .unwrap_or_else(|| panic!("{revision}: {report:#?}"));
        assert!(finding.message.contains(revision), "{}", finding.message);
        assert_eq!(finding.severity, itam_core::Severity::Error);
    }
}

/// An `ent_read` fuzz finding: processing instructions were dropped, so the texts around one
/// merged on the round trip. They are kept as unknown content, where they stood.
#[test]
fn processing_instructions_are_kept_where_they_stand() {
    let text = format!(
        r#"<Ent xmlns="{NS}" name="N" entId="e-1" entType="primary"><Entity name="C" regid="c.example" role="entCreator"/>
 odd text<?xsl version="1.0"?>more text<Foo><?app go?></Foo><Right name="use"/></Ent>"#
    );
    let Parsed { value: first, .. } = read_str(&text, &ReadOptions::LAX).unwrap();
    let written = write(&first).unwrap();
    assert!(written.contains(r#"<?xsl version="1.0"?>"#), "{written}");
    assert!(written.contains("<?app go?>"), "{written}");
    let Parsed { value: back, .. } = read_str(&written, &ReadOptions::LAX).unwrap();
    assert_eq!(back, first);
    assert_eq!(write(&back).unwrap(), written);
}

/// A processing-instruction target with a colon is XML 1.0 but not namespace-well-formed
/// (Namespaces in XML §7). Both readers refuse it with the same error and its position
/// (issue 16 point 6: one rule, where the two crates had drifted apart: the Ent reader kept it,
/// the SWID reader refused it), so what is read can always be written.
#[test]
fn a_colon_in_a_processing_instruction_target_is_refused_as_by_the_swid_reader() {
    for body in ["<?x:lang a?>", "<Foo><?x:lang a?></Foo>"] {
        let text = format!(
            "<Ent xmlns=\"{NS}\" name=\"N\" entId=\"e-1\">\n{body}<Entity name=\"C\" role=\"entCreator\"/></Ent>"
        );
        for options in [ReadOptions::STRICT, ReadOptions::LAX] {
            match read_str(&text, &options) {
                Err(ParseError::Xml(XmlError::InvalidName { name, pos, .. })) => {
                    assert_eq!(name, "x:lang");
                    assert_eq!(pos.line, 2);
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}

/// The writer refuses what XML cannot carry, with the element's path, instead of leaving it
/// out or writing it wrong (the same checks and error as the SWID writer).
#[test]
fn what_xml_cannot_carry_is_a_write_error_with_its_path() {
    use itam_ent::WriteError;
    let base = read_str(
        &minimal(NS, "<Right name=\"use\"/><Right name=\"use\"/>"),
        &ReadOptions::STRICT,
    )
    .unwrap()
    .value;
    let second_right = |node: XmlNode| {
        let mut ent = base.clone();
        ent.rights[1]
            .base
            .extensions
            .push(itam_ent::xml::Extension { position: 0, node });
        write(&ent)
    };
    let pi = |target: &str, value: Option<&str>| XmlNode::ProcessingInstruction {
        target: target.to_owned(),
        value: value.map(str::to_owned),
    };
    for (node, what) in [
        (XmlNode::Comment("a--b".to_owned()), "comment"),
        (pi("x:y", None), "processing instruction"),
        (pi("xml", None), "processing instruction"),
        (pi("t", Some("a ?> b")), "processing instruction"),
    ] {
        match second_right(node.clone()) {
            Err(WriteError::InvalidMarkup { what: w, path }) => {
                assert_eq!(w, what);
                assert_eq!(path, "/Ent/Right[2]");
            }
            other => panic!("{node:?}: {other:?}"),
        }
    }
    match second_right(XmlNode::Text("nul\u{0}".to_owned())) {
        Err(WriteError::InvalidChar { path, code: 0 }) => assert_eq!(path, "/Ent/Right[2]"),
        other => panic!("{other:?}"),
    }
    let mut ent = base.clone();
    ent.name = "a\u{1}b".to_owned();
    assert_eq!(
        write(&ent),
        Err(WriteError::InvalidChar {
            path: "/Ent/@name".to_owned(),
            code: 1
        })
    );
    let mut bad_name = XmlElement::new(QName::prefixed("urn:x", "x", "a b"));
    bad_name.children.push(XmlNode::Text("t".to_owned()));
    assert!(matches!(
        second_right(XmlNode::Element(bad_name)),
        Err(WriteError::InvalidName { name, path }) if name == "a b" && path == "/Ent/Right[2]/x:a b[1]"
    ));
    // A namespace declaration a caller sets on preserved content is written.
    let mut declared = XmlElement::new(QName::prefixed("urn:x", "x", "note"));
    declared.namespaces.push(itam_ent::xml::NamespaceDecl {
        prefix: Some("y".to_owned()),
        uri: "urn:y".to_owned(),
    });
    let written = second_right(XmlNode::Element(declared)).unwrap();
    assert!(
        written.contains(r#"<x:note xmlns:y="urn:y" xmlns:x="urn:x"/>"#),
        "{written}"
    );
}

/// `ent_read` fuzz findings (seeds `element-name-with-an-empty-prefix`,
/// `pi-target-xml-inside-an-element`): names the parser accepts but a namespace-well-formed
/// document cannot carry (an empty prefix, a PI targeted `xml`) are refused on read with their
/// position, in both modes, as the SWID reader refuses them — so what is read can be written.
#[test]
fn names_a_writer_could_not_write_back_are_refused_on_read() {
    for (text, name) in [
        ("<Ent>\n<:n/></Ent>", ":n"),
        ("<Ent>\n<?xml?></Ent>", "xml"),
        ("<Ent>\n<x a:=\"1\"/></Ent>", "a:"),
    ] {
        for options in [ReadOptions::STRICT, ReadOptions::LAX] {
            match read_str(text, &options) {
                Err(ParseError::Xml(XmlError::InvalidName { name: n, pos, .. })) => {
                    assert_eq!(n, name, "{text}");
                    assert_eq!(pos.line, 2, "{text}");
                }
                Err(ParseError::Xml(XmlError::NotWellFormed { .. })) => {}
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}

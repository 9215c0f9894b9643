"""The Python API over the project's own test data (read in place): every format reads,
validates and writes back; errors carry the reader's position; reconcile gives the golden
position of a scenario in Priority mode and both modes on a generated estate."""

import json
import pathlib

import pytest

import itam

ROOT = pathlib.Path(__file__).resolve().parents[2]
SWID = ROOT / "itam-swid/tests/data/full-2015.swidtag"
MISSING = ROOT / "itam-swid/tests/data/missing-required.swidtag"
ENT = ROOT / "itam-ent/tests/data/perpetual-device.ent.xml"
SCENARIO = ROOT / "itam-reconcile/tests/data/scenarios/downgrade_depth"


GOOD = (
    b'<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" '
    b'name="Tool" tagId="acme-tool-2.1" version="2.1">'
    b'<Entity name="Acme" regid="acme.example" role="tagCreator softwareCreator"/>'
    b'<Meta product="Tool"/></SoftwareIdentity>'
)


def test_swid_reads_writes_and_reads_back_the_same_tag():
    tags = itam.swid_read(SWID.read_bytes())
    assert len(tags) == 1
    tag = tags[0]
    assert isinstance(tag, dict) and tag["tag_id"]
    again = itam.swid_read(itam.swid_write(tag).encode())
    assert again == [tag]


def test_coswid_is_untagged_and_decodes_to_the_same_tag():
    tag = itam.swid_read(SWID.read_bytes())[0]
    small = itam.swid_read(GOOD)[0]
    cbor = itam.coswid_write(small)
    assert isinstance(cbor, bytes)
    assert cbor[0] >> 5 == 5, "a bare CBOR map, as uswid and goswid read it"
    back = itam.coswid_read(cbor)
    # The same tag; CoSWID has its own order of the children (a map's keys).
    key = lambda t: sorted(json.dumps(c, sort_keys=True) for c in t["children"])
    assert [(t["name"], t["tag_id"], t["version"], key(t)) for t in back] == [
        (small["name"], small["tag_id"], small["version"], key(small))
    ]
    # The full tag either round-trips or is refused naming what CoSWID cannot carry: never
    # dropped silently.
    try:
        cbor = itam.coswid_write(tag)
    except ValueError as e:
        assert "coswid cannot carry" in str(e)
    else:
        assert [t["tag_id"] for t in itam.coswid_read(cbor)] == [tag["tag_id"]]


def test_validation_reports_the_rules_a_tag_breaks():
    good = itam.swid_read(GOOD)[0]
    # A report is a list of findings: {"rule", "severity", "location", "message"}.
    assert not [f for f in itam.swid_validate(good) if f["severity"] == "error"]
    bad = itam.swid_read(MISSING.read_bytes(), lax=True)[0]
    findings = itam.swid_validate(bad)
    assert any(f["severity"] == "error" for f in findings), findings
    assert all({"rule", "severity", "location", "message"} <= set(f) for f in findings)
    with pytest.raises(ValueError, match="no SWID profile"):
        itam.swid_validate(good, profile="nonsense")


def test_errors_say_what_and_where():
    with pytest.raises(ValueError, match=r"1:\d+"):
        itam.swid_read(b"<SoftwareIdentity")
    with pytest.raises(ValueError, match="document type declarations are not allowed"):
        itam.ent_read(b'<?xml version="1.0"?>\n<!DOCTYPE x []>\n<Ent/>')


def test_ent_reads_validates_and_writes_back():
    ent = itam.ent_read(ENT.read_bytes())
    assert ent["ent_id"] == "3b6f0e2a-5c1d-4e8f-9a0b-1c2d3e4f5a6b"
    assert not [f for f in itam.ent_validate(ent) if f["severity"] == "error"]
    assert itam.ent_read(itam.ent_write(ent).encode()) == ent


def test_reconcile_gives_the_golden_position_of_a_scenario():
    estate = json.loads((SCENARIO / "estate.json").read_text())
    expected = json.loads((SCENARIO / "expected.json").read_text())
    position = itam.reconcile(estate, expected["as_of"], mode="priority")
    assert position["totals"] == expected["totals"]
    assert position["decisions"] == expected["decisions"]
    both = itam.reconcile(estate, expected["as_of"])
    assert set(both) == {"priority", "optimal", "gap"}
    assert both["priority"]["totals"] == expected["totals"]
    with pytest.raises(ValueError, match="mode"):
        itam.reconcile(estate, expected["as_of"], mode="greedy")


def test_generated_estates_are_deterministic_and_reconcile_in_both_modes():
    a = itam.generate_estate(seed=7, devices=60)
    assert a == itam.generate_estate(seed=7, devices=60)
    assert len(a["devices"]) == 60
    both = itam.reconcile(a, "2026-01-01")
    for mode in ("priority", "optimal"):
        assert both[mode]["mode"] == mode
        # The same consumers, whichever entitlements cover them.
        assert both[mode]["totals"]["consumers"] == both["priority"]["totals"]["consumers"]
    assert both["optimal"]["totals"]["covered"] > 0


def test_decisions_become_a_table_where_pandas_or_pyarrow_is_installed():
    estate = json.loads((SCENARIO / "estate.json").read_text())
    position = itam.reconcile(estate, "2026-01-01", mode="priority")
    rows = itam.decisions(position)
    assert len(rows) == len(position["decisions"])
    assert all("reason" in r for r in rows)
    table = itam.decisions_table(position)
    try:
        import pandas  # noqa: F401
        assert list(table["reason"]) == [r["reason"] for r in rows]
    except ImportError:
        try:
            import pyarrow  # noqa: F401
            assert table.num_rows == len(rows)
        except ImportError:
            assert table is None

"""ISO/IEC 19770 IT asset management: SWID, CoSWID and Ent read/validate/write, and the
effective license position of an estate in Priority and Optimal modes.

Everything is plain dicts and lists (the crates' JSON forms); errors are ``ValueError`` with
the Rust reader's message and position. ``decisions_table`` gives the decisions of a position
as a pandas DataFrame, or a pyarrow Table, where one of them is installed.
"""

import json

from . import _itam

__version__ = _itam.__version__

__all__ = [
    "swid_read", "coswid_read", "swid_validate", "swid_write", "coswid_write",
    "ent_read", "ent_validate", "ent_write", "reconcile", "generate_estate",
    "decisions", "decisions_table",
]


def swid_read(data: bytes, lax: bool = False) -> list:
    """The SWID tags of an XML input (one or several documents)."""
    return json.loads(_itam.swid_read(bytes(data), lax))


def coswid_read(data: bytes) -> list:
    """The tags of a CoSWID input (untagged, tagged, signed, uSWID, array or sequence)."""
    return json.loads(_itam.coswid_read(bytes(data)))


def swid_validate(tag: dict, profile: str = "iso-19770-2-2015") -> list:
    """The findings of a tag under a profile (``iso-19770-2-2015``, ``nist-xsd``,
    ``nistir-8060``): a list of ``{"rule", "severity", "location", "message"}``."""
    return json.loads(_itam.swid_validate(json.dumps(tag), profile))


def swid_write(tag: dict) -> str:
    """The canonical SWID XML of a tag."""
    return _itam.swid_write(json.dumps(tag))


def coswid_write(tag: dict) -> bytes:
    """The CoSWID (untagged CBOR) of a tag."""
    return _itam.coswid_write(json.dumps(tag))


def ent_read(data: bytes, lax: bool = False) -> dict:
    """The Ent of an ISO/IEC 19770-3 XML input."""
    return json.loads(_itam.ent_read(bytes(data), lax))


def ent_validate(ent: dict) -> list:
    """The findings of an Ent under the reconstructed profile (as ``swid_validate``)."""
    return json.loads(_itam.ent_validate(json.dumps(ent)))


def ent_write(ent: dict) -> str:
    """The canonical XML of an Ent."""
    return _itam.ent_write(json.dumps(ent))


def reconcile(estate, as_of: str, mode: str = "both") -> dict:
    """The effective license position of an estate (a dict, or ``estate.json`` text) on
    ``as_of``: ``priority`` or ``optimal`` give one position, ``both`` gives
    ``{"priority", "optimal", "gap"}``."""
    text = estate if isinstance(estate, str) else json.dumps(estate)
    return json.loads(_itam.reconcile_estate(text, as_of, mode))


def generate_estate(size: str = "S", seed: int = 42, devices=None) -> dict:
    """A deterministic synthetic estate of a named size (S, M, L, XL) or of ``devices`` devices."""
    return json.loads(_itam.generate_estate(size, seed, devices))


def decisions(position: dict) -> list:
    """The decisions of a position, one flat dict each (the rows of ``decisions_table``)."""
    rows = []
    for d in position.get("decisions", []):
        row = {k: v for k, v in d.items() if not isinstance(v, (dict, list))}
        rows.append(row)
    return rows


def decisions_table(position: dict):
    """The decisions as a pandas DataFrame, else a pyarrow Table; ``None`` when neither is
    installed."""
    rows = decisions(position)
    try:
        import pandas
        return pandas.DataFrame(rows)
    except ImportError:
        pass
    try:
        import pyarrow
        return pyarrow.Table.from_pylist(rows)
    except ImportError:
        return None

#!/usr/bin/env python3
"""Reads CoSWID tags and uSWID containers with the `uswid` package and prints what it read.

Used by itam-swid/tests/uswid_interop.rs (run with the venv python of scripts/python-env.sh):

    uswid_read.py FILE...

prints one JSON array on stdout, one object per FILE, in order:

    {"file": FILE, "format": "coswid" | "uswid", "components": [COMPONENT, ...]}
    {"file": FILE, "format": ..., "error": "ExceptionType: message"}

where COMPONENT is uswid's own model of a tag (see `component_json`). A file uswid cannot
read is reported, not fatal, so that one run covers every file.
"""

import json
import sys

from uswid import USWID_HEADER_MAGIC, uSwidFormatCoswid, uSwidFormatUswid


def component_json(component):
    """The fields the interop test compares, as uswid holds them."""
    return {
        "tag_id": component.tag_id,
        "tag_version": component.tag_version,
        "software_name": component.software_name,
        "software_version": component.software_version,
        "entities": [
            {
                "name": entity.name,
                "regid": entity.regid,
                "roles": [int(role) for role in entity.roles],
            }
            for entity in component.entities
        ],
    }


def read_one(path):
    """Reads one file with uswid's CoSWID or uSWID reader (chosen by the uSWID magic)."""
    with open(path, "rb") as handle:
        blob = handle.read()
    fmt = "uswid" if blob.startswith(USWID_HEADER_MAGIC) else "coswid"
    out = {"file": path, "format": fmt}
    try:
        reader = uSwidFormatUswid() if fmt == "uswid" else uSwidFormatCoswid()
        container = reader.load(blob)
        out["components"] = [component_json(c) for c in container]
    except Exception as exc:  # pylint: disable=broad-except
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def main(argv):
    json.dump([read_one(path) for path in argv], sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

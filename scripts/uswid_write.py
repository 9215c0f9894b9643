#!/usr/bin/env python3
"""Has the `uswid` package write its own CoSWID and uSWID from SWID XML tags.

Used by itam-swid/tests/uswid_interop.rs (run with the venv python of scripts/python-env.sh):

    uswid_write.py OUTDIR XMLFILE...

For the N-th XMLFILE (from 1), uswid's SWID reader loads it and its writers save
OUTDIR/N.coswid (CoSWID, uswid's `.cbor` form) and OUTDIR/N.uswid (an uncompressed uSWID
container holding the same CoSWID). Prints one JSON array on stdout, one object per XMLFILE:

    {"file": XMLFILE, "components": [COMPONENT, ...], "coswid": PATH, "uswid": PATH}
    {"file": XMLFILE, "error": "ExceptionType: message"}

COMPONENT is what uswid read from the XML (`uswid_read.component_json`), so the test can
check that what we decode from uswid's bytes is what uswid meant to write. A tag uswid
cannot load or save (it requires a version, an entity and a tag creator) is reported.
"""

import json
import os
import sys

from uswid import uSwidFormatCoswid, uSwidFormatSwid, uSwidFormatUswid

from uswid_read import component_json


def write_one(outdir, index, path):
    """Loads one XML tag with uswid and saves it as CoSWID and as uSWID."""
    out = {"file": path}
    try:
        with open(path, "rb") as handle:
            container = uSwidFormatSwid().load(handle.read())
        components = [component_json(c) for c in container]
        coswid = os.path.join(outdir, f"{index}.coswid")
        uswid = os.path.join(outdir, f"{index}.uswid")
        coswid_bytes = uSwidFormatCoswid().save(container)
        uswid_bytes = uSwidFormatUswid().save(container)
        with open(coswid, "wb") as handle:
            handle.write(coswid_bytes)
        with open(uswid, "wb") as handle:
            handle.write(uswid_bytes)
        out.update({"components": components, "coswid": coswid, "uswid": uswid})
    except Exception as exc:  # pylint: disable=broad-except
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def main(argv):
    if not argv:
        sys.stderr.write("usage: uswid_write.py OUTDIR XMLFILE...\n")
        return 2
    outdir = argv[0]
    results = [write_one(outdir, i, path) for i, path in enumerate(argv[1:], start=1)]
    json.dump(results, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where the tests find their corpora: the full shared corpus next to the repository when it is there
(`../shared/data/...`, on the team's machines and in CI), else the small subset vendored under tests/data
(see tests/data/README.md for sources and licences)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# OTKLIK_SHARED_DATA points elsewhere (a path that does not exist: run on the vendored subsets only).
SHARED_DATA = Path(os.environ.get("OTKLIK_SHARED_DATA") or REPO.parent / "shared" / "data")
VENDORED = REPO / "tests" / "data"

HOW_TO_GET = (
    "put the shared test data next to the repository (../shared/data, a copy of the team's shared "
    "folder), or restore tests/data from git"
)


def corpus(shared_relative: str, vendored_relative: str) -> Path:
    """The shared file or folder if present, else the vendored one (which may be absent: check .exists())."""
    shared = SHARED_DATA / shared_relative
    return shared if shared.exists() else VENDORED / vendored_relative


XSS_PAYLOADS = corpus("xss/payloadbox-xss.txt", "xss/payloadbox-xss-subset.txt")
UPLOAD_SAMPLES = corpus("xss/upload-samples", "xss/upload-samples")
SQLI_PAYLOADS = corpus("sqli/sqli-payloads.txt", "sqli/sqli-payloads-subset.txt")

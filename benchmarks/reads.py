"""The read endpoint: one item created through the starter's API, then read by id on both apps.

The item is created with the request the repo's persistence test uses (``persistence.write``
in ``templates/<framework>/framework.json``); its ``Location`` is the path both apps serve: the
starter through its data layer, the bare app with the same driver on the same database.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from live_server import LiveServer

from benchmarks.frameworks import REPO_DIR

# CubicWeb's API needs the admin's credentials to write: /health only, a read is still to do.
NO_READ_BENCHMARK = frozenset({"cubicweb"})


def framework_info(framework: str) -> dict[str, Any]:
    path = REPO_DIR / "templates" / framework / "framework.json"
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def database_schemes(framework: str) -> list[str]:
    """The databases the read benchmark runs on for this starter (none for CubicWeb)."""
    if framework in NO_READ_BENCHMARK:
        return []
    return list(framework_info(framework).get("database_schemes", ["sqlite"]))


def create_item(framework: str, baked: LiveServer, bare: LiveServer) -> str:
    """Create the item through the baked API; return its path once both apps answer it 200
    with the same fields."""
    write = framework_info(framework)["persistence"]["write"]
    headers = {"Content-Type": write["content_type"], **write.get("headers", {})}
    reply = baked.request(write["method"], write["path"], write["body"].encode(), headers)
    location = reply.headers.get("Location")
    if reply.status not in (200, 201) or not location:
        raise RuntimeError(f"{framework}: creating the item answered {reply.status}: {reply.text}")
    path = urllib.parse.urlsplit(location).path
    answers = [server.get(path) for server in (baked, bare)]
    if any(answer.status != 200 for answer in answers):
        raise RuntimeError(f"{framework}: GET {path} answered {[a.status for a in answers]}")
    if answers[0].headers.get_content_type() == "application/json":
        baked_json, bare_json = (answer.json() for answer in answers)
        if bare_json != baked_json:
            raise RuntimeError(f"{framework}: the bare app read {bare_json}, not {baked_json}")
    elif answers[0].body != answers[1].body:
        raise RuntimeError(f"{framework}: the bare app served other bytes for {path}")
    return path

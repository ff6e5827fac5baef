"""Serving under a sub-path: `--public-url http://host/mgkg/` behind a reverse proxy.

The routes and templates are written for the server's root (`/id/iom`, `href="/sparql"`),
which is what a server reached directly needs. A proxy that publishes the server at
`/mgkg/` strips that prefix before passing a request on, so every path the server hands
back must get it again: redirects, Content-Location and Link headers, and every link,
form and script reference of an HTML page. Doing it here, once, on the way out, keeps
the routes and templates free of the deployment's shape, and it cannot miss a link a
later page adds (tests/web/test_proxy.py crawls the pages behind a real nginx).
Redirects become absolute URLs under the public URL, as RFC 9110 prefers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Response, request

from ..endpoint.state import state
from .common import bp

# An attribute whose value is a path on this server (the templates write them with a
# leading "/"); "//host" would be another host and is left alone.
_ATTR = re.compile(r'''((?:href|src|action|data-endpoint)=["'])/(?!/)''')
_LINK = re.compile(r"<(/(?!/)[^>]*)>")


def public_url() -> str | None:
    return state().settings.public_url


def mount_root() -> str:
    """The path the deployment lives under, without the final slash: "" or "/mgkg"."""
    url = public_url()
    return urlsplit(url).path.rstrip("/") if url else ""


def absolute(path: str) -> str:
    """A server path as the URL a client outside the proxy uses."""
    url = public_url()
    return url.rstrip("/") + path if url else path


@bp.after_app_request
def _mount(resp: Response) -> Response:
    root = mount_root()
    if not public_url():
        return resp
    location = resp.headers.get("Location")
    if location and location.startswith("/") and not location.startswith("//"):
        resp.headers["Location"] = absolute(location)
    if not root:
        return resp
    content_location = resp.headers.get("Content-Location")
    if content_location and content_location.startswith("/"):
        resp.headers["Content-Location"] = root + content_location
    if "Link" in resp.headers:
        resp.headers["Link"] = _LINK.sub(lambda m: f"<{root}{m.group(1)}>", resp.headers["Link"])
    if resp.mimetype == "text/html" and not resp.direct_passthrough and request.method != "HEAD":
        body = resp.get_data(as_text=True)
        resp.set_data(_ATTR.sub(lambda m: m.group(1) + root + "/", body))
    return resp


@bp.app_context_processor
def _context() -> dict:
    return {"mount_root": mount_root()}

"""`kg serve --public-url http://127.0.0.1:PORT/mgkg/` behind a real reverse proxy
(Debian's nginx, which .ci/run installs) that publishes the server under /mgkg/ and
strips the prefix: every redirect, link, form, script, service description and VoID
entry a client sees must lead back through the proxy."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from ..conftest import HttpResult, free_port, serving

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None)
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")

CONF = """daemon off; master_process off; worker_processes 1;
pid {tmp}/nginx.pid; error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /mgkg/ {{
      proxy_pass http://127.0.0.1:{backend}/;
      proxy_set_header Host $host:$server_port;
      proxy_redirect off;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def proxied(mini_settings, tmp_path_factory) -> Iterator[str]:
    """The public URL of `kg serve` behind nginx at /mgkg/."""
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    public = f"http://127.0.0.1:{port}/mgkg/"
    with serving(mini_settings, "--public-url", public) as server:
        backend = urllib.parse.urlsplit(server.base).port
        (tmp / "nginx.conf").write_text(CONF.format(tmp=tmp, port=port, backend=backend))
        proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while get(public + "healthz").status != 200:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
            yield public
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def get(url: str, accept: str | None = None) -> HttpResult:
    """One GET, redirects not followed; 502 while the proxy is not up yet."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Accept": accept} if accept else {})
        r = conn.getresponse()
        return HttpResult(r.status, r.headers, r.read())
    except ConnectionRefusedError:
        return HttpResult(502, {}, b"")
    finally:
        conn.close()


@pytest.mark.parametrize(("path", "accept", "dest"), [
    ("id/iom", "text/turtle", "doc/id/iom.ttl"), ("id/iom", "text/html", "doc/id/iom"),
    ("dataset", "application/ld+json", "doc/dataset.jsonld"),
    (".well-known/void", "text/html", "doc/dataset"),
    ("source/001_4f7e06674fa94512", "text/html", "doc/source/001_4f7e06674fa94512"),
    ("graph/001_4f7e06674fa94512", "text/html", "doc/source/001_4f7e06674fa94512")])
def test_redirects_lead_back_through_the_proxy(proxied, path, accept, dest):
    r = get(proxied + path, accept)
    assert r.status == 303 and r.headers["Location"] == proxied + dest
    assert get(r.headers["Location"], accept).status == 200


def test_content_location_and_link_are_under_the_sub_path(proxied):
    r = get(proxied + "graph/001_4f7e06674fa94512", "text/turtle")
    assert r.headers["Content-Location"] == "/mgkg/graph/001_4f7e06674fa94512.ttl"
    assert '</mgkg/doc/dataset>; rel="describedby"' in r.headers["Link"]
    onto = get(proxied + "ontology", "text/turtle")
    assert onto.headers["Content-Location"] == "/mgkg/ontology.ttl"


LINK = re.compile(r'''(?:href|src|action|data-endpoint)=["']([^"'#]*)''')


def test_every_page_link_works_through_the_proxy(proxied):
    """Crawl the pages from the query page: every path a page names is under /mgkg/ and
    answers through the proxy."""
    seen, todo, checked = set(), ["/mgkg/"], 0
    host = urllib.parse.urlsplit(proxied)
    while todo and checked < 120:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = get(f"{host.scheme}://{host.netloc}{path}")
        assert r.status in (200, 303), (path, r.status)
        checked += 1
        if r.type != "text/html":
            continue
        for link in LINK.findall(r.text):
            if not link or link.startswith(("http:", "https:", "mailto:", "data:", "?")):
                continue
            assert link.startswith("/mgkg/"), (path, link)
            if "/sparql" not in link and "/download/" not in link:
                todo.append(link.replace("&amp;", "&"))
    assert checked > 10


def test_query_page_tells_its_script_where_it_lives(proxied):
    page = get(proxied).text
    assert 'data-endpoint="/mgkg/sparql"' in page and 'data-root="/mgkg"' in page
    js = get(proxied + "static/query.js")
    assert js.status == 200 and 'root + "/prefixes.json"' in js.text


def test_service_description_and_void_name_the_public_endpoint(proxied):
    sd = rdflib.Graph().parse(data=get(proxied + "sparql", "text/turtle").body, format="turtle")
    assert set(sd.objects(None, SD.endpoint)) == {rdflib.URIRef(proxied + "sparql")}
    void = rdflib.Graph().parse(data=get(proxied + "doc/dataset.ttl").body, format="turtle")
    endpoints = set(void.objects(None, VOID.sparqlEndpoint))
    assert rdflib.URIRef(proxied + "sparql") in endpoints
    dumps = {str(o) for o in void.objects(None, VOID.dataDump)}
    assert proxied + "download/mgkg.trig" in dumps
    for url in dumps | {str(e) for e in endpoints}:
        if url.startswith(proxied):  # the deployment's own places answer through the proxy
            assert get(url).status == 200, url
    answer = get(proxied + "sparql?query=" + urllib.parse.quote("ASK {}"),
                 "application/sparql-results+json")
    assert answer.json() == {"head": {}, "boolean": True}

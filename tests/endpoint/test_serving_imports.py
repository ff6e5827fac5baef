"""The serving processes do not load rdflib: it would cost the server, the query zygote
and each worker about 6 MB and is needed by none of them (only the build, the checks and
a client's request for compacted JSON-LD use it; kg.core.namespaces explains how).

Run in a fresh interpreter, since the test process itself has rdflib loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from kg.core.settings import Settings
from kg.app import create_app
from pathlib import Path
app = create_app(Settings(root=Path(sys.argv[1]), dist_dir=Path(sys.argv[2])))
client = app.test_client()
for url in ["/", "/healthz", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
            "/id/iom", "/doc/id/iom", "/ontology", "/search?q=iom", "/dataset", "/download/",
            "/cite", "/source/", "/.well-known/void", "/graph/summary"]:
    for accept in ("text/html", "application/sparql-results+json", "text/turtle"):
        status = client.get(url, headers={"Accept": accept}).status_code
        assert status < 500, (url, accept, status)
print("rdflib" in sys.modules, "pyshacl" in sys.modules)
"""


def test_serving_loads_neither_rdflib_nor_pyshacl(mini_settings):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(mini_settings.root),
                          str(mini_settings.dist_dir)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]

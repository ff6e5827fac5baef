"""Fields of the access log that no client can forge.

Shared by the app's per-request logging (kg.app) and the endpoint's fast path
(fastpath.py), which answers cached queries before the app is reached and must write
the same line.
"""

from __future__ import annotations


def clean(text: str, limit: int = 2000) -> str:
    """A field for a log line: printable characters only, so no client can end a line
    (CR, LF), write a terminal escape (ESC), a NUL, or a quote that ends the field.
    Everything else is written as a Python-style escape (\\x0a, \\u202e), which a reader
    can decode and no terminal interprets."""
    text = text[:limit]
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    out = []
    for ch in text:
        if ch == '"':
            out.append("\\x22")
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)

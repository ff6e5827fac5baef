"""What the modules of benchmarks/run.py share: the log line and the repetition rule."""

from __future__ import annotations

import time

REPEAT_MAX_TRIPLES = 50000  # graphs up to this size get several build/validate/start runs


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

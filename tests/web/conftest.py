"""A real Chromium for the browser tests (Debian's `chromium`, headless, driven by
Playwright), the real release served by a real `kg serve`, and screenshots written as
artefacts: into $MGKG_SCREENSHOTS when set (CI keeps them; `MGKG_SCREENSHOTS=docs/screenshots`
refreshes the README's), else into the test's temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = (os.environ.get("MGKG_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
NO_CHROMIUM = ("no Chromium: install Debian's `chromium` package (apt-get install chromium) "
               "or set MGKG_CHROMIUM to a Chromium binary")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shoot(tmp_path):
    """shoot(page, name): a full-width screenshot of what the page shows now."""
    folder = Path(os.environ.get("MGKG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = False) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def watch(page) -> list[str]:
    """Script errors and console errors of a page, collected as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors

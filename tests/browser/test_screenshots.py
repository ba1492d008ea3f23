"""Screenshots of the main kinds of page at phone and desktop widths, for a reviewer.

Written to test-artifacts/screenshots/ (gitignored) by every run. The test also checks that
nothing makes the page wider than the screen, which a reader on a phone would have to scroll.
"""

from __future__ import annotations

import struct

import pytest
from .browserkit import DESKTOP

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "topic": "/topics/inminban-surveillance/",
    "source": "/sources/asiapress-2025-06-hyesan-missing/",
}
WIDTHS = {"phone": 390, "desktop": 1280}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_width(data: bytes) -> int:
    """Width from the PNG header (IHDR is always the first chunk)."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    return struct.unpack(">I", data[16:20])[0]


@pytest.fixture
def screenshots(artifacts):
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_screenshot(web, screenshots, page_name, width_name):
    width = WIDTHS[width_name]
    web.page.set_viewport_size({"width": width, "height": 844 if width_name == "phone" else DESKTOP["height"]})
    try:
        web.open(PAGES[page_name])
        overflow = web.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        data = web.page.screenshot(full_page=True, path=screenshots / f"{page_name}-{width_name}-{width}.png")
    finally:
        web.page.set_viewport_size(DESKTOP)
    assert png_width(data) == width
    assert overflow <= 0, f"{PAGES[page_name]} at {width}px is {overflow}px wider than the screen"

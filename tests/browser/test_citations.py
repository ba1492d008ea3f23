"""Citation marks as a reader sees them: two in a row must not read as one number."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: A source page whose summary cites two works at once ([@a; @b]): marks 3 and 2 side by side.
PAGE = "/sources/asialive-2024-11-tjwg-disappearances/"

#: The footnote marks, grouped where they stand side by side: for each, the text of its ::before
#: (the separator the reader sees before it, or "") and its number.
MARKS = """() => {
  const groups = [];
  for (const sup of document.querySelectorAll('article sup[id*="fnref"]')) {
    const before = getComputedStyle(sup, '::before').content;
    const mark = [before === 'none' || before === 'normal' ? '' : JSON.parse(before), sup.textContent];
    const previous = sup.previousSibling;
    if (previous && previous.nodeType === Node.ELEMENT_NODE && previous.matches('sup[id*="fnref"]')) {
      groups[groups.length - 1].push(mark);
    } else {
      groups.push([mark]);
    }
  }
  return groups;
}"""


def test_marks_side_by_side_are_separated(web):
    web.open(PAGE)
    side_by_side = [group for group in web.page.evaluate(MARKS) if len(group) > 1]
    assert side_by_side, f"no two marks side by side on {PAGE}: choose a page that has some"
    for group in side_by_side:
        seen = "".join(separator + number for separator, number in group)
        assert all(separator.strip() for separator, _ in group[1:]), f"marks side by side read as {seen!r}"
        assert not seen.isdigit()

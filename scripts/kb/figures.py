"""Figures drawn at build time as inline SVG: the timeline of claims and the map of places.

Built with ElementTree (so the output is always well-formed XML) and no JavaScript: they work
offline, in any browser and in the PDF. Links inside them are final site URLs, given by the
caller, because MkDocs does not rewrite links in raw HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

from .derive import ClaimRef
from .model import FuzzyDate, KnowledgeBase, Place

SVG_NS = "http://www.w3.org/2000/svg"
Href = Callable[[str], str]


def _svg(width: float, height: float, label: str) -> ET.Element:
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "viewBox": f"0 0 {width:.0f} {height:.0f}", "role": "group",  # "img" may not contain links
        "aria-label": label, "class": "kb-svg", "width": "100%",
    })
    ET.SubElement(svg, "title").text = label
    return svg


def _text(parent: ET.Element, x: float, y: float, content: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    element.text = content
    return element


def to_string(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode")


# --- Timeline -----------------------------------------------------------------------------

def _span(date: FuzzyDate) -> tuple[dt.date, dt.date]:
    """First and last day a date of this precision may mean."""
    parts = [int(p) for p in date.value.split("-")]
    if date.precision == "day":
        day = dt.date(*parts)
        return day, day
    if date.precision == "month":
        start = dt.date(parts[0], parts[1], 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def timeline_svg(refs: list[ClaimRef], lane_label: Callable[[ClaimRef], str], href: Callable[[ClaimRef], str],
                 rows: str = "source") -> str:
    """One lane per source (or per outlet: `rows` names what a lane is); a dot for a day, a bar
    for a month or a year; hollow when inferred. A figure of one year has a line per month."""
    lanes = list(dict.fromkeys(lane_label(ref) for ref in refs))
    first = min(_span(r.claim.date)[0] for r in refs).year
    last = max(_span(r.claim.date)[1] for r in refs).year
    left, right, top, lane_h = 230.0, 20.0, 30.0, 40.0
    width, height = 900.0, top + lane_h * len(lanes) + 60
    start, end = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    scale = (width - left - right) / (end - start).days

    def x(day: dt.date) -> float:
        return left + (day - start).days * scale

    span = str(first) if first == last else f"{first}–{last}"
    svg = _svg(width, height, f"Timeline of {len(refs)} dated claims, {span}, one row per {rows}")
    axis_y = top + lane_h * len(lanes) + 8
    ticks = ([(dt.date(first, month, 1), _MONTH_ABBREVIATIONS[month - 1]) for month in range(1, 13)] if first == last
             else [(dt.date(year, 1, 1), str(year)) for year in range(first, last + 1)])
    for day, label in [*ticks, (end, "")]:
        gx = x(day)
        ET.SubElement(svg, "line", {"x1": f"{gx:.1f}", "x2": f"{gx:.1f}", "y1": str(top - 10), "y2": f"{axis_y:.1f}", "class": "kb-grid"})
        if label:
            _text(svg, gx + 4, axis_y + 16, label, **{"class": "kb-axis"})
    if first == last:  # the months' year, in the column of the row labels
        _text(svg, 6, axis_y + 16, str(first), **{"class": "kb-axis"})
    for index, lane in enumerate(lanes):
        _lane_label(svg, top + lane_h * index + lane_h / 2 + 4, lane)
    for ref in refs:
        lane = lanes.index(lane_label(ref))
        cy = top + lane_h * lane + lane_h / 2
        first_day, last_day = _span(ref.claim.date)
        link = ET.SubElement(svg, "a", {"href": href(ref)})
        ET.SubElement(link, "title").text = f"{ref.claim.date.display()}: {ref.claim.text}"
        kind = "kb-inferred" if ref.claim.date.inferred else "kb-stated"
        if ref.claim.date.precision == "day":
            ET.SubElement(link, "circle", {"cx": f"{x(first_day):.1f}", "cy": f"{cy:.1f}", "r": "6", "class": kind})
        else:
            x1, x2 = x(first_day), max(x(last_day), x(first_day) + 6)
            ET.SubElement(link, "rect", {"x": f"{x1:.1f}", "y": f"{cy - 5:.1f}", "width": f"{x2 - x1:.1f}", "height": "10", "rx": "3", "class": kind})
    legend_y = height - 14
    ET.SubElement(svg, "circle", {"cx": "12", "cy": f"{legend_y - 4:.1f}", "r": "5", "class": "kb-stated"})
    _text(svg, 22, legend_y, "day", **{"class": "kb-legend"})
    ET.SubElement(svg, "rect", {"x": "60", "y": f"{legend_y - 9:.1f}", "width": "24", "height": "10", "rx": "3", "class": "kb-stated"})
    _text(svg, 90, legend_y, "month or year", **{"class": "kb-legend"})
    ET.SubElement(svg, "circle", {"cx": "215", "cy": f"{legend_y - 4:.1f}", "r": "5", "class": "kb-inferred"})
    _text(svg, 225, legend_y, "hollow: year or month inferred from the publication date", **{"class": "kb-legend"})
    return to_string(svg)


#: Row labels longer than this would run into the plot (its left edge is at 230 of 900 units).
LANE_LABEL_CHARS = 26


def _lane_label(svg: ET.Element, y: float, lane: str) -> None:
    """A row's label; a long one ('Outlet, 17 May 2020') on two lines, the outlet's name
    shortened if need be, and the whole label on hover."""
    label = _text(svg, 6, y, "" if len(lane) > LANE_LABEL_CHARS else lane, **{"class": "kb-lane"})
    if not label.text:
        ET.SubElement(label, "title").text = lane
        name, _, date = lane.rpartition(", ") if ", " in lane else (lane, "", "")
        ET.SubElement(label, "tspan", {"x": "6", "dy": "-7"}).text = _shortened(name, LANE_LABEL_CHARS)
        ET.SubElement(label, "tspan", {"x": "6", "dy": "16"}).text = _shortened(date, LANE_LABEL_CHARS)


def _shortened(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


_MONTH_ABBREVIATIONS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def years_svg(counts: list[tuple[str, int]], href: Callable[[str], str]) -> str:
    """Dated claims per year as bars, each linked to the year's page: the timeline's overview
    when the years have pages of their own."""
    left, bottom, top, plot_h = 20.0, 40.0, 30.0, 200.0
    step = min(80.0, 860.0 / len(counts))
    width, height = left * 2 + step * len(counts), top + plot_h + bottom
    most = max(count for _, count in counts)
    total = sum(count for _, count in counts)
    first, last = counts[0][0], counts[-1][0]
    svg = _svg(width, height, f"Dated claims per year, {first}–{last}: {total} in all; each bar links to its year")
    base_y = top + plot_h
    for index, (year, count) in enumerate(counts):
        bar_h = max(plot_h * count / most, 1.0)
        bx = left + step * index + step * 0.15
        link = ET.SubElement(svg, "a", {"href": href(year)})
        ET.SubElement(link, "title").text = f"{year}: {count} dated claim{'s' if count != 1 else ''}"
        ET.SubElement(link, "rect", {"x": f"{bx:.1f}", "y": f"{base_y - bar_h:.1f}", "width": f"{step * 0.7:.1f}",
                                     "height": f"{bar_h:.1f}", "class": "kb-stated"})
        _text(link, bx + step * 0.35, base_y - bar_h - 6, str(count), **{"class": "kb-legend", "text-anchor": "middle"})
        _text(link, bx + step * 0.35, base_y + 20, str(year), **{"class": "kb-axis", "text-anchor": "middle"})
    return to_string(svg)


# --- Map ----------------------------------------------------------------------------------

GEOJSON = Path(__file__).resolve().parents[2] / "data" / "geo" / "korea-region.geojson"
RIVER_LABELS = [  # (lon, lat, text): placed beside the boundary line on the Chinese side
    (125.35, 41.05, "Yalu (Amnok) River"),
    (128.75, 42.75, "Tumen (Duman) River"),
]


def map_svg(kb: KnowledgeBase, href: Callable[[Place], str], geojson: Path = GEOJSON) -> str:
    """The border region with each place that has coordinates, linked to its page."""
    data = json.loads(geojson.read_text(encoding="utf-8"))
    west, south, east, north = data["bbox"]
    k = 120.0  # pixels per degree of latitude
    squeeze = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * squeeze * k, (north - south) * k

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * squeeze * k, (north - lat) * k

    def path(lines: list[list[list[float]]], close: bool) -> str:
        parts = []
        for line in lines:
            points = [project(lon, lat) for lon, lat in line]
            parts.append("M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points) + (" Z" if close else ""))
        return " ".join(parts)

    svg = _svg(width, height, "Map of the North Korea–China border region with the places named by the sources")
    defs = ET.SubElement(svg, "defs")
    clip = ET.SubElement(defs, "clipPath", {"id": "kb-map-clip"})
    ET.SubElement(clip, "rect", {"x": "0", "y": "0", "width": f"{width:.0f}", "height": f"{height:.0f}"})
    ET.SubElement(svg, "rect", {"x": "0", "y": "0", "width": f"{width:.0f}", "height": f"{height:.0f}", "class": "kb-sea"})
    shapes = ET.SubElement(svg, "g", {"clip-path": "url(#kb-map-clip)"})
    for feature in data["features"]:
        geometry, slug = feature["geometry"], feature["properties"]["slug"]
        if geometry["type"] == "MultiPolygon":  # clip_geo.py writes only these two types
            rings = [ring for polygon in geometry["coordinates"] for ring in polygon]
            ET.SubElement(shapes, "path", {"d": path(rings, True), "class": f"kb-land kb-{slug}"})
        else:
            ET.SubElement(shapes, "path", {"d": path(geometry["coordinates"], False), "class": "kb-river"})
    for lon, lat, label in RIVER_LABELS:
        px, py = project(lon, lat)
        _text(svg, px, py, label, **{"class": "kb-river-label"})
    for place in sorted(kb.places.values(), key=lambda p: p.slug):
        if place.coords is None:
            continue
        px, py = project(place.coords[1], place.coords[0])
        link = ET.SubElement(svg, "a", {"href": href(place)})
        ET.SubElement(link, "title").text = ", ".join([place.name, *place.names])
        ET.SubElement(link, "circle", {"cx": f"{px:.1f}", "cy": f"{py:.1f}", "r": "5", "class": "kb-place"})
        # Places across the river (China) are labelled to the left, so that facing towns
        # such as Hyesan and Changbai do not print over each other.
        across = place.country not in (None, "north-korea")
        _text(link, px - 8 if across else px + 8, py - 6 if across else py + 5, place.name,
              **{"class": "kb-place-label", "text-anchor": "end" if across else "start"})
    return to_string(svg)

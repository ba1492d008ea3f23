"""Clip the features written by extract_geo.mjs to the map's box and simplify them.

One-off data preparation (not a build dependency): pip install shapely==2.2.0, then
python scripts/tools/clip_geo.py data/geo/korea-region.geojson
"""
import json
import sys

from shapely import make_valid, set_precision
from shapely.geometry import MultiLineString, MultiPolygon, box, mapping, shape


def parts(geom, kind):
    """The polygons (or lines) of any geometry, flattened."""
    if geom.geom_type == kind:
        return [geom]
    if geom.geom_type == "Multi" + kind or geom.geom_type == "GeometryCollection":
        return [p for g in geom.geoms for p in parts(g, kind)]
    return []


path = sys.argv[1]
data = json.load(open(path))
frame = box(*data["bbox"])
features = []
for feature in data["features"]:
    geom = make_valid(shape(feature["geometry"])).intersection(frame)
    geom = set_precision(geom.simplify(0.004, preserve_topology=True), 0.001)
    polygonal = feature["geometry"]["type"].endswith("Polygon")
    pieces = parts(geom, "Polygon" if polygonal else "LineString")
    if not pieces:
        continue
    merged = MultiPolygon(pieces) if polygonal else MultiLineString(pieces)
    features.append({"type": "Feature", "properties": feature["properties"], "geometry": mapping(merged)})
data["features"] = features
json.dump(data, open(path, "w"), separators=(",", ":"))

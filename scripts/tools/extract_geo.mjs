// One-off: extract the Korea-China-Russia border region from Natural Earth 1:10m (world-atlas 2.0.2)
import fs from "fs";
import * as topo from "topojson-client";
const world = JSON.parse(fs.readFileSync("node_modules/world-atlas/countries-10m.json"));
const obj = world.objects.countries;
const names = {"North Korea": "north-korea", "South Korea": "south-korea", "China": "china", "Russia": "russia"};
const bbox = [123.5, 37.4, 131.2, 43.2];
const r = (x) => Math.round(x * 1000) / 1000;
function clipRing(ring) { return ring.filter(([x, y]) => x >= bbox[0] - 1 && x <= bbox[2] + 1 && y >= bbox[1] - 1 && y <= bbox[3] + 1); }
const features = [];
for (const g of obj.geometries) {
  const slug = names[g.properties.name];
  if (!slug) continue;
  const f = topo.feature(world, g);
  let polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  polys = polys.map(p => p.map(ring => ring.map(([x, y]) => [r(x), r(y)])))
               .filter(p => p[0].some(([x, y]) => x >= bbox[0] && x <= bbox[2] && y >= bbox[1] && y <= bbox[3]));
  // Keep only polygons touching the region; China and Russia are cut to points near the box (drawn clipped in SVG).
  // China and Russia are clipped to the box afterwards (clip_geo.py)
  features.push({type: "Feature", properties: {slug, name: g.properties.name}, geometry: {type: "MultiPolygon", coordinates: polys}});
}
const isNK = g => g.properties.name === "North Korea";
const border = (other) => topo.mesh(world, obj, (a, b) => (isNK(a) && b.properties.name === other) || (isNK(b) && a.properties.name === other));
for (const [other, slug] of [["China", "border-china"], ["Russia", "border-russia"]]) {
  const m = border(other);
  features.push({type: "Feature", properties: {slug, name: `North Korea–${other} border`}, geometry: {type: "MultiLineString", coordinates: m.coordinates.map(l => l.map(([x, y]) => [r(x), r(y)]))}});
}
fs.writeFileSync("korea-region.geojson", JSON.stringify({type: "FeatureCollection", bbox, features}));

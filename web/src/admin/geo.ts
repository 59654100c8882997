// A delivery zone's GeoJSON: read from what a manager pastes or uploads (a Polygon, a Feature or
// the first polygon of a FeatureCollection), and drawn as an SVG path for the preview (a flat
// projection around the zone: fine for a few kilometres).

export type Ring = [number, number][]; // [longitude, latitude]
export interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}

/** The polygon in `text`, or a message saying what is wrong with it. */
export function readZoneGeoJson(text: string): { polygon: Polygon; name?: string } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'This is not JSON: paste a GeoJSON Polygon, Feature or FeatureCollection.' };
  }
  const any = doc as { type?: string; geometry?: unknown; features?: unknown[]; properties?: { name?: unknown } };
  let geometry: unknown = doc;
  let name: string | undefined;
  if (any?.type === 'FeatureCollection') {
    const feature = (any.features ?? []).find((f) => (f as { geometry?: { type?: string } })?.geometry?.type === 'Polygon') as typeof any | undefined;
    if (!feature) return { error: 'The FeatureCollection has no Polygon feature.' };
    geometry = feature.geometry;
    name = typeof feature.properties?.name === 'string' ? feature.properties.name : undefined;
  } else if (any?.type === 'Feature') {
    geometry = any.geometry;
    name = typeof any.properties?.name === 'string' ? any.properties.name : undefined;
  }
  const g = geometry as { type?: string; coordinates?: unknown };
  if (g?.type !== 'Polygon') return { error: `A zone is a Polygon (this is ${g?.type ?? 'no geometry'}).` };
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return { error: 'The polygon has no ring.' };
  for (const ring of g.coordinates as unknown[]) {
    if (!Array.isArray(ring) || ring.length < 4) return { error: 'Each ring needs at least 4 positions (closed: the last equals the first).' };
    for (const pos of ring as unknown[]) {
      if (!Array.isArray(pos) || pos.length < 2 || !pos.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n))) {
        return { error: 'Each position is [longitude, latitude] in numbers.' };
      }
      const [lon, lat] = pos as number[];
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return { error: `[${lon}, ${lat}] is not a longitude and latitude.` };
    }
  }
  const coordinates = (g.coordinates as number[][][]).map((ring) => ring.map(([lon, lat]) => [lon, lat] as [number, number]));
  return { polygon: { type: 'Polygon', coordinates }, name };
}

/**
 * The polygon as an SVG path in a `size`×`size` box with `pad` around it: longitudes scaled by
 * cos(latitude) so shapes keep their proportions, north up. Holes are further subpaths
 * (draw with fill-rule evenodd). Extra points (the store) come back in the same projection.
 */
export function previewPath(polygon: Polygon, size = 240, pad = 12, points: [number, number][] = []): { d: string; points: [number, number][] } {
  const all = [...polygon.coordinates.flat(), ...points];
  const lats = all.map((p) => p[1]);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((midLat * Math.PI) / 180);
  const xs = all.map((p) => p[0] * k);
  const minX = Math.min(...xs);
  const maxY = Math.max(...lats);
  const span = Math.max(Math.max(...xs) - minX, maxY - Math.min(...lats)) || 1;
  const scale = (size - 2 * pad) / span;
  const project = ([lon, lat]: [number, number]): [number, number] => [
    Math.round((pad + (lon * k - minX) * scale) * 10) / 10,
    Math.round((pad + (maxY - lat) * scale) * 10) / 10,
  ];
  const d = polygon.coordinates
    .map((ring) => ring.map((p, i) => `${i === 0 ? 'M' : 'L'}${project(p).join(' ')}`).join(' ') + ' Z')
    .join(' ');
  return { d, points: points.map(project) };
}

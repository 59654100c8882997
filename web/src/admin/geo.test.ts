import { describe, expect, test } from 'vitest';
import { previewPath, readZoneGeoJson } from './geo';

const square = { type: 'Polygon', coordinates: [[[-74.0, 40.7], [-73.9, 40.7], [-73.9, 40.8], [-74.0, 40.8], [-74.0, 40.7]]] };

describe('zone GeoJSON', () => {
  test('a Polygon, a Feature (with its name) and a FeatureCollection are read', () => {
    expect(readZoneGeoJson(JSON.stringify(square))).toMatchObject({ polygon: square });
    expect(readZoneGeoJson(JSON.stringify({ type: 'Feature', properties: { name: 'Core' }, geometry: square }))).toMatchObject({ name: 'Core' });
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }, { type: 'Feature', geometry: square }] };
    expect(readZoneGeoJson(JSON.stringify(fc))).toMatchObject({ polygon: square });
  });

  test('what is wrong is said', () => {
    expect(readZoneGeoJson('{nope')).toMatchObject({ error: expect.stringMatching(/not JSON/) });
    expect(readZoneGeoJson(JSON.stringify({ type: 'Point', coordinates: [1, 2] }))).toMatchObject({ error: expect.stringMatching(/Polygon.*Point/) });
    expect(readZoneGeoJson(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] }))).toMatchObject({ error: expect.stringMatching(/at least 4/) });
    expect(readZoneGeoJson(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 'x'], [1, 1], [0, 0]]] }))).toMatchObject({ error: expect.stringMatching(/numbers/) });
    expect(readZoneGeoJson(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] }))).toMatchObject({ error: expect.stringMatching(/200/) });
  });

  test('the preview path: north up, west left, proportions kept by cos(latitude), inside the padded box', () => {
    const { d, points } = previewPath(square as never, 240, 12, [[-73.95, 40.75]]);
    const coords = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(coords).toHaveLength(5);
    expect(d.endsWith('Z')).toBe(true);
    const [sw, se, ne] = coords;
    expect(sw[0]).toBeLessThan(se[0]); // west is left
    expect(ne[1]).toBeLessThan(se[1]); // north is up
    expect(sw[1]).toBe(228); // the tall side fills the box: 240 − 12
    const width = se[0] - sw[0];
    expect(width / 216).toBeCloseTo(Math.cos((40.75 * Math.PI) / 180), 2);
    expect(points[0][1]).toBe(120); // the store in the middle
  });
});

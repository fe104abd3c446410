/**
 * WGS84 longitude/latitude ↔ British National Grid (EPSG:27700) easting/northing, following the
 * Ordnance Survey's "A guide to coordinate systems in Great Britain": a seven-parameter Helmert
 * transformation between WGS84 (taken as ETRS89) and OSGB36 on the Airy 1830 ellipsoid, then the
 * National Grid Transverse Mercator projection.
 *
 * Accuracy: the Transverse Mercator step is exact (the OS worked example is reproduced to the
 * millimetre). The Helmert step is the OS's single national approximation of OSGB36, good to a few
 * metres; OSTN15, the definitive 1 mm transformation, needs a 15 MB grid that is not shipped. See
 * docs/decisions/0005-projection-accuracy.md for the measured error against OS control points.
 */

interface Ellipsoid {
  a: number;
  b: number;
}

export const AIRY_1830: Ellipsoid = { a: 6377563.396, b: 6356256.909 };
export const GRS80: Ellipsoid = { a: 6378137.0, b: 6356752.314140356 };

const DEG = Math.PI / 180;
const ARCSEC = DEG / 3600;

/** The National Grid projection on Airy 1830. */
const F0 = 0.9996012717;
const LAT0 = 49 * DEG;
const LON0 = -2 * DEG;
const E0 = 400000;
const N0 = -100000;

const { a: AA, b: AB } = AIRY_1830;
const E2_AIRY = (AA * AA - AB * AB) / (AA * AA);
const N_AIRY = (AA - AB) / (AA + AB);
const N2 = N_AIRY * N_AIRY;
const N3 = N2 * N_AIRY;

/** Meridional arc M for latitude phi (radians), OS guide equation C3. */
function meridionalArc(phi: number): number {
  const dp = phi - LAT0;
  const sp = phi + LAT0;
  return (
    AB *
    F0 *
    ((1 + N_AIRY + 1.25 * N2 + 1.25 * N3) * dp -
      (3 * N_AIRY + 3 * N2 + (21 / 8) * N3) * Math.sin(dp) * Math.cos(sp) +
      ((15 / 8) * N2 + (15 / 8) * N3) * Math.sin(2 * dp) * Math.cos(2 * sp) -
      (35 / 24) * N3 * Math.sin(3 * dp) * Math.cos(3 * sp))
  );
}

/**
 * OSGB36 latitude/longitude (degrees, Airy 1830) → National Grid easting/northing (metres).
 * The Transverse Mercator step alone, exact to the millimetre.
 */
export function osgb36ToGrid(lat: number, lon: number, out: Float64Array = new Float64Array(2)) {
  const phi = lat * DEG;
  const sinPhi = Math.sin(phi);
  const cosPhi = Math.cos(phi);
  const tanPhi = Math.tan(phi);
  const tan2 = tanPhi * tanPhi;
  const tan4 = tan2 * tan2;
  const s = 1 - E2_AIRY * sinPhi * sinPhi;
  const nu = (AA * F0) / Math.sqrt(s);
  const rho = (AA * F0 * (1 - E2_AIRY)) / (s * Math.sqrt(s));
  const eta2 = nu / rho - 1;
  const cos3 = cosPhi * cosPhi * cosPhi;
  const cos5 = cos3 * cosPhi * cosPhi;
  const I = meridionalArc(phi) + N0;
  const II = (nu / 2) * sinPhi * cosPhi;
  const III = (nu / 24) * sinPhi * cos3 * (5 - tan2 + 9 * eta2);
  const IIIA = (nu / 720) * sinPhi * cos5 * (61 - 58 * tan2 + tan4);
  const IV = nu * cosPhi;
  const V = (nu / 6) * cos3 * (nu / rho - tan2);
  const VI = (nu / 120) * cos5 * (5 - 18 * tan2 + tan4 + 14 * eta2 - 58 * tan2 * eta2);
  const dl = lon * DEG - LON0;
  const dl2 = dl * dl;
  out[0] = E0 + IV * dl + V * dl2 * dl + VI * dl2 * dl2 * dl;
  out[1] = I + II * dl2 + III * dl2 * dl2 + IIIA * dl2 * dl2 * dl2;
  return out;
}

/** National Grid easting/northing → OSGB36 latitude/longitude (degrees), OS guide C.2. */
export function gridToOsgb36(
  easting: number,
  northing: number,
  out: Float64Array = new Float64Array(2),
) {
  let phi = (northing - N0) / (AA * F0) + LAT0;
  let m = meridionalArc(phi);
  for (let i = 0; i < 20 && Math.abs(northing - N0 - m) >= 0.00001; i++) {
    phi += (northing - N0 - m) / (AA * F0);
    m = meridionalArc(phi);
  }
  const sinPhi = Math.sin(phi);
  const s = 1 - E2_AIRY * sinPhi * sinPhi;
  const nu = (AA * F0) / Math.sqrt(s);
  const rho = (AA * F0 * (1 - E2_AIRY)) / (s * Math.sqrt(s));
  const eta2 = nu / rho - 1;
  const t = Math.tan(phi);
  const t2 = t * t;
  const t4 = t2 * t2;
  const t6 = t4 * t2;
  const sec = 1 / Math.cos(phi);
  const nu3 = nu * nu * nu;
  const nu5 = nu3 * nu * nu;
  const nu7 = nu5 * nu * nu;
  const VII = t / (2 * rho * nu);
  const VIII = (t / (24 * rho * nu3)) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2);
  const IX = (t / (720 * rho * nu5)) * (61 + 90 * t2 + 45 * t4);
  const X = sec / nu;
  const XI = (sec / (6 * nu3)) * (nu / rho + 2 * t2);
  const XII = (sec / (120 * nu5)) * (5 + 28 * t2 + 24 * t4);
  const XIIA = (sec / (5040 * nu7)) * (61 + 662 * t2 + 1320 * t4 + 720 * t6);
  const de = easting - E0;
  const de2 = de * de;
  const lat = phi - VII * de2 + VIII * de2 * de2 - IX * de2 * de2 * de2;
  const lon = LON0 + X * de - XI * de2 * de + XII * de2 * de2 * de - XIIA * de2 * de2 * de2 * de;
  out[0] = lat / DEG;
  out[1] = lon / DEG;
  return out;
}

/**
 * The OS's published Helmert parameters from WGS84/ETRS89 to OSGB36 (translations in metres,
 * scale in parts per million, rotations in arc-seconds).
 */
export const HELMERT_WGS84_TO_OSGB36 = {
  tx: -446.448,
  ty: 125.157,
  tz: -542.06,
  s: 20.4894,
  rx: -0.1502,
  ry: -0.247,
  rz: -0.8421,
} as const;

type Helmert = {
  tx: number;
  ty: number;
  tz: number;
  s: number;
  rx: number;
  ry: number;
  rz: number;
};

function helmert(xyz: Float64Array, p: Helmert): void {
  const s1 = 1 + p.s * 1e-6;
  const rx = p.rx * ARCSEC;
  const ry = p.ry * ARCSEC;
  const rz = p.rz * ARCSEC;
  const x = xyz[0]!;
  const y = xyz[1]!;
  const z = xyz[2]!;
  xyz[0] = p.tx + s1 * x - rz * y + ry * z;
  xyz[1] = p.ty + rz * x + s1 * y - rx * z;
  xyz[2] = p.tz - ry * x + rx * y + s1 * z;
}

const INVERSE_HELMERT: Helmert = {
  tx: -HELMERT_WGS84_TO_OSGB36.tx,
  ty: -HELMERT_WGS84_TO_OSGB36.ty,
  tz: -HELMERT_WGS84_TO_OSGB36.tz,
  s: -HELMERT_WGS84_TO_OSGB36.s,
  rx: -HELMERT_WGS84_TO_OSGB36.rx,
  ry: -HELMERT_WGS84_TO_OSGB36.ry,
  rz: -HELMERT_WGS84_TO_OSGB36.rz,
};

function toCartesian(lat: number, lon: number, e: Ellipsoid, xyz: Float64Array): void {
  const phi = lat * DEG;
  const lambda = lon * DEG;
  const e2 = (e.a * e.a - e.b * e.b) / (e.a * e.a);
  const sinPhi = Math.sin(phi);
  const nu = e.a / Math.sqrt(1 - e2 * sinPhi * sinPhi);
  const cosPhi = Math.cos(phi);
  xyz[0] = nu * cosPhi * Math.cos(lambda);
  xyz[1] = nu * cosPhi * Math.sin(lambda);
  xyz[2] = (1 - e2) * nu * sinPhi;
}

function toGeodetic(xyz: Float64Array, e: Ellipsoid, out: Float64Array): void {
  const e2 = (e.a * e.a - e.b * e.b) / (e.a * e.a);
  const x = xyz[0]!;
  const y = xyz[1]!;
  const z = xyz[2]!;
  const p = Math.sqrt(x * x + y * y);
  let phi = Math.atan2(z, p * (1 - e2));
  for (let i = 0; i < 10; i++) {
    const sinPhi = Math.sin(phi);
    const nu = e.a / Math.sqrt(1 - e2 * sinPhi * sinPhi);
    const next = Math.atan2(z + e2 * nu * sinPhi, p);
    if (Math.abs(next - phi) < 1e-12) {
      phi = next;
      break;
    }
    phi = next;
  }
  out[0] = phi / DEG;
  out[1] = Math.atan2(y, x) / DEG;
}

const scratchXyz = new Float64Array(3);
const scratchLatLon = new Float64Array(2);

/** WGS84 longitude/latitude (degrees) → British National Grid easting/northing (metres). */
export function wgs84ToBng(
  lon: number,
  lat: number,
  out: Float64Array = new Float64Array(2),
): Float64Array {
  toCartesian(lat, lon, GRS80, scratchXyz);
  helmert(scratchXyz, HELMERT_WGS84_TO_OSGB36);
  toGeodetic(scratchXyz, AIRY_1830, scratchLatLon);
  return osgb36ToGrid(scratchLatLon[0]!, scratchLatLon[1]!, out);
}

/** British National Grid easting/northing (metres) → WGS84 longitude/latitude (degrees). */
export function bngToWgs84(
  easting: number,
  northing: number,
  out: Float64Array = new Float64Array(2),
): Float64Array {
  gridToOsgb36(easting, northing, scratchLatLon);
  toCartesian(scratchLatLon[0]!, scratchLatLon[1]!, AIRY_1830, scratchXyz);
  helmert(scratchXyz, INVERSE_HELMERT);
  toGeodetic(scratchXyz, GRS80, scratchLatLon);
  out[0] = scratchLatLon[1]!;
  out[1] = scratchLatLon[0]!;
  return out;
}

/** The documented accuracy of wgs84ToBng against the OS's OSTN15 control points (metres). */
export const PROJECTION_ACCURACY = {
  method: 'Helmert (OS published 7 parameters) + National Grid Transverse Mercator',
  transverseMercatorMetres: 0.001,
  /** Largest horizontal error over OS control points in England and Wales. */
  helmertEnglandWalesMetres: 5,
} as const;

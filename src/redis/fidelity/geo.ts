/**
 * Geo commands as geo.c, geohash.c and geohash_helper.c in Redis 7.0: points are sorted-set
 * members scored by a 52-bit interleaved geohash (26 steps; latitude limited to ±85.05112878),
 * distances use Redis's haversine on a 6372797.560856 m sphere, searches walk the same nine
 * geohash boxes in the same order (so unsorted replies come back in Redis's order), coordinates
 * print as "%.17Lf" and distances as "%.4f".
 */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { getZset, keyOf, remove, replace } from './keyspace.ts';
import { numArg, parseDouble } from './numbers.ts';
import { sorted, sortedSets } from './sorted-sets.ts';
import type { Arg, Ctx, FamilyModule, Reply, ZMember } from './types.ts';

const STEP_MAX = 26;
const LAT_MIN = -85.05112878;
const LAT_MAX = 85.05112878;
const LONG_MIN = -180;
const LONG_MAX = 180;
const EARTH_RADIUS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const UNITS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

interface Hash {
  bits: bigint;
  step: number;
}

interface Range {
  min: number;
  max: number;
}

interface Area {
  longitude: Range;
  latitude: Range;
}

/** interleave64: x's bits go to even positions, y's to odd ones. */
function interleave(x: number, y: number): bigint {
  let out = 0n;
  for (let i = 0; i < 32; i++) {
    out |= BigInt((x >>> i) & 1) << BigInt(2 * i);
    out |= BigInt((y >>> i) & 1) << BigInt(2 * i + 1);
  }
  return out;
}

function deinterleave(bits: bigint): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = 0; i < 32; i++) {
    x += Number((bits >> BigInt(2 * i)) & 1n) * 2 ** i;
    y += Number((bits >> BigInt(2 * i + 1)) & 1n) * 2 ** i;
  }
  return [x, y];
}

function encode(long: Range, lat: Range, longitude: number, latitude: number, step: number): Hash {
  const latOffset = ((latitude - lat.min) / (lat.max - lat.min)) * 2 ** step;
  const longOffset = ((longitude - long.min) / (long.max - long.min)) * 2 ** step;
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

const WGS_LONG: Range = { min: LONG_MIN, max: LONG_MAX };
const WGS_LAT: Range = { min: LAT_MIN, max: LAT_MAX };

function decode(hash: Hash): Area {
  const [ilat, ilong] = deinterleave(hash.bits);
  const latScale = WGS_LAT.max - WGS_LAT.min;
  const longScale = WGS_LONG.max - WGS_LONG.min;
  const cells = 2 ** hash.step;
  return {
    latitude: {
      min: WGS_LAT.min + (ilat / cells) * latScale,
      max: WGS_LAT.min + ((ilat + 1) / cells) * latScale,
    },
    longitude: {
      min: WGS_LONG.min + (ilong / cells) * longScale,
      max: WGS_LONG.min + ((ilong + 1) / cells) * longScale,
    },
  };
}

/**
 * `(uint64_t)score` as gcc compiles it on x86-64 (cvttsd2si, with a 2^63 offset for large values):
 * +inf, NaN and values from 2^64 up give 0; -inf and values below -2^63 give 2^63.
 */
function scoreBits(score: number): bigint {
  if (Number.isNaN(score) || score >= 2 ** 64) return 0n;
  if (score <= -(2 ** 63)) return 1n << 63n;
  return BigInt.asUintN(64, BigInt(Math.trunc(score)));
}

/** The point a 52-bit score stands for: the centre of its cell, clamped. */
function pointOf(score: number): [number, number] {
  const area = decode({ bits: scoreBits(score), step: STEP_MAX });
  const x = Math.min(Math.max((area.longitude.min + area.longitude.max) / 2, LONG_MIN), LONG_MAX);
  const y = Math.min(Math.max((area.latitude.min + area.latitude.max) / 2, LAT_MIN), LAT_MAX);
  return [x, y];
}

function scoreOf(longitude: number, latitude: number): number {
  const hash = encode(WGS_LONG, WGS_LAT, longitude, latitude, STEP_MAX);
  return Number(hash.bits << BigInt(52 - hash.step * 2));
}

function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(lat2 * D_R - lat1 * D_R);
}

/** geohashGetDistance: haversine on Redis's sphere. */
function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((lon2 * D_R - lon1 * D_R) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = lat1 * D_R;
  const lat2r = lat2 * D_R;
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

/** "%.17Lf" of a double with trailing zeros trimmed (addReplyHumanLongDouble). */
export function humanDouble(d: number): string {
  if (d === 0) return '0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  const neg = d < 0;
  let scaled: bigint;
  if (e >= 0) scaled = (mant << BigInt(e)) * 10n ** 17n;
  else {
    const num = mant * 10n ** 17n;
    const den = 1n << BigInt(-e);
    scaled = num / den;
    const r = num - scaled * den;
    if (r * 2n > den || (r * 2n === den && scaled % 2n === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(18, '0');
  const out = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  return neg && out !== '0' ? `-${out}` : out;
}

function formatDistance(d: number): string {
  return d.toFixed(4);
}

function lonLatArgs(lonArg: Arg, latArg: Arg): [number, number] {
  const xy = [lonArg, latArg].map((a) => {
    const d = parseDouble(a);
    if (d === null || Number.isNaN(d)) throw replyError(ERR.notFloat);
    return d;
  });
  const [x, y] = xy;
  if (x < LONG_MIN || x > LONG_MAX || y < LAT_MIN || y > LAT_MAX)
    throw replyError(`ERR invalid longitude,latitude pair ${x.toFixed(6)},${y.toFixed(6)}`);
  return [x, y];
}

function unitArg(arg: Arg): number {
  const conversion = UNITS[toText(arg).toLowerCase()];
  if (conversion === undefined)
    throw replyError('ERR unsupported unit provided. please use M, KM, FT, MI');
  return conversion;
}

function positiveDistance(arg: Arg, message: string): number {
  const d = parseDouble(arg);
  if (d === null || Number.isNaN(d)) throw replyError(`ERR ${message}`);
  return d;
}

function geoadd(ctx: Ctx, args: Arg[]): Reply {
  let i = 1;
  const flags: Arg[] = [];
  for (; i < args.length; i++) {
    const opt = toText(args[i]).toLowerCase();
    if (opt !== 'nx' && opt !== 'xx' && opt !== 'ch') break;
    flags.push(args[i]);
  }
  const has = (f: string) => flags.some((a) => toText(a).toLowerCase() === f);
  if ((args.length - i) % 3 !== 0 || (has('nx') && has('xx'))) throw replyError(ERR.syntax);
  const pairs: Arg[] = [];
  for (; i < args.length; i += 3) {
    const [x, y] = lonLatArgs(args[i], args[i + 1]);
    pairs.push(String(scoreOf(x, y)), args[i + 2]);
  }
  return sortedSets.commands.zadd(ctx, [args[0], ...flags, ...pairs]);
}

function memberPoint(z: Map<string, ZMember> | undefined, member: string): [number, number] | null {
  const m = z?.get(member);
  return m ? pointOf(m.score) : null;
}

type Shape =
  | { kind: 'radius'; xy: [number, number]; conversion: number; radius: number }
  | { kind: 'box'; xy: [number, number]; conversion: number; width: number; height: number };

function boundingBox(shape: Shape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = height / EARTH_RADIUS / D_R;
  const longDeltaTop = width / EARTH_RADIUS / Math.cos((latitude + latDelta) * D_R) / D_R;
  const longDeltaBottom = width / EARTH_RADIUS / Math.cos((latitude - latDelta) * D_R) / D_R;
  const south = latitude < 0;
  return [
    south ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    south ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

function stepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(Math.max(step, 1), 26);
}

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;

function move(hash: Hash, d: number, alongX: boolean): Hash {
  if (d === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  let x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  if (alongX) {
    const zz = EVEN >> shift;
    if (d > 0) x = x + (zz + 1n);
    else x = (x | zz) - (zz + 1n);
    x &= ODD >> shift;
  } else {
    const zz = ODD >> shift;
    if (d > 0) y = y + (zz + 1n);
    else y = (y | zz) - (zz + 1n);
    y &= EVEN >> shift;
  }
  return { bits: (x | y) & 0xffffffffffffffffn, step: hash.step };
}

const neighbour = (h: Hash, dx: number, dy: number) => move(move(h, dx, true), dy, false);

/** geohashCalculateAreasByShapeWGS84 + the box list of membersOfAllNeighbors, in its order. */
function searchBoxes(shape: Shape): (Hash | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  const radiusMeters =
    (shape.kind === 'radius'
      ? shape.radius
      : Math.sqrt((shape.width / 2) ** 2 + (shape.height / 2) ** 2)) * shape.conversion;
  let steps = stepsByRadius(radiusMeters, latitude);
  let hash = encode(WGS_LONG, WGS_LAT, longitude, latitude, steps);
  const around = (h: Hash) => ({
    north: neighbour(h, 0, 1),
    south: neighbour(h, 0, -1),
    east: neighbour(h, 1, 0),
    west: neighbour(h, -1, 0),
    northEast: neighbour(h, 1, 1),
    northWest: neighbour(h, -1, 1),
    southEast: neighbour(h, 1, -1),
    southWest: neighbour(h, -1, -1),
  });
  let n = around(hash);
  let area = decode(hash);
  const decrease =
    decode(n.north).latitude.max < maxLat ||
    decode(n.south).latitude.min > minLat ||
    decode(n.east).longitude.max < maxLon ||
    decode(n.west).longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(WGS_LONG, WGS_LAT, longitude, latitude, steps);
    n = around(hash);
    area = decode(hash);
  }
  const boxes: Record<string, Hash | null> = { ...n };
  if (steps >= 2) {
    const zero = (...names: string[]) => names.forEach((k) => (boxes[k] = null));
    if (area.latitude.min < minLat) zero('south', 'southWest', 'southEast');
    if (area.latitude.max > maxLat) zero('north', 'northEast', 'northWest');
    if (area.longitude.min < minLon) zero('west', 'southWest', 'northWest');
    if (area.longitude.max > maxLon) zero('east', 'southEast', 'northEast');
  }
  return [
    hash,
    boxes.north,
    boxes.south,
    boxes.east,
    boxes.west,
    boxes.northEast,
    boxes.northWest,
    boxes.southEast,
    boxes.southWest,
  ];
}

interface GeoPoint {
  member: string;
  score: number;
  dist: number;
  xy: [number, number];
}

function within(shape: Shape, score: number): GeoPoint | null {
  const xy = pointOf(score);
  const [x1, y1] = shape.xy;
  if (shape.kind === 'radius') {
    const d = distance(x1, y1, xy[0], xy[1]);
    return d > shape.radius * shape.conversion ? null : { member: '', score, dist: d, xy };
  }
  const width = shape.width * shape.conversion;
  const height = shape.height * shape.conversion;
  if (latDistance(xy[1], y1) > height / 2) return null;
  if (distance(xy[0], xy[1], x1, xy[1]) > width / 2) return null;
  return { member: '', score, dist: distance(x1, y1, xy[0], xy[1]), xy };
}

function search(z: Map<string, ZMember>, shape: Shape, limit: number): GeoPoint[] {
  const members = sorted(z);
  const found: GeoPoint[] = [];
  const boxes = searchBoxes(shape);
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i];
    // GZERO'd boxes (bits 0, step 0) are skipped.
    if (box === null || (box.bits === 0n && box.step === 0)) continue;
    const prev = boxes[last];
    if (last && prev && box.bits === prev.bits && box.step === prev.step) continue;
    if (found.length && limit && found.length >= limit) break;
    const shift = BigInt(52 - box.step * 2);
    const min = Number(box.bits << shift);
    const max = Number((box.bits + 1n) << shift);
    for (const m of members) {
      if (m.score < min || m.score >= max) continue;
      const hit = within(shape, m.score);
      if (hit) found.push({ ...hit, member: m.value });
      if (found.length && limit && found.length >= limit) break;
    }
    last = i;
  }
  return found;
}

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

/**
 * georadiusGeneric from geo.c; `args` start after the command name. Redis's FROMMEMBER/BYRADIUS
 * errors quote the command name as the client typed it; handlers do not see it, so `name` is the
 * upper-case spelling redis-cli users type.
 */
function georadiusGeneric(ctx: Ctx, args: Arg[], flags: number, name: string): Reply {
  const srcIndex = flags & GEOSEARCHSTORE ? 1 : 0;
  let store: string | null = flags & GEOSEARCHSTORE ? keyOf(args[0]) : null;
  let storedist = false;
  const z = getZset(ctx, keyOf(args[srcIndex]));
  let base: number;
  let xy: [number, number] = [0, 0];
  let conversion = 1;
  let radius = 0;
  let width = 0;
  let height = 0;
  let kind: 'radius' | 'box' = 'radius';
  const distanceArgs = (at: number) => {
    radius = positiveDistance(args[at], 'need numeric radius');
    if (radius < 0) throw replyError('ERR radius cannot be negative');
    conversion = unitArg(args[at + 1]);
  };
  if (flags & RADIUS_COORDS) {
    base = 5;
    xy = lonLatArgs(args[1], args[2]);
    distanceArgs(3);
  } else if (flags & RADIUS_MEMBER) {
    base = 4;
    if (z !== undefined) {
      const p = memberPoint(z, toText(args[1]));
      if (!p) throw replyError('ERR could not decode requested zset member');
      xy = p;
      distanceArgs(2);
    }
  } else base = flags & GEOSEARCHSTORE ? 2 : 1;

  let withdist = false;
  let withhash = false;
  let withcoord = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = args.length - base;
  for (let i = 0; i < remaining; i++) {
    const at = base + i;
    const arg = toText(args[at]).toLowerCase();
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoord = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      count = numArg(args[at + 1]);
      if (count <= 0) throw replyError('ERR COUNT must be > 0');
      i++;
    } else if (
      (arg === 'store' || arg === 'storedist') &&
      i + 1 < remaining &&
      !(flags & NOSTORE) &&
      !(flags & GEOSEARCH)
    ) {
      store = keyOf(args[at + 1]);
      storedist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (z !== undefined) {
        const p = memberPoint(z, toText(args[at + 1]));
        if (!p) throw replyError('ERR could not decode requested zset member');
        xy = p;
      }
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      xy = lonLatArgs(args[at + 1], args[at + 2]);
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      distanceArgs(at + 1);
      kind = 'radius';
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      width = positiveDistance(args[at + 1], 'need numeric width');
      height = positiveDistance(args[at + 2], 'need numeric height');
      if (height < 0 || width < 0) throw replyError('ERR height or width cannot be negative');
      conversion = unitArg(args[at + 3]);
      kind = 'box';
      bybox = true;
      i += 3;
    } else throw replyError(ERR.syntax);
  }
  if (store !== null && (withdist || withhash || withcoord))
    throw replyError(
      `ERR ${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  if (flags & GEOSEARCH && !(frommember || fromloc))
    throw replyError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  if (flags & GEOSEARCH && !(byradius || bybox))
    throw replyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  if (any && !count) throw replyError('ERR the ANY argument requires COUNT argument');
  if (z === undefined) {
    if (store === null) return [];
    remove(ctx, store);
    return 0;
  }
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';
  const shape: Shape =
    kind === 'radius' ? { kind, xy, conversion, radius } : { kind, xy, conversion, width, height };
  const found = search(z, shape, any ? count : 0);
  if (found.length === 0 && store === null) return [];
  if (sort !== 'none') found.sort((a, b) => (sort === 'asc' ? a.dist - b.dist : b.dist - a.dist));
  const returned = found.slice(0, count === 0 ? found.length : count);
  for (const p of returned) p.dist /= conversion;
  if (store === null) {
    const options = +withdist + +withhash + +withcoord;
    return returned.map((p) => {
      if (!options) return p.member;
      const item: Reply[] = [p.member];
      if (withdist) item.push(formatDistance(p.dist));
      if (withhash) item.push(p.score);
      if (withcoord) item.push([humanDouble(p.xy[0]), humanDouble(p.xy[1])]);
      return item;
    });
  }
  if (returned.length === 0) remove(ctx, store);
  else
    replace(
      ctx,
      store,
      new Map(
        returned.map((p) => [p.member, { value: p.member, score: storedist ? p.dist : p.score }]),
      ),
    );
  return returned.length;
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

function geohash(ctx: Ctx, [key, ...members]: Arg[]): Reply {
  const z = getZset(ctx, keyOf(key));
  return members.map((m) => {
    const p = memberPoint(z, toText(m));
    if (!p) return null;
    const hash = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, p[0], p[1], 26);
    let out = '';
    for (let i = 0; i < 11; i++) {
      const idx = i === 10 ? 0 : Number((hash.bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
      out += ALPHABET[idx];
    }
    return out;
  });
}

/** The geo family. */
export const geo: FamilyModule = {
  family: 'geo',
  commands: {
    geoadd,
    geopos: (ctx, [key, ...members]) => {
      const z = getZset(ctx, keyOf(key));
      return members.map((m) => {
        const p = memberPoint(z, toText(m));
        return p ? [humanDouble(p[0]), humanDouble(p[1])] : null;
      });
    },
    geodist: (ctx, args) => {
      if (args.length > 4) throw replyError(ERR.syntax);
      const conversion = args.length === 4 ? unitArg(args[3]) : 1;
      const z = getZset(ctx, keyOf(args[0]));
      const a = memberPoint(z, toText(args[1]));
      const b = memberPoint(z, toText(args[2]));
      if (!a || !b) return null;
      return formatDistance(distance(a[0], a[1], b[0], b[1]) / conversion);
    },
    geohash,
    georadius: (ctx, args) => georadiusGeneric(ctx, args, RADIUS_COORDS, 'GEORADIUS'),
    georadius_ro: (ctx, args) =>
      georadiusGeneric(ctx, args, RADIUS_COORDS | NOSTORE, 'GEORADIUS_RO'),
    georadiusbymember: (ctx, args) =>
      georadiusGeneric(ctx, args, RADIUS_MEMBER, 'GEORADIUSBYMEMBER'),
    georadiusbymember_ro: (ctx, args) =>
      georadiusGeneric(ctx, args, RADIUS_MEMBER | NOSTORE, 'GEORADIUSBYMEMBER_RO'),
    geosearch: (ctx, args) => georadiusGeneric(ctx, args, GEOSEARCH, 'GEOSEARCH'),
    geosearchstore: (ctx, args) =>
      georadiusGeneric(ctx, args, GEOSEARCH | GEOSEARCHSTORE, 'GEOSEARCHSTORE'),
  },
};

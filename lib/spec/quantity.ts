/** Kubernetes quantities: parse to a number so that requests and limits can be compared. */
import { QUANTITY_PATTERN } from './schema/common';

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (!QUANTITY_PATTERN.test(q)) return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(q)!;
  const num = Number(m[1]);
  const suffix = m[2];
  if (suffix in SUFFIX) return num * SUFFIX[suffix];
  if (/^[eE]/.test(suffix)) return num * 10 ** Number(suffix.slice(1));
  return undefined;
}

/** A quantity as the string Kubernetes expects (`4` -> `"4"`). */
export function quantityString(q: string | number): string {
  return typeof q === 'number' ? String(q) : q;
}

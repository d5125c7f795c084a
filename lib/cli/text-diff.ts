/**
 * A unified line diff (the `diff -u` format) for `model-serving diff`: Myers' O((N+M)D) shortest edit
 * script on the lines between the common prefix and suffix. Past MAX_EDITS differences it stops searching
 * and shows the differing middle as one replacement (correct, only less minimal).
 */

type Op = { readonly t: ' ' | '-' | '+'; readonly line: string };

const MAX_EDITS = 2000;

/** The shortest edit script from a to b (Myers 1986, with the trace kept for the backtrack). */
function editScript(a: readonly string[], b: readonly string[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2)); // v[k] for k in [-d-1, d+1], before step d
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, n, m);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const at = (k: number) => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ t: ' ', line: a[--x + 0] }), y--;
    if (d > 0) {
      if (x === prevX) ops.push({ t: '+', line: b[--y] });
      else ops.push({ t: '-', line: a[--x] });
    }
  }
  return ops.reverse();
}

/** The lines of a text (a final newline ends the last line, it does not start an empty one). */
export function lines(text: string): string[] {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Every line of a and b as keep/delete/insert operations. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ma = a.slice(pre, a.length - suf);
  const mb = b.slice(pre, b.length - suf);
  const middle = editScript(ma, mb) ?? [...ma.map((line): Op => ({ t: '-', line })), ...mb.map((line): Op => ({ t: '+', line }))];
  return [
    ...a.slice(0, pre).map((line): Op => ({ t: ' ', line })),
    ...middle,
    ...a.slice(a.length - suf).map((line): Op => ({ t: ' ', line })),
  ];
}

/** `diff -u` output from `from` (named fromName) to `to`; '' when the texts are equal. */
export function unifiedDiff(from: string, to: string, fromName: string, toName: string, context = 3): string {
  if (from === to) return '';
  const ops = diffLines(lines(from), lines(to));
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  // positions (1-based line numbers) of each op in a and b
  let ai = 0;
  let bi = 0;
  const pos = ops.map((o) => {
    const p = { a: ai, b: bi };
    if (o.t !== '+') ai++;
    if (o.t !== '-') bi++;
    return p;
  });
  let i = 0;
  while (i < ops.length) {
    if (ops[i].t === ' ') {
      i++;
      continue;
    }
    // a hunk: from `context` lines before this change to `context` lines after the last change within reach
    const start = Math.max(0, i - context);
    let end = i;
    let last = i;
    while (end < ops.length) {
      if (ops[end].t !== ' ') last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    const stop = Math.min(ops.length, last + context + 1);
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    const aStart = aLen ? pos[start].a + 1 : pos[start].a;
    const bStart = bLen ? pos[start].b + 1 : pos[start].b;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`, ...hunk.map((o) => `${o.t}${o.line}`));
    i = stop;
  }
  return out.join('\n') + '\n';
}

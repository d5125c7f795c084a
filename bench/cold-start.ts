/**
 * Cold-start benchmark: bytes fetched and seconds until "model files present" for each model source, for the first
 * pod on a node, the same pod restarted (its emptyDirs kept, its init containers run again), a replaced pod on that
 * node (a new pod object: new emptyDirs, same node caches) and a second pod on the same node. Run by `npm run bench` through `coldStartSection()` (one child process); alone with
 * `npx tsx bench/cold-start.ts` (prints JSON).
 *
 * - object store: the download init container of a synthesized Triton spec (`repository.uri`, one model served of a
 *   three-model repository) is run EXACTLY as synthesized (its command, arguments and env; each volume's mountPath
 *   replaced by a directory here, which is what the kubelet's bind mount does) with the real rclone, against a local
 *   HTTPS server that serves the generated repository as HTML directory listings (rclone's http backend) and counts
 *   the bytes it sends. RCLONE_NO_CHECK_CERTIFICATE=true is the one addition (the server's certificate is
 *   self-signed). Variants: an emptyDir model store (the default) and an edge hostPath cache.
 * - image volume (simulated): a node content store with the kubelet's IfNotPresent rule; a missing layer is fetched
 *   from the same server (a tar of the model directory), then unpacked once per node.
 * - Hugging Face cache on a PVC (simulated): the files of the served model are fetched into the cache directory
 *   unless present (the cache's skip-if-present behaviour), the PVC shared by the pods.
 * - PVC: the files are on the volume; nothing is fetched at start (the runtime reads at load time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, get } from 'node:https';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseSpecs } from '../lib/spec/load';
import { synthesizeSpecs } from '../lib/synth';

/** Sizes of the generated repository: the spec serves `served` only. */
const MODELS: Record<string, number[]> = { served: [8, 8], other: [16], third: [16] };
const MiB = 1024 * 1024;

export interface ColdStartRow {
  readonly source: string;
  readonly how: string;
  /** [first pod, the same pod restarted, replaced pod, second pod on the node]: bytes fetched and seconds to files present. */
  readonly runs: readonly { readonly bytes: number; readonly seconds: number; readonly listing?: number }[];
  /** Bytes of the model the spec serves. */
  readonly servedBytes: number;
}

/** `sent`: bytes of file bodies (the model); `listed`: bytes of directory listings (metadata). */
interface Server { port: number; sent: () => number; listed: () => number; close: () => Promise<void> }

/** GET from the local server (self-signed certificate). */
function download(url: string): Promise<Buffer> {
  return new Promise((ok, fail) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? ok(Buffer.concat(chunks)) : fail(new Error(`${url}: ${res.statusCode}`))));
    }).on('error', fail);
  });
}

/** A local HTTPS server: directory listings as HTML links (rclone's http backend), files with Last-Modified. */
async function serve(root: string, work: string): Promise<Server> {
  const key = join(work, 'key.pem');
  const cert = join(work, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  let sent = 0;
  let listed = 0;
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const path = join(root, decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404).end(); return; }
    const st = statSync(path);
    // like python's http.server or nginx: a directory without its trailing slash is a redirect (rclone's http
    // backend HEADs the path without following redirects to tell a file from a directory)
    if (st.isDirectory() && !(req.url ?? '/').split('?')[0].endsWith('/')) { res.writeHead(301, { location: `${req.url}/` }).end(); return; }
    if (st.isDirectory()) {
      const links = readdirSync(path).sort().map((n) => `<a href="${n}${statSync(join(path, n)).isDirectory() ? '/' : ''}">${n}</a>`);
      const body = `<html><body>\n${links.join('\n')}\n</body></html>\n`;
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
      if (req.method === 'HEAD') { res.end(); return; }
      listed += Buffer.byteLength(body);
      res.end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': st.size, 'last-modified': st.mtime.toUTCString() });
    if (req.method === 'HEAD') { res.end(); return; }
    sent += st.size;
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: (server.address() as AddressInfo).port, sent: () => sent, listed: () => listed, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Files of a directory tree with their sizes. */
function tree(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), statSync(p).size);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The generated model repository: <model>/<version>/model.onnx of random bytes. */
function makeRepository(root: string): number {
  let served = 0;
  for (const [model, sizes] of Object.entries(MODELS)) {
    sizes.forEach((mib, i) => {
      const dir = join(root, 'repo', model, String(i + 1));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.onnx'), randomBytes(mib * MiB));
      if (model === 'served') served += mib * MiB;
    });
  }
  return served;
}

/** The download init container of a Triton spec reading `uri`, as synthesized. */
function downloadContainer(uri: string, hostPathCache?: string): Record<string, any> {
  const spec = {
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'bench', namespace: 'bench' },
    spec: {
      runtime: 'triton', models: [{ name: 'served', format: 'onnx', versions: [1, 2] }], repository: { uri },
      ...(hostPathCache ? { mode: 'edge', edge: { nodeSelector: { edge: 'true' }, hostPathCache } } : {}),
    },
  };
  const [loaded] = parseSpecs(JSON.stringify(spec), 'bench.yaml');
  const objs = synthesizeSpecs([loaded.document])[0].objects;
  const workload = objs.find((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')!;
  return workload.spec.template.spec.initContainers.find((c: any) => c.name === 'download-models');
}

/** Runs a container's command as synthesized, each mountPath mapped to a directory here. */
async function runContainer(c: Record<string, any>, mounts: Record<string, string>): Promise<number> {
  const map = (s: string) => {
    for (const m of c.volumeMounts) if (s === m.mountPath || s.startsWith(`${m.mountPath}/`)) return mounts[m.name] + s.slice(m.mountPath.length);
    return s;
  };
  const argv = [...c.command, ...c.args].map(map);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', RCLONE_NO_CHECK_CERTIFICATE: 'true' };
  for (const e of c.env ?? []) env[e.name] = map(e.value);
  const t0 = process.hrtime.bigint();
  await new Promise<void>((ok, fail) => {
    const p = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`download container exited ${code}: ${err.slice(-2000)}`))));
  });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Three pods on one node: each gets fresh per-pod dirs; `shared` dirs are the node's (hostPath). */
async function objectStore(server: Server, work: string, served: number, cache: boolean): Promise<ColdStartRow> {
  const uri = `https://127.0.0.1:${server.port}/repo/`;
  const nodeCache = join(work, cache ? 'node-cache' : 'unused');
  mkdirSync(nodeCache, { recursive: true });
  const c = downloadContainer(uri, cache ? '/var/cache/models' : undefined);
  const runs = [];
  // a restarted pod keeps its emptyDirs (they live as long as the pod) and runs its init containers again
  for (const pod of ['first', 'restarted', 'replaced', 'second']) {
    const podDir = join(work, `os-${cache ? 'cache' : 'empty'}-${pod === 'restarted' ? 'first' : pod}`);
    const store = cache ? nodeCache : join(podDir, 'model-store');
    mkdirSync(store, { recursive: true });
    mkdirSync(join(podDir, 'tmp'), { recursive: true });
    const before = server.sent();
    const listedBefore = server.listed();
    const seconds = await runContainer(c, { 'model-store': store, tmp: join(podDir, 'tmp') });
    const got = tree(store);
    if (![...got.keys()].some((k) => k.startsWith('served/'))) throw new Error(`the served model is missing after the download (store has: ${[...got.keys()].join(', ') || 'nothing'})`);
    runs.push({ bytes: server.sent() - before, listing: server.listed() - listedBefore, seconds });
  }
  return {
    source: cache ? 'object store, edge hostPath cache' : 'object store (emptyDir)',
    how: 'real rclone, the synthesized download container\'s command, local HTTPS server',
    runs, servedBytes: served,
  };
}

/** Image volume, simulated: fetch the layer into the node's content store unless present (IfNotPresent), unpack once. */
async function imageVolume(server: Server, root: string, work: string, served: number): Promise<ColdStartRow> {
  const layer = join(root, 'blobs', 'layer.tar');
  mkdirSync(join(root, 'blobs'), { recursive: true });
  const t = spawnSync('tar', ['-cf', layer, '-C', join(root, 'repo'), 'served']);
  if (t.status !== 0) throw new Error('tar failed');
  const digest = createHash('sha256').update(readFileSync(layer)).digest('hex');
  const store = join(work, 'node-content-store');
  const snapshot = join(work, 'node-snapshots', digest);
  mkdirSync(store, { recursive: true });
  const runs = [];
  for (let i = 0; i < 4; i++) {
    const before = server.sent();
    const t0 = process.hrtime.bigint();
    const blob = join(store, digest);
    if (!existsSync(blob)) {
      writeFileSync(blob, await download(`https://127.0.0.1:${server.port}/blobs/layer.tar`));
    }
    if (!existsSync(snapshot)) {
      mkdirSync(snapshot, { recursive: true });
      if (spawnSync('tar', ['-xf', blob, '-C', snapshot]).status !== 0) throw new Error('untar failed');
    }
    if (!tree(snapshot).size) throw new Error('no files in the image volume');
    runs.push({ bytes: server.sent() - before, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
  }
  return { source: 'image volume (IfNotPresent)', how: 'simulated node content store; the layer fetched over the same HTTPS server', runs, servedBytes: served };
}

/** Hugging Face cache on a shared PVC, simulated: each file fetched into the cache unless present. */
async function hfCache(server: Server, root: string, work: string, served: number): Promise<ColdStartRow> {
  const cache = join(work, 'hf-cache-pvc');
  const files = [...tree(join(root, 'repo', 'served')).keys()];
  const runs = [];
  for (let i = 0; i < 4; i++) {
    const before = server.sent();
    const t0 = process.hrtime.bigint();
    for (const f of files) {
      const dest = join(cache, f);
      if (existsSync(dest)) continue;
      const body = await download(`https://127.0.0.1:${server.port}/repo/served/${f}`);
      mkdirSync(join(dest, '..'), { recursive: true });
      writeFileSync(dest, body);
    }
    runs.push({ bytes: server.sent() - before, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
  }
  return { source: 'Hugging Face cache on a PVC', how: 'simulated: fetch a file unless the shared cache has it', runs, servedBytes: served };
}

export async function measureColdStart(): Promise<ColdStartRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'cold-start-'));
  const root = join(work, 'origin');
  try {
    const served = makeRepository(root);
    const server = await serve(root, work);
    try {
      const pvc = join(root, 'repo');
      const rows: ColdStartRow[] = [{
        source: 'PVC (existing claim)', how: 'the files are on the volume at start; nothing is fetched before the server loads',
        runs: [0, 1, 2, 3].map(() => { const t0 = process.hrtime.bigint(); if (!tree(join(pvc, 'served')).size) throw new Error('no model'); return { bytes: 0, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }; }),
        servedBytes: served,
      }];
      rows.push(await objectStore(server, work, served, false));
      rows.push(await objectStore(server, work, served, true));
      rows.push(await imageVolume(server, root, work, served));
      rows.push(await hfCache(server, root, work, served));
      return rows;
    } finally {
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mib = (b: number) => (b / MiB).toFixed(1);

/** The markdown section of bench/results.md, measured in a child process. */
export function coldStartSection(): string {
  process.stderr.write('cold start: model sources (rclone against a local HTTPS server) ...\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'cold-start.ts')], { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0) return ['## Cold start by model source', '', `Not measured: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`, ''].join('\n');
  const rows = JSON.parse(r.stdout) as ColdStartRow[];
  const lines = [
    '## Cold start by model source',
    '',
    `Repository of ${Object.keys(MODELS).length} models (${mib(Object.values(MODELS).flat().reduce((a, b) => a + b, 0) * MiB)} MiB); the spec serves one (${mib(rows[0].servedBytes)} MiB). ` +
      'Model bytes fetched before the model files are present / seconds, on one machine against a local server, so the seconds measure the ' +
      'tools, not a network (docs/SCALE_OUT.md#cold-starts, bench/cold-start.ts):',
    '',
    '| source | first pod on a node | the same pod restarted | replaced pod, same node | second pod, same node | only served models fetched | second pod fetches 0 | how measured |',
    '|---|---:|---:|---:|---:|:--:|:--:|---|',
  ];
  for (const x of rows) {
    const cell = (i: number) => `${mib(x.runs[i].bytes)} MiB / ${x.runs[i].seconds.toFixed(2)} s${x.runs[i].listing ? ` (+${x.runs[i].listing} B of listings)` : ''}`;
    const onlyServed = x.runs[0].bytes === 0 ? '-' : x.runs[0].bytes <= x.servedBytes * 1.01 ? 'yes' : `NO (${mib(x.runs[0].bytes)} of ${mib(x.servedBytes)} MiB)`;
    lines.push(`| ${x.source} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${cell(3)} | ${onlyServed} | ${x.runs[3].bytes === 0 ? 'yes' : 'NO'} | ${x.how} |`);
  }
  lines.push('');
  return lines.join('\n');
}

if (require.main === module) {
  measureColdStart().then((rows) => process.stdout.write(JSON.stringify(rows))).catch((e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exit(1); });
}

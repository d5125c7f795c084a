/**
 * TensorRT plans built with trtexec before Triton serves them (spec.models[].build.tensorrt,
 * docs/RUNTIMES.md#tensorrt-engine-builds). A plan runs only on the GPU architecture and the TensorRT version that
 * built it, so:
 * - the build image is NGC's `nvcr.io/nvidia/tensorrt:<YY.MM>-py3` of the serving image's release (Triton's own
 *   model generation does the same: server `qa/common/gen_qa_model_repository`, v2.71.0,
 *   `TENSORRT_IMAGE=nvcr.io/nvidia/tensorrt:$TRITON_VERSION-py3`), trtexec found on the PATH as NVIDIA runs it in
 *   that image (NVIDIA/TensorRT `quickstart/deploy_to_triton/README.md`), else in the TensorRT install directory
 *   `/usr/src/tensorrt/bin/trtexec` (the NGC containers' `/usr/src/tensorrt`: NVIDIA/TensorRT `samples/README.md`;
 *   Triton's `qa/L0_perf_resnet/test.sh` calls this path);
 * - the Job runs on the pods' GPU product, and the plan file name carries a hash of everything it depends on
 *   (`model.<key>.plan`), which the assembled repository links as the version's `model.plan`.
 * trtexec flags (NVIDIA/TensorRT `samples/common/sampleOptions.cpp`): --onnx, --saveEngine, --minShapes/--optShapes/
 * --maxShapes `name:AxBxC,...`; --fp16, --int8 and --calib exist up to TensorRT 10.x and are gone in 11.0, where
 * networks are always strongly typed (v11.1 `.agents/skills/trt-strong-typing-migration/SKILL.md`; an unknown
 * option makes trtexec exit with "Unknown option", `samples/trtexec/trtexec.cpp`). Triton 26.06 is the first
 * release built with TensorRT 11 (server d898a0fe6 and onnxruntime_backend r26.06 "prepare ... for 26.06 (TRT 11 ...)").
 */
import { createHash } from 'node:crypto';
import type { ModelServingSpec, ModelSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { imageRepoName, imageTag } from '../spec/image';
import { BUILD_KEY_LABEL, BUILD_MODEL_LABEL, ENGINE_BUILD_COMPONENT, EngineBuild, PATHS, RuntimeContext } from './types';

export const TRTEXEC = '/usr/src/tensorrt/bin/trtexec';
/** The first NGC release (tritonserver and tensorrt images) with TensorRT 11: no --fp16/--int8/--calib. */
export const FIRST_TENSORRT_11_RELEASE = '26.06';
export const DEFAULT_BUILD_TIMEOUT_SECONDS = 3600;
/** Exit codes of the build script for failures a retry cannot fix (the Job fails at once). */
export const BUILD_EXIT_NO_TRTEXEC = 2;
export const BUILD_EXIT_FAILED = 3;
/** Seconds between two checks of the wait step. */
const WAIT_PERIOD_SECONDS = 10;

type TrtBuild = NonNullable<ModelSpec['build']>['tensorrt'];

/** `YY.MM` and the variant suffix of an NGC `<YY.MM>-py3[-igpu]` tag. */
function ngcRelease(image: string, repo: string): { release: string; suffix: string } | undefined {
  if (imageRepoName(image) !== repo) return undefined;
  const m = /^(\d{2}\.\d{2})-py3(-igpu)?$/.exec(imageTag(image) ?? '');
  return m ? { release: m[1], suffix: m[2] ?? '' } : undefined;
}

/** The TensorRT image of the serving image's release, or undefined when the tag names none (custom image, digest, variant). */
export function tensorrtImageFor(servingImage: string): string | undefined {
  const r = ngcRelease(servingImage, 'tritonserver');
  return r ? `nvcr.io/nvidia/tensorrt:${r.release}-py3${r.suffix}` : undefined;
}

/** The NGC release of a tensorrt image, when its tag names one. */
export function tensorrtRelease(image: string): string | undefined {
  return ngcRelease(image, 'tensorrt')?.release;
}

/** Whether a release's TensorRT builds strongly typed networks only (no precision flags). */
export function stronglyTypedOnly(release: string): boolean {
  return release >= FIRST_TENSORRT_11_RELEASE;
}

/** The build image of a model for a serving image (explicit, or derived). */
export function buildImage(b: TrtBuild, servingImage: string): string | undefined {
  return b.image ?? tensorrtImageFor(servingImage);
}

const shapeSpec = (shapes: Record<string, number[]>) => Object.entries(shapes).map(([n, s]) => `${n}:${s.join('x')}`).join(',');

/** trtexec flags besides --onnx and --saveEngine. */
export function trtexecFlags(b: TrtBuild, versionDir: string): string[] {
  return [
    ...(b.precision === 'FP16' ? ['--fp16'] : []),
    ...(b.precision === 'INT8' ? ['--int8', `--calib=${versionDir}/${b.calibrationCache}`] : []),
    ...(b.minShapes ? [`--minShapes=${shapeSpec(b.minShapes)}`, `--optShapes=${shapeSpec(b.optShapes!)}`, `--maxShapes=${shapeSpec(b.maxShapes!)}`] : []),
  ];
}

/** A hash of everything a plan depends on: a change makes a new plan file, a new Job, and rolls the pods. */
export function engineKey(m: ModelSpec, image: string, product: string | undefined): string {
  const b = m.build!.tensorrt;
  const input = JSON.stringify([b.onnx ?? 'model.onnx', b.precision ?? 'FP32', b.calibrationCache ?? null, b.minShapes ?? null, b.optShapes ?? null, b.maxShapes ?? null, image, product ?? null]);
  return createHash('sha256').update(input).digest('hex').slice(0, 12);
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Seconds between two heartbeats of a build's lock, and without one after which a waiting build takes the lock over. */
export const LOCK_HEARTBEAT_SECONDS = 30;
export const LOCK_STALE_SECONDS = 300;

/** A label selector of the build Jobs' pods of one model and plan key (the wait step's messages name it). */
export function buildSelector(model: string, key: string): string {
  return `app.kubernetes.io/component=${ENGINE_BUILD_COMPONENT},${BUILD_MODEL_LABEL}=${model},${BUILD_KEY_LABEL}=${key}`;
}

/**
 * The build: per version, trtexec writes the plan under a temporary name that no other pod uses (the pod's name from
 * POD_NAME, and the shell's pid), and a rename publishes it whole. Two pods may build the same plan file at once (two
 * rollout tracks on one repository, a Job retried while its lost pod still holds the files): a lock directory
 * (`mkdir` is atomic, NFS included) lets one build while the others wait and then find the plan up to date. The
 * holder touches the lock every LOCK_HEARTBEAT_SECONDS; a waiter that sees no heartbeat for LOCK_STALE_SECONDS
 * (the holder's pod is gone) takes the lock over. BUILD_LOCK_* variables shorten these times for tests.
 */
function buildScript(m: ModelSpec, plan: string): string {
  const b = m.build!.tensorrt;
  const onnx = b.onnx ?? 'model.onnx';
  const flags = trtexecFlags(b, '$dir').map((f) => (f.startsWith('--calib=') ? `"${f}"` : q(f))).join(' ');
  return [
    'set -eu',
    `model_dir=${q(`${PATHS.modelStore}/${m.path ?? m.name}`)}`,
    `plan=${q(plan)}`,
    `onnx=${q(onnx)}`,
    // NVIDIA's own instructions for the tensorrt image run trtexec by name; the install directory is the fallback
    'trtexec="$(command -v trtexec || true)"',
    `[ -n "$trtexec" ] || [ ! -x ${TRTEXEC} ] || trtexec=${TRTEXEC}`,
    `[ -n "$trtexec" ] || { echo "no trtexec in this image (not on the PATH, nor ${TRTEXEC})" >&2; exit ${BUILD_EXIT_NO_TRTEXEC}; }`,
    'me="${POD_NAME:-${HOSTNAME:-pod}}.$$"',
    `heartbeat="\${BUILD_LOCK_HEARTBEAT_SECONDS:-${LOCK_HEARTBEAT_SECONDS}}"; stale="\${BUILD_LOCK_STALE_SECONDS:-${LOCK_STALE_SECONDS}}"; poll="\${BUILD_LOCK_POLL_SECONDS:-5}"`,
    'lock=""; beat=""',
    'release() { if [ -n "$beat" ]; then kill "$beat" 2>/dev/null || true; beat=""; fi; if [ -n "$lock" ]; then rm -rf "$lock"; lock=""; fi; }',
    'trap release EXIT',
    "trap 'exit 143' TERM INT",
    'acquire() {',
    '  seen=""; since="$(date +%s)"',
    '  until mkdir "$1" 2>/dev/null; do',
    '    beat_at="$(stat -c %Y "$1" 2>/dev/null || echo gone)"',
    '    if [ "$beat_at" != "$seen" ]; then',
    '      seen="$beat_at"; since="$(date +%s)"',
    '      echo "version $v: waiting for $(cat "$1/owner" 2>/dev/null || echo another pod), which builds $plan"',
    '    elif [ $(( $(date +%s) - since )) -ge "$stale" ]; then',
    '      echo "version $v: no heartbeat from $(cat "$1/owner" 2>/dev/null || echo the lock holder) for ${stale}s: taking its lock over"',
    '      mv "$1" "$1.stale.$me" 2>/dev/null && rm -rf "$1.stale.$me" || true',
    '      continue',
    '    fi',
    '    sleep "$poll"',
    '  done',
    '  lock="$1"; echo "$me" > "$lock/owner"',
    '  ( while :; do sleep "$heartbeat"; touch "$1"; done ) >/dev/null 2>&1 &',
    '  beat=$!',
    '}',
    `up_to_date() { [ -f "$dir/$plan" ] && [ "$(cat "$dir/$plan.source" 2>/dev/null)" = "$(stat -c '%s %Y' "$src")" ]; }`,
    'for v in "$@"; do',
    '  dir="$model_dir/$v"; src="$dir/$onnx"',
    // the reason goes to the wait step when the version directory exists; a missing directory (which the wait step
    // reports itself) or a failed write must not turn exit 3 (FailJob) into set -e's exit 1 (a retry on a GPU)
    `  [ -f "$src" ] || { echo "ONNX file $src not found" >&2; { [ -d "$dir" ] && echo "ONNX file $src not found" > "$dir/$plan.failed"; } 2>/dev/null || true; exit ${BUILD_EXIT_FAILED}; }`,
    '  if up_to_date; then echo "version $v: $plan is up to date"; continue; fi',
    '  acquire "$dir/.$plan.lock"',
    // another pod may have built it while this one waited
    '  if up_to_date; then echo "version $v: $plan is up to date"; release; continue; fi',
    `  source_id="$(stat -c '%s %Y' "$src")"`,
    '  rm -f "$dir/$plan" "$dir/$plan.source" "$dir/$plan.failed"',
    '  tmp="$dir/.$plan.$me"',
    '  echo "version $v: building $plan from $src"',
    '  log="/tmp/trtexec-$v.log"; rm -f "$log.rc"',
    `  ( set +e; "$trtexec" --onnx="$src" --saveEngine="$tmp" ${flags}; echo $? > "$log.rc" ) 2>&1 | tee "$log"`,
    '  rc="$(cat "$log.rc" 2>/dev/null || echo unknown)"',
    '  if [ "$rc" != 0 ]; then',
    '    rm -f "$tmp"',
    '    { echo "trtexec exited with $rc in pod ${POD_NAME:-$me}:"; tail -n 20 "$log"; } > "$dir/$plan.failed"',
    `    echo "version $v: trtexec exited with $rc" >&2; exit ${BUILD_EXIT_FAILED}`,
    '  fi',
    // the source id first, then the plan: a plan that exists always has its source id
    '  echo "$source_id" > "$dir/.$plan.source.$me" && mv "$dir/.$plan.source.$me" "$dir/$plan.source"',
    '  mv "$tmp" "$dir/$plan"',
    '  release',
    '  echo "version $v: $plan built"',
    'done',
  ].join('\n');
}

/** The builds of one track (one per model with build.tensorrt). */
export function tritonEngineBuilds(ctx: RuntimeContext): EngineBuild[] {
  const product = ctx.spec.resources?.gpu?.product;
  return ctx.models.filter((m) => m.build?.tensorrt).map((m) => {
    const image = buildImage(m.build!.tensorrt, ctx.image)!;
    const key = engineKey(m, image, product);
    const planFile = `model.${key}.plan`;
    const versions = m.versions ?? [];
    return {
      model: m.name,
      image,
      key,
      planFile,
      versions,
      command: ['sh', '-c', buildScript(m, planFile), 'build-engine', ...versions.map(String)],
      timeoutSeconds: m.build!.tensorrt.timeoutSeconds ?? DEFAULT_BUILD_TIMEOUT_SECONDS,
    };
  });
}

/** Shell for the busybox step that holds the pod until every plan of the track exists, or fails with the reason. */
export function waitForEnginesScript(ctx: RuntimeContext): string | undefined {
  const builds = tritonEngineBuilds(ctx);
  if (!builds.length) return undefined;
  const timeout = Math.max(...builds.map((b) => b.timeoutSeconds)) + 300;
  const gpu = ctx.spec.resources?.gpu;
  const lines = [
    'set -eu',
    `deadline=$(( $(date +%s) + ${timeout} ))`,
    'state=""',
    'ready() {',
  ];
  for (const b of builds) {
    const m = ctx.models.find((x) => x.name === b.model)!;
    const dir = `${PATHS.modelStore}/${m.path ?? m.name}`;
    const onnx = m.build!.tensorrt.onnx ?? 'model.onnx';
    lines.push(
      `  for v in ${b.versions.join(' ')}; do`,
      `    d=${q(dir)}/$v; p="$d/${b.planFile}"`,
      `    if [ -f "$p.failed" ]; then echo "model ${b.model} version $v: the TensorRT build failed (kubectl logs -l ${buildSelector(b.model, b.key)}):" >&2; cat "$p.failed" >&2; exit 1; fi`,
      `    [ -f "$d/${onnx}" ] || { echo "model ${b.model} version $v: $d/${onnx} not found in the model repository" >&2; exit 1; }`,
      // while no plan exists: who builds it (the build script's lock), or that no build has started
      '    if [ ! -f "$p" ]; then',
      `      if [ -d "$d/.${b.planFile}.lock" ]; then state="model ${b.model} version $v: ${b.planFile} is being built by $(cat "$d/.${b.planFile}.lock/owner" 2>/dev/null || echo a build pod)"; else state="model ${b.model} version $v: no build of ${b.planFile} is running yet (Job with labels ${buildSelector(b.model, b.key)}). If its pod stays Pending for want of a GPU, the serving pods waiting here hold the ${gpu?.resourceName ?? 'nvidia.com/gpu'} of ${gpu?.product ?? 'this product'} it needs: free one GPU (a spare one, a node autoscaler, or one serving pod fewer until the build has started)"; fi`,
      '      return 1',
      '    fi',
      `    if [ "$(stat -c '%s %Y' "$d/${onnx}")" != "$(cat "$p.source")" ]; then echo "model ${b.model} version $v: ${onnx} changed after ${b.planFile} was built; delete the build Job (kubectl delete job -l ${buildSelector(b.model, b.key)}) and apply the manifests again to rebuild the plan, or put the new model in a new version" >&2; exit 1; fi`,
      '  done',
    );
  }
  lines.push(
    '  return 0',
    '}',
    'until ready; do',
    `  [ "$(date +%s)" -lt "$deadline" ] || { echo "no TensorRT plan after ${timeout}s: see kubectl logs -l ${builds.map((b) => buildSelector(b.model, b.key)).join(' and -l ')}" >&2; exit 1; }`,
    '  echo "waiting for the TensorRT build: $state"',
    `  sleep ${WAIT_PERIOD_SECONDS}`,
    'done',
    `echo "TensorRT plans ready: ${builds.map((b) => `${b.model} ${b.planFile}`).join(', ')}"`,
  );
  return lines.join('\n');
}

/** Lines of the assemble step that link a built plan as each version's model.plan. */
export function linkEngineLines(ctx: RuntimeContext, m: ModelSpec): string[] {
  const b = tritonEngineBuilds({ ...ctx, models: [m] })[0];
  const src = `${PATHS.modelStore}/${m.path ?? m.name}`;
  return (m.versions ?? []).flatMap((v) => [
    `mkdir -p "${PATHS.repository}/${m.name}/${v}"`,
    `ln -sf "${src}/${v}/${b.planFile}" "${PATHS.repository}/${m.name}/${v}/model.plan"`,
  ]);
}

/** Rules that depend on the serving image: the build image and the precision its TensorRT supports. */
export function engineBuildIssues(spec: ModelServingSpec, servingImage: string, where = 'spec.image'): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.models.forEach((m, i) => {
    const b = m.build?.tensorrt;
    if (!b) return;
    const p = `spec.models[${i}].build.tensorrt`;
    const derived = tensorrtImageFor(servingImage);
    if (!b.image && !derived) {
      issues.push({ path: `${p}.image`, message: `is required: the TensorRT release cannot be read from ${where} (${servingImage}); set the nvcr.io/nvidia/tensorrt:<YY.MM>-py3 image of the same release` });
      return;
    }
    const servingRelease = ngcRelease(servingImage, 'tritonserver')?.release;
    const buildRelease = b.image ? tensorrtRelease(b.image) : servingRelease;
    if (b.image && servingRelease && buildRelease && buildRelease !== servingRelease) {
      issues.push({ path: `${p}.image`, message: `TensorRT ${buildRelease} would build a plan that the ${servingRelease} server (${where}) cannot load: use nvcr.io/nvidia/tensorrt:${servingRelease}-py3` });
    }
    if (buildRelease && stronglyTypedOnly(buildRelease) && (b.precision === 'FP16' || b.precision === 'INT8')) {
      issues.push({ path: `${p}.precision`, message: `${b.precision} needs trtexec --${b.precision.toLowerCase()}, which TensorRT 11 (release ${buildRelease}, ${FIRST_TENSORRT_11_RELEASE} and later) no longer has: its networks are strongly typed, so export the ONNX in ${b.precision === 'FP16' ? 'FP16' : 'INT8 with Q/DQ nodes'} and leave precision out (or serve with a release older than ${FIRST_TENSORRT_11_RELEASE})` });
    }
  });
  return issues;
}

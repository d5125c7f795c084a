/**
 * THE image table: the default image of every runtime, the upstream release it is, where that release is
 * evidenced, its CUDA version and what that means for drivers and GPUs, and the tag to pin for older drivers.
 * Runtimes read their defaults from here; docs/RUNTIMES.md shows the same table (a test compares them).
 *
 * CUDA rules used throughout (NVIDIA "CUDA Compatibility", docs.nvidia.com/deploy/cuda-compatibility,
 * minor-version compatibility table; CUDA Toolkit 13.0 release notes, "Deprecated Architectures"):
 * - a CUDA 13.x build runs on driver 580 or newer; a CUDA 12.x build on 525 or newer;
 * - CUDA 13 removed Maxwell, Pascal and Volta (compute capability below 7.5); CUDA 12 supports 5.0 and up.
 */
import type { RuntimeName } from '../spec/schema/spec';

/** What a CUDA major version demands of the node. */
export interface CudaMajorFacts {
  /** Lowest driver branch that runs a build of this CUDA major (minor-version compatibility). */
  readonly minDriver: number;
  /** Lowest compute capability the toolkit's libraries support. */
  readonly minComputeCapability: number;
}

export const CUDA_MAJORS: Readonly<Record<12 | 13, CudaMajorFacts>> = {
  12: { minDriver: 525, minComputeCapability: 5.0 },
  13: { minDriver: 580, minComputeCapability: 7.5 },
};

/** The GPU side of one image: its CUDA build and the oldest GPU generation it runs on. */
export interface ImageCuda {
  /** CUDA toolkit version the image is built with. */
  readonly version: string;
  readonly major: 12 | 13;
  /**
   * Lowest NVIDIA driver branch: the release's own statement where it makes one (an NGC image names the driver of
   * its CUDA toolkit), else the CUDA major's minor-version-compatibility floor (CUDA_MAJORS[major].minDriver).
   */
  readonly minDriver: number;
  /** How the image runs on drivers below minDriver, where it can (shown next to the driver in the table). */
  readonly olderDriverNote?: string;
  /**
   * Lowest compute capability the image runs on: the CUDA major's floor, raised where the runtime's own
   * build or documentation demands more.
   */
  readonly minComputeCapability: number;
  /** Where the CUDA version and the compute capability floor were read. */
  readonly source: string;
}

/** One default image of a runtime. */
export interface DefaultImage {
  readonly image: string;
  /** Present for GPU images. */
  readonly cuda?: ImageCuda;
}

/** A runtime's row of the table. */
export interface RuntimeImageRow {
  readonly runtime: RuntimeName;
  /** The upstream release the default images are. */
  readonly release: string;
  /** Where the release (tag) is evidenced upstream. */
  readonly source: string;
  /** The image with a GPU. */
  readonly gpu: DefaultImage;
  /** The image without a GPU (the same image when the runtime ships one build; absent when it has no CPU default). */
  readonly cpu?: DefaultImage;
  /** The image to pin on nodes whose driver is older than the default's CUDA major needs. */
  readonly olderDrivers?: DefaultImage & { readonly note: string };
}

const cuda = (version: string, minComputeCapability: number | undefined, source: string, driver?: { min: number; note: string }): ImageCuda => {
  const major = Number(version.split('.')[0]) as 12 | 13;
  return {
    version, major, minDriver: driver?.min ?? CUDA_MAJORS[major].minDriver,
    ...(driver ? { olderDriverNote: driver.note } : {}),
    minComputeCapability: minComputeCapability ?? CUDA_MAJORS[major].minComputeCapability, source,
  };
};

const TRITON = 'nvcr.io/nvidia/tritonserver';

export const IMAGE_TABLE: readonly RuntimeImageRow[] = [
  {
    runtime: 'triton',
    release: 'Triton 2.71.0 (NGC 26.07)',
    source: 'triton-inference-server/server tag v2.71.0 (2026-07-24): TRITON_VERSION 2.71.0, build.py "triton_container_version": "26.07", README.md runs nvcr.io/nvidia/tritonserver:26.07-py3',
    gpu: {
      image: `${TRITON}:26.07-py3`,
      cuda: cuda('13.3', undefined, 'server v2.71.0 build.py (libcudart.so.13, libcublasLt.so.13; the CUDA forward-compatibility libraries wired into the image, "Extra defensive wiring for CUDA Compat lib"); docs/introduction/compatibility.md, 26.07 row of the vllm-python-py3 table (the file lists no plain -py3 table): CUDA 13.3.0, CUDA driver 610.43.02; NVIDIA "CUDA Compatibility" (minor-version compatibility: a CUDA 13.x build runs on driver 580 or newer, without features that need the newer driver; forward compatibility: data-center GPUs only)', {
        min: 610,
        note: '580-609 through CUDA minor-version compatibility, without features that need the newer driver; on data-center GPUs the image\'s forward-compatibility libraries serve the CUDA 13.3 runtime on the older branches NVIDIA supports',
      }),
    },
    cpu: { image: `${TRITON}:26.07-py3` },
    olderDrivers: {
      image: `${TRITON}:25.07-py3`,
      cuda: cuda('12.9', undefined, 'server v2.59.1 build.py (libcudart.so.12; "triton_container_version": "25.07"); v2.60.0 (25.08) is the first with libcudart.so.13'),
      note: 'the last Triton release on CUDA 12 (Triton 2.59.1): for drivers older than 580 and for Maxwell, Pascal and Volta GPUs',
    },
  },
  {
    runtime: 'tfserving',
    release: 'TensorFlow Serving 2.20.0',
    source: 'tensorflow/serving tag 2.20.0 (2026-04-23)',
    gpu: {
      image: 'tensorflow/serving:2.20.0-gpu',
      cuda: cuda('12.5', 6.0, 'serving 2.20.0 tensorflow_serving/tools/docker/Dockerfile.gpu (FROM nvidia/cuda:12.5.1-base-ubuntu22.04); .bazelrc cuda_clang TF_CUDA_COMPUTE_CAPABILITIES="sm_60,sm_70,sm_80,sm_89,compute_90"'),
    },
    cpu: { image: 'tensorflow/serving:2.20.0' },
  },
  {
    runtime: 'torchserve',
    release: 'TorchServe 0.12.0 (the last release; limited maintenance)',
    source: 'pytorch/serve tag v0.12.0; docker/build_upload_release.py tags <version>-cpu and <version>-gpu',
    gpu: {
      image: 'pytorch/torchserve:0.12.0-gpu',
      cuda: cuda('12.1', undefined, 'serve v0.12.0 docker/build_upload_release.py (build_image.sh -g -cv cu121), docker/build_image.sh (nvidia/cuda:12.1.0-base-ubuntu20.04), requirements/torch_cu121_linux.txt (torch 2.4.0+cu121)'),
    },
    cpu: { image: 'pytorch/torchserve:0.12.0-cpu' },
  },
  {
    runtime: 'vllm',
    release: 'vLLM v0.27.1',
    source: 'vllm-project/vllm-ascend .github/vllm-release-tag.commit and Dockerfile (git clone -b v0.27.1 of vllm-project/vllm, commit b4b04c5, 2026-08-13); vllm-project/recipes models/nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16.yaml (vllm/vllm-openai:v0.27.1)',
    gpu: {
      image: 'vllm/vllm-openai:v0.27.1',
      cuda: cuda('13.0', 7.5, 'vllm-project/vllm .buildkite/scripts/publish-release-images.sh ("CUDA (default: 13.0)" -> vllm/vllm-openai:v<version>; CUDA 12.9 -> v<version>-cu129); docs/getting_started/installation/gpu.cuda.inc.md ("compute capability 7.5 or higher")'),
    },
    olderDrivers: {
      image: 'vllm/vllm-openai:v0.27.1-cu129',
      cuda: cuda('12.9', 7.5, 'vllm-project/vllm .buildkite/scripts/publish-release-images.sh (v<version>-cu129 is the CUDA 12.9 build)'),
      note: 'the same release built with CUDA 12.9: for drivers older than 580 (vLLM needs compute capability 7.5 either way)',
    },
  },
];

export function imageRow(runtime: RuntimeName): RuntimeImageRow {
  const row = IMAGE_TABLE.find((r) => r.runtime === runtime);
  if (!row) throw new Error(`no image row for runtime ${runtime}`);
  return row;
}

/** The default image of `runtime`, with or without a GPU (a runtime without a CPU default gets its GPU image). */
export function defaultImageOf(runtime: RuntimeName, gpu: boolean): string {
  const row = imageRow(runtime);
  return (gpu ? row.gpu : row.cpu ?? row.gpu).image;
}

const code = (s: string) => `\`${s}\``;

/** The table as docs/RUNTIMES.md shows it (a test checks the docs hold exactly these lines). */
export function imageTableMarkdown(): string {
  const lines = [
    '| runtime | release | GPU image | CPU image | CUDA | driver | GPUs (compute capability) | older drivers |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of IMAGE_TABLE) {
    const c = r.gpu.cuda!;
    const older = r.olderDrivers
      ? `${code(r.olderDrivers.image)} (CUDA ${r.olderDrivers.cuda!.version}, driver ≥ ${r.olderDrivers.cuda!.minDriver}, compute capability ≥ ${r.olderDrivers.cuda!.minComputeCapability.toFixed(1)})`
      : 'not needed: CUDA 12 runs on driver ≥ 525';
    lines.push(`| ${code(r.runtime)} | ${r.release} | ${code(r.gpu.image)} | ${r.cpu ? code(r.cpu.image) : 'none (set spec.image to a CPU build)'} | ${c.version} | ≥ ${c.minDriver}${c.olderDriverNote ? ` (${c.olderDriverNote})` : ''} | ≥ ${c.minComputeCapability.toFixed(1)} | ${older} |`);
  }
  return lines.join('\n');
}

/** Where each row's facts were read, as docs/RUNTIMES.md lists them. */
export function imageSourcesMarkdown(): string {
  return IMAGE_TABLE.map((r) => [
    `- ${code(r.runtime)}: release: ${r.source}. CUDA: ${r.gpu.cuda!.source}.` + (r.olderDrivers ? ` Older drivers: ${r.olderDrivers.cuda!.source}.` : ''),
  ].join('\n')).join('\n');
}

/** One image of a step around the server (downloads, shell steps, the batch client, the endpoint picker). */
export interface HelperImageRow {
  /** What runs it. */
  readonly role: string;
  readonly image: string;
  /** Where the tag is evidenced and what the image must have. */
  readonly source: string;
}

/** The helper images: every image this project runs that is not a runtime's server (docs/RUNTIMES.md shows them). */
export const HELPER_IMAGES = {
  download: {
    role: 'model, adapter and batch downloads and uploads (rclone)',
    image: 'rclone/rclone:1.75.0',
    source: 'rclone/rclone tag v1.75.0 (docs/content/changelog.md: 2026-07-31); `.github/workflows/build_publish_docker_image.yml` pushes rclone/rclone:<version> (docker/metadata-action `type=semver,pattern={{version}}`); `Dockerfile`: Alpine based (has sh), ENTRYPOINT rclone; every rclone flag used (`copy`, `lsf -R --files-only`, `--include`, `--files-from-raw`, `--no-traverse`, `--transfers`, `--checkers`, `--retries`, `--low-level-retries`, `--stats-one-line`) is defined at that tag (`fs/config.go`, `fs/filter/filter.go`, `cmd/lsf/lsf.go`)',
  },
  shell: {
    role: 'shell steps (assembling Triton\'s repository, waiting for a TensorRT plan)',
    image: 'busybox:1.37.0',
    source: 'Docker Official Image busybox (docker-library/busybox), BusyBox 1.37.0: sh, ln, mkdir, test, sleep',
  },
  batchClient: {
    role: 'the batch client (standard library only)',
    image: 'python:3.12.12-slim-bookworm',
    source: 'docker-library/official-images `library/python`: Tags 3.12.12-slim-bookworm (CPython 3.12.12 on Debian bookworm)',
  },
  endpointPicker: {
    role: 'the endpoint picker of spec.inferencePool',
    image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0',
    source: 'llm-d/llm-d-router tag v0.10.0 (2026-08-17); image name and tag from `.github/workflows/ci-release.yaml` and `Makefile`',
  },
} as const satisfies Record<string, HelperImageRow>;

/** The helper images as docs/RUNTIMES.md lists them (a test checks the docs hold exactly these lines). */
export function helperImagesMarkdown(): string {
  return ['| step | image | source |', '|---|---|---|',
    ...Object.values(HELPER_IMAGES).map((h) => `| ${h.role} | ${code(h.image)} | ${h.source} |`)].join('\n');
}

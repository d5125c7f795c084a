/**
 * What every part of one ModelServing needs, computed once from the validated spec: names, labels,
 * selectors, the runtime, the GPU request and the rollout tracks.
 */
import type { ModelServingDocument, ModelServingSpec, ModelSpec, RepositorySpec, TrackSpec } from '../spec/schema/spec';
import type { ServingRuntime, RuntimeContext } from '../runtimes/types';
import { getRuntime } from '../runtimes/registry';
import { imageTag } from '../spec/image';
import { resolveKubeVersion, kubeSupports, KubeFeature } from '../spec/kube-version';
import { TRACK_SERIES_LABEL, PRIMARY_TRACK_LABEL } from '../spec/rules-rollout';

/** Props of ModelServing: the spec, plus the metadata fields. */
export interface ModelServingProps extends ModelServingSpec {
  /** Name of every generated object (DNS-1123 label, at most 52 characters). */
  readonly name: string;
  /** Namespace of every object. @default - the namespace of the enclosing cdk8s Chart, else `default` */
  readonly namespace?: string;
  /** Copied onto every object, after the app.kubernetes.io/* ones. @default - none */
  readonly labels?: Record<string, string>;
  /** Copied onto every object. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * Target Kubernetes version (MAJOR.MINOR), not part of the spec file (the CLI's `--kube-version`). Features
   * the target lacks are refused; defaults with a newer form use the older one.
   * @default - the `model-serving/kube-version` cdk8s context value, else 1.35 (the oldest supported release)
   */
  readonly kubeVersion?: string;
}

/** The props of a spec document (metadata + spec). */
export function propsFromDocument(doc: ModelServingDocument): ModelServingProps {
  const { name, namespace, labels, annotations } = doc.metadata;
  return { ...doc.spec, name, namespace, labels, annotations };
}

export const TRACK_LABEL = 'model-serving/track';
export { TRACK_SERIES_LABEL };
/** With spec.multiNode: `leader` (serves the API, the probes and the metrics) or `worker` (joins the leader's engine). */
export const ROLE_LABEL = 'model-serving/role';
export const MANAGED_BY = 'cdk8s-model-serving';

/** One Deployment's worth of a rollout (or the only one). */
export interface Track {
  /** `stable` without a rollout or for a canary's stable track; the track key otherwise (blue/green, canary). */
  readonly key: string;
  /**
   * The value of the pod label `model-serving/track`: `stable` for the primary track (the Deployment of the
   * spec without a rollout keeps its pod labels, and selectors are immutable), the key for the others.
   */
  readonly label: string;
  /** Base name of the track's objects: `<name>` for the primary track, `<name>-<key>` for the others. */
  readonly name: string;
  readonly role: 'stable' | 'active' | 'preview' | 'canary';
  /**
   * Whether this track keeps the objects (names, pod labels, construct IDs) of the spec without a rollout: the
   * stable track of a canary, the spec.rollout.primary track of a blue-green rollout.
   */
  readonly primary: boolean;
  readonly image: string;
  readonly models: readonly ModelSpec[];
  readonly repository: RepositorySpec;
}

/** How many pods a track runs: a fixed count, or an autoscaler's bounds. */
export interface TrackReplicas {
  /** Replicas without autoscaling. */
  readonly replicas: number;
  /** The autoscaler's minReplicas (the track's floor under spec.autoscaling). */
  readonly minReplicas: number;
  /** The autoscaler's maxReplicas (spec.autoscaling.maxReplicas; 0 without autoscaling). */
  readonly maxReplicas: number;
}

/** The construct ID of a track's object: `base` for the primary track, `<base>-<key>` for the others (Pulumi URNs). */
export function trackId(base: string, track: Track): string {
  return track.primary ? base : `${base}-${track.key}`;
}

/** blueGreen: the track that keeps the objects of the spec without a rollout (spec.rollout.primary, else the first name in alphabetical order). */
export function primaryTrackKey(rollout: NonNullable<ModelServingSpec['rollout']>): string | undefined {
  return rollout.primary ?? Object.keys(rollout.tracks ?? {}).sort()[0];
}

/** A canary's share of `count` replicas at `weight` percent: rounded up, at least 1 unless `count` is 0. */
export function canaryShare(count: number, weight: number): number {
  return count === 0 ? 0 : Math.max(1, Math.ceil((count * weight) / 100));
}

/** A label value from free text: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
export function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export class ServingContext {
  readonly spec: ModelServingSpec;
  readonly name: string;
  readonly namespace: string;
  readonly runtime: ServingRuntime;
  readonly mode: 'online' | 'batch' | 'edge';
  readonly gpuCount: number;
  readonly gpuResource: string;
  readonly image: string;
  readonly tracks: readonly Track[];
  /** The target Kubernetes version (MAJOR.MINOR). */
  readonly kubeVersion: string;

  constructor(readonly props: ModelServingProps) {
    const { name, namespace, labels: _l, annotations: _a, kubeVersion, ...spec } = props;
    this.kubeVersion = resolveKubeVersion(kubeVersion);
    this.spec = spec;
    this.name = name;
    this.namespace = namespace ?? 'default';
    this.runtime = getRuntime(spec.runtime);
    this.mode = spec.mode ?? 'online';
    this.gpuCount = spec.resources?.gpu?.count ?? 0;
    this.gpuResource = spec.resources?.gpu?.resourceName ?? 'nvidia.com/gpu';
    this.image = spec.image ?? this.runtime.defaultImage(this.gpuCount > 0);
    this.tracks = this.computeTracks();
  }

  private track(key: string, role: Track['role'], primary: boolean, o: TrackSpec | undefined): Track {
    const versions = new Map((o?.models ?? []).map((m) => [m.name, m.versions]));
    return {
      key, role, primary,
      label: primary ? PRIMARY_TRACK_LABEL : key,
      name: primary ? this.name : `${this.name}-${key}`,
      image: o?.image ?? this.image,
      models: this.spec.models.map((m) => (versions.has(m.name) ? { ...m, versions: versions.get(m.name) } : m)),
      repository: o?.repository ?? this.spec.repository,
    };
  }

  private computeTracks(): Track[] {
    const r = this.spec.rollout;
    if (!r) return [this.track('stable', 'stable', true, undefined)];
    if (r.strategy === 'canary') {
      return [this.track('stable', 'stable', true, undefined), this.track('canary', 'canary', false, r.canary)];
    }
    const primary = primaryTrackKey(r);
    return Object.entries(r.tracks ?? {}).map(([key, t]) => this.track(key, key === r.active ? 'active' : 'preview', key === primary, t));
  }

  /**
   * How many pods `track` runs. Every track but a canary gets the spec's count (a blue-green preview has the
   * active track's floor, so a flip never lands on fewer pods than it leaves); a canary gets
   * spec.rollout.canary.replicas, else its weight's share of the stable count, rounded up, at least 1.
   */
  replicasOf(track: Track): TrackReplicas {
    const a = this.spec.autoscaling;
    const replicas = this.spec.replicas ?? 1;
    const min = a ? a.minReplicas ?? 1 : replicas;
    const max = a ? a.maxReplicas : 0;
    if (track.role !== 'canary') return { replicas, minReplicas: min, maxReplicas: max };
    const r = this.spec.rollout!;
    const weight = r.weight ?? 0;
    const own = r.canary?.replicas;
    const floor = own ?? canaryShare(a ? min : replicas, weight);
    return { replicas: floor, minReplicas: floor, maxReplicas: a ? Math.max(floor, canaryShare(max, weight)) : 0 };
  }

  /** Whether the target Kubernetes version has `feature`. */
  supports(feature: KubeFeature): boolean {
    return kubeSupports(this.kubeVersion, feature);
  }

  /** The recommended labels plus the user's, for an object of `component`. */
  labels(component: string, version?: string): Record<string, string> {
    const v = version ?? imageTag(this.image);
    return {
      'app.kubernetes.io/name': this.runtime.name,
      'app.kubernetes.io/instance': this.name,
      ...(v ? { 'app.kubernetes.io/version': labelValue(v) } : {}),
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': this.name,
      'app.kubernetes.io/managed-by': MANAGED_BY,
      ...(this.props.labels ?? {}),
    };
  }

  /** The controller of a track's pods, as autoscalers reference it (its scale subresource). */
  workloadRef(track: Track): { readonly apiVersion: string; readonly kind: string; readonly name: string } {
    return this.spec.multiNode
      ? { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: this.leaderWorkerSetName(track) }
      : { apiVersion: 'apps/v1', kind: 'Deployment', name: track.name };
  }

  /**
   * Name of a track's LeaderWorkerSet (spec.multiNode): the LeaderWorkerSet controller creates a headless Service
   * of the same name (kubernetes-sigs/lws pkg/controllers/leaderworkerset_controller.go), which must not be ours.
   */
  leaderWorkerSetName(track: Track): string {
    return `${track.name}-lws`;
  }

  /**
   * PromQL regex of the names of a track's pods that serve metrics: a Deployment's `<name>-<hash>-<suffix>`, or a
   * LeaderWorkerSet's leaders `<lws>-<group>` (its workers, `<lws>-<group>-<index>`, serve no metrics).
   */
  podNamePattern(track: Track): string {
    return this.spec.multiNode ? `${this.leaderWorkerSetName(track)}-[0-9]+` : `${track.name}-[a-z0-9]+-[a-z0-9]+`;
  }

  /** Labels that select the pods that serve a track's API and metrics: every pod, or with spec.multiNode the leaders. */
  servingSelector(track?: string): Record<string, string> {
    return { ...this.selector(track), ...(this.spec.multiNode ? { [ROLE_LABEL]: 'leader' } : {}) };
  }

  /** Labels that select the pods of one track (or of every track when `track` is undefined). */
  selector(track?: string): Record<string, string> {
    return {
      'app.kubernetes.io/name': this.runtime.name,
      'app.kubernetes.io/instance': this.name,
      ...(track ? { [TRACK_LABEL]: track } : {}),
    };
  }

  metadata(name: string, component: string, extraLabels: Record<string, string> = {}) {
    return {
      name,
      namespace: this.namespace,
      labels: { ...this.labels(component), ...extraLabels },
      ...(this.props.annotations && Object.keys(this.props.annotations).length ? { annotations: { ...this.props.annotations } } : {}),
    };
  }

  /** The runtime's view of one track. */
  runtimeContext(track: Track): RuntimeContext {
    return {
      name: track.name,
      spec: this.spec,
      models: track.models,
      image: track.image,
      gpuCount: this.gpuCount,
      source: track.repository.huggingface ? 'huggingface' : 'local',
      repository: track.repository,
    };
  }

  /** The Service clients use (selects the stable/active track). */
  get serviceName(): string {
    return this.name;
  }

  /** The track the stable Service selects (the stable track, or the active one of a blue-green rollout). */
  get servingTrack(): Track {
    return this.tracks.find((t) => t.role === 'stable' || t.role === 'active')!;
  }

  /**
   * The name of the workload (Deployment, DaemonSet, Job) whose pods serve the clients of the stable Service:
   * `<name>`, or `<name>-<track>` when the active blue-green track is not the primary one. Alerts that watch
   * the serving track's available replicas use this name.
   */
  get servingWorkloadName(): string {
    return this.servingTrack.name;
  }

  /** PromQL matcher of one track's series: the ServiceMonitor copies the pod label model-serving/track as this label. */
  trackMatcher(track: Track): string {
    return `${TRACK_SERIES_LABEL}="${track.label}"`;
  }

  /** PromQL label matchers for this deployment's metrics (the headless metrics Service is the scrape job). */
  get metricsSelector(): string {
    return `namespace="${this.namespace}",job="${this.name}-metrics"`;
  }
}

/**
 * What every part of one ModelServing needs, computed once from the validated spec: names, labels,
 * selectors, the runtime, the GPU request and the rollout tracks.
 */
import type { ModelServingSpec, ModelSpec, RepositorySpec } from '../spec/schema/spec';
import type { ServingRuntime, RuntimeContext } from '../runtimes/types';
import { getRuntime } from '../runtimes/registry';
import { imageTag } from '../spec/image';
import { resolveKubeVersion, kubeSupports, KubeFeature } from '../spec/kube-version';

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

export const TRACK_LABEL = 'model-serving/track';
export const MANAGED_BY = 'cdk8s-model-serving';

/** One Deployment's worth of a rollout (or the only one). */
export interface Track {
  /** `stable` without a rollout; the track key otherwise (blue/green, stable/canary). */
  readonly key: string;
  /** Base name of the track's objects (`<name>` or `<name>-<key>`). */
  readonly name: string;
  readonly role: 'stable' | 'active' | 'preview' | 'canary';
  readonly image: string;
  readonly models: readonly ModelSpec[];
  readonly repository: RepositorySpec;
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

  private track(key: string, role: Track['role'], name: string, o: NonNullable<ModelServingSpec['rollout']>['canary']): Track {
    const versions = new Map((o?.models ?? []).map((m) => [m.name, m.versions]));
    return {
      key, role, name,
      image: o?.image ?? this.image,
      models: this.spec.models.map((m) => (versions.has(m.name) ? { ...m, versions: versions.get(m.name) } : m)),
      repository: o?.repository ?? this.spec.repository,
    };
  }

  private computeTracks(): Track[] {
    const r = this.spec.rollout;
    if (!r) return [this.track('stable', 'stable', this.name, undefined)];
    if (r.strategy === 'canary') {
      return [this.track('stable', 'stable', this.name, undefined), this.track('canary', 'canary', `${this.name}-canary`, r.canary)];
    }
    return Object.entries(r.tracks ?? {}).map(([key, t]) => this.track(key, key === r.active ? 'active' : 'preview', `${this.name}-${key}`, t));
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

  /** The track the stable Service selects. */
  get servingTrack(): Track {
    return this.tracks.find((t) => t.role === 'stable' || t.role === 'active')!;
  }

  /** PromQL label matchers for this deployment's metrics (the headless metrics Service is the scrape job). */
  get metricsSelector(): string {
    return `namespace="${this.namespace}",job="${this.name}-metrics"`;
  }
}

/** Rules of spec.rollout: tracks, the active track, weights, and overrides that would switch runtime. */
import type { ModelServingSpec, TrackSpec } from './schema/spec';
import type { IssueList } from './errors';
import { checkImage, imageRepoName } from './image';
import { RUNTIME_REGISTRY } from '../runtimes/registry';

function checkTrack(list: IssueList, spec: ModelServingSpec, track: TrackSpec, path: string): void {
  checkImage(list, `${path}.image`, track.image);
  if (track.image) {
    const repoName = imageRepoName(track.image);
    const owner = RUNTIME_REGISTRY.find((r) => r.imageNames.includes(repoName));
    if (owner && owner.name !== spec.runtime) {
      list.add(`${path}.image`, `image "${track.image}" is a ${owner.name} image but spec.runtime is ${spec.runtime}; a rollout track cannot change the runtime`);
    }
  }
  const names = new Set(spec.models.map((m) => m.name));
  track.models?.forEach((m, i) => {
    if (!names.has(m.name)) list.add(`${path}.models[${i}].name`, `model "${m.name}" is not in spec.models (${[...names].join(', ')})`);
  });
  if (track.repository) {
    const sources = (['pvc', 'uri', 'huggingface'] as const).filter((k) => track.repository![k] !== undefined);
    if (sources.length !== 1) list.add(`${path}.repository`, 'exactly one model source must be set: pvc, uri or huggingface');
  }
}

export function checkRollout(list: IssueList, spec: ModelServingSpec): void {
  const r = spec.rollout;
  if (!r) return;
  if (r.strategy === 'blueGreen') {
    const names = Object.keys(r.tracks ?? {});
    if (names.length !== 2) list.add('spec.rollout.tracks', `blueGreen needs exactly two tracks (found ${names.length})`);
    if (r.active === undefined) list.add('spec.rollout.active', 'is required for blueGreen (the track the stable Service selects)');
    else if (!names.includes(r.active)) list.add('spec.rollout.active', `track "${r.active}" is not in spec.rollout.tracks (${names.join(', ') || 'none'})`);
    if (r.weight !== undefined) list.add('spec.rollout.weight', 'applies to strategy canary only');
    if (r.canary !== undefined) list.add('spec.rollout.canary', 'applies to strategy canary only');
    for (const n of names) checkTrack(list, spec, r.tracks![n], `spec.rollout.tracks.${n}`);
  } else {
    if (r.weight === undefined) list.add('spec.rollout.weight', 'is required for canary (0..100 percent of traffic to the canary)');
    if (r.canary === undefined) list.add('spec.rollout.canary', 'is required for canary (the canary track: image and/or model versions)');
    else checkTrack(list, spec, r.canary, 'spec.rollout.canary');
    if (r.tracks !== undefined) list.add('spec.rollout.tracks', 'applies to strategy blueGreen only');
    if (r.active !== undefined) list.add('spec.rollout.active', 'applies to strategy blueGreen only');
    if (!spec.ingress && !spec.gateway) list.add('spec.rollout', 'canary weights are applied by the Ingress (nginx canary) or the Gateway API HTTPRoute: set spec.ingress or spec.gateway');
    if (spec.ingress && !spec.gateway && (spec.ingress.className ?? 'nginx') !== 'nginx') {
      list.add('spec.rollout', `canary through an Ingress uses the nginx canary annotations; ingress class "${spec.ingress.className}" does not read them (use spec.gateway)`);
    }
  }
}

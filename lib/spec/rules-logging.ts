/** Rules of spec.logging (docs/OBSERVABILITY.md#logs). */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';

const DESTINATIONS = ['elasticsearch', 'opensearch', 'loki'] as const;

export function checkLogging(list: IssueList, spec: ModelServingSpec): void {
  const l = spec.logging;
  if (!l) return;
  const p = 'spec.logging';
  const set = DESTINATIONS.filter((d) => l[d] !== undefined);
  if ((l.collector ?? 'loggingOperator') === 'loggingOperator') {
    if (set.length !== 1) {
      list.add(p, `set exactly one destination for the Logging Operator: elasticsearch, opensearch or loki (found ${set.length ? set.join(', ') : 'none'})`);
    }
  } else {
    for (const d of set) {
      list.add(`${p}.${d}`, "applies to collector loggingOperator only: with collector fluentBit your DaemonSet's outputs decide where the logs go");
    }
    if (l.loggingRef !== undefined) list.add(`${p}.loggingRef`, 'applies to collector loggingOperator only');
  }
  for (const d of ['elasticsearch', 'opensearch'] as const) {
    const o = l[d];
    if (!o) continue;
    if (o.credentialsSecret !== undefined && o.user === undefined) {
      list.add(`${p}.${d}.user`, `is required with credentialsSecret (the ${d} output takes the user name as plain text and only the password from the Secret)`);
    }
    if (o.user !== undefined && o.credentialsSecret === undefined) {
      list.add(`${p}.${d}.credentialsSecret`, `is required with user: the password must come from a Secret`);
    }
  }
  for (const d of DESTINATIONS) {
    const tls = l[d]?.tls;
    if (tls?.caSecret && tls.insecureSkipVerify) {
      list.add(`${p}.${d}.tls`, 'set caSecret (verify the server with this CA) or insecureSkipVerify (do not verify), not both');
    }
  }
  if (l.loki?.tls && l.loki.url.startsWith('http://')) {
    list.add(`${p}.loki.tls`, `needs an https:// url (url is ${l.loki.url})`);
  }
}

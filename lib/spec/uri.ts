/** Object-store URIs: scheme allow-list, and never credentials inside the URI (they would land in the manifest). */

/** Problems with an object-store URI. A message never repeats the URI (it may hold a password). */
export function checkObjectStoreUri(uri: string, schemes: readonly string[]): string[] {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(uri);
  if (!m) return [`must be a URI with one of the schemes ${schemes.map((s) => `${s}://`).join(', ')}`];
  const [, scheme, authority] = m;
  const problems: string[] = [];
  if (!schemes.includes(scheme.toLowerCase())) {
    problems.push(`scheme "${scheme}" is not supported (use ${schemes.map((s) => `${s}://`).join(', ')})`);
  }
  if (authority.includes('@')) {
    problems.push('must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret');
  }
  if (!authority) problems.push('must name a bucket or host');
  if (/\s/.test(uri)) problems.push('must not contain white space');
  // the download copies a bucket path: a query or fragment would be dropped, so it is refused (it may hold a signature)
  if (/[?#]/.test(uri)) problems.push('must not contain a query (?...) or fragment (#...): name a bucket path; credentials go in credentialsSecret');
  return problems;
}

/** Splits `s3://bucket/a/b` into scheme, bucket/host and path (no leading slash). */
export function splitUri(uri: string): { scheme: string; host: string; path: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)\/?([^?#]*)/i.exec(uri);
  if (!m) throw new Error(`not a URI: ${uri.replace(/\/\/[^@/]*@/, '//***@')}`);
  return { scheme: m[1].toLowerCase(), host: m[2], path: m[3].replace(/\/+$/, '') };
}

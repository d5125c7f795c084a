/**
 * Object-store URIs: scheme allow-list, never credentials inside the URI (they would land in the manifest), and
 * only the characters of the URI form we accept. The bucket/host and path become part of an rclone connection
 * string (`:s3,...:bucket/path`, `:http,url='https://host/':path`), where `'`, `"`, `,` and `:` end a value or add
 * a parameter (rclone docs/content/docs.md "Connection strings"), and of container arguments and environment
 * values, where the kubelet expands `$(VAR)`. So everything else is refused.
 */

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
  const lower = scheme.toLowerCase();
  if (authority && !authority.includes('@') && !/\s/.test(authority) && HOST[lower] && !HOST[lower].re.test(authority)) {
    problems.push(HOST[lower].rule);
  }
  const path = m[3].replace(/[?#].*$/, '');
  const bad = [...new Set([...path].filter((c) => !PATH_CHAR.test(c) && !/\s/.test(c)))];
  if (bad.length) problems.push(`path may contain only letters, digits and - . _ ~ + = @ / (found ${bad.map((c) => JSON.stringify(c)).join(' ')})`);
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) problems.push('path must not contain "." or ".." segments');
  return problems;
}

/** Bucket and host names per scheme (S3 and GCS bucket naming rules; a DNS name with an optional port). */
const HOST: Record<string, { re: RegExp; rule: string }> = {
  s3: { re: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, rule: 'bucket name may contain only a-z, 0-9, "." and "-", starting and ending with a letter or digit' },
  gs: { re: /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, rule: 'bucket name may contain only a-z, 0-9, ".", "-" and "_", starting and ending with a letter or digit' },
  https: { re: /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/, rule: 'host must be a DNS name or IPv4 address with an optional :port' },
};
const PATH_CHAR = /[A-Za-z0-9._~+=@/-]/;

/** Splits `s3://bucket/a/b` into scheme, bucket/host and path (no leading slash). */
export function splitUri(uri: string): { scheme: string; host: string; path: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)\/?([^?#]*)/i.exec(uri);
  if (!m) throw new Error(`not a URI: ${uri.replace(/\/\/[^@/]*@/, '//***@')}`);
  return { scheme: m[1].toLowerCase(), host: m[2], path: m[3].replace(/\/+$/, '') };
}

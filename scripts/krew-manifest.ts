// The krew plugin manifest (krew.sigs.k8s.io plugin index format, apiVersion krew.googlecontainertools.github.com/v1alpha2)
// for a packed rollscope tarball. krew installs the archive and links `kubectl-rollscope` to the package's
// bin/rollscope.js, which needs Node 22 or newer on PATH (the manifest's caveats say so).

/** KrewInput is what the manifest pins: the version, the archive's public URL and its SHA-256. */
export interface KrewInput {
  readonly version: string;
  readonly uri: string;
  readonly sha256: string;
}

/** npmTarballUri is where the npm registry serves a published version's tarball (the same bytes `npm pack` wrote). */
export function npmTarballUri(version: string): string {
  return `https://registry.npmjs.org/rollscope/-/rollscope-${version}.tgz`;
}

/** krewManifest renders the manifest as YAML; `sha256` must be the archive's lowercase hex digest. */
export function krewManifest(input: KrewInput): string {
  if (!/^[0-9a-f]{64}$/.test(input.sha256)) throw new Error(`krew manifest: sha256 must be 64 lowercase hex digits, got ${input.sha256}`);
  const platform = (os: string, arch: string): string => `  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${input.uri}
    sha256: ${input.sha256}
    bin: package/bin/rollscope.js
`;
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: rollscope
spec:
  version: v${input.version}
  homepage: https://www.npmjs.com/package/rollscope
  shortDescription: Release ledger, fail-fast rollout waiter and canaries
  description: |
    rollscope records every release of your Deployments, StatefulSets and DaemonSets
    (what, when, which images, who, whether it worked), waits for rollouts and fails
    fast with the real reason, and runs replica-based canaries judged by Prometheus.
  caveats: |
    This plugin runs on Node.js 22 or newer, which must be on your PATH.
  platforms:
${['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'].map((p) => platform(...(p.split('/') as [string, string]))).join('')}`;
}

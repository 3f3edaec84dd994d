/**
 * Loopback addresses of a simulated cluster. Every address in 127.0.0.0/8 reaches this machine, so
 * the simulator gives pods and Services real addresses there and listens on them (sim/network):
 * - pods: node N's pod CIDR is 127.(64+B).N.0/24 (at most 256 nodes get distinct ranges);
 * - Services: ClusterIPs are 127.(96+B).x.y, hashed from namespace/name (apiserver/defaults.ts);
 * where B (0–31) is the cluster's address block, drawn at random when it starts so that clusters
 * running at the same time on one machine (test processes side by side) rarely share addresses. A
 * listener that still finds its address taken logs it and serves nothing there.
 */

/** randomAddressBlock draws a cluster's address block (0–31). Not from the simulation's seeded random: two seeded runs side by side must differ. */
export function randomAddressBlock(): number {
  return Math.floor(Math.random() * 32);
}

/** podCidrFor is the pod range of the node at `index` in the cluster's address `block`. */
export function podCidrFor(index: number, block: number): string {
  return `127.${64 + (block & 31)}.${index & 255}.0/24`;
}

import type { KubeObject } from '../../../kube/types.ts';
import { record, records, text } from '../../core/fields.ts';

/**
 * Prometheus service discovery for the simulated cluster. Debian's Prometheus is built without
 * `kubernetes_sd_configs`, so the simulator serves the targets and labels that `role: pod` discovery
 * would produce (Prometheus discovery/kubernetes/pod.go) over `http_sd_configs` instead, at
 * PROMETHEUS_SD_PATH: one target per container port (`podIP:port`), one per container without
 * ports (`podIP`), pods without an IP left out; labels `__meta_kubernetes_namespace`,
 * `__meta_kubernetes_pod_{name,ip,uid,node_name,host_ip,phase,ready}`,
 * `…_pod_label_<name>`/`…_labelpresent_<name>`, `…_pod_annotation_<name>`/`…_annotationpresent_<name>`
 * (names sanitised as Prometheus does: every character outside [a-zA-Z0-9_] becomes `_`),
 * `…_pod_container_{name,image,init}`, `…_pod_container_port_{name,number,protocol}` and
 * `…_pod_controller_{kind,name}`. A scrape config written for kubernetes_sd_configs with
 * `role: pod` works unchanged with the one block swapped (network/prometheus-config.ts).
 */

export const PROMETHEUS_SD_PATH = '/prometheus/sd/pods';

/** HttpSdGroup is one element of Prometheus' HTTP SD response. */
export interface HttpSdGroup {
  readonly targets: string[];
  readonly labels: Record<string, string>;
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** podTargets maps pods to HTTP SD target groups (see the file comment). */
export function podTargets(pods: readonly KubeObject[]): HttpSdGroup[] {
  const groups: HttpSdGroup[] = [];
  for (const pod of pods) {
    const status = record(pod.status);
    const ip = text(status.podIP);
    if (ip === undefined) continue;
    const spec = record(pod.spec);
    const ready = records(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
    const controller = (pod.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    const base: Record<string, string> = {
      __meta_kubernetes_namespace: pod.metadata.namespace ?? '',
      __meta_kubernetes_pod_name: pod.metadata.name ?? '',
      __meta_kubernetes_pod_ip: ip,
      __meta_kubernetes_pod_uid: pod.metadata.uid ?? '',
      __meta_kubernetes_pod_node_name: text(spec.nodeName) ?? '',
      __meta_kubernetes_pod_host_ip: text(status.hostIP) ?? '',
      __meta_kubernetes_pod_phase: text(status.phase) ?? '',
      __meta_kubernetes_pod_ready: ready ? 'true' : 'false',
      ...(controller === undefined ? {} : { __meta_kubernetes_pod_controller_kind: controller.kind, __meta_kubernetes_pod_controller_name: controller.name }),
    };
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      base[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
      base[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = 'true';
    }
    for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
      base[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
      base[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = 'true';
    }
    const containers = [...records(spec.containers).map((c) => ({ c, init: false })), ...records(spec.initContainers).map((c) => ({ c, init: true }))];
    for (const { c, init } of containers) {
      const labels = { ...base, __meta_kubernetes_pod_container_name: text(c.name) ?? '', __meta_kubernetes_pod_container_image: text(c.image) ?? '', __meta_kubernetes_pod_container_init: init ? 'true' : 'false' };
      const ports = records(c.ports);
      if (ports.length === 0) {
        groups.push({ targets: [ip], labels });
        continue;
      }
      for (const p of ports) {
        const number = typeof p.containerPort === 'number' ? p.containerPort : 0;
        groups.push({
          targets: [`${ip}:${number}`],
          labels: { ...labels, __meta_kubernetes_pod_container_port_name: text(p.name) ?? '', __meta_kubernetes_pod_container_port_number: String(number), __meta_kubernetes_pod_container_port_protocol: text(p.protocol) ?? 'TCP' },
        });
      }
    }
  }
  return groups;
}

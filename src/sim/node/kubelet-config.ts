import type { KubeObject } from '../../kube/types.ts';
import { record, records, text } from '../core/fields.ts';
import type { Fields } from '../core/fields.ts';

/** ConfigLookup finds a ConfigMap or Secret in the pod's namespace (undefined when absent). */
export type ConfigLookup = (kind: 'configmaps' | 'secrets', name: string) => KubeObject | undefined;

function hasKey(obj: KubeObject, key: string): boolean {
  return key in record(obj.data) || key in record(obj.binaryData) || key in record(obj.stringData);
}

function keyRef(ref: Fields, kind: 'configmaps' | 'secrets', namespace: string, lookup: ConfigLookup): string | undefined {
  if (ref.optional === true) return undefined;
  const name = text(ref.name) ?? '';
  const key = text(ref.key) ?? '';
  const obj = lookup(kind, name);
  const what = kind === 'configmaps' ? 'configmap' : 'secret';
  if (!obj) return `${what} "${name}" not found`;
  if (!hasKey(obj, key)) return `couldn't find key ${key} in ${kind === 'configmaps' ? 'ConfigMap' : 'Secret'} ${namespace}/${name}`;
  return undefined;
}

/**
 * containerConfigError is the kubelet's CreateContainerConfigError message for one container, or
 * undefined when its `env`/`envFrom` references resolve: `configmap "app-config" not found`,
 * `secret "db-secrets" not found`, `couldn't find key mode in ConfigMap ns/app-config`. Optional
 * references are skipped.
 */
export function containerConfigError(container: Fields, namespace: string, lookup: ConfigLookup): string | undefined {
  for (const from of records(container.envFrom)) {
    for (const [field, kind] of [
      ['configMapRef', 'configmaps'],
      ['secretRef', 'secrets'],
    ] as const) {
      const ref = record(from[field]);
      if (Object.keys(ref).length === 0 || ref.optional === true) continue;
      const name = text(ref.name) ?? '';
      if (!lookup(kind, name)) return `${kind === 'configmaps' ? 'configmap' : 'secret'} "${name}" not found`;
    }
  }
  for (const env of records(container.env)) {
    const valueFrom = record(env.valueFrom);
    const cm = record(valueFrom.configMapKeyRef);
    const sec = record(valueFrom.secretKeyRef);
    const problem =
      Object.keys(cm).length > 0
        ? keyRef(cm, 'configmaps', namespace, lookup)
        : Object.keys(sec).length > 0
          ? keyRef(sec, 'secrets', namespace, lookup)
          : undefined;
    if (problem) return problem;
  }
  return undefined;
}

/**
 * volumeMountError is the kubelet's FailedMount detail for the first `configMap`/`secret` volume
 * whose object is missing (`MountVolume.SetUp failed for volume "config" : configmap "app-config"
 * not found`), or undefined. Such a pod stays ContainerCreating until the object appears.
 */
export function volumeMountError(pod: KubeObject, lookup: ConfigLookup): string | undefined {
  for (const volume of records(record(pod.spec).volumes)) {
    const volumeName = text(volume.name) ?? '';
    const cm = record(volume.configMap);
    const sec = record(volume.secret);
    if (Object.keys(cm).length > 0 && cm.optional !== true && !lookup('configmaps', text(cm.name) ?? ''))
      return `MountVolume.SetUp failed for volume "${volumeName}" : configmap "${text(cm.name) ?? ''}" not found`;
    if (Object.keys(sec).length > 0 && sec.optional !== true && !lookup('secrets', text(sec.secretName) ?? ''))
      return `MountVolume.SetUp failed for volume "${volumeName}" : secret "${text(sec.secretName) ?? ''}" not found`;
  }
  return undefined;
}

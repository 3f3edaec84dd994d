"""Drives the simulated cluster with the official Kubernetes Python client (Debian python3-kubernetes).

Usage: client_suite.py KUBECONFIG. Prints one JSON object: each check's result, or "ERROR <type>: <text>"
when the client raised (a deserialisation error included). The node test asserts the values.
"""
import json
import sys
import threading
import time

from kubernetes import client, config, watch

config.load_kube_config(sys.argv[1])
apps = client.AppsV1Api()
core = client.CoreV1Api()
batch = client.BatchV1Api()
authz = client.AuthorizationV1Api()
results = {}


def check(name, fn):
    try:
        results[name] = fn()
    except Exception as e:  # reported, asserted by the caller
        results[name] = 'ERROR %s: %s' % (type(e).__name__, str(e)[:400])


def template(name, image):
    return {'metadata': {'labels': {'app': name}},
            'spec': {'containers': [{'name': name, 'image': image}]}}


def workload(kind, name, image):
    spec = {'selector': {'matchLabels': {'app': name}}, 'template': template(name, image)}
    if kind != 'DaemonSet':
        spec['replicas'] = 1
    if kind == 'StatefulSet':
        spec['serviceName'] = name
    return {'apiVersion': 'apps/v1', 'kind': kind, 'metadata': {'name': name}, 'spec': spec}


def raw_get(path):
    data = apps.api_client.call_api(path, 'GET', response_type='object', auth_settings=['BearerToken'], _return_http_data_only=True)
    return sorted(data.keys())


# Discovery: the generated client asks with a trailing slash (/api/, /apis/, /apis/apps/v1/).
check('discovery_apis', lambda: sorted(g.name for g in client.ApisApi().get_api_versions().groups))
check('discovery_api', lambda: client.CoreApi().get_api_versions().versions)
check('discovery_apps_v1', lambda: sorted(r.name for r in apps.get_api_resources().resources))
check('discovery_raw_no_slash', lambda: [raw_get('/apis'), raw_get('/api'), raw_get('/apis/apps/v1')])

# Watches with watch=True started before the objects exist: each must see its new object ADDED.
seen = {}
WATCHES = {
    'replicasets': apps.list_namespaced_replica_set,
    'deployments': apps.list_namespaced_deployment,
    'statefulsets': apps.list_namespaced_stateful_set,
    'daemonsets': apps.list_namespaced_daemon_set,
}


def watch_kind(key, fn, rv):
    got = seen.setdefault(key, [])
    try:
        for ev in watch.Watch().stream(fn, 'default', resource_version=rv, timeout_seconds=8):
            got.append('%s %s' % (ev['type'], ev['object'].metadata.name))
            if any(g.startswith('ADDED py-') for g in got):
                return
    except Exception as e:
        got.append('ERROR %s: %s' % (type(e).__name__, str(e)[:400]))


threads = []
for key, fn in WATCHES.items():
    rv = fn('default').metadata.resource_version
    th = threading.Thread(target=watch_kind, args=(key, fn, rv))
    th.start()
    threads.append(th)
time.sleep(0.3)
check('create_deployment', lambda: apps.create_namespaced_deployment('default', workload('Deployment', 'py-web', 'nginx:1.27')).metadata.name)
check('create_statefulset', lambda: apps.create_namespaced_stateful_set('default', workload('StatefulSet', 'py-db', 'postgres:16')).metadata.name)
check('create_daemonset', lambda: apps.create_namespaced_daemon_set('default', workload('DaemonSet', 'py-agent', 'fluentd:1')).metadata.name)
for th in threads:
    th.join(15)
results['watch'] = {k: sorted(set(v for v in vs if v.startswith('ADDED py-') or v.startswith('ERROR'))) for k, vs in seen.items()}

# Lists of every kind deserialise (ReplicaSet status.replicas, StatefulSet status.replicas …).
check('list_replicasets', lambda: sorted(r.metadata.name.rsplit('-', 1)[0] for r in apps.list_namespaced_replica_set('default').items))
check('replicaset_status_replicas', lambda: [r.status.replicas is not None for r in apps.list_namespaced_replica_set('default').items])
check('list_statefulsets', lambda: [s.metadata.name for s in apps.list_stateful_set_for_all_namespaces().items])
check('list_daemonsets', lambda: [d.metadata.name for d in apps.list_daemon_set_for_all_namespaces().items])
check('list_pods', lambda: len(core.list_namespaced_pod('default').items) > 0)
check('list_nodes', lambda: len(core.list_node().items))
check('list_namespaces', lambda: sorted(n.metadata.name for n in core.list_namespace().items))
check('list_events', lambda: len(core.list_event_for_all_namespaces().items) >= 0)
check('list_services', lambda: [s.metadata.name for s in core.list_namespaced_service('default').items])

# Resume a watch from a list's resourceVersion: a rollout's new ReplicaSet arrives as ADDED.
def resume():
    rv = apps.list_namespaced_replica_set('default').metadata.resource_version
    apps.patch_namespaced_deployment('py-web', 'default', {'spec': {'template': {'spec': {'containers': [{'name': 'py-web', 'image': 'nginx:1.28'}]}}}})
    for ev in watch.Watch().stream(apps.list_namespaced_replica_set, 'default', resource_version=rv, timeout_seconds=8):
        obj = ev['object']
        if ev['type'] == 'ADDED' and obj.spec.template.spec.containers[0].image == 'nginx:1.28':
            return 'ADDED nginx:1.28 replicas=%s' % obj.status.replicas
    return 'no ADDED event'


check('watch_resume', resume)

# Patch and the status/scale subresources.
check('patch_scale', lambda: apps.patch_namespaced_deployment_scale('py-web', 'default', {'spec': {'replicas': 2}}).spec.replicas)
check('read_status', lambda: apps.read_namespaced_deployment_status('py-web', 'default').spec.replicas)
check('patch_status', lambda: apps.patch_namespaced_stateful_set_status('py-db', 'default', {'status': {'observedGeneration': 1}}).status.replicas is not None)

# Jobs: create, watch until Complete, read status; the pod's log as text (tail_lines, previous).
def job_run():
    body = {'apiVersion': 'batch/v1', 'kind': 'Job', 'metadata': {'name': 'py-job'},
            'spec': {'template': {'spec': {'restartPolicy': 'Never', 'containers': [{'name': 'work', 'image': 'tools/work:1'}]}}}}
    rv = batch.list_namespaced_job('default').metadata.resource_version
    batch.create_namespaced_job('default', body)
    for ev in watch.Watch().stream(batch.list_namespaced_job, 'default', resource_version=rv, timeout_seconds=20):
        job = ev['object']
        conds = [c.type for c in (job.status.conditions or []) if c.status == 'True']
        if 'Complete' in conds:
            return {'conditions': conds, 'succeeded': job.status.succeeded, 'completion_time': job.status.completion_time is not None}
    return 'no Complete event'


check('job_watch', job_run)
check('job_list', lambda: [j.metadata.name for j in batch.list_job_for_all_namespaces().items])
check('job_status', lambda: batch.read_namespaced_job_status('py-job', 'default').status.succeeded)
check('batch_discovery', lambda: sorted(r.name for r in batch.get_api_resources().resources))


def job_pod():
    return core.list_namespaced_pod('default', label_selector='job-name=py-job').items[0].metadata.name


check('pod_log', lambda: core.read_namespaced_pod_log(job_pod(), 'default').splitlines()[-1])
check('pod_log_tail', lambda: core.read_namespaced_pod_log(job_pod(), 'default', tail_lines=1, timestamps=True).count('\n'))


def previous_missing():
    try:
        core.read_namespaced_pod_log(job_pod(), 'default', previous=True)
        return 'no error'
    except client.exceptions.ApiException as e:
        return [e.status, json.loads(e.body)['message']]


check('pod_log_previous_missing', previous_missing)


def can_i(verb, resource):
    review = {'spec': {'resourceAttributes': {'namespace': 'default', 'verb': verb, 'resource': resource}}}
    return authz.create_self_subject_access_review(review).status.allowed


check('can_i_list_pods', lambda: can_i('list', 'pods'))

print(json.dumps(results, sort_keys=True))

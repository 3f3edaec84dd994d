import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration } from '../../model/duration.ts';
import { imageID, normalizeImage } from './kubelet-messages.ts';
import { podPhase } from './kubelet-status.ts';
import type { ContainerView, PodView } from './kubelet-status.ts';

const durations: [number, string][] = [
  [0, '0s'],
  [523, '523ms'],
  [1_500, '1.5s'],
  [10_000, '10s'],
  [80_000, '1m20s'],
  [160_000, '2m40s'],
  [300_000, '5m0s'],
  [3_600_000, '1h0m0s'],
  [1_234, '1.234s'],
];
for (const [ms, want] of durations) test(`goDuration(${ms}) = ${want}`, () => assert.equal(goDuration(ms), want));

const images: [string, string][] = [
  ['nginx', 'docker.io/library/nginx:latest'],
  ['nginx:1.25', 'docker.io/library/nginx:1.25'],
  ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
  ['registry.local:5000/team/app:v2', 'registry.local:5000/team/app:v2'],
  ['localhost/app', 'localhost/app:latest'],
  ['ghcr.io/o/app@sha256:abc', 'ghcr.io/o/app@sha256:abc'],
];
for (const [image, want] of images) test(`normalizeImage(${image})`, () => assert.equal(normalizeImage(image), want));

test('imageID is stable per image and names the repository with a sha256 digest', () => {
  assert.equal(imageID('nginx:1'), imageID('docker.io/library/nginx:1'));
  assert.notEqual(imageID('nginx:1'), imageID('nginx:2'));
  assert.match(imageID('registry.local:5000/app:v1'), /^registry\.local:5000\/app@sha256:[0-9a-f]{64}$/);
});

const waiting = (lastTerminated = false): ContainerView => ({
  name: 'a',
  image: 'x',
  state: { kind: 'waiting', reason: 'CrashLoopBackOff' },
  lastTerminated: lastTerminated ? { exitCode: 1, reason: 'Error', startedAt: 0, finishedAt: 1, containerID: 'c' } : undefined,
  ready: false,
  restartCount: 0,
  imageID: '',
  containerID: undefined,
});
const terminated = (exitCode: number): ContainerView => ({ ...waiting(), state: { kind: 'terminated', exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: 0, finishedAt: 1, containerID: 'c' } });
const running: ContainerView = { ...waiting(), state: { kind: 'running', startedAt: 0 } };
const pod = (restartPolicy: string, ...containers: ContainerView[]): PodView => ({ restartPolicy, hostIP: '', podIP: undefined, startTime: 0, sandboxReady: true, initialized: true, initContainers: [], containers });

const phases: [string, PodView, string][] = [
  ['never started', pod('Always', waiting()), 'Pending'],
  ['one started, one not', pod('Always', running, waiting()), 'Pending'],
  ['crash looping', pod('Always', waiting(true)), 'Running'],
  ['Always, all exited', pod('Always', terminated(0)), 'Running'],
  ['Never, exited 0', pod('Never', terminated(0)), 'Succeeded'],
  ['Never, one failed', pod('Never', terminated(0), terminated(1)), 'Failed'],
  ['OnFailure, one still running', pod('OnFailure', terminated(0), running), 'Running'],
  ['Never, failed init container', { ...pod('Never', waiting()), initialized: false, initContainers: [terminated(1)] }, 'Failed'],
];
for (const [name, view, want] of phases) test(`podPhase: ${name} → ${want}`, () => assert.equal(podPhase(view), want));

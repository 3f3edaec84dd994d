/**
 * The status engine's public surface, for the CLI, the waiter and the daemon: native verdicts
 * (computeVerdict), the pod/event diagnosis (diagnose), fail-fast rules, and the peer views.
 */
export { computeVerdict, SUPPORTED_KINDS, type ComputeInput } from './compute.ts';
export { diagnose, type DiagnoseInput, type Finding } from './diagnose.ts';
export { DEFAULT_FAIL_FAST_RULES, evaluateFailFast, formatFailFastRules, parseFailFastRules, type FailFastDecision, type FailFastRules } from './fail-fast.ts';
export type { Unstructured } from './fields.ts';
export { Reason } from './reasons.ts';
export type { Progress, Verdict, VerdictState } from './verdict.ts';
export { argocdView, type ArgocdView, type ArgoHealth } from './views/argocd.ts';
export { kstatusView, type KstatusStatus, type KstatusView } from './views/kstatus.ts';
export { kubectlView, revisionError, type KubectlOptions, type KubectlView } from './views/kubectl.ts';

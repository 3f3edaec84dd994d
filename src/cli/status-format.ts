import { stringify } from 'yaml';
import type { Verdict } from '../track/status/verdict.ts';
import type { ArgocdView } from '../track/status/views/argocd.ts';
import type { KstatusView } from '../track/status/views/kstatus.ts';
import type { KubectlView } from '../track/status/views/kubectl.ts';

/** OutputFormat is a `-o` value of `rollscope status`. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** StatusOutput is one verdict in the view the user asked for. */
export type StatusOutput =
  | { readonly as: 'native'; readonly subject: { readonly kind: string; readonly namespace: string; readonly name: string }; readonly verdict: Verdict }
  | { readonly as: 'kstatus'; readonly view: KstatusView }
  | { readonly as: 'argocd'; readonly view: ArgocdView }
  | { readonly as: 'kubectl'; readonly view: KubectlView };

/**
 * renderStatus writes a verdict for stdout. JSON and YAML give exactly the peer shapes of
 * ../shared/peerdata/README.md for kstatus/argocd/kubectl, and `{object, state, reason, message,
 * progress, diagnosis}` natively. The table format is one human line (kubectl's own message for
 * `--as kubectl`, which already ends in a newline).
 */
export function renderStatus(out: StatusOutput, format: OutputFormat): string {
  const data = dataOf(out);
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  if (format === 'yaml') return stringify(data);
  return humanLine(out);
}

function dataOf(out: StatusOutput): unknown {
  switch (out.as) {
    case 'native':
      return { object: out.subject, ...out.verdict };
    case 'kstatus':
    case 'argocd':
    case 'kubectl':
      return out.view;
  }
}

function humanLine(out: StatusOutput): string {
  switch (out.as) {
    case 'native': {
      const tail = out.verdict.diagnosis?.logTail ?? [];
      const log = tail.length === 0 ? '' : `last log lines of container ${out.verdict.diagnosis?.container ?? '?'} before it exited:\n${tail.map((l) => `  | ${l}\n`).join('')}`;
      return `${nativeLine(out.subject, out.verdict)}\n${log}`;
    }
    case 'kstatus':
      return `${out.view.status}: ${out.view.message}\n`;
    case 'argocd':
      return out.view.message === '' ? `${out.view.health}\n` : `${out.view.health}: ${out.view.message}\n`;
    case 'kubectl':
      return 'error' in out.view ? `error: ${out.view.error}\n` : out.view.message;
  }
}

/**
 * nativeLine is the one-line human verdict, e.g.
 * `Deployment shop/web: Failed (ImagePullFailed) ImagePullFailed: Back-off pulling image "web:bad" [Pod shop/web-1] · updated 1/3, ready 0/3, available 0/3`.
 */
export function nativeLine(subject: { readonly kind: string; readonly namespace: string; readonly name: string }, v: Verdict): string {
  const p = v.progress;
  const name = `${subject.kind} ${subject.namespace === '' ? '' : `${subject.namespace}/`}${subject.name}`;
  const d = v.diagnosis;
  const where = d?.object && d.object !== name ? ` [${d.object}]` : '';
  const diagnosis = d === null ? '' : v.reason === d.code ? where : ` — ${d.code}: ${d.message}${where}`;
  const counts = v.state === 'NotFound' ? '' : ` · updated ${p.updated}/${p.desired}, ready ${p.ready}/${p.desired}, available ${p.available}/${p.desired}`;
  return `${name}: ${v.state} (${v.reason}) ${v.message}${diagnosis}${counts}`;
}

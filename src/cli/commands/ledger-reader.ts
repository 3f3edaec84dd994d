import type { Command } from 'commander';

/**
 * The part shared by the commands that read the ledger and address workloads by namespace
 * (`history`, `show`): where the ledger is, and the kubeconfig consulted only for the default
 * namespace.
 */

/** LedgerReaderFlags are the raw values of the flags addLedgerReaderFlags declares, plus -n. */
export interface LedgerReaderFlags {
  readonly namespace?: string;
  readonly db?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** addLedgerReaderFlags declares --db, --kubeconfig and --context (after the command's own flags). */
export function addLedgerReaderFlags(command: Command): Command {
  return command
    .option('--db <url>', 'ledger: sqlite:PATH or postgres://user:password@host/db')
    .option('--kubeconfig <file>', 'kubeconfig used only to find the default namespace')
    .option('--context <name>', 'kubeconfig context used only to find the default namespace');
}

/**
 * kubeconfigNamespace is the current context's namespace, or `default` when there is no usable
 * kubeconfig. A kubeconfig or context named explicitly must work: its error is thrown.
 */
export async function kubeconfigNamespace(flags: LedgerReaderFlags): Promise<string> {
  const explicit = flags.kubeconfig !== undefined || flags.context !== undefined;
  try {
    const { loadKubeConfig } = await import('../../kube/client.ts');
    const kc = loadKubeConfig({ ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.context === undefined ? {} : { context: flags.context }) });
    return kc.namespace;
  } catch (e) {
    if (explicit) throw e;
    return 'default';
  }
}

/**
 * prometheusConfig writes a Prometheus configuration that scrapes the simulated cluster's pods the way
 * a real cluster is commonly scraped: the `kubernetes-pods` job of the canary field report (keep pods
 * annotated `prometheus.io/scrape: "true"`, path from `prometheus.io/path`, port from
 * `prometheus.io/port`, `labelmap` of pod labels, namespace and pod name as labels), unchanged except
 * that `kubernetes_sd_configs: [{role: pod}]` is swapped for `http_sd_configs` pointing at the
 * simulator (apiserver/http/prometheus-sd.ts serves the same targets and labels). Debian's Prometheus
 * has no Kubernetes discovery. `caFile` is the simulator's CA when it serves HTTPS.
 */
export function prometheusConfig(options: { readonly sdUrl: string; readonly caFile?: string; readonly scrapeInterval?: string; readonly refreshInterval?: string }): string {
  const interval = options.scrapeInterval ?? '5s';
  const tls = options.caFile === undefined ? '' : `\n        tls_config:\n          ca_file: ${JSON.stringify(options.caFile)}`;
  return `# Written by rollscope sim --prometheus-config-out: scrape the simulated cluster's pods.
global:
  scrape_interval: ${interval}
  evaluation_interval: ${interval}
scrape_configs:
  - job_name: kubernetes-pods
    http_sd_configs:
      - url: ${JSON.stringify(options.sdUrl)}
        refresh_interval: ${options.refreshInterval ?? interval}${tls}
    relabel_configs:
      - action: keep
        regex: true
        source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
      - action: replace
        regex: (.+)
        source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        target_label: __metrics_path__
      - action: replace
        regex: ([^:]+)(?::\\d+)?;(\\d+)
        replacement: $1:$2
        source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        target_label: __address__
      - action: labelmap
        regex: __meta_kubernetes_pod_label_(.+)
      - source_labels: [__meta_kubernetes_namespace]
        action: replace
        target_label: kubernetes_namespace
      - source_labels: [__meta_kubernetes_pod_name]
        action: replace
        target_label: kubernetes_pod_name
`;
}

import { TrackerError } from '../../lib/errors.ts';

/**
 * Trace export settings from the OpenTelemetry SDK environment variables (as the OpenTelemetry
 * specification's "SDK environment variables" and "OTLP exporter configuration" define them), with the
 * config file's `traces:` section overriding:
 * - OTEL_SDK_DISABLED=true (any case) turns traces off, unless the config file names an endpoint;
 * - endpoint: config `traces.endpoint`, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT used as is, else
 *   OTEL_EXPORTER_OTLP_ENDPOINT with `v1/traces` appended (the signal path for OTLP/HTTP); none → off;
 * - protocol: only http/protobuf is sent; OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL set to anything else is
 *   a configuration error (rather than posting protobuf at a gRPC port);
 * - headers: OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_TRACES_HEADERS, then config
 *   `traces.headers` (later wins per key); `k=v` pairs separated by commas, values percent-decoded;
 * - resource: OTEL_RESOURCE_ATTRIBUTES (`k=v,…`, percent-decoded), with service.name from
 *   OTEL_SERVICE_NAME, else that attribute, else `rollscope`.
 * Header values are credentials: they are never logged.
 */
export interface TraceSettings {
  readonly endpoint?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

/** ConfigTraces is the config file's `traces:` section. */
export interface ConfigTraces {
  readonly endpoint?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** parseKeyValues reads `k1=v1,k2=v2` with percent-encoded values (W3C baggage style, as OTEL_* lists are). */
export function parseKeyValues(text: string | undefined, variable: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') throw new TrackerError('CONFIG_INVALID', `${variable} has an entry without key=value`, { subject: variable, hint: `write ${variable} as key1=value1,key2=value2 (values percent-encoded)` });
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new TrackerError('CONFIG_INVALID', `${variable}: the value of ${key} is not valid percent-encoding`, { subject: variable, hint: 'percent-encode commas, equals signs and non-ASCII characters in values' });
    }
  }
  return out;
}

function signalEndpoint(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** traceSettings resolves the trace export settings from the environment and the config file. */
export function traceSettings(env: Env, config: ConfigTraces | undefined): TraceSettings {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[variable];
    if (protocol !== undefined && protocol !== '' && protocol !== 'http/protobuf')
      throw new TrackerError('CONFIG_INVALID', `${variable}=${protocol} is not supported: rollscope sends OTLP over HTTP with protobuf`, {
        subject: variable,
        hint: 'set it to http/protobuf (or unset it) and point the endpoint at the collector\'s OTLP/HTTP port, usually 4318',
      });
  }
  const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
  const fromEnv = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT ? signalEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined);
  const endpoint = config?.endpoint ?? (disabled ? undefined : fromEnv);
  const headers = {
    ...parseKeyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...parseKeyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    ...config?.headers,
  };
  const resourceAttributes = parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES');
  const serviceName = env.OTEL_SERVICE_NAME || resourceAttributes['service.name'] || 'rollscope';
  return { ...(endpoint === undefined ? {} : { endpoint }), headers, serviceName, resourceAttributes: { ...resourceAttributes, 'service.name': serviceName } };
}

import { Option } from 'commander';
import type { WireFormat } from '../kube/protobuf-wire.ts';

/** WIRE_FORMATS are the values of `--wire`. */
export const WIRE_FORMATS: readonly WireFormat[] = ['protobuf', 'json'];

/**
 * wireOption is `--wire protobuf|json` for commands that list and watch (serve, wait): how the
 * built-in kinds are read. protobuf (default) is what Kubernetes' own controllers use, and the
 * server answers JSON where it has none; json forces JSON, e.g. to rule out the decoder.
 */
export function wireOption(): Option {
  return new Option('--wire <format>', 'how to read built-in kinds from the API server: protobuf (falls back to JSON where the server has none) or json').choices(WIRE_FORMATS).default('protobuf');
}

/**
 * WatchEventType is the `type` of a Kubernetes watch event, spelled as the API server sends it
 * (k8s.io/apimachinery pkg/watch/watch.go EventType). Defined once: the client, the simulated API
 * server, the informers and the tracker all use this spelling.
 */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * ChangeType is a watch event type that changes an object. Past the wire, every layer — the
 * reflector's deltas, the informers' handlers, the tracker's input — passes it on unchanged; a
 * relist's difference is expressed in it too (a missed delete is `DELETED` of a tombstone).
 */
export type ChangeType = Exclude<WatchEventType, 'BOOKMARK' | 'ERROR'>;

/**
 * INITIAL_EVENTS_END is the annotation on the BOOKMARK that ends a streaming list's initial events
 * (KEP-3157; k8s.io/apimachinery metav1.InitialEventsAnnotationKey), value "true". The simulated API
 * server writes it and the client reads it.
 */
export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/**
 * The one error catalogue (STYLE §4). Each code maps to an HTTP status and a title; `docs/errors.md`
 * has an entry per code. A retired code MUST NOT be reused.
 */
export const ErrorCodes = {
  KM_VALIDATION: { status: 400, title: 'Request validation failed' },
  KM_BUNDLE_INVALID: { status: 400, title: 'Account bundle is invalid' },
  KM_BUNDLE_ID_MISMATCH: { status: 400, title: 'Bundle id does not match the URL' },
  KM_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  KM_FORBIDDEN: { status: 403, title: 'Not allowed for this key' },
  KM_NOT_FOUND: { status: 404, title: 'Resource not found' },
  KM_ACCOUNT_NOT_FOUND: { status: 404, title: 'Account not found' },
  KM_REPORT_NOT_FOUND: { status: 404, title: 'Report not found' },
  KM_FORECAST_NOT_FOUND: { status: 404, title: 'No stored forecast' },
  KM_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  KM_NOT_ACCEPTABLE: { status: 406, title: 'No acceptable representation' },
  KM_RANGE_TOO_WIDE: { status: 422, title: 'Requested range exceeds resolution limit' },
  KM_TARIFF_UNSUPPORTED: { status: 422, title: 'Tariff uses a feature Keymeter cannot bill' },
  KM_FORECAST_NO_DATA: { status: 422, title: 'Not enough interval data for a forecast' },
  KM_CONFLICT: { status: 409, title: 'Conflicts with stored data' },
  KM_BUNDLE_OWNERSHIP: { status: 409, title: 'Entity belongs to another account' },
  KM_BUNDLE_METER_HAS_READINGS: { status: 409, title: 'Meter or channel with stored readings cannot be removed' },
  KM_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  KM_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  KM_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  KM_INTERNAL: { status: 500, title: 'Internal server error' },
  KM_DB_UNAVAILABLE: { status: 503, title: 'Storage temporarily unavailable' },
  KM_NOT_READY: { status: 503, title: 'Service not ready' },
  KM_DB_TIMEOUT: { status: 504, title: 'Storage query timed out' },
  KM_CORE_SHAPE: { status: 500, title: 'Series shape mismatch' },
  // Ingest rejections: the reason stored with a dead letter (status: how the API would answer the same input).
  KM_INGEST_BAD_TOPIC: { status: 422, title: 'Topic is not a Keymeter meter topic' },
  KM_INGEST_PAYLOAD_TOO_LARGE: { status: 413, title: 'Ingest payload too large' },
  KM_INGEST_BAD_JSON: { status: 422, title: 'Payload is not valid UTF-8 JSON' },
  KM_INGEST_SCHEMA: { status: 422, title: 'Payload does not match the schema' },
  KM_INGEST_UNKNOWN_METER: { status: 422, title: 'Unknown meter' },
  KM_INGEST_UNKNOWN_CHANNEL: { status: 422, title: 'Unknown channel for this meter' },
  KM_INGEST_BAD_TIMESTAMP: { status: 422, title: 'Timestamp is not valid' },
  KM_INGEST_OFF_GRID: { status: 422, title: "Timestamp is not on the channel's interval grid" },
  KM_INGEST_FUTURE: { status: 422, title: 'Timestamp is too far in the future' },
  KM_INGEST_NOT_FINITE: { status: 422, title: 'Value is not a finite number' },
  KM_INGEST_STORE_FAILED: { status: 422, title: 'Reading could not be stored' },
  KM_INGEST_UNSUPPORTED_READING: { status: 422, title: 'Reading type has no Keymeter channel' },
  KM_INGEST_UNIT_MISMATCH: { status: 422, title: "Unit cannot be converted to the channel's unit" },
  KM_INGEST_INTERVAL_MISMATCH: { status: 422, title: "Interval length differs from the channel's interval" },
  // File imports (`keymeter import greenbutton|csv`): the whole file is refused, nothing is stored.
  KM_IMPORT_MALFORMED: { status: 422, title: 'File is not in the expected format' },
  KM_IMPORT_BAD_ROWS: { status: 422, title: 'File has invalid rows; nothing was stored' },
  KM_INGEST_DECODE_RANGE: { status: 422, title: 'Register value could not be decoded' },
  KM_INGEST_COUNTER_RESET: { status: 422, title: 'Energy counter went backwards (meter reset)' },
  // Modbus devices (dead-letter reasons of the poller; 502: the device, not the caller, is at fault).
  KM_MODBUS_EXCEPTION: { status: 502, title: 'Modbus device answered with an exception' },
  KM_MODBUS_NOT_SUNSPEC: { status: 502, title: 'No usable SunSpec meter model on the device' },
  KM_MODBUS_UNKNOWN_MAP: { status: 422, title: 'Unknown or invalid register map' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorIssue {
  /** JSON path of the offending field, e.g. `sites[0].meters[1].channels[0].kind`. */
  path: string;
  message: string;
}

export class KeymeterError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { issues?: ErrorIssue[] },
  ) {
    super(message, options);
    this.name = 'KeymeterError';
    this.issues = options?.issues;
  }
  readonly issues: ErrorIssue[] | undefined;
  get status(): number {
    return ErrorCodes[this.code].status;
  }
}

/** Normalizes anything thrown into an Error (GW `coerceError`). */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

/** Formats a path of keys and indices as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Modbus exception codes, kept numerically with the specification's names (MQ keeps MQTT reason codes
 * the same way). Modbus Application Protocol Specification V1.1b3 §7 "MODBUS Exception Responses".
 */
export const MODBUS_EXCEPTIONS: Readonly<Record<number, string>> = {
  0x01: 'ILLEGAL FUNCTION',
  0x02: 'ILLEGAL DATA ADDRESS',
  0x03: 'ILLEGAL DATA VALUE',
  0x04: 'SERVER DEVICE FAILURE',
  0x05: 'ACKNOWLEDGE',
  0x06: 'SERVER DEVICE BUSY',
  0x08: 'MEMORY PARITY ERROR',
  0x0a: 'GATEWAY PATH UNAVAILABLE',
  0x0b: 'GATEWAY TARGET DEVICE FAILED TO RESPOND',
};

export const ILLEGAL_DATA_ADDRESS = 0x02;

/** `0x02 ILLEGAL DATA ADDRESS`, or `0x42 (unknown)`. */
export function describeException(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')} ${MODBUS_EXCEPTIONS[code] ?? '(not in the specification)'}`;
}

/**
 * The simulated meters of the `ingest.modbus` benchmark, in a process of their own so that the CPU the
 * benchmark reports is the poller's, not the simulators'. `tsx bench/modbus-sim-child.ts N` starts N
 * SunSpec meters, each on its own free loopback port (as N meters on a network would be), following the
 * industrial demo profile, prints `{"endpoints": [[meterId, port], ...]}` on one line and runs until stdin
 * closes or SIGTERM.
 */
import { profileMeasurement, startFleet, type FleetMeter } from '../ingest/simulate/modbus-fleet.js';

const n = Number(process.argv[2] ?? '200');
const meters: FleetMeter[] = Array.from({ length: n }, (_, i) => {
  const meterId = `kmbench-mb-${String(i).padStart(3, '0')}`;
  return {
    meterId, host: '127.0.0.1', port: 0, unitId: 1,
    measure: profileMeasurement({ meterId, commodity: 'electric', channels: [], timezone: 'UTC', peakKw: 200 + (i % 7) * 50, profile: 'industrial', outages: false }),
  };
});
const fleet = await startFleet(meters);
process.stdout.write(`${JSON.stringify({ endpoints: [...fleet.endpoints].map(([id, e]) => [id, e.port]) })}\n`);
const stop = (): void => {
  void fleet.close().then(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.resume();
process.once('SIGTERM', stop);

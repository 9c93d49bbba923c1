import t from 'tap';
import { parseBundle } from '../../src/db/bundle-store.js';
import { KeymeterError } from '../../src/errors.js';

function issues(input: unknown): { path: string; message: string }[] {
  try {
    parseBundle(input);
  } catch (e) {
    if (e instanceof KeymeterError) return e.issues ?? [];
    throw e;
  }
  return [];
}

t.test('only id, name and each site id, name and timezone are required', async (t) => {
  const b = parseBundle({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'Europe/London' }] });
  t.strictSame(b, {
    id: 'a', name: 'A', facilityCosts: [], tariffs: [], bills: [], payments: [], systemReliability: [],
    sites: [{ id: 's', name: 'S', timezone: 'Europe/London', candidateTariffs: [], meters: [], transformers: [], equipment: [], supplyPath: [] }],
  });
});

t.test('defaults: commodity electric, interval 15 min, the kind\'s unit (none for pf)', async (t) => {
  const b = parseBundle({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'UTC', meters: [
    { id: 'm', channels: [{ kind: 'kwh_del' }, { kind: 'pf', intervalMinutes: 5 }] },
    { id: 'g', commodity: 'gas', channels: [{ kind: 'gas', unit: 'm3', intervalMinutes: 60 }] },
  ] }] });
  t.strictSame(b.sites[0]!.meters, [
    { id: 'm', commodity: 'electric', channels: [{ kind: 'kwh_del', unit: 'kWh', intervalMinutes: 15 }, { kind: 'pf', intervalMinutes: 5 }] },
    { id: 'g', commodity: 'gas', channels: [{ kind: 'gas', unit: 'm3', intervalMinutes: 60 }] },
  ]);
});

t.test('errors name the JSON path of each bad field', async (t) => {
  t.strictSame(issues({ id: 'a b', name: 'A' }).map((i) => i.path), ['id']);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'Mars/Olympus' }] }).map((i) => i.path), ['sites[0].timezone']);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'UTC', meters: [{ id: 'm', channels: [{ kind: 'kwh_del', intervalMinutes: 7 }] }] }] }).map((i) => i.path),
    ['sites[0].meters[0].channels[0].intervalMinutes']);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'UTC', meters: [{ id: 'm', channels: [{ kind: 'kwh_del', unit: 'MWh' }] }] }] }),
    [{ path: 'sites[0].meters[0].channels[0].unit', message: "'kwh_del' takes 'kWh'" }]);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'UTC', meters: [{ id: 'g', commodity: 'gas', channels: [{ kind: 'kwh_del' }] }] }] }),
    [{ path: 'sites[0].meters[0].channels[0].kind', message: "a gas meter cannot have a 'kwh_del' channel" }]);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [{ id: 's', name: 'S', timezone: 'UTC', meterz: [] }] }).map((i) => i.path), ['sites[0]'], 'unknown keys are errors');
});

t.test('cross references must resolve', async (t) => {
  const site = (extra: object) => ({ id: 's', name: 'S', timezone: 'UTC', meters: [{ id: 'm' }], ...extra });
  t.strictSame(issues({ id: 'a', name: 'A', sites: [site({ transformers: [{ id: 't', meterIds: ['m', 'zz'] }] })] }),
    [{ path: 'sites[0].transformers[0].meterIds[1]', message: "no meter 'zz' in this site" }]);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [site({}), site({})] }).map((i) => i.path).sort(), ['sites[1].id', 'sites[1].meters[0].id']);
  t.strictSame(issues({ id: 'a', name: 'A', bills: [{ id: 'b', siteId: 'nope', periodStart: '2025-02-01', periodEnd: '2025-01-31', amountUsd: 1 }] }).map((i) => i.path),
    ['bills[0].siteId', 'bills[0].periodEnd']);
  t.strictSame(issues({ id: 'a', name: 'A', payments: [{ billId: 'x', paidOn: '2025-01-01', amountUsd: 1 }] }).map((i) => i.path), ['payments[0].billId']);
  t.strictSame(issues({ id: 'a', name: 'A', sites: [site({ meters: [{ id: 'm', protocol: 'modbus' }] })] }).map((i) => i.path), ['sites[0].meters[0].modbus']);
  t.strictSame(issues({ id: 'a', name: 'A', bills: [{ id: 'b', periodStart: '2025-02-30', periodEnd: '2025-03-01', amountUsd: 1 }] }).map((i) => i.path), ['bills[0].periodStart'], 'an impossible date');
});

t.test('the supply path must be a graph without cycles', async (t) => {
  const path = [{ id: 'a', kind: 'substation', from: 'c' }, { id: 'b', kind: 'feeder', from: 'a' }, { id: 'c', kind: 'transformer', from: 'b' }];
  t.strictSame(issues({ id: 'x', name: 'X', sites: [{ id: 's', name: 'S', timezone: 'UTC', supplyPath: path }] }),
    [{ path: 'sites[0].supplyPath', message: 'the supply path has a cycle: a -> c -> b -> a' }]);
  t.strictSame(issues({ id: 'x', name: 'X', sites: [{ id: 's', name: 'S', timezone: 'UTC', supplyPath: [{ id: 'f', kind: 'facility', from: ['n1', 'n2'] }, { id: 'n1', kind: 'meter' }] }] }),
    [{ path: 'sites[0].supplyPath[0].from[1]', message: "no supply-path node 'n2' in this site" }]);
});

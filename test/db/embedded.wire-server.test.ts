import net from 'node:net';
import pg from 'pg';
import t from 'tap';
import { startEmbedded } from '../../src/db/embedded/index.js';
import { backends } from '../helpers/db.js';

const skip = !backends().includes('embedded') && 'embedded backend skipped';

t.test('the embedded wire server', { skip }, async (t) => {
  const db = await startEmbedded();
  t.teardown(() => db.close());

  t.test('a message far larger than one socket read (pglite-socket 0.0.20 aborted PGlite on these)', async (t) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    t.teardown(() => c.end());
    const n = 50_000; // ~1.3 MB of Bind parameters
    const values = Array.from({ length: n }, (_, i) => i * 0.5);
    const r = await c.query<{ n: number; s: number }>('select count(*)::int as n, sum(v) as s from unnest($1::float8[]) as v', [values]);
    t.strictSame(r.rows[0], { n, s: (0.5 * (n - 1) * n) / 2 });
    const big = 'x'.repeat(300_000);
    t.equal((await c.query<{ l: number }>('select length($1::text) as l', [big])).rows[0]!.l, 300_000);
  });

  t.test('a client that drops inside a transaction leaves nothing open for the next one', async (t) => {
    const a = new pg.Client({ connectionString: db.url });
    a.on('error', () => undefined);
    await a.connect();
    await a.query('create table if not exists wire_t (x int)');
    await a.query('begin');
    await a.query('insert into wire_t values (1)');
    (a as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy(); // no COMMIT, no Terminate
    const b = new pg.Client({ connectionString: db.url });
    await b.connect();
    t.teardown(() => b.end());
    t.strictSame((await b.query('select count(*)::int as n from wire_t')).rows, [{ n: 0 }], 'the open transaction was rolled back');
    await b.query('begin');
    await b.query('insert into wire_t values (2)');
    await b.query('commit');
    t.strictSame((await b.query('select x from wire_t')).rows, [{ x: 2 }], 'the next client works normally');
  });

  t.test('connections queue for the single instance and are served in turn', async (t) => {
    const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: db.url }));
    const results = await Promise.all(clients.map(async (c, i) => {
      await c.connect();
      const r = await c.query<{ v: number }>('select $1::int as v', [i]);
      await c.end();
      return r.rows[0]!.v;
    }));
    t.strictSame(results, [0, 1, 2]);
  });

  t.test('an SSLRequest is answered N (no TLS on loopback)', async (t) => {
    const { port } = new URL(db.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), '127.0.0.1', () => {
        const req = Buffer.alloc(8);
        req.writeInt32BE(8, 0);
        req.writeInt32BE(80877103, 4); // PostgreSQL protocol §55.2.10 SSLRequest code
        s.write(req);
      });
      s.once('data', (d) => { resolve(d.toString('latin1')); s.destroy(); });
      s.once('error', reject);
    });
    t.equal(answer, 'N');
  });
});

t.test('COPY FROM STDIN and COPY TO STDOUT through the embedded wire server', { skip }, async (t) => {
  const { from } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const db = await startEmbedded();
  t.teardown(() => db.close());
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  t.teardown(() => c.end());
  await c.query('create table copy_t (id int, label text)');
  const n = 30_000; // about 400 KB of CopyData, many socket reads
  const rows = (function* () { for (let i = 0; i < n; i++) yield `${i}\trow ${i}\n`; })();
  await pipeline(Readable.from(rows), c.query(from('copy copy_t (id, label) from stdin')));
  t.strictSame((await c.query('select count(*)::int as n, sum(id)::bigint::text as s, max(label) as m from copy_t')).rows,
    [{ n, s: String((n * (n - 1)) / 2), m: 'row 9999' }]);
  const bad = await pipeline(Readable.from(['1\tok\n', 'not-a-number\tx\n']), c.query(from('copy copy_t (id, label) from stdin'))).catch((e: Error) => e);
  t.ok(bad instanceof Error, 'a bad COPY fails with an error');
  t.strictSame((await c.query('select count(*)::int as n from copy_t')).rows, [{ n }], 'and stores nothing; the connection still works');
});

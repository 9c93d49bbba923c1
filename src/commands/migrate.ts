import { migrate } from '../db/migrate.js';
import { openDb, type Runtime } from './runtime.js';

export async function migrateCommand(rt: Runtime): Promise<void> {
  const db = await openDb(rt);
  try {
    const applied = await migrate(db.pool, rt.log);
    process.stdout.write(applied.length === 0 ? 'migrations: up to date\n' : `migrations applied: ${applied.join(', ')}\n`);
  } finally {
    await db.close();
  }
}

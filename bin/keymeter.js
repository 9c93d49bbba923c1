#!/usr/bin/env node
// The `keymeter` command. TypeScript sources are loaded through tsx's loader (a runtime dependency),
// so an `npm install` is all a checkout needs: there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

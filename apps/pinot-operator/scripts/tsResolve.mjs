/**
 * A module hook to run this app's TypeScript sources with Node 24 directly (scripts, the demo): Node strips types
 * natively, but the sources import each other as `./x.js` (NodeNext style); this maps such an import to `./x.ts`
 * when no `.js` file exists. Use: `node --import ./scripts/tsResolve.mjs <file.ts>`.
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (err) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      if (relative && specifier.endsWith('.js') && err?.code === 'ERR_MODULE_NOT_FOUND') {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw err;
    }
  },
});

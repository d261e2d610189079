/**
 * `npm run build`'s second step: links the server and the worker entry points with esbuild into
 * `dist/src/main.js` and `dist/src/worker-main.js` (replacing tsc's unbundled files of the same
 * name; every other file tsc emitted stays), with the lazily loaded adapters and shared code as
 * chunks in `dist/src/chunks/`.
 *
 * Why: Node 20's ESM loader opens, reads and links each of the ~1,900 modules of the server's
 * graph one by one; one file per entry point halves the CPU time to readiness (bench/startup.ts,
 * docs/deployment.md). tsc still type-checks and emits everything (the CLI, and a server that
 * runs unbundled if this step is skipped: same behaviour, slower start).
 *
 * Kept external (loaded from node_modules at run time): packages with native code, WASM or files
 * they find next to themselves (`__dirname`, worker threads, static assets), and unpdf (its PDF.js
 * build imports a worker by computed URL). The narrator's child script is written next to the
 * chunk that spawns it.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist/src');
const chunkDir = 'chunks';

/** Packages resolved from node_modules at run time rather than copied into the bundle. */
export const EXTERNAL = [
  '@electric-sql/pglite', // WASM and data files next to its modules
  '@napi-rs/canvas', // native addon
  '@ffmpeg-installer/*', // binaries located through require.resolve
  '@ffprobe-installer/*',
  'espeak-ng', // WASM, run in a child process
  'dejavu-fonts-ttf',
  '@fastify/swagger', // reads its package.json through __dirname
  '@fastify/swagger-ui', // serves its static assets from its own directory
  'pino', // transports run in worker threads from their own files
  'thread-stream',
  'unpdf',
  'pg-native', // optional, absent
  'tsx',
];

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  // No `keepNames`: it wraps every function and class the bundle creates, closures made per request
  // included, in a `__name()` call (Object.defineProperty): 55–65 µs -> 40–43 µs of server CPU
  // per GET status (bench/api.ts, interleaved). Nothing here reads function or class names at run
  // time (container errors name themselves with strings); esbuild renames a top-level symbol only
  // when two modules' names collide.
  keepNames: false,
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __framecastRequire } from 'node:module'; const require = __framecastRequire(import.meta.url);",
  },
};

if (!existsSync(path.join(outdir, 'config/config.js'))) {
  throw new Error('dist/src is missing: run `tsc -p tsconfig.build.json` first (npm run build does both).');
}
await rm(path.join(outdir, chunkDir), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { main: path.join(root, 'src/main.ts'), 'worker-main': path.join(root, 'src/worker-main.ts') },
  outdir,
  splitting: true,
  chunkNames: `${chunkDir}/[name]-[hash]`,
  allowOverwrite: true,
});
// The narrator spawns `espeak-child.js` from its own directory (src/adapters/ffmpeg/espeak-narrator.ts):
// in the bundle that is the chunk directory.
await build({
  ...common,
  entryPoints: [path.join(root, 'src/adapters/ffmpeg/espeak-child.ts')],
  outfile: path.join(outdir, chunkDir, 'espeak-child.js'),
});
process.stdout.write(
  `bundled dist/src/main.js and dist/src/worker-main.js (chunks in dist/src/${chunkDir}/)\n`,
);

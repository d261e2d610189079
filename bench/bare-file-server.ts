import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';

/**
 * The download reference: a bare Node `http` server that streams one file with
 * `fs.createReadStream` — the whole file (200) or one `bytes=a-b` / `bytes=a-` range (206).
 * Started by bench/download.ts as its own process; prints `listening on <url>`.
 * Env: BENCH_FILE (path), PORT (default 0).
 */
const file = process.env['BENCH_FILE'] ?? '';
const size = statSync(file).size;
const server = http.createServer((req, res) => {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (m) {
    const start = Number(m[1]);
    const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    res.writeHead(206, {
      'content-type': 'video/mp4',
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${size}`,
      'accept-ranges': 'bytes',
    });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size, 'accept-ranges': 'bytes' });
  createReadStream(file).pipe(res);
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

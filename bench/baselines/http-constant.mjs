// @ts-check
// Baseline: a bare node:http server that answers every request with a constant
// buffer (the mock's own bytes for the case), with the mock's status and content type.
// Usage: node http-constant.mjs <body-file> <content-type> <status>
// Listens on 127.0.0.1, a free port, and prints {"port":N} on stdout.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';

const [bodyFile, contentType, status] = process.argv.slice(2);
if (!bodyFile || !contentType || !status)
  throw new Error('usage: http-constant.mjs <body-file> <content-type> <status>');
const body = readFileSync(bodyFile);
const code = Number(status);
const headers = { 'content-type': contentType, 'content-length': String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(code, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

// @ts-check
// Baseline: a bare Fastify app with one GET route that answers a constant body
// (the mock's own bytes for the case), with the mock's status and content type.
// Usage: node fastify-constant.mjs <body-file> <content-type> <status> <path> [port]
// Listens on 127.0.0.1, the port or a free one, and prints {"port":N} on stdout.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import Fastify from 'fastify';

const [bodyFile, contentType, status, path, port = '0'] = process.argv.slice(2);
if (!bodyFile || !contentType || !status || !path)
  throw new Error('usage: fastify-constant.mjs <body-file> <content-type> <status> <path>');
const body = readFileSync(bodyFile, 'utf8');
const code = Number(status);

const app = Fastify({ logger: false });
app.get(path, (_request, reply) => {
  reply.code(code).type(contentType).send(body);
});
await app.listen({ host: '127.0.0.1', port: Number(port) });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

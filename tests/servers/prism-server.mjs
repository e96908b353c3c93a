// Prism (@stoplight/prism-cli), a mock server that validates requests against an OpenAPI
// document, for the wink-api integration tests: `node prism-server.mjs SPEC_FILE`.
//
// Prism itself does not exit when its stdin closes, so this wrapper gives it the lifetime
// the Rust test harness expects of every test server: it starts `prism mock` on 127.0.0.1
// with an ephemeral port, prints `listening on PORT` once Prism reports
// `Prism is listening on http://127.0.0.1:PORT`, and kills Prism and exits when its own
// stdin ends (that is, when the test process ends, however it ends).
//
// Prism logs several lines per request. Its stdout and stderr are drained continuously into
// this process's stderr, which the harness points at a log file: never an unread pipe,
// which would fill and block Prism.
//
// Flags: `-d` generates responses from the schemas (the documents' static examples are
// often invalid, such as "hotel-1" in `format: uuid` fields), `--seed` makes that
// generation deterministic (the same request gets the same response, run after run),
// `--json-schema-faker-fillProperties=false` keeps generated objects to their declared
// properties, and `--cors=false` keeps CORS headers out of the responses.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const spec = process.argv[2];
if (!spec) {
  console.error('usage: node prism-server.mjs SPEC_FILE');
  process.exit(2);
}
const seed = process.env.PRISM_SEED ?? 'wink-rs';
const bin = fileURLToPath(new URL('./node_modules/.bin/prism', import.meta.url));
const args = [
  'mock',
  '--host', '127.0.0.1',
  '--port', '0',
  '--dynamic',
  '--seed', seed,
  '--json-schema-faker-fillProperties=false',
  '--cors=false',
  spec,
];
console.error(`starting: ${bin} ${args.join(' ')}`);
const prism = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });

let running = true;
const stop = (code) => {
  if (running) prism.kill('SIGTERM');
  process.exit(code);
};

// Both streams go to the log; stdout is also scanned for the ready line until it is seen.
const ready = /Prism is listening on http:\/\/127\.0\.0\.1:(\d+)/;
let pending = '';
let announced = false;
prism.stdout.on('data', (chunk) => {
  process.stderr.write(chunk);
  if (announced) return;
  // Only whole lines: a chunk can end in the middle of the port.
  const lines = (pending + chunk.toString('utf8')).split('\n');
  pending = lines.pop();
  for (const line of lines) {
    const found = ready.exec(line);
    if (found) {
      announced = true;
      pending = '';
      console.log(`listening on ${found[1]}`);
      return;
    }
  }
});
prism.stderr.on('data', (chunk) => process.stderr.write(chunk));

prism.on('error', (e) => {
  console.error(`cannot start prism: ${e.message}`);
  running = false;
  process.exit(1);
});
prism.on('exit', (code, signal) => {
  running = false;
  console.error(`prism exited (code ${code}, signal ${signal})`);
  process.exit(code ?? 1);
});

process.stdin.on('end', () => stop(0));
process.stdin.on('close', () => stop(0));
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(1));
process.on('exit', () => {
  if (running) prism.kill('SIGTERM');
});

// `deno serve` and Deno Deploy entry: a default export with `fetch`. Listen
// address and port come from `deno serve`'s own flags, not PORT/HOSTNAME:
// `deno serve --allow-net --allow-env --port 8000 shims/deno_serve.ts`, and
// `--parallel` for one process per core.
import { type Started, startGateway, startupFailure } from "./_startup.ts";

let started: Started;
try {
  started = startGateway(Deno.env.toObject(), (text) => {
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  });
} catch (error) {
  console.error(startupFailure(error));
  Deno.exit(1);
}
const { gateway } = started;

export default {
  fetch: (request, info) =>
    gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }),
} satisfies Deno.ServeDefaultExport;

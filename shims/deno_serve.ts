// `deno serve` and Deno Deploy entry: a default export with `fetch`. Listen
// address and port come from `deno serve`'s own flags, not PORT/HOSTNAME:
// `deno serve --allow-net --allow-env --port 8000 shims/deno_serve.ts`, and
// `--parallel` for one process per core.
import { writeStdout } from "./_deno.ts";
import { startOrExit } from "./_startup.ts";

const { gateway } = startOrExit(Deno.env.toObject(), writeStdout, Deno.exit);

export default {
  fetch: (request, info) =>
    gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }),
} satisfies Deno.ServeDefaultExport;

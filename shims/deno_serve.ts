// `deno serve` and Deno Deploy entry: a default export with `fetch`.
// `deno serve --allow-net --allow-env --port 8000 shims/deno_serve.ts`
import { startGateway, startupFailure } from "./_startup.ts";

const { gateway } = await startGateway(Deno.env.toObject()).catch((error) => {
  console.error(startupFailure(error));
  Deno.exit(1);
});

export default {
  fetch: (request, info) =>
    gateway(request, { address: (info.remoteAddr as Deno.NetAddr).hostname }),
} satisfies Deno.ServeDefaultExport;

// Bundles the Node shim and the Workers module with esbuild.
import { build } from "esbuild";

const common = { bundle: true, format: "esm", logLevel: "warning", legalComments: "none" };

await Promise.all([
  build({
    ...common,
    entryPoints: ["shims/node.ts"],
    outfile: "dist/node.mjs",
    platform: "node",
    target: "node20",
    packages: "external",
  }),
  build({
    ...common,
    entryPoints: ["shims/workers.ts"],
    outfile: "dist/workers.mjs",
    platform: "neutral",
    target: "es2022",
  }),
]);
console.log("built dist/node.mjs and dist/workers.mjs");

// Bundles with esbuild what Node cannot run from TypeScript: the Node shim,
// the Workers module, and the test runner with the in-process cases.
import { build } from "esbuild";

const node = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
};

await Promise.all([
  build({ ...node, entryPoints: ["shims/node.ts"], outfile: "dist/node.mjs" }),
  build({
    ...node,
    entryPoints: ["scripts/start.ts"],
    outfile: "dist/start.mjs",
    external: ["./node.mjs"],
  }),
  build({
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "warning",
    entryPoints: ["shims/workers.ts"],
    outfile: "dist/workers.mjs",
  }),
  build({
    ...node,
    entryPoints: ["tests/run.ts", "tests/inprocess.ts"],
    outdir: "dist/tests",
    outExtension: { ".js": ".mjs" },
  }),
]);
console.log("built dist/node.mjs, dist/start.mjs, dist/workers.mjs and dist/tests/");

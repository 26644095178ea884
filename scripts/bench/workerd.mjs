// The Workers gateways on the workerd binary itself, from a generated capnp
// config. Not `wrangler dev --local`: that puts wrangler's Node.js proxy in
// front of workerd, which capped both Workers near 300 req/s at 3-5 ms of CPU
// per request, so the rows measured the proxy rather than the Worker.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WORKERD = `${ROOT}node_modules/workerd/bin/workerd`;
const COMPATIBILITY_DATE = "2026-11-17"; // as wrangler.jsonc

/** Writes the Worker's one module to `file`. */
const MODULES = {
  // psk-gate's Worker as `node scripts/build.mjs` bundles it for deployment.
  "psk-gate": (file) => {
    const built = `${ROOT}dist/workers.mjs`;
    if (!existsSync(built)) throw new Error(`${built} is missing: run node scripts/build.mjs`);
    copyFileSync(built, file);
  },
  seed: (file) =>
    buildSync({
      entryPoints: [`${ROOT}scripts/bench/targets/seed_worker.mjs`],
      outfile: file,
      bundle: true,
      format: "esm",
      platform: "neutral",
      logLevel: "warning",
    }),
};

// A Cap'n Proto text literal: printable ASCII as is, every other UTF-8 byte
// (and the quote and backslash) as \xNN, since capnp knows no \uNNNN.
const plain = (byte) => byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
const text = (value) =>
  `"${
    [...Buffer.from(value)].map((byte) =>
      plain(byte) ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`
    ).join("")
  }"`;

/** The config: one Worker behind an HTTP socket, its fetch() limited to loopback. */
function capnp(port, env, module) {
  // The gateway's own variables become text bindings, as vars and secrets are on Cloudflare.
  const bindings = Object.entries(env)
    .filter(([name]) => /^(PSK|UPSTREAM)_/.test(name))
    .map(([name, value]) => `(name = ${text(name)}, text = ${text(String(value))})`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    # workerd's default network refuses non-public addresses (SSRF guard);
    # the upstream is nginx on 127.0.0.1.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "gateway")],
);

const gateway :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed ${text(module)})],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [${bindings.join(", ")}],
  globalOutbound = "loopback",
);
`;
}

// One directory per benchmark process, removed when it exits (also on Ctrl-C,
// which run.mjs turns into process.exit).
let dir;
const workDir = () => {
  if (dir) return dir;
  dir = mkdtempSync(`${tmpdir()}/psk-gate-bench-workerd-`);
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/**
 * A gateway command for `name` ("psk-gate" or "seed"): (port, env) writes the
 * Worker and its config for that port and returns [workerd, args].
 */
export const workerdServe = (name) => (port, env) => {
  const base = `${workDir()}/${name}-${port}`;
  MODULES[name](`${base}.mjs`);
  writeFileSync(`${base}.capnp`, capnp(port, env, `${name}-${port}.mjs`));
  return [WORKERD, ["serve", `${base}.capnp`]];
};

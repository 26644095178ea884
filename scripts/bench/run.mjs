// `npm run bench`: psk-gate against the seed example, Hono, a plain node:http
// proxy and no gateway at all, on every runtime, behind the same nginx.
//
//   node scripts/bench/run.mjs [--smoke] [--only=a,b] [--duration=10] [--rounds=2]
//                              [--warmup=3] [--no-streaming] [--no-scaling] [--no-assert]
//                              [--quiet-wait=120]
//
// --only takes gateway ids (seed/bun), kinds (psk-gate, seed, hono, node:http,
// direct) or runtimes (node20, node24, deno, bun, workerd: the workerd binary
// itself, see workerd.mjs). --smoke: 1 s per run, 1 round, 16 MiB streams, no
// scaling, no targets; exit 0 only if every gateway started and answered 200
// with the key and 403 without it.
// Before each measurement it waits (up to --quiet-wait seconds) until other
// processes on the machine are idle, and marks rows they disturbed with †.
// A full run without --only also writes docs/bench/results.md and chart.svg.
// Exit codes: 0 ok, 1 a gateway failed or answered wrongly, 3 a target missed.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { parseArgs } from "node:util";
import { BIN, GATEWAYS, missingBinaries, ROOT, select, startGateway } from "./gateways.mjs";
import { measure } from "./load.mjs";
import { killAll, pinSelf, request, stopAll, untilQuiet } from "./procs.mjs";
import { checks, markdown, runtimeLabel, svgChart } from "./report.mjs";
import { runScaling } from "./scaling.mjs";
import { transfer } from "./streaming.mjs";
import { BODY_1K, ensureTools, startUpstream } from "./upstream.mjs";

const { values: opts } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    duration: { type: "string" },
    rounds: { type: "string" },
    warmup: { type: "string" },
    "no-streaming": { type: "boolean", default: false },
    "no-scaling": { type: "boolean", default: false },
    "no-assert": { type: "boolean", default: false },
    "quiet-wait": { type: "string" },
  },
});
const smoke = opts.smoke;
const seconds = Math.max(1, Math.round(parseFloat(opts.duration ?? (smoke ? "1" : "10"))));
const rounds = Math.max(1, Number(opts.rounds ?? (smoke ? 1 : 2)));
const warmup = Math.max(0, Math.round(parseFloat(opts.warmup ?? (smoke ? "0" : "3"))));
const quietWaitMs = 1000 * Number(opts["quiet-wait"] ?? (smoke ? 0 : 120));
const streamBytes = smoke ? 16 * 1024 * 1024 : 1024 * 1024 * 1024;

const t0 = Date.now();
const log = (msg) => {
  const s = Math.round((Date.now() - t0) / 1000);
  console.log(
    `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}] ${msg}`,
  );
};

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    log(`${signal}: stopping every child process`);
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}

const key = randomBytes(24).toString("base64url"); // 32 characters
const wrongKey = randomBytes(24).toString("base64url");
const env = { PSK_KEYS: `bench:${key}` };
const tmp = mkdtempSync("/tmp/psk-gate-bench-");
const errors = [];
const results = { meta: {}, load: [], streaming: [], scaling: [], handler: [] };

try {
  pinSelf("0");
  const gateways = select(opts.only);
  ensureTools(log);
  const missing = missingBinaries();
  if (missing.length) throw new Error(`missing ${missing.join(", ")}: run npm install first`);
  if (distIsStale()) {
    log("dist/node.mjs is missing or older than shims/ and src/: node scripts/build.mjs");
    const built = spawnSync(BIN.node20, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
    if (built.status !== 0) throw new Error("the build failed");
  }
  results.meta = metadata();
  log(
    `${gateways.length} gateway(s), wrk ${seconds} s × ${rounds} round(s), warm-up ${warmup} s, ` +
      `streams of ${streamBytes / 1024 / 1024} MiB; temp dir ${tmp}`,
  );

  const upstream = await startUpstream(tmp, { bigBytes: streamBytes });
  env.UPSTREAM_URL = upstream.url;
  log(`upstream: nginx on ${upstream.url}`);

  const roots = upstream.procs.map((p) => p.pid);
  const quiet = (pids) =>
    quietWaitMs > 0
      ? untilQuiet([...pids, ...roots], { maxMs: quietWaitMs, log })
      : Promise.resolve(NaN);
  for (const g of gateways) await runGateway(g, upstream, roots, quiet);
  for (const runtime of ["node20", "node24", "deno", "bun"]) {
    if (gateways.some((g) => g.name === "psk-gate" && g.runtime === runtime)) {
      await quiet([]);
      results.handler.push(handlerCost(runtime));
    }
  }
  if (!smoke && !opts["no-scaling"]) {
    const scalingOpts = { env, key, wrongKey, seconds, rounds, warmup, log, errors, roots, quiet };
    results.scaling = await runScaling(gateways, scalingOpts);
  }
} catch (error) {
  errors.push(`aborted: ${error.message}`);
  log(`ERROR ${error.stack ?? error}`);
} finally {
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
}

results.meta.errors = errors;
const missed = smoke ? [] : checks(results).filter((c) => c.pass === false);
writeReports();
log(
  `done in ${
    Math.round((Date.now() - t0) / 1000)
  } s: ${errors.length} error(s), ${missed.length} target(s) missed`,
);
for (const e of errors) log(`  error: ${e}`);
for (const c of missed) {
  log(`  missed: ${c.check} on ${runtimeLabel(c.runtime)}: ${c.value} (${c.target})`);
}
process.exit(errors.length ? 1 : missed.length && !opts["no-assert"] ? 3 : 0);

/** scripts/bench/handler_cost.mjs on `runtime`, pinned to core 1. */
function handlerCost(runtime) {
  const [command, ...args] = runtime === "deno"
    ? [BIN.deno, "run", "--allow-env", "--allow-read"]
    : [runtime === "bun" ? BIN.bun : BIN[runtime]];
  const run = spawnSync("taskset", [
    "-c",
    "1",
    command,
    ...args,
    "scripts/bench/handler_cost.mjs",
    String(smoke ? 5_000 : 50_000),
  ], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  const line = run.stdout?.trim().split("\n").at(-1) ?? "";
  try {
    const cost = JSON.parse(line);
    log(`handler cost on ${runtime}: ${JSON.stringify(cost)}`);
    return { runtime, ...cost };
  } catch {
    errors.push(`handler cost on ${runtime} failed: ${(run.stderr || line).trim().slice(-300)}`);
    return { runtime, error: true };
  }
}

async function runGateway(g, upstream, roots, quiet) {
  log(`${g.id}: starting`);
  const row = { id: g.id, name: g.name, runtime: g.runtime };
  results.load.push(row);
  let gw;
  try {
    gw = g.direct
      ? { port: upstream.port, pids: [upstream.procs[1].pid], stop: async () => {} }
      : await startGateway(g, env);
    await probe(g, gw.port);
    log(`${g.id}: answers 200 with the key${g.direct ? "" : " and 403 without"}`);
    row.foreignBefore = await quiet(gw.pids);
    log(`${g.id}: measuring`);
    Object.assign(
      row,
      await measure(gw, {
        key,
        wrongKey,
        seconds,
        rounds,
        warmup,
        rejected: !g.direct,
        log,
        roots,
      }),
    );
    if (row.foreignCpu > 0.15) {
      log(`${g.id}: other processes took ${row.foreignCpu.toFixed(2)} cores meanwhile`);
    }
    const wrong = row.problems.filter((p) => !p.includes("socket errors"));
    if (wrong.length) errors.push(`${g.id}: ${wrong.join("; ")}`);
    if (g.streaming && !opts["no-streaming"]) {
      for (const direction of ["down", "up"]) {
        const t = await transfer(gw.port, g.direct ? [] : gw.pids, {
          direction,
          key,
          bytes: streamBytes,
          uploadFile: upstream.uploadFile,
        });
        results.streaming.push({ id: g.id, name: g.name, runtime: g.runtime, direction, ...t });
        if (!t.ok) errors.push(`${g.id} ${direction}: ${t.error}`);
        const growth = Number.isFinite(t.peakGrowth)
          ? `, RSS +${(t.peakGrowth / 1048576).toFixed(1)} MiB`
          : ""; // no gateway process to sample
        log(`${g.id}: ${direction} ${t.ok ? `${t.mbps.toFixed(0)} MB/s${growth}` : t.error}`);
      }
    }
  } catch (error) {
    row.error = error.message.split("\n")[0];
    const died = gw?.procs?.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (died) {
      const how = died.child.signalCode ?? `code ${died.child.exitCode}`;
      row.error += ` (the gateway exited, ${how})`;
      error.message += `\n  the gateway exited (${how}); its last output:\n${
        died.output().trim().slice(-1500)
      }`;
    }
    errors.push(`${g.id}: ${error.message}`);
    log(`${g.id}: FAILED ${error.message}`);
  } finally {
    await gw?.stop();
  }
}

/** A keyed request reaches nginx's 1 KiB body; a wrong key gets 403. */
async function probe(g, port) {
  const ok = await request(port, { path: "/probe?x=1", headers: { "X-Custom-PSK": key } });
  if (ok.status !== 200 || ok.body !== BODY_1K) {
    throw new Error(
      `with the key: ${ok.status} and ${ok.body.length} bytes, not 200 and nginx's 1 KiB`,
    );
  }
  if (g.direct) return;
  const denied = await request(port, { path: "/probe", headers: { "X-Custom-PSK": wrongKey } });
  if (denied.status !== 403) throw new Error(`with a wrong key: ${denied.status}, not 403`);
}

/** The Node gateway runs from dist/: rebuild it when the sources are newer. */
function distIsStale() {
  const built = `${ROOT}dist/node.mjs`;
  if (!existsSync(built)) return true;
  const sources = ["shims", "src"].flatMap((dir) =>
    readdirSync(`${ROOT}${dir}`).map((file) => `${ROOT}${dir}/${file}`)
  );
  const newest = Math.max(...[...sources, `${ROOT}mod.ts`].map((file) => statSync(file).mtimeMs));
  return statSync(built).mtimeMs < newest;
}

function metadata() {
  const version = (cmd, args, re = /(\d+\.\d+\.\d+)/) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return re.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "?";
  };
  const pkg = (name) =>
    JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, "utf8")).version;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    mode: smoke ? "smoke" : opts.only ? `partial (--only=${opts.only})` : "full",
    duration: seconds,
    rounds,
    warmup,
    streamBytes,
    cpu: cpus()[0]?.model.trim() ?? "?",
    cores: cpus().length,
    memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
    versions: {
      "Node 20": version(BIN.node20, ["--version"]),
      "Node 24": version(BIN.node24, ["--version"]),
      Deno: version(BIN.deno, ["--version"]),
      Bun: version(BIN.bun, ["--version"]),
      workerd: pkg("workerd"),
      hono: pkg("hono"),
      "@hono/node-server": pkg("@hono/node-server"),
      nginx: version("nginx", ["-v"]),
      wrk: version("wrk", ["-v"], /wrk (?:debian\/)?([\w.-]+)/),
    },
  };
}

function writeReports() {
  if (!results.meta.date) return;
  const outDir = `${ROOT}bench-results`;
  mkdirSync(outDir, { recursive: true });
  const chart = svgChart(results);
  writeFileSync(`${outDir}/chart.svg`, chart);
  writeFileSync(`${outDir}/bench.md`, markdown(results, "chart.svg"));
  writeFileSync(`${outDir}/results.json`, JSON.stringify(results, null, 2) + "\n");
  log(`wrote bench-results/bench.md, chart.svg and results.json`);
  if (!smoke && !opts.only && results.load.length === GATEWAYS.length) {
    mkdirSync(`${ROOT}docs/bench`, { recursive: true });
    writeFileSync(`${ROOT}docs/bench/results.md`, markdown(results, "chart.svg"));
    writeFileSync(`${ROOT}docs/bench/chart.svg`, chart);
    // The repository's `deno fmt --check` covers docs/: write it formatted.
    spawnSync(BIN.deno, ["fmt", "-q", "docs/bench/results.md", "docs/bench/chart.svg"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    log(`wrote docs/bench/results.md and docs/bench/chart.svg`);
  }
  console.log("\n" + markdown(results, null));
}

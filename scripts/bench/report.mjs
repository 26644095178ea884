// The Markdown report, the targets the issue sets, and the SVG chart.
import { RUNTIMES } from "./gateways.mjs";

const MiB = 1024 * 1024;
const BUSY = 0.15; // cores taken by other processes beyond which a row is marked
const LABEL = {
  node20: "Node 20",
  node24: "Node 24",
  deno: "Deno",
  bun: "Bun",
  workerd: "workerd serve", // the binary itself, not under wrangler dev
  nginx: "nginx",
};
export const runtimeLabel = (rt) => LABEL[rt] ?? rt;

const num = (v, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "—";
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : "—");
const mib = (v) => (Number.isFinite(v) && v > 0 ? `${(v / MiB).toFixed(1)} MiB` : "—");
const us = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}` : "—");
const pct = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}%` : "—");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);

// The issue's load targets: psk-gate's figure ÷ the baseline's, and whether
// a ratio passes (null: shown for information).
const atLeast = (min) => (v) => v >= min;
const LOAD_CHECKS = [
  ["accepted ÷ seed accepted", "seed", "accepted.rps", "≥ 1.0", atLeast(1)],
  ["accepted ÷ Hono accepted", "hono", "accepted.rps", "≥ 2.0", atLeast(2)],
  ["Node: accepted ÷ seed accepted", "seed", "accepted.rps", "≥ 3", atLeast(3), true],
  ["Node: accepted ÷ node:http proxy", "node:http", "accepted.rps", "≥ 0.75", atLeast(0.75), true],
  ["rejected ÷ seed rejected", "seed", "rejected.rps", "≥ 0.9", atLeast(0.9)],
  ["accepted p99 ÷ seed p99", "seed", "accepted.p99", "≤ 1.0", (v) => v <= 1],
  // The same comparisons in CPU time per request, which a noisy neighbour's
  // steal hardly moves: seed µs ÷ psk-gate µs, so above 1 means cheaper.
  [
    "accepted: seed CPU/req ÷ psk-gate CPU/req",
    "seed",
    "accepted.cpuPerRequest",
    "(info)",
    null,
    false,
    true,
  ],
  [
    "rejected: seed CPU/req ÷ psk-gate CPU/req",
    "seed",
    "rejected.cpuPerRequest",
    "(info)",
    null,
    false,
    true,
  ],
  [
    "Node: node:http CPU/req ÷ psk-gate CPU/req",
    "node:http",
    "accepted.cpuPerRequest",
    "(info)",
    null,
    true,
    true,
  ],
];

/** The checks of the issue: [{ check, runtime, value, target, pass }]. pass is null for info. */
export function checks({ load, streaming }) {
  const row = (name, rt) => load.find((r) => r.name === name && r.runtime === rt && !r.error);
  const out = [];
  const add = (check, runtime, value, target, pass, shown = value.toFixed(2)) => {
    if (Number.isFinite(value)) {
      out.push({ check, runtime, value: shown, target, pass: pass(value) });
    }
  };
  for (const rt of RUNTIMES) {
    const psk = row("psk-gate", rt);
    if (!psk) continue;
    for (const [check, baseline, metric, target, pass, nodeOnly, inverse] of LOAD_CHECKS) {
      if (nodeOnly && !rt.startsWith("node")) continue;
      const [phase, field] = metric.split(".");
      const [mine, theirs] = [psk[phase]?.[field], row(baseline, rt)?.[phase]?.[field]];
      const value = inverse ? ratio(theirs, mine) : ratio(mine, theirs);
      add(check, rt, value, target, pass ?? (() => null));
    }
    for (const direction of ["down", "up"]) {
      const s = (name) =>
        streaming.find((t) =>
          t.name === name && t.runtime === rt && t.direction === direction && t.ok
        );
      const mine = s("psk-gate");
      if (!mine) continue;
      const what = direction === "down" ? "download" : "upload";
      add(
        `${what}: peak RSS growth`,
        rt,
        mine.peakGrowth / MiB,
        "< 64 MiB",
        (v) => v < 64,
        mib(mine.peakGrowth),
      );
      add(
        `${what}: MB/s ÷ seed MB/s`,
        rt,
        ratio(mine.mbps, s("seed")?.mbps),
        "≥ 0.9",
        (v) => v >= 0.9,
      );
      const direct = streaming.find((t) =>
        t.runtime === "nginx" && t.direction === direction && t.ok
      );
      add(`${what}: MB/s ÷ direct MB/s`, rt, ratio(mine.mbps, direct?.mbps), "(info)", () => null);
    }
  }
  return out;
}

export function markdown(results, chartFile) {
  const { meta, load, streaming, scaling } = results;
  const lines = [
    `# psk-gate benchmark`,
    "",
    `${meta.date} · ${meta.mode} run · wrk ${meta.duration} s × ${meta.rounds} round(s) after a ${meta.warmup} s warm-up, ` +
    `1 thread, 50 connections, medians · ${meta.cpu}, ${meta.cores} cores, ${meta.memory}`,
    "",
    `Gateways pinned to core 1 (\`taskset -c 1\`); wrk, nginx, the upload sink and curl on core 0. ` +
    `Upstream: nginx ${meta.versions.nginx} answering a fixed 1 KiB body over keep-alive. ` +
    `"accepted" sends the right \`X-Custom-PSK\`, "rejected" a wrong key of the same length (answered 403). ` +
    `Peak RSS: the gateway's whole process tree during the load. ` +
    `The Workers run on the workerd binary itself (\`workerd serve\` on a generated capnp config, the build's module, ` +
    `UPSTREAM_URL and PSK_KEYS as text bindings), not under \`wrangler dev\`, whose Node.js proxy in front of workerd ` +
    `would be most of what is measured.`,
    "",
    `Versions: ${Object.entries(meta.versions).map(([k, v]) => `${k}: ${v}`).join(", ")}.`,
    "",
  ];
  if (chartFile) lines.push(`![accepted and rejected req/s per gateway](${chartFile})`, "");
  lines.push(
    "| gateway | runtime | accepted req/s | p50 | p99 | CPU µs/req | rejected req/s | CPU µs/req | peak RSS | steal |",
    "| ------- | ------- | -------------: | --: | --: | ---------: | -------------: | ---------: | -------: | ----: |",
  );
  for (const r of load) {
    if (r.error) {
      lines.push(
        `| ${r.name} | ${runtimeLabel(r.runtime)} | failed: ${
          r.error.replaceAll("|", "/").slice(0, 120)
        } | | | | | | | |`,
      );
      continue;
    }
    const name = (r.name === "psk-gate" ? "**psk-gate**" : r.name) +
      (r.foreignCpu > BUSY ? " †" : "");
    lines.push(
      `| ${name} | ${runtimeLabel(r.runtime)} | ${num(r.accepted.rps)} | ${ms(r.accepted.p50)} | ${
        ms(r.accepted.p99)
      } | ${us(r.accepted.cpuPerRequest)} | ` +
        `${r.rejected ? num(r.rejected.rps) : "—"} | ${
          r.rejected ? us(r.rejected.cpuPerRequest) : "—"
        } | ` +
        `${mib(r.peakRss)} | ${pct(r.accepted.steal)} |`,
    );
  }
  const busy = load.filter((r) => r.foreignCpu > BUSY);
  if (busy.length) {
    lines.push(
      "",
      `† Other processes on the machine (not this benchmark) used more than ${BUSY} cores during the measurement, ` +
        "so the row is disturbed: " + busy.map((r) =>
          `${r.id} ${r.foreignCpu.toFixed(2)}`
        ).join(", ") + ".",
    );
  }
  const problems = load.filter((r) => r.problems?.length);
  if (problems.length) {
    lines.push("", "Problems seen under load:", "");
    for (const r of problems) lines.push(`- ${r.id}: ${r.problems.join("; ")}`);
  }

  const list = checks(results);
  if (list.length) {
    lines.push(
      "",
      "## Targets",
      "",
      ...(meta.mode === "smoke"
        ? ["A smoke run is too short to judge by: the ratios are shown, not asserted.", ""]
        : []),
      "| check | runtime | value | target | result |",
      "| ----- | ------- | ----: | ------ | ------ |",
    );
    for (const c of list) {
      const result = c.pass === null ? "info" : c.pass ? "pass" : "**miss**";
      lines.push(
        `| ${c.check} | ${runtimeLabel(c.runtime)} | ${c.value} | ${c.target} | ${result} |`,
      );
    }
  }

  const handler = (results.handler ?? []).filter((h) => !h.error);
  if (handler.length) {
    lines.push(
      "",
      "## The handlers' own cost",
      "",
      "µs per request of the handler alone, in-process on core 1 with no network: the built library " +
        "and the seed's logic, handed ready-made Requests and an upstream that answers at once " +
        "(`scripts/bench/handler_cost.mjs`). On Node, with @hono/node-server's light Response, as in the shim. " +
        "What psk-gate adds is the key's hash and constant-time check, Host and URL checks, the header " +
        "rules, the timeout and the log line (made, then dropped).",
      "",
      "| runtime | seed accepted | psk-gate accepted | seed rejected | psk-gate rejected |",
      "| ------- | ------------: | ----------------: | ------------: | ----------------: |",
    );
    for (const h of handler) {
      lines.push(
        `| ${runtimeLabel(h.runtime)} | ${num(h.seedAccepted, 1)} | ${num(h.pskAccepted, 1)} | ` +
          `${num(h.seedRejected, 1)} | ${num(h.pskRejected, 1)} |`,
      );
    }
  }

  if (streaming.length) {
    lines.push(
      "",
      "## Streaming",
      "",
      `${
        (meta.streamBytes / MiB).toFixed(0)
      } MiB through each gateway with curl: "down" is nginx's sparse file, ` +
        `"up" a POST into a Node byte counter behind nginx (\`proxy_request_buffering off\`). ` +
        `MB/s = 10⁶ bytes/s of wall time. RSS growth: peak process-tree RSS (sampled every 50 ms) minus the RSS just before.`,
      "",
      "| gateway | runtime | direction | MB/s | time | idle RSS | peak RSS growth |",
      "| ------- | ------- | --------- | ---: | ---: | -------: | --------------: |",
    );
    for (const t of streaming) {
      const cells = t.ok
        ? `${num(t.mbps)} | ${t.seconds.toFixed(2)} s | ${mib(t.idleRss)} | ${
          t.runtime === "nginx" ? "—" : mib(t.peakGrowth)
        }`
        : `failed: ${String(t.error).replaceAll("|", "/").slice(0, 100)} | | |`;
      lines.push(`| ${t.name} | ${runtimeLabel(t.runtime)} | ${t.direction} | ${cells} |`);
    }
  }

  if (scaling.length) {
    lines.push(
      "",
      "## Scaling on one host",
      "",
      "psk-gate with one process on core 1 against its multi-process mode on cores 0–1, measured " +
        "back to back. Core 0 also runs wrk and nginx, so two cores cannot reach 2×. " +
        "Processes: the gateway's process tree (Deno's `--parallel` uses threads in one process).",
      "",
      "| runtime | setup | cores | processes | accepted req/s | × one core | p99 | rejected req/s | × one core | peak RSS |",
      "| ------- | ----- | ----: | --------: | -------------: | ---------: | --: | -------------: | ---------: | -------: |",
    );
    for (const s of scaling) {
      const busy = s.result?.foreignCpu > BUSY ? " †" : "";
      const cells = [runtimeLabel(s.runtime), s.setup + busy, s.cores, s.processes ?? "—"];
      const r = s.result;
      const one = scaling.find((o) => o.runtime === s.runtime && o.cores === 1)?.result;
      if (r) {
        cells.push(
          num(r.accepted.rps),
          num(ratio(r.accepted.rps, one?.accepted.rps), 2),
          ms(r.accepted.p99),
          num(r.rejected?.rps),
          num(ratio(r.rejected?.rps, one?.rejected?.rps), 2),
          mib(r.peakRss),
        );
      } else cells.push(s.note ?? "not run", "", "", "", "", "");
      lines.push(`| ${cells.join(" | ")} |`);
    }
    if (scaling.some((s) => s.result?.foreignCpu > BUSY)) {
      lines.push("", `† Other processes used more than ${BUSY} cores during this measurement.`);
    }
  }
  if (meta.errors.length) lines.push("", "## Errors", "", ...meta.errors.map((e) => `- ${e}`));
  return lines.join("\n") + "\n";
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Horizontal grouped bars: accepted and rejected req/s per gateway. No dependencies. */
export function svgChart({ load, meta }) {
  const rows = load.filter((r) => !r.error);
  const max = Math.max(1, ...rows.flatMap((r) => [r.accepted.rps, r.rejected?.rps ?? 0]));
  const scaleMax = niceCeil(max);
  const left = 190, barArea = 560, right = 90, top = 70, rowH = 34, barH = 12;
  const width = left + barArea + right;
  const height = top + rows.length * rowH + 40;
  const x = (v) => left + (v / scaleMax) * barArea;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="600">psk-gate benchmark: requests per second (higher is better)</text>`,
    `<text x="${left}" y="38" fill="#555">${
      esc(meta.date)
    } · wrk 1 thread, 50 connections, 1 KiB nginx upstream, gateway on one core</text>`,
    `<rect x="${left}" y="50" width="10" height="10" fill="#2b6cb0"/><text x="${
      left + 14
    }" y="59">accepted (right key, proxied)</text>`,
    `<rect x="${left + 200}" y="50" width="10" height="10" fill="#dd6b20"/><text x="${
      left + 214
    }" y="59">rejected (wrong key, 403)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (scaleMax * i) / 4;
    const gx = x(v).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${top}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="#e2e2e2"/>`,
      `<text x="${gx}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555">${
        num(v)
      }</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + 4;
    const weight = r.name === "psk-gate" ? ` font-weight="600"` : "";
    out.push(
      `<text x="${left - 8}" y="${y + barH + 4}" text-anchor="end"${weight}>${
        esc(`${r.name} · ${runtimeLabel(r.runtime)}`)
      }</text>`,
    );
    const bar = (v, dy, color) => {
      if (!Number.isFinite(v)) return;
      const w = Math.max(1, x(v) - left).toFixed(1);
      out.push(
        `<rect x="${left}" y="${y + dy}" width="${w}" height="${barH}" fill="${color}"/>`,
        `<text x="${(left + Number(w) + 4).toFixed(1)}" y="${y + dy + barH - 2}" fill="#333">${
          num(v)
        }</text>`,
      );
    };
    bar(r.accepted.rps, 0, "#2b6cb0");
    bar(r.rejected?.rps, barH + 1, "#dd6b20");
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function niceCeil(v) {
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

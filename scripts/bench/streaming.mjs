// Large transfers through a gateway with curl (on core 0): a download of
// nginx's /big and an upload to /sink, timed, with the gateway's process
// tree RSS sampled every 50 ms against its idle RSS just before.
import { spawn } from "node:child_process";
import { HEADER } from "./load.mjs";
import { sampleRss, treeRss } from "./procs.mjs";

function curl(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", "0", "curl", "-sS", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err: err.trim() });
    });
  });
}

/**
 * direction "down": GET /big; "up": POST the upload file to /sink, whose
 * answer is the byte count it received. Resolves with
 * { ok, seconds, mbps, idleRss, peakGrowth, error }.
 */
export async function transfer(port, pids, { direction, key, bytes, uploadFile }) {
  const url = `http://127.0.0.1:${port}`;
  const common = [
    "-H",
    `${HEADER}: ${key}`,
    "--max-time",
    "900",
    "-w",
    "\n%{http_code} %{time_total}",
  ];
  const args = direction === "down" ? [...common, "-o", "/dev/null", `${url}/big`] : [
    ...common,
    "-H",
    "Expect:",
    "-H",
    "Content-Type: application/octet-stream",
    "-X",
    "POST",
    "-T",
    uploadFile,
    `${url}/sink`,
  ];
  const idleRss = pids.reduce((sum, pid) => sum + treeRss(pid), 0);
  const rss = pids.length > 0 ? sampleRss(pids, 50) : null;
  const result = await curl(args, 960_000);
  const peak = rss ? rss.stop().peak : 0;
  const lines = result.out.trimEnd().split("\n");
  const [status, time] = lines.at(-1).split(" ");
  const seconds = Number(time);
  let error = null;
  if (result.code !== 0) error = `curl exited ${result.code}: ${result.err}`;
  else if (status !== "200") error = `status ${status}`;
  else if (direction === "up" && lines.slice(0, -1).join("\n").trim() !== String(bytes)) {
    error = `the sink received ${
      lines.slice(0, -1).join(" ").trim().slice(0, 80)
    } bytes, not ${bytes}`;
  }
  return {
    ok: error === null,
    error,
    seconds,
    mbps: error ? NaN : bytes / seconds / 1e6,
    idleRss,
    peakGrowth: rss ? Math.max(0, peak - idleRss) : NaN,
  };
}

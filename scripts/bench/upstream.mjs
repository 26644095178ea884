// The upstream: nginx with its own config under a temp dir (a fixed 1 KiB
// body on every path, a large file at /big, and /sink proxied unbuffered to
// a small Node byte counter), pinned to core 0.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { freePort, launch, untilServing } from "./procs.mjs";

export const BODY_1K = "x".repeat(1023) + "\n";

/** Installs nginx and wrk with apt-get when they are missing. */
export function ensureTools(log) {
  const missing = [["nginx", "nginx-light"], ["wrk", "wrk"], ["curl", "curl"], [
    "taskset",
    "util-linux",
  ]]
    .filter(([bin]) =>
      spawnSync("sh", ["-c", `command -v ${bin} || test -x /usr/sbin/${bin}`]).status !== 0
    )
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(", ")} with apt-get`);
  const opts = { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  spawnSync("apt-get", ["update", "-qq"], opts);
  const result = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], opts);
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
}

const nginxBin = () =>
  spawnSync("sh", ["-c", "command -v nginx || echo /usr/sbin/nginx"]).stdout.toString().trim();

/**
 * A sparse file of `bytes` (reads as zeros, costs no disk), read through
 * once so that the first transfer does not pay for filling the page cache.
 */
function sparseFile(file, bytes) {
  const fd = openSync(file, "w+");
  ftruncateSync(fd, bytes);
  const buffer = Buffer.alloc(1 << 20);
  for (let at = 0; at < bytes; at += buffer.length) readSync(fd, buffer, 0, buffer.length, at);
  closeSync(fd);
  chmodSync(file, 0o644);
}

export async function startUpstream(dir, { bigBytes }) {
  chmodSync(dir, 0o755); // nginx's workers run as nobody
  const www = path.join(dir, "www");
  mkdirSync(www, { mode: 0o755 });
  sparseFile(path.join(www, "big"), bigBytes);
  sparseFile(path.join(dir, "upload.bin"), bigBytes);

  const sinkPort = await freePort();
  const sink = launch(process.execPath, [new URL("targets/sink.mjs", import.meta.url).pathname], {
    env: { PORT: String(sinkPort) },
    cpus: "0",
  });
  if (!(await untilServing(sinkPort, sink, 10_000))) {
    throw new Error(`the upload sink did not start: ${sink.output()}`);
  }

  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(conf, nginxConf({ dir, www, port, sinkPort }));
  const nginx = launch(nginxBin(), ["-p", dir, "-e", path.join(dir, "error.log"), "-c", conf], {
    cpus: "0",
  });
  if (!(await untilServing(port, nginx, 10_000))) {
    throw new Error(`nginx did not start: ${nginx.output()}`);
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    uploadFile: path.join(dir, "upload.bin"),
    procs: [sink, nginx],
  };
}

function nginxConf({ dir, www, port, sinkPort }) {
  const t = (name) => path.join(dir, name);
  return `daemon off;
worker_processes 1;
pid ${t("nginx.pid")};
error_log ${t("error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${t("client_body")};
  proxy_temp_path ${t("proxy")};
  fastcgi_temp_path ${t("fastcgi")};
  uwsgi_temp_path ${t("uwsgi")};
  scgi_temp_path ${t("scgi")};
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  sendfile on;
  tcp_nopush on;
  upstream sink { server 127.0.0.1:${sinkPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    client_max_body_size 0;
    location / {
      default_type text/plain;
      return 200 "${BODY_1K.slice(0, -1)}\\n";
    }
    location = /big {
      root ${www};
      default_type application/octet-stream;
    }
    location = /sink {
      proxy_pass http://sink;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      proxy_buffering off;
    }
  }
}
`;
}

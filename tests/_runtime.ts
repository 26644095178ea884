// Small facts about where the tests run.
import net from "node:net";

/** A host name that never resolves (RFC 6761 reserves .invalid). */
export const UNRESOLVABLE = "http://psk-gate-test.invalid";

/** The runtime running this file, with its version. */
export function runtimeName(): string {
  const g = globalThis as {
    Deno?: { version: { deno: string } };
    Bun?: { version: string };
    process?: { versions: { node: string } };
  };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.versions.node}`;
}

/** A loopback port that was free a moment ago, closed again. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

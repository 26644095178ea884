// What both Deno entries share.

/** Writes all of `text` to stdout; Deno's writeSync may take it in parts. */
export function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let written = 0; written < bytes.length;) {
    written += Deno.stdout.writeSync(bytes.subarray(written));
  }
}

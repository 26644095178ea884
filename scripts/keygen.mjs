// `npm run keygen [ID]`: a strong random key (256 bits, base64url) and the
// PSK_KEYS entry that holds only its SHA-256, so the gateway never has to
// store the plaintext.
import { createHash, randomBytes } from "node:crypto";

const id = process.argv[2] ?? `key-${new Date().toISOString().slice(0, 10)}`;
if (!/^[A-Za-z0-9._~-]{1,64}$/.test(id)) {
  console.error(
    `keygen: the id "${id}" is invalid: use 1-64 letters, digits, ".", "_", "~" or "-"`,
  );
  process.exit(1);
}
const key = randomBytes(32).toString("base64url");
const digest = createHash("sha256").update(key).digest("hex");

console.log(`key (give it to the client; psk-gate need not keep it):
  ${key}

PSK_KEYS entry:
  ${id}:sha256:${digest}

To plan a rotation, append a window, e.g. ${id}:sha256:…;until=2027-01-01`);

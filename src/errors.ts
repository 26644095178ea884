/**
 * Thrown when configuration is missing or invalid. The message names the
 * variable or option at fault and never contains a secret.
 *
 * @example Refuse to start on a bad key list
 * ```ts
 * import { ConfigError, createHandler } from "@psk-gate/psk-gate";
 * import { throws } from "node:assert/strict";
 *
 * throws(
 *   () => createHandler({ upstream: "http://127.0.0.1:9000", keys: "no-colon" }),
 *   ConfigError,
 * );
 * ```
 */
export class ConfigError extends Error {
  /**
   * Makes the error.
   *
   * @param message What is wrong, naming the variable at fault.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

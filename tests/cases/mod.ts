// Every case of the shared suite, in the order the matrix prints them.
import type { Case } from "../_fixtures.ts";
import { bodyCases } from "./bodies.ts";
import { configCases } from "./config.ts";
import { headerCases } from "./headers.ts";
import { keyCases } from "./keys.ts";
import { policyCases } from "./policy.ts";
import { responseCases } from "./responses.ts";

/** Cases that need a gateway: run in-process and over HTTP alike. */
export const gatewayCases: Case[] = [
  ...keyCases,
  ...headerCases,
  ...bodyCases,
  ...responseCases,
  ...policyCases,
];

/** Cases of the library API: run in-process on each runtime. */
export { configCases };
export type { Case };

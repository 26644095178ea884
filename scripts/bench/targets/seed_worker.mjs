// Workers entry for the seed (module syntax); ../workerd.mjs bundles it for workerd.
import { seedHandler } from "./seed.mjs";

let cached;
export default {
  fetch(request, env) {
    if (cached?.env !== env) cached = { env, handle: seedHandler(env) };
    return cached.handle(request);
  },
};

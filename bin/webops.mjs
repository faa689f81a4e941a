#!/usr/bin/env node
// `npx webops ...`: the WebOps command line (scripts/cli/main.ts), run through tsx.
import { register } from "tsx/esm/api";

register();
await import("../scripts/cli/main.ts");

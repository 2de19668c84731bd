#!/usr/bin/env node
// The `pdl` command: runs the TypeScript CLI through tsx's loader (the project ships sources,
// not a compiled build).
import { register } from "tsx/esm/api";

register();
await import("../ledger-service/src/client/cli/pdl.ts");

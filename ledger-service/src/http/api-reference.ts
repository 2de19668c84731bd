import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import type { Express } from "express";

/**
 * A readable API reference at /reference: Scalar's standalone bundle, served from the installed
 * package (no CDN), reading /openapi.json. The page's Content-Security-Policy allows only this
 * origin, so the reference works offline and sends nothing elsewhere (Scalar's web fonts and
 * request proxy are off).
 */
export const REFERENCE_PATHS = {
  page: "/reference",
  script: "/reference/standalone.js",
  init: "/reference/init.js",
} as const;

const bundle = join(
  dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")),
  "browser",
  "standalone.js",
);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Public Data Ledger API</title></head>
<body><div id="app"></div><script src="${REFERENCE_PATHS.script}"></script><script src="${REFERENCE_PATHS.init}"></script></body>
</html>
`;

const INIT = `Scalar.createApiReference("#app", ${JSON.stringify({
  url: "/openapi.json",
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
})});
`;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

export function mountApiReference(app: Express): void {
  app.get(REFERENCE_PATHS.page, (_req, res) => void res.set("Content-Security-Policy", CSP).type("html").send(PAGE));
  app.get(REFERENCE_PATHS.init, (_req, res) => void res.type("application/javascript").send(INIT));
  app.get(REFERENCE_PATHS.script, (_req, res) =>
    res.sendFile(bundle, { headers: { "Content-Type": "application/javascript", "Cache-Control": "max-age=3600" } }),
  );
}

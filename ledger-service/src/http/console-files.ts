import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";

/** Where `npm run build:console` writes the web console (ledger-service/console/dist). */
export const CONSOLE_DIST = fileURLToPath(new URL("../../console/dist/", import.meta.url));

/**
 * The web console's built files at `/`, from the API's own origin (its requests then need no
 * CORS, and nothing is loaded from elsewhere). Hashed assets are cached for good; index.html
 * is revalidated so a new build is picked up. Without a build, `/` stays a 404 like any
 * unknown path.
 */
export function consoleFiles(dir: string = CONSOLE_DIST): RequestHandler {
  if (!existsSync(dir)) return (_req, _res, next) => next();
  return express.static(dir, {
    index: "index.html",
    dotfiles: "ignore",
    redirect: false,
    setHeaders: (res, path) => {
      res.setHeader("cache-control", path.endsWith("index.html") ? "no-cache" : "public, max-age=31536000, immutable");
      res.setHeader("x-content-type-options", "nosniff");
      if (path.endsWith("index.html"))
        res.setHeader(
          "content-security-policy",
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        );
    },
  });
}

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page, type Request } from "playwright-core";
import { sealKey } from "../../core/keyfile.ts";
import type { Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "../service/test-config.ts";

/**
 * What the console's browser tests share: a real service on the embedded chain serving the built
 * console, and Debian's Chromium driven by playwright-core. Without a browser the tests are
 * skipped, loudly, unless PDL_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
 */
export const CHROMIUM = process.env.PDL_CHROMIUM ?? "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.PDL_REQUIRE_BROWSER === "1")
    throw new Error(`no browser at ${CHROMIUM} (PDL_REQUIRE_BROWSER=1): apt-get install chromium`);
  console.warn(`    (skipped: no browser at ${CHROMIUM}; apt-get install chromium)`);
  return false;
}

/** Builds the console unless dist/ is current (npm test has built it already). */
export function ensureConsoleBuilt(): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-console.ts", "--if-stale"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("the console build failed");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

export const AGENCY_PASSPHRASE = "console test agency passphrase";

export interface ConsoleService {
  readonly service: RunningService;
  readonly dir: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** `extra`: configuration beyond the tests' defaults (e.g. the manual clock, alert thresholds). */
export async function startConsoleService(extra: Partial<Config> = {}): Promise<ConsoleService> {
  const dir = mkdtempSync(join(tmpdir(), "pdl-console-"));
  const config = testConfig(dir, extra);
  const service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: AGENCY_PASSPHRASE } });
  return {
    service,
    dir,
    url: `http://127.0.0.1:${service.address().port}`,
    async stop() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every request a page sends, with its headers and body as sent (for assertions on traffic). */
export interface Captured {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function captureTraffic(page: Page): Captured[] {
  const seen: Captured[] = [];
  page.on("request", (r: Request) => {
    seen.push({
      method: r.method(),
      url: r.url(),
      headers: r.headers(),
      body: r.postDataBuffer()?.toString("latin1") ?? "",
    });
  });
  return seen;
}

/** Fails the test on any error the page logs or throws. */
export function failOnPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console.error: ${m.text()}`);
  });
  return errors;
}

/**
 * One console suite's lifecycle, shared by every browser test file: a service serving the console
 * (made ready by `prepare`, e.g. the scenario story), one browser, and per test a fresh context and
 * page with its traffic and page errors captured. Skips the suite when no browser is present.
 */
export interface ConsoleSuite {
  readonly svc: ConsoleService;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly traffic: Captured[];
  readonly errors: string[];
}

export function useConsoleSuite(
  prepare?: (svc: ConsoleService) => Promise<unknown>,
  config: Partial<Config> = {},
): ConsoleSuite {
  const s = {} as { -readonly [K in keyof ConsoleSuite]: ConsoleSuite[K] };
  before(async function () {
    if (!browserAvailable()) return this.skip();
    ensureConsoleBuilt();
    s.svc = await startConsoleService(config);
    await prepare?.(s.svc);
    s.browser = await launchBrowser();
  });
  after(async () => {
    await s.browser?.close();
    await s.svc?.stop();
  });
  beforeEach(async () => {
    // As a user who asked the system for less motion: dialogs then appear at once. With motion, a
    // click on a dialog's button while it zooms in can land beside it on a loaded machine (the
    // button moves between Playwright's stability check and the click). The motion itself is
    // checked in accessibility.test.ts.
    s.context = await s.browser.newContext({ locale: "zh-CN", reducedMotion: "reduce" });
    s.page = await s.context.newPage();
    s.traffic = captureTraffic(s.page);
    s.errors = failOnPageErrors(s.page);
  });
  afterEach(async () => {
    await s.context?.close();
  });
  return s;
}

/**
 * Signs in as a user does: chooses the sealed key file, types the organisation code when the file
 * does not name it, types the passphrase and presses the button (what follows is the caller's to check).
 */
export async function submitKeyFile(page: Page, url: string, keyFile: string, passphrase: string, orgId?: string) {
  await page.goto(`${url}/#/sign-in`);
  await page.setInputFiles("input[type=file]", {
    name: "key.json",
    mimeType: "application/json",
    buffer: Buffer.from(keyFile),
  });
  if (orgId) await page.getByLabel(/统一社会信用代码/).fill(orgId);
  await page.getByLabel("口令").fill(passphrase);
  await page.getByRole("button", { name: /解封并登录/ }).click();
}

/** submitKeyFile, then waits until the console says who is signed in. */
export async function signInWithKey(page: Page, url: string, keyFile: string, passphrase: string): Promise<void> {
  await submitKeyFile(page, url, keyFile, passphrase);
  await page.getByText(/已登录/).waitFor();
}

/** A member of the scenario world's key file, sealed with `passphrase`, as that member holds it. */
export function memberKeyFile(name: ActorName, passphrase: string): string {
  return JSON.stringify(
    sealKey(
      { purpose: "signing", algorithm: "sm2", orgId: org(name), privateKey: MEMBERS[name].sm2PrivateKey },
      passphrase,
    ),
  );
}

/** Signs in as a member of the scenario world with its sealed key file. */
export function signInAsMember(page: Page, url: string, name: ActorName, passphrase: string): Promise<void> {
  return signInWithKey(page, url, memberKeyFile(name, passphrase), passphrase);
}

/** Switches the console to English with the header's language switch, and waits until it took. */
export async function chooseEnglish(page: Page): Promise<void> {
  await page.getByLabel("语言").getByText("English", { exact: true }).click();
  await page.getByLabel("Language").waitFor();
}

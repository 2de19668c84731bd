/**
 * `node:fs/promises` and `node:path` in the browser build: core/keyfile.ts reads and writes key
 * files on disk for the CLI; the console opens them from a file the user picks, so any use of
 * these here is a mistake and says so.
 */
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}
export const access = (): never => unavailable("fs.access");
export const chmod = (): never => unavailable("fs.chmod");
export const mkdir = (): never => unavailable("fs.mkdir");
export const readFile = (): never => unavailable("fs.readFile");
export const rename = (): never => unavailable("fs.rename");
export const writeFile = (): never => unavailable("fs.writeFile");
export const dirname = (): never => unavailable("path.dirname");
export default { access, chmod, mkdir, readFile, rename, writeFile, dirname };

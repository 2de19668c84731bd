import type { TFunction } from "i18next";
import type { z } from "zod";
import { usccProblem } from "../../../../../core/uscc.ts";
import { fieldErrors, schemaIssues } from "../../forms/body-check.ts";

/**
 * Why a typed unified social credit code is not one (GB 32100-2015, core/uscc.ts), in the language
 * on screen, naming the code typed; undefined when it is. (The schema's sentence does not name it.)
 */
export function usccError(code: string, t: TFunction<"agency">): string | undefined {
  const problem = usccProblem(code);
  return problem && t(`orgs.uscc.${problem}`, { code });
}

/**
 * The form errors of a record body naming an organisation by its code at `codeField`: the
 * rulebook schema's issues on their fields, the code's own problem naming the code instead of the
 * schema's sentence. None when the body may be signed.
 */
export function bodyErrors<F extends string>(
  schema: z.ZodType,
  body: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, F>>,
  codeField: F,
  t: TFunction<"agency">,
) {
  const uscc = usccError(String(body[codeField] ?? ""), t);
  const issues = schemaIssues(schema, body).filter((i) => !(uscc && i.path === codeField));
  return [...fieldErrors(issues, fields), ...(uscc ? [{ name: codeField, errors: [uscc] }] : [])];
}

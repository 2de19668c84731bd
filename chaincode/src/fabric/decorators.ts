import "reflect-metadata";
import { Context, Transaction } from "./fabric-api.ts";

/**
 * fabric-contract-api learns a transaction's parameter types from TypeScript's
 * `design:paramtypes` metadata, which esbuild-based builds do not emit. These decorators
 * declare the metadata explicitly (every argument is a string: a signed record's JSON or a
 * query parameter) and then apply @Transaction, so the contract metadata is right under any
 * build.
 */
function declare(commit: boolean, stringArgs: number) {
  return (target: object, propertyKey: string, descriptor: PropertyDescriptor): void => {
    Reflect.defineMetadata(
      "design:paramtypes",
      [Context, ...Array<StringConstructor>(stringArgs).fill(String)],
      target,
      propertyKey,
    );
    Reflect.defineMetadata("design:returntype", String, target, propertyKey);
    (Transaction(commit) as (t: object, k: string, d: PropertyDescriptor) => void)(target, propertyKey, descriptor);
  };
}

/** A write: one argument, the signed record as JSON. */
export const submit = () => declare(true, 1);

/** A read with `n` string arguments. */
export const evaluate = (n: number) => declare(false, n);

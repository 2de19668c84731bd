import { OPERATION_NAMES, type OperationName } from "../../../core/operations.ts";
import { Info } from "./fabric-api.ts";
import { submit } from "./decorators.ts";
import { LedgerContract } from "./ledger-contract.ts";

/**
 * The registry's write contracts, derived from the operation table (core/operations.ts): one
 * contract per record family, named by the operation's prefix, with one transaction per
 * operation, so "grant.issue" is the function "grant:issue" (fabricFunctionName). Adding an
 * operation to the table adds its transaction here; a new family only needs its description.
 */
const FAMILY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  actor: "Actors: the agency's bootstrap and the registration of organisations.",
  resource: "Public data resources: source-unit review, registration, versions, withdrawal.",
  grant: "Grants: issue, suspend, resume, revoke, exit notice, exit and close.",
  partner: "Partner admissions to a grant.",
  cap: "The agency's price caps.",
  product: "Data products: registration, price, listing at the exchange.",
  serviceList: "The operator's product and service list, published at least quarterly.",
  revenue: "Permitted revenue: the agency's yearly maximum, the operator's report, the 10 % rule.",
  lineage: "Lineage hops and deliveries.",
  destruction: "Destruction certificates after an exit or a revocation.",
  blacklist: "The 5-year market ban.",
  evaluation: "Annual evaluations of a grant.",
  anchor: "Checkpoints of the service's SM3 transparency log.",
};

type ContractClass = new () => LedgerContract;

function familyContract(family: string, operations: readonly OperationName[]): ContractClass {
  const name = `${family.charAt(0).toUpperCase()}${family.slice(1)}Contract`;
  const contract = {
    [name]: class extends LedgerContract {
      constructor() {
        super(family);
      }
    },
  }[name]!;
  for (const op of operations) {
    const fn = op.slice(family.length + 1);
    const descriptor: PropertyDescriptor = {
      value: LedgerContract.transaction(op),
      writable: true,
      configurable: true,
    };
    Object.defineProperty(contract.prototype, fn, descriptor);
    submit()(contract.prototype, fn, descriptor);
  }
  (
    Info({ title: family, description: FAMILY_DESCRIPTIONS[family] ?? `The ${family} operations.` }) as (
      c: unknown,
    ) => void
  )(contract);
  return contract;
}

function families(): Map<string, OperationName[]> {
  const out = new Map<string, OperationName[]>();
  for (const op of OPERATION_NAMES) {
    const family = op.slice(0, op.indexOf("."));
    out.set(family, [...(out.get(family) ?? []), op]);
  }
  return out;
}

/** One contract class per family, in the operation table's order. */
export const REGISTRY_CONTRACTS: readonly ContractClass[] = [...families()].map(([family, ops]) =>
  familyContract(family, ops),
);

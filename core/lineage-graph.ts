import type { HopInput, LineageHop } from "./records/lineage.ts";
import type { Grant } from "./records/grant.ts";
import type { Product } from "./records/product.ts";
import type { Resource } from "./records/resource.ts";
import type { PublicProductFacts } from "./public-list.ts";

/**
 * The lineage route's JSON (GET /v1/products/:productId/lineage, docs/LINEAGE.md) as the service
 * answers it and everyone else reads it: the supervisor's lineage graph, the trace report's
 * lineage path, the PROV-JSON and OpenLineage exports. A wire format, so it lives beside the
 * records; the service builds it in ledger-service/src/domain/lineage-graph.ts.
 */

/** Where a signed record sits: its hash, its transaction and its leaf in the SM3 log. */
export interface TxInfo {
  readonly recordHash: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly leafIndex: number;
}

export interface HopNode extends TxInfo {
  readonly hop: LineageHop;
  readonly actor: string;
}

/**
 * The lineage graph of a product: its hops (each an activity with inputs and an output
 * artifact), back through earlier artifacts to the registered resources (at the versions used)
 * and the grant that authorised every step, with the organisations that acted. Built from
 * signed records only, each node carrying the transaction that recorded it.
 */
export interface LineageGraph {
  readonly scope: "full";
  readonly product: Product & { operator: string };
  readonly productTx: TxInfo;
  readonly grant: Grant;
  readonly grantTx: TxInfo;
  readonly resources: readonly (Resource & { versionsUsed: number[] })[];
  readonly hops: readonly HopNode[];
  /** Partner admissions in force for the acting partners: partner org → operator org. */
  readonly onBehalfOf: Readonly<Record<string, string>>;
  readonly organisations: readonly LineageOrganisation[];
  /** from → to, typed: a resource or artifact used by a hop, a hop generating an artifact. */
  readonly edges: readonly LineageEdge[];
  /** Inputs that do not resolve to a registered resource or an earlier hop of this grant. */
  readonly unresolved: readonly { hopId: string; input: HopInput }[];
}

/**
 * A recipient's lineage of a product: the product's public facts and the deliveries made to the
 * recipient (each hop as recorded, with the organisations that made it), nothing upstream.
 */
export interface RecipientLineage {
  readonly scope: "recipient";
  readonly product: PublicProductFacts;
  readonly resources: readonly [];
  readonly hops: readonly HopNode[];
  readonly onBehalfOf: Readonly<Record<string, string>>;
  readonly organisations: readonly LineageOrganisation[];
  readonly edges: readonly LineageEdge[];
  readonly unresolved: readonly [];
}

/** What the lineage route exports, whichever scope the caller has. */
export type LineageDocument = LineageGraph | RecipientLineage;

/** An organisation that acted in the lineage, with its registered name and role ("" if unknown). */
export interface LineageOrganisation {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
}

/** An edge of the graph, between the ids of ledger-service/src/domain/lineage-graph.ts nodeId. */
export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly type: "used" | "generated" | "authorised";
}

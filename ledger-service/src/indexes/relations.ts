import type { LedgerRecord } from "../../../core/record.ts";

/**
 * The links each accepted record adds to the indexes: what the provenance queries, the grant
 * audit and the per-organisation views walk. `[relation, from, to]`.
 */
export type Link = readonly [relation: string, from: string, to: string];

export function linksOf(record: LedgerRecord, actorOfGrant: (grantId: string) => string | undefined): Link[] {
  switch (record.op) {
    case "grant.issue": {
      const body = record.body as { id: string; grantee: string; scope: { resourceId: string }[] };
      return [
        ["org.grants", body.grantee, body.id],
        ...body.scope.map((s): Link => ["resource.grants", s.resourceId, body.id]),
      ];
    }
    case "partner.propose": {
      const body = record.body as { id: string; grantId: string; partner: string };
      return [
        ["grant.partners", body.grantId, body.id],
        ["org.admissions", body.partner, body.id],
        ["org.grants", body.partner, body.grantId],
      ];
    }
    case "product.register": {
      const body = record.body as { id: string; grantId: string; sources: string[] };
      return [
        ["grant.products", body.grantId, body.id],
        ["org.products", record.actor, body.id],
        ...body.sources.map((r): Link => ["resource.products", r, body.id]),
      ];
    }
    case "lineage.hop": {
      const body = record.body as { id: string; grantId: string; productId: string; delivery?: { recipient: string } };
      const links: Link[] = [
        ["product.hops", body.productId, body.id],
        ["grant.hops", body.grantId, body.id],
        ["org.hops", record.actor, body.id],
      ];
      if (body.delivery) {
        links.push(
          ["grant.deliveries", body.grantId, body.id],
          ["product.deliveries", body.productId, body.id],
          ["org.deliveries", body.delivery.recipient, body.id],
        );
        const grantee = actorOfGrant(body.grantId);
        if (grantee && grantee !== record.actor) links.push(["org.hops", grantee, body.id]);
      }
      return links;
    }
    case "destruction.certify": {
      const body = record.body as { id: string; grantId: string };
      return [["grant.certificates", body.grantId, body.id]];
    }
    case "evaluation.record": {
      const body = record.body as { grantId: string; year: number };
      return [["grant.evaluations", body.grantId, String(body.year)]];
    }
    default:
      return [];
  }
}

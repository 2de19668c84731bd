import { toCstIso } from "../../../core/time.ts";
import type { LineageDocument } from "./lineage-graph.ts";

/**
 * W3C PROV-JSON (Member Submission) of a lineage graph. Resources, artifacts and the product
 * are entities; hops are activities; organisations are agents; the grant is the plan every hop
 * is associated under; partners act on behalf of the operator.
 */
type Bag = Record<string, Record<string, unknown>>;

export function toProvJson(g: LineageDocument): Record<string, unknown> {
  const entity: Bag = {};
  const activity: Bag = {};
  const agent: Bag = {};
  const used: Bag = {};
  const wasGeneratedBy: Bag = {};
  const wasDerivedFrom: Bag = {};
  const wasAssociatedWith: Bag = {};
  const actedOnBehalfOf: Bag = {};
  const wasAttributedTo: Bag = {};
  let n = 0;
  const rel = () => `_:r${++n}`;

  const planOf = (grantId: string) => `pdl:grant/${grantId}`;
  // A recipient's lineage names the grant its delivery went under, nothing of the grant itself.
  if (g.scope === "full")
    entity[planOf(g.grant.id)] = {
      "prov:type": { $: "prov:Plan", type: "xsd:QName" },
      "pdl:agreementHash": g.grant.agreementHash,
      "pdl:validFrom": toCstIso(g.grant.validFrom),
      "pdl:validUntil": toCstIso(g.grant.validUntil),
    };
  for (const r of g.resources) {
    for (const v of r.versionsUsed) {
      entity[`pdl:resource/${r.id}@${v}`] = {
        "prov:label": r.name,
        "pdl:grade": r.grade,
        "pdl:domain": r.domain,
        "pdl:version": v,
      };
    }
  }
  for (const o of g.organisations) {
    agent[`pdl:org/${o.orgId}`] = {
      "prov:type": { $: "prov:Organization", type: "xsd:QName" },
      "prov:label": o.name,
      "pdl:role": o.role,
    };
  }
  const productId = `pdl:product/${g.product.id}`;
  entity[productId] = {
    "prov:label": g.product.name,
    "pdl:serviceForm": g.product.serviceForm,
    "pdl:domain": g.product.domain,
  };
  wasAttributedTo[rel()] = { "prov:entity": productId, "prov:agent": `pdl:org/${g.product.operator}` };

  for (const node of g.hops) {
    const h = node.hop;
    const act = `pdl:hop/${h.id}`;
    const time = toCstIso(node.blockTime);
    activity[act] = {
      "prov:startTime": time,
      "prov:endTime": time,
      "prov:type": `pdl:${h.operation}`,
      "pdl:environment": h.environment,
      "pdl:recordCount": h.recordCount,
      "pdl:txId": node.txId,
      "pdl:recordHash": node.recordHash,
      ...(h.delivery
        ? { "pdl:recipient": h.delivery.recipient, "pdl:fingerprintRoot": h.delivery.fingerprintRoot }
        : {}),
    };
    const out = `pdl:artifact/${h.outputHash}`;
    entity[out] = { "pdl:sm3": h.outputHash, "pdl:grade": h.outputGrade ?? null, "pdl:product": g.product.id };
    wasGeneratedBy[rel()] = { "prov:entity": out, "prov:activity": act, "prov:time": time };
    wasAssociatedWith[rel()] = {
      "prov:activity": act,
      "prov:agent": `pdl:org/${node.actor}`,
      "prov:plan": planOf(h.grantId),
    };
    for (const input of h.inputs) {
      const inId =
        input.kind === "resource" ? `pdl:resource/${input.resourceId}@${input.version}` : `pdl:artifact/${input.hash}`;
      if (input.kind === "artifact" && !entity[inId]) entity[inId] = { "pdl:sm3": input.hash };
      used[rel()] = {
        "prov:activity": act,
        "prov:entity": inId,
        "prov:time": time,
        ...(input.kind === "resource" ? { "pdl:fields": input.fields.join(",") } : {}),
      };
      wasDerivedFrom[rel()] = { "prov:generatedEntity": out, "prov:usedEntity": inId, "prov:activity": act };
    }
  }
  for (const [delegate, responsible] of Object.entries(g.onBehalfOf)) {
    actedOnBehalfOf[rel()] = { "prov:delegate": `pdl:org/${delegate}`, "prov:responsible": `pdl:org/${responsible}` };
  }
  return {
    prefix: { pdl: "urn:pdl:", prov: "http://www.w3.org/ns/prov#", xsd: "http://www.w3.org/2001/XMLSchema#" },
    entity,
    activity,
    agent,
    used,
    wasGeneratedBy,
    wasDerivedFrom,
    wasAssociatedWith,
    actedOnBehalfOf,
    wasAttributedTo,
  };
}

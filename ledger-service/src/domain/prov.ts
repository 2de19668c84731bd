import { toCstIso } from "../../../core/time.ts";
import type { LineageDocument } from "../../../core/lineage-graph.ts";

/**
 * W3C PROV-JSON (Member Submission) of a lineage graph, laid out in docs/LINEAGE.md. Resources,
 * artifacts and the product are entities; hops are activities; organisations are agents; the
 * grant is the plan every hop is associated under; partners act on behalf of the operator.
 * Every artifact a hop of the product generated is a specialization of the product, so a PROV
 * reader walks from the product to its artifacts, their hops and back to the resources.
 */
type Attributes = Record<string, unknown>;
type Bag = Record<string, Attributes>;

/** A PROV-JSON typed value: without the type a reader takes a QName or a time for a plain string. */
const qname = (name: string) => ({ $: name, type: "prov:QUALIFIED_NAME" });
const dateTime = (ts: number) => ({ $: toCstIso(ts), type: "xsd:dateTime" });

/** PROV has no null: an attribute the record does not carry is left out. */
function present(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined && v !== null));
}

export const provId = {
  resource: (id: string, version: number) => `pdl:resource/${id}@${version}`,
  artifact: (hash: string) => `pdl:artifact/${hash}`,
  hop: (id: string) => `pdl:hop/${id}`,
  product: (id: string) => `pdl:product/${id}`,
  grant: (id: string) => `pdl:grant/${id}`,
  org: (orgId: string) => `pdl:org/${orgId}`,
};

export function toProvJson(g: LineageDocument): Record<string, unknown> {
  const bags: Record<string, Bag> = {
    entity: {},
    activity: {},
    agent: {},
    used: {},
    wasGeneratedBy: {},
    wasDerivedFrom: {},
    specializationOf: {},
    wasAssociatedWith: {},
    actedOnBehalfOf: {},
    wasAttributedTo: {},
    wasInfluencedBy: {},
  };
  const { entity, activity, agent } = bags as Record<"entity" | "activity" | "agent", Bag>;
  let n = 0;
  const relate = (kind: string, attributes: Attributes) => void (bags[kind]![`_:r${++n}`] = present(attributes));

  // A recipient's lineage names the grant its delivery went under, nothing of the grant itself.
  if (g.scope === "full")
    entity[provId.grant(g.grant.id)] = {
      "prov:type": qname("prov:Plan"),
      "pdl:agreementHash": g.grant.agreementHash,
      "pdl:validFrom": dateTime(g.grant.validFrom),
      "pdl:validUntil": dateTime(g.grant.validUntil),
    };
  for (const r of g.resources)
    for (const v of r.versionsUsed)
      entity[provId.resource(r.id, v)] = {
        "prov:label": r.name,
        "pdl:grade": r.grade,
        "pdl:domain": r.domain,
        "pdl:version": v,
      };
  for (const o of g.organisations)
    agent[provId.org(o.orgId)] = present({
      "prov:type": qname("prov:Organization"),
      "prov:label": o.name || undefined,
      "pdl:role": o.role || undefined,
    });

  const product = provId.product(g.product.id);
  entity[product] = {
    "prov:label": g.product.name,
    "pdl:serviceForm": g.product.serviceForm,
    "pdl:domain": g.product.domain,
  };
  relate("wasAttributedTo", { "prov:entity": product, "prov:agent": provId.org(g.product.operator) });
  // The product stands under its grant even before any hop ran under the grant's plan.
  if (g.scope === "full")
    relate("wasInfluencedBy", { "prov:influencee": product, "prov:influencer": provId.grant(g.grant.id) });

  for (const node of g.hops) {
    const h = node.hop;
    const act = provId.hop(h.id);
    const time = dateTime(node.blockTime);
    activity[act] = present({
      "prov:startTime": time.$,
      "prov:endTime": time.$,
      "prov:type": qname(`pdl:${h.operation}`),
      "pdl:environment": h.environment,
      "pdl:recordCount": h.recordCount,
      "pdl:txId": node.txId,
      "pdl:recordHash": node.recordHash,
      "pdl:recipient": h.delivery?.recipient,
      "pdl:fingerprintRoot": h.delivery?.fingerprintRoot,
    });
    const out = provId.artifact(h.outputHash);
    entity[out] = present({ "pdl:sm3": h.outputHash, "pdl:grade": h.outputGrade });
    // An earlier hop of the grant may belong to another product: its artifact is that product's.
    if (h.productId === g.product.id)
      relate("specializationOf", { "prov:specificEntity": out, "prov:generalEntity": product });
    else entity[out]!["pdl:product"] = qname(provId.product(h.productId));
    relate("wasGeneratedBy", { "prov:entity": out, "prov:activity": act, "prov:time": time.$ });
    relate("wasAssociatedWith", {
      "prov:activity": act,
      "prov:agent": provId.org(node.actor),
      "prov:plan": provId.grant(h.grantId),
    });
    for (const input of h.inputs) {
      const used =
        input.kind === "resource" ? provId.resource(input.resourceId, input.version) : provId.artifact(input.hash);
      entity[used] ??= { "pdl:sm3": input.hash };
      relate("used", {
        "prov:activity": act,
        "prov:entity": used,
        "prov:time": time.$,
        "pdl:fields": input.kind === "resource" ? input.fields.join(",") : undefined,
      });
      relate("wasDerivedFrom", { "prov:generatedEntity": out, "prov:usedEntity": used, "prov:activity": act });
    }
  }
  for (const [delegate, responsible] of Object.entries(g.onBehalfOf))
    relate("actedOnBehalfOf", { "prov:delegate": provId.org(delegate), "prov:responsible": provId.org(responsible) });

  const statements = Object.entries(bags).filter(([, bag]) => Object.keys(bag).length > 0);
  return {
    prefix: { pdl: "urn:pdl:", prov: "http://www.w3.org/ns/prov#", xsd: "http://www.w3.org/2001/XMLSchema#" },
    ...Object.fromEntries(statements),
  };
}

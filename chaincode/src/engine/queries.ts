import { LedgerError } from "../../../core/errors.ts";
import { complaintDeadline, destructionDeadline, nextVersionDue, objectionDeadline } from "../../../core/time.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { splitCompositeKey } from "../ledger/world-state.ts";
import { missingCertificates } from "./grants.ts";
import { revenueView } from "./revenue.ts";
import { serviceListView } from "./service-list.ts";
import { reportView } from "./reports.ts";
import {
  currentVersion,
  K,
  type ActorState,
  type AnchorState,
  type CertificateState,
  type AlertState,
  type ComplaintState,
  type GrantState,
  type ObjectionState,
  type HopState,
  type PartnerState,
  type ProductState,
  type ResourceState,
  type RevenueState,
  type ServiceListState,
} from "./state.ts";

/** Reads of the rulebook's state, in the shapes of core/views.ts that both variants answer. */

export async function view(ledger: Ledger, key: ViewKey): Promise<StateView | undefined> {
  switch (key.kind) {
    case "actor": {
      const a = await ledger.get<ActorState>(K.actor, key.id);
      return a && { kind: "actor", orgId: a.orgId, role: a.role, publicKey: a.publicKey };
    }
    case "resource": {
      const r = await ledger.get<ResourceState>(K.resource, key.id);
      if (!r) return undefined;
      const v = currentVersion(r);
      return {
        kind: "resource",
        id: r.id,
        status: r.status,
        version: v.version,
        grade: v.grade,
        fieldCount: v.fields.length,
        updateFrequency: r.updateFrequency,
        lastVersionAt: r.lastVersionAt,
        nextVersionDue: nextVersionDue(r.lastVersionAt, r.updateFrequency),
        lateVersions: r.lateVersions,
      };
    }
    case "grant": {
      const g = await ledger.get<GrantState>(K.grant, key.id);
      return (
        g && {
          kind: "grant",
          id: g.id,
          grantee: g.grantee,
          status: g.status,
          validFrom: g.validFrom,
          validUntil: g.validUntil,
          endedAt: g.endedAt,
          exitKind: g.exitKind,
          exitNoticeAt: g.exitNoticeAt,
        }
      );
    }
    case "partner": {
      const p = await ledger.get<PartnerState>(K.partner, key.id);
      return (
        p && {
          kind: "partner",
          id: p.id,
          grantId: p.grantId,
          partner: p.partner,
          status: p.status,
          validUntil: p.validUntil,
        }
      );
    }
    case "price-cap": {
      const [domain = "", chargeUnit = ""] = key.id.split("/");
      const max = await ledger.get<number>(K.cap, domain, chargeUnit);
      return max === undefined
        ? undefined
        : { kind: "price-cap", domain, chargeUnit: chargeUnit as never, maxPriceFen: max };
    }
    case "product": {
      const p = await ledger.get<ProductState>(K.product, key.id);
      return (
        p && {
          kind: "product",
          id: p.id,
          grantId: p.grantId,
          operator: p.operator,
          status: p.status,
          model: p.model,
          chargeUnit: p.chargeUnit,
          priceFen: p.priceFen,
          hopCount: p.hopCount,
          reportHash: p.reportHash,
        }
      );
    }
    case "report":
      return reportView(ledger, key.id);
    case "hop": {
      const h = await ledger.get<HopState>(K.hop, key.id);
      return h && { kind: "hop", ...h };
    }
    case "certificate": {
      const c = await ledger.get<CertificateState>(K.certificate, key.id);
      return c && { kind: "certificate", ...c };
    }
    case "blacklist": {
      const until = await ledger.get<number>(K.blacklist, key.id);
      return until === undefined ? undefined : { kind: "blacklist", orgId: key.id, bannedUntil: until };
    }
    case "evaluation": {
      const slash = key.id.lastIndexOf("/");
      const grantId = key.id.slice(0, slash);
      const year = Number(key.id.slice(slash + 1));
      const grade = await ledger.get<"excellent" | "qualified" | "unqualified">(
        K.evaluation,
        grantId,
        String(year).padStart(4, "0"),
      );
      return grade && { kind: "evaluation", grantId, year, grade };
    }
    case "anchor": {
      const a = await ledger.get<AnchorState>(K.anchor, key.id);
      return a && { kind: "anchor", ...a };
    }
    case "complaint": {
      const c = await ledger.get<ComplaintState>(K.complaint, key.id);
      return c && { kind: "complaint", ...c, deadline: complaintDeadline(c.lodgedAt) };
    }
    case "alert": {
      const a = await ledger.get<AlertState>(K.alert, key.id);
      return a && { kind: "alert", ...a };
    }
    case "objection": {
      const o = await ledger.get<ObjectionState>(K.objection, key.id);
      return o && { kind: "objection", ...o, deadline: objectionDeadline(o.filedAt) };
    }
    case "revenue": {
      const slash = key.id.lastIndexOf("/");
      const year = Number(key.id.slice(slash + 1));
      if (slash < 0 || !Number.isInteger(year)) return undefined;
      const r = await ledger.get<RevenueState>(K.revenue, key.id.slice(0, slash), String(year).padStart(4, "0"));
      return r && revenueView(r);
    }
    case "service-list": {
      const s = await ledger.get<ServiceListState>(K.serviceList, key.id);
      return s && serviceListView(s);
    }
    default:
      throw new LedgerError("INVALID_RECORD", `unknown view kind ${String((key as { kind: unknown }).kind)}`);
  }
}

/** Grants past their destruction deadline at `at` with certificates still missing, by grant id. */
export async function overdue(ledger: Ledger, at: number): Promise<OverdueGrant[]> {
  const result: OverdueGrant[] = [];
  for await (const { key, value: endedAt } of ledger.scan<number>(K.ended)) {
    const deadline = destructionDeadline(endedAt);
    if (!(at > deadline)) continue;
    const grantId = splitCompositeKey(key).attributes[0] ?? "";
    const grant = await ledger.get<GrantState>(K.grant, grantId);
    if (!grant) continue;
    const missing = await missingCertificates(ledger, grant);
    if (missing.length > 0) result.push({ grantId, endedAt, deadline, missing });
  }
  return result;
}

/** Ids under an index prefix, e.g. the grants of an organisation or the hops of a product. */
export async function idsUnder(ledger: Ledger, index: string, owner: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const { key } of ledger.scan(index, owner)) ids.push(splitCompositeKey(key).attributes[1] ?? "");
  return ids;
}

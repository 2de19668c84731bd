import { randomBytes } from "node:crypto";
import type { ClassicLevel } from "classic-level";
import {
  envelopeCommitment,
  sealComplaint,
  type ComplaintContent,
  type ComplaintEnvelope,
} from "../../../core/complaint-envelope.ts";
import { LedgerError } from "../../../core/errors.ts";
import { signRecord, type LedgerRecord } from "../../../core/record.ts";
import type { ComplaintSubject } from "../../../core/records/complaint.ts";
import type { ComplaintView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import { Table } from "../storage/level.ts";
import type { AcceptedRecord, RecordService } from "./record-service.ts";

export interface LodgedComplaint {
  readonly complaintId: string;
  readonly commitment: string;
  readonly complaint: ComplaintView;
  readonly accepted: AcceptedRecord;
}

/**
 * The complaint intake (社会监督, 为举报人保密): takes a complaint from anyone, seals it for the
 * supervisors registered now (core/complaint-envelope.ts), keeps the envelope under the data
 * directory and records its commitment on chain, signed by the agency's intake. The service
 * keeps nothing that names the complainant: no account, no address, no plaintext.
 */
export class ComplaintIntake {
  private readonly envelopes: Table<ComplaintEnvelope>;

  constructor(
    db: ClassicLevel<string, unknown>,
    private readonly deps: {
      readonly backend: LedgerBackend;
      readonly store: IndexStore;
      readonly records: RecordService;
      readonly agency: { readonly orgId: string; readonly privateKey: string };
    },
  ) {
    this.envelopes = new Table(db, "envelopes");
  }

  async lodge(subject: ComplaintSubject, content: ComplaintContent): Promise<LodgedComplaint> {
    const supervisors = await this.supervisors();
    if (supervisors.length === 0)
      throw new LedgerError("NOT_FOUND", "no supervisor is registered to read complaints", { role: "supervisor" });
    // Unguessable, and not derived from anything the complainant sent.
    const complaintId = `K-${randomBytes(12).toString("hex")}`;
    const envelope = sealComplaint(complaintId, content, supervisors);
    const commitment = envelopeCommitment(envelope);
    const record = {
      v: 1,
      op: "complaint.lodge",
      actor: this.deps.agency.orgId,
      nonce: randomBytes(16).toString("hex"),
      body: { id: complaintId, subject, commitment },
    } as LedgerRecord<"complaint.lodge">;
    // The envelope is kept before the chain sees its commitment, so no commitment lacks its envelope.
    await this.envelopes.put(complaintId, envelope);
    let accepted: AcceptedRecord;
    try {
      accepted = await this.deps.records.submit(signRecord(record, this.deps.agency.privateKey), "service");
    } catch (err) {
      await this.envelopes.del(complaintId);
      throw err;
    }
    const complaint = (await this.deps.backend.view({ kind: "complaint", id: complaintId })) as ComplaintView;
    return { complaintId, commitment, complaint, accepted };
  }

  envelope(complaintId: string): Promise<ComplaintEnvelope | undefined> {
    return this.envelopes.get(complaintId);
  }

  private async supervisors(): Promise<{ orgId: string; publicKey: string }[]> {
    const found = [];
    for (const orgId of (await this.deps.store.idsOfKind("actor")).sort()) {
      const actor = await this.deps.store.actor(orgId);
      if (actor?.role === "supervisor") found.push({ orgId, publicKey: actor.publicKey });
    }
    return found;
  }
}

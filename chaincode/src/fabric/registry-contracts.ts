import { Info } from "./fabric-api.ts";
import type { Context } from "fabric-contract-api";
import { submit } from "./decorators.ts";
import { LedgerContract } from "./ledger-contract.ts";

/* One contract per record family; Fabric function names are "<contract>:<function>", e.g. "grant:issue". */

/** Actors: the agency's bootstrap and the registration of organisations. */
@Info({ title: "actor", description: "Actors: the agency's bootstrap and the registration of organisations." })
export class ActorContract extends LedgerContract {
  constructor() {
    super("actor");
  }

  @submit()
  async bootstrap(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "actor.bootstrap", signedRecord);
  }

  @submit()
  async register(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "actor.register", signedRecord);
  }
}

/** Public data resources: source-unit review, registration, versions, withdrawal. */
@Info({ title: "resource", description: "Public data resources: source-unit review, registration, versions, withdrawal." })
export class ResourceContract extends LedgerContract {
  constructor() {
    super("resource");
  }

  @submit()
  async review(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "resource.review", signedRecord);
  }

  @submit()
  async register(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "resource.register", signedRecord);
  }

  @submit()
  async version(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "resource.version", signedRecord);
  }

  @submit()
  async withdraw(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "resource.withdraw", signedRecord);
  }
}

/** Grants: issue, suspend, resume, revoke, exit notice, exit and close. */
@Info({ title: "grant", description: "Grants: issue, suspend, resume, revoke, exit notice, exit and close." })
export class GrantContract extends LedgerContract {
  constructor() {
    super("grant");
  }

  @submit()
  async issue(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.issue", signedRecord);
  }

  @submit()
  async suspend(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.suspend", signedRecord);
  }

  @submit()
  async resume(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.resume", signedRecord);
  }

  @submit()
  async revoke(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.revoke", signedRecord);
  }

  @submit()
  async exitNotice(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.exitNotice", signedRecord);
  }

  @submit()
  async exit(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.exit", signedRecord);
  }

  @submit()
  async close(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "grant.close", signedRecord);
  }
}

/** Partner admissions to a grant. */
@Info({ title: "partner", description: "Partner admissions to a grant." })
export class PartnerContract extends LedgerContract {
  constructor() {
    super("partner");
  }

  @submit()
  async propose(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "partner.propose", signedRecord);
  }

  @submit()
  async approve(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "partner.approve", signedRecord);
  }

  @submit()
  async revoke(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "partner.revoke", signedRecord);
  }
}

/** The agency's price caps. */
@Info({ title: "cap", description: "The agency's price caps." })
export class PriceCapContract extends LedgerContract {
  constructor() {
    super("cap");
  }

  @submit()
  async set(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "cap.set", signedRecord);
  }
}

/** Data products: registration, price, listing at the exchange. */
@Info({ title: "product", description: "Data products: registration, price, listing at the exchange." })
export class ProductContract extends LedgerContract {
  constructor() {
    super("product");
  }

  @submit()
  async register(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "product.register", signedRecord);
  }

  @submit()
  async reprice(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "product.reprice", signedRecord);
  }

  @submit()
  async list(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "product.list", signedRecord);
  }

  @submit()
  async delist(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "product.delist", signedRecord);
  }
}

/** Lineage hops and deliveries. */
@Info({ title: "lineage", description: "Lineage hops and deliveries." })
export class LineageContract extends LedgerContract {
  constructor() {
    super("lineage");
  }

  @submit()
  async hop(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "lineage.hop", signedRecord);
  }
}

/** Destruction certificates after an exit or a revocation. */
@Info({ title: "destruction", description: "Destruction certificates after an exit or a revocation." })
export class DestructionContract extends LedgerContract {
  constructor() {
    super("destruction");
  }

  @submit()
  async certify(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "destruction.certify", signedRecord);
  }
}

/** The 5-year market ban. */
@Info({ title: "blacklist", description: "The 5-year market ban." })
export class BlacklistContract extends LedgerContract {
  constructor() {
    super("blacklist");
  }

  @submit()
  async add(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "blacklist.add", signedRecord);
  }
}

/** Annual evaluations of a grant. */
@Info({ title: "evaluation", description: "Annual evaluations of a grant." })
export class EvaluationContract extends LedgerContract {
  constructor() {
    super("evaluation");
  }

  @submit()
  async record(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "evaluation.record", signedRecord);
  }
}

/** Checkpoints of the service's SM3 transparency log. */
@Info({ title: "anchor", description: "Checkpoints of the service's SM3 transparency log." })
export class AnchorContract extends LedgerContract {
  constructor() {
    super("anchor");
  }

  @submit()
  async checkpoint(ctx: Context, signedRecord: string): Promise<string> {
    return this.run(ctx, "anchor.checkpoint", signedRecord);
  }
}

import { z } from "zod";
import { OPERATION_NAMES } from "../../../core/operations.ts";
import { OVERDUE_KINDS } from "../../../core/overdue.ts";
import { PUBLIC_STATUSES } from "../../../core/public-list.ts";
import { Grant } from "../../../core/records/grant.ts";
import { LineageHop } from "../../../core/records/lineage.ts";
import {
  OBJECTION_CATEGORIES,
  OBJECTION_DECISIONS,
  OBJECTION_STATUSES,
  Objection,
} from "../../../core/records/objection.ts";
import { CHARGE_UNITS, Product } from "../../../core/records/product.ts";
import { Resource } from "../../../core/records/resource.ts";
import { Receipt, ReceiptAnchor } from "../log/receipt.ts";

/**
 * The answers of the API as zod schemas: the OpenAPI document's response schemas are generated
 * from them, and the API suite validates every real answer against that document. A route
 * without one does not type-check (ReadRoute.responses).
 */
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const Count = z.number().int().min(0);
const Kind = z.string().min(1);

/** A chain state view (core/views.ts); its fields depend on the kind. */
export const StateView = z.looseObject({ kind: Kind });

export const TxRef = z.looseObject({ txId: z.string().min(1), blockNumber: Count, blockTime: Count });

/** 201 of every write: on chain, indexed and logged. */
export const AcceptedRecord = z.strictObject({
  recordHash: Hex32,
  op: z.enum(OPERATION_NAMES as [string, ...string[]]),
  kind: Kind,
  id: z.string().min(1),
  tx: TxRef,
  leafIndex: Count,
  receipt: Receipt,
});

/** 202 of a write (and of its receipt) whose outcome is not known yet. */
export const PendingRecord = z.strictObject({
  recordHash: Hex32,
  op: z.string(),
  kind: Kind,
  id: z.string(),
  state: z.literal("submitted"),
  txId: z.string().optional(),
  since: Count,
  poll: z.string(),
});

const ChangeSummary = z.strictObject({
  op: z.string(),
  actor: z.string(),
  recordHash: Hex32,
  txId: z.string(),
  blockNumber: Count,
  blockTime: Count,
  body: z.unknown(),
});

/** A record: the chain's view, the signed body that created it, the changes after. */
export const RecordDocument = z.strictObject({
  kind: Kind,
  id: z.string(),
  view: StateView.nullable(),
  created: z.record(z.string(), z.unknown()).nullable(),
  changes: z.array(ChangeSummary),
});

export const SignedRecordSchema = z.strictObject({
  v: z.literal(1),
  op: z.string(),
  actor: z.string(),
  nonce: z.string(),
  body: z.record(z.string(), z.unknown()),
});

export const RecordHistory = z.strictObject({
  kind: Kind,
  id: z.string(),
  history: z.array(
    ChangeSummary.extend({
      signature: z.string().regex(/^[0-9a-f]{128}$/),
      record: SignedRecordSchema,
      leafIndex: z.number().int(),
      receipt: Receipt.nullable(),
    }),
  ),
});

/** The next page's cursor (`?cursor=`), null on the last page. */
const NextCursor = z.string().nullable();

export const ResourceCatalog = z.strictObject({
  resources: z.array(z.strictObject({ id: z.string(), record: Resource, view: StateView.nullable() })),
  nextCursor: NextCursor,
});

export const GrantList = z.strictObject({
  grants: z.array(z.strictObject({ id: z.string(), view: StateView })),
  nextCursor: NextCursor,
});

export const PriceCapList = z.strictObject({
  caps: z.array(
    z.strictObject({
      id: z.string().describe("domain/chargeUnit"),
      view: z.strictObject({
        kind: z.literal("price-cap"),
        domain: z.string(),
        chargeUnit: z.enum(CHARGE_UNITS),
        maxPriceFen: z.number().int().nonnegative(),
      }),
      setAt: z.number().int().describe("block time of the record that set it last, Unix seconds"),
      recordHash: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
  nextCursor: NextCursor,
});

export const PublicProductFacts = z.strictObject({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  scenario: z.string(),
  serviceForm: z.string(),
  operator: z.string(),
  status: z.string().nullable(),
  charge: z.enum(["free", "charged"]),
  priceFen: Count,
  chargeUnit: z.string(),
});

/** What a recipient of a product sees of it (GET /v1/products/:id): its public facts only. */
export const ProductDocument = z.union([
  RecordDocument,
  z.strictObject({
    kind: z.literal("product"),
    id: z.string(),
    view: PublicProductFacts,
    created: PublicProductFacts,
    changes: z.array(ChangeSummary).max(0),
  }),
]);

const TxInfo = {
  recordHash: Hex32,
  txId: z.string(),
  blockNumber: Count,
  blockTime: Count,
  leafIndex: z.number().int(),
};
const HopNode = z.strictObject({ ...TxInfo, hop: LineageHop, actor: z.string() });
const Organisation = z.strictObject({ orgId: z.string(), name: z.string(), role: z.string() });
const Edge = z.strictObject({ from: z.string(), to: z.string(), type: z.enum(["used", "generated", "authorised"]) });

export const LineageGraph = z.discriminatedUnion("scope", [
  z.strictObject({
    scope: z.literal("full"),
    product: Product.extend({ operator: z.string() }),
    productTx: z.strictObject(TxInfo),
    grant: Grant,
    grantTx: z.strictObject(TxInfo),
    resources: z.array(Resource.extend({ versionsUsed: z.array(Count) })),
    hops: z.array(HopNode),
    onBehalfOf: z.record(z.string(), z.string()),
    organisations: z.array(Organisation),
    edges: z.array(Edge),
    unresolved: z.array(z.strictObject({ hopId: z.string(), input: z.record(z.string(), z.unknown()) })),
  }),
  z.strictObject({
    scope: z.literal("recipient"),
    product: PublicProductFacts,
    resources: z.array(z.never()).max(0),
    hops: z.array(HopNode),
    onBehalfOf: z.record(z.string(), z.string()),
    organisations: z.array(Organisation),
    edges: z.array(Edge),
    unresolved: z.array(z.never()).max(0),
  }),
]);

const ProvBag = z.record(z.string(), z.record(z.string(), z.unknown()));
/** W3C PROV-JSON (https://www.w3.org/submissions/prov-json/): a prefix map and bags of typed statements. */
export const ProvDocument = z.looseObject({
  prefix: z.record(z.string(), z.string()),
  entity: ProvBag.optional(),
  activity: ProvBag.optional(),
  agent: ProvBag.optional(),
  used: ProvBag.optional(),
  wasGeneratedBy: ProvBag.optional(),
  wasAssociatedWith: ProvBag.optional(),
  wasAttributedTo: ProvBag.optional(),
  wasDerivedFrom: ProvBag.optional(),
  specializationOf: ProvBag.optional(),
  wasInfluencedBy: ProvBag.optional(),
  actedOnBehalfOf: ProvBag.optional(),
});

/** One OpenLineage 2-0-2 run event (https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent). */
export const OpenLineageRunEvent = z.looseObject({
  eventType: z.enum(["START", "COMPLETE"]),
  eventTime: z.string(),
  producer: z.string(),
  schemaURL: z.string(),
  run: z.looseObject({ runId: z.uuid({ version: "v7" }), facets: z.record(z.string(), z.unknown()) }),
  job: z.looseObject({ namespace: z.string(), name: z.string() }),
  inputs: z.array(z.looseObject({ namespace: z.string(), name: z.string() })),
  outputs: z.array(z.looseObject({ namespace: z.string(), name: z.string() })),
});

/** A custom OpenLineage facet's JSON Schema, as the facet's `_schemaURL` resolves to. */
export const FacetSchemaDocument = z.looseObject({
  $schema: z.string(),
  $id: z.string(),
  $defs: z.record(z.string(), z.record(z.string(), z.unknown())),
});

export const Lineage = z.union([LineageGraph, ProvDocument]);

const OverdueItem = z.strictObject({
  kind: z.enum(OVERDUE_KINDS),
  subject: z.strictObject({ kind: z.string(), id: z.string() }),
  deadline: Count,
  startedBy: z.strictObject({ kind: z.string(), id: z.string(), recordHash: Hex32.nullable(), at: Count }),
  owedBy: z.array(z.string()),
  concerns: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

export const Overdue = z.strictObject({
  at: Count,
  items: z.array(OverdueItem),
  /** The destruction items in the earlier per-grant shape. */
  overdue: z.array(
    z.strictObject({
      grantId: z.string(),
      endedAt: Count,
      deadline: Count,
      missing: z.array(z.strictObject({ holder: z.string(), assetClass: z.string() })),
    }),
  ),
});

const Evidence = z.strictObject({
  kind: z.string(),
  id: z.string(),
  recordHash: Hex32.optional(),
  txId: z.string().optional(),
  blockNumber: Count.optional(),
  leafIndex: z.number().int().optional(),
});

export const SignedListingReport = z.strictObject({
  report: z.strictObject({
    type: z.literal("listing-verification"),
    productId: z.string(),
    at: Count,
    atCst: z.string(),
    verdict: z.enum(["pass", "fail"]),
    checks: z.array(
      z.strictObject({
        id: z.string(),
        title: z.string(),
        result: z.enum(["pass", "fail", "not-judged"]),
        detail: z.string(),
        evidence: z.array(Evidence),
      }),
    ),
    freshness: z.array(
      z.strictObject({
        resourceId: z.string(),
        updateFrequency: z.string(),
        version: Count,
        lastVersionAt: Count,
        nextVersionDue: Count,
        overdue: z.boolean(),
        lateVersions: Count,
        evidence: Evidence.nullable(),
      }),
    ),
    objections: z.array(
      z.strictObject({
        objectionId: z.string(),
        resourceId: z.string(),
        version: Count,
        category: z.string(),
        filedAt: Count,
        deadline: Count,
        overdue: z.boolean(),
        evidence: Evidence.nullable(),
      }),
    ),
  }),
  reportHash: Hex32,
  signature: z.string().regex(/^[0-9a-f]{128}$/),
  signer: z.strictObject({ keyName: z.string(), publicKey: z.string() }),
});

/** A report the service issued: the signed report and its report.issue record's acceptance on chain. */
export const IssuedListingReport = SignedListingReport.extend({
  issued: z.strictObject({ recordHash: Hex32, tx: TxRef, leafIndex: Count, receipt: Receipt.nullable() }),
});

const Derived = z.strictObject({ id: z.string(), view: StateView.nullable(), evidence: Evidence });
export const GrantAudit = z.strictObject({
  type: z.literal("grant-audit"),
  grantId: z.string(),
  at: Count,
  grant: Grant,
  view: StateView.nullable(),
  changes: z.array(Evidence),
  partners: z.array(Derived),
  products: z.array(Derived),
  hops: z.array(
    z.strictObject({
      id: z.string(),
      productId: z.string(),
      actor: z.string(),
      operation: z.string(),
      recordCount: Count,
      evidence: Evidence,
    }),
  ),
  deliveries: z.array(
    z.strictObject({
      id: z.string(),
      productId: z.string(),
      recipient: z.string(),
      recordCount: Count,
      crossBorder: z.boolean(),
      evidence: Evidence,
    }),
  ),
  certificates: z.array(Derived),
  evaluations: z.array(z.strictObject({ year: z.string(), view: StateView.nullable() })),
  exit: z.strictObject({
    status: z.string(),
    kind: z.string(),
    endedAt: Count,
    destructionDeadline: Count.nullable(),
    overdue: z.array(z.strictObject({ holder: z.string(), assetClass: z.string() })),
  }),
});

export const ListingQueue = z.strictObject({
  products: z.array(
    z.strictObject({
      productId: z.string(),
      name: z.string(),
      domain: z.string(),
      operator: z.string(),
      operatorName: z.string(),
      grantId: z.string(),
      grantStatus: z.string().nullable(),
      registeredAt: Count,
      report: z.strictObject({
        at: Count,
        verdict: z.enum(["pass", "fail"]),
        failing: z.array(z.string()),
      }),
    }),
  ),
  nextCursor: NextCursor,
});

export const PublicListing = PublicProductFacts.extend({
  operatorName: z.string(),
  status: z.enum(PUBLIC_STATUSES),
  priceYuan: z.string().regex(/^[0-9]+\.[0-9]{2}$/),
  priceText: z.string(),
  listedAt: Count,
  lastPublished: Count,
  serviceListPublishedAt: Count.nullable(),
});
export const PublicProducts = z.strictObject({ products: z.array(PublicListing), nextCursor: NextCursor });

const PublicServiceEntry = z.strictObject({
  productId: z.string(),
  name: z.string(),
  content: z.string(),
  responseTime: z.string(),
  charge: z.enum(["free", "charged"]),
  priceFen: Count,
  priceYuan: z.string().regex(/^[0-9]+\.[0-9]{2}$/),
  chargeUnit: z.string(),
  priceText: z.string(),
});
export const PublicServiceLists = z.strictObject({
  serviceLists: z.array(
    z.strictObject({
      operator: z.string(),
      operatorName: z.string(),
      publishedAt: Count.nullable(),
      recordHash: Hex32.nullable(),
      nextListDue: Count,
      overdue: z.boolean(),
      entries: z.array(PublicServiceEntry),
    }),
  ),
  nextCursor: NextCursor,
});

const AnchorRecord = ReceiptAnchor.extend({ origin: z.string().optional() }).loose();
export const PublicCheckpoint = z.strictObject({
  origin: z.string(),
  keyName: z.string(),
  logPublicKey: z.string(),
  vkey: z.string(),
  checkpoint: z.strictObject({ size: Count, rootHash: Hex32, hash: Hex32, text: z.string() }).nullable(),
  anchor: AnchorRecord.nullable(),
});

/** POST /v1/anchors: the latest anchor, and whether this request made it (false: it already covered the log). */
export const AnchorOnRequest = z.strictObject({ anchor: AnchorRecord, fresh: z.boolean() });

export const ConsistencyProof = z.strictObject({ from: Count, to: Count, proof: z.array(Hex32) });

export const DeliveryKeys = z.strictObject({
  deliveryId: z.string(),
  orgId: z.string(),
  deliverySecret: z.string().regex(/^[0-9a-f]+$/),
  indexKey: z.string().regex(/^[0-9a-f]+$/),
  watermarkCommitment: Hex32,
});

export const IntakeStatus = z.strictObject({
  deliveryId: z.string(),
  recordCount: Count,
  fingerprintRoot: Hex32,
  staged: Count,
  chunkRecords: Count,
  indexed: z.boolean(),
});

export const TraceReport = z.looseObject({
  leakAt: Count,
  records: Count,
  unmatchedRecords: Count,
  alpha: z.number(),
  comparisons: Count,
  verdict: z.enum(["attributed", "exact match only", "no match"]),
  attributedTo: z.array(z.string()),
  alerts: z.array(z.string()),
  violations: z.array(z.string()),
  deliveries: z.array(
    z.looseObject({
      deliveryId: z.string(),
      attributed: z.literal(true),
      evidence: z
        .array(
          z.looseObject({
            kind: z.enum(["watermark", "marked-exact-match"]),
            pValue: z.number(),
            level: z.number(),
            threshold: Count,
          }),
        )
        .min(1),
    }),
  ),
  unattributed: z.array(
    z.strictObject({ deliveryId: z.string(), matchedRecords: Count, uniqueRecords: Count, markedRecords: Count }),
  ),
  watermark: z.array(z.looseObject({ deliveryId: z.string() })),
  markedExact: z.array(
    z.strictObject({
      deliveryId: z.string(),
      records: Count,
      marked: Count,
      pValue: z.number(),
      level: z.number(),
      threshold: Count,
      detected: z.boolean(),
    }),
  ),
});

/** GET and POST /v1/clock: the chain's time in Unix seconds; `previous` only after a move. */
export const ClockState = z.strictObject({
  mode: z.enum(["wall", "manual", "chain"]),
  time: Count,
  previous: Count.optional(),
});
export const Health = z.strictObject({ status: z.literal("ok") });
export const Readiness = z.strictObject({ status: z.enum(["ready", "not ready"]), reason: z.string().optional() });
export const OpenApi = z.looseObject({ openapi: z.literal("3.1.0"), paths: z.record(z.string(), z.unknown()) });

/** A complaint as the chain keeps it (core/views.ts ComplaintView): no content, no complainant. */
export const ComplaintState = z.strictObject({
  kind: z.literal("complaint"),
  id: z.string(),
  subjectKind: z.enum(["product", "operator"]),
  subjectId: z.string(),
  commitment: Hex32,
  lodgedAt: Count,
  deadline: Count,
  status: z.enum(["lodged", "handling", "concluded"]),
  outcome: z.string(),
  concludedAt: Count,
  late: z.boolean(),
});

/** 200 of POST /v1/public/complaints: what the complainant keeps to follow the case up. */
export const LodgedComplaint = z.strictObject({
  complaintId: z.string(),
  commitment: Hex32,
  complaint: ComplaintState,
  receipt: AcceptedRecord,
});

export const ComplaintList = z.strictObject({ complaints: z.array(ComplaintState), nextCursor: NextCursor });

/** Where a data-quality objection stands (core/views.ts ObjectionView). */
const ObjectionState = z.strictObject({
  kind: z.literal("objection"),
  id: z.string(),
  resourceId: z.string(),
  version: z.number().int().min(1),
  filer: z.string(),
  category: z.enum(OBJECTION_CATEGORIES),
  filedAt: Count,
  deadline: Count,
  status: z.enum(OBJECTION_STATUSES),
  decision: z.union([z.enum(OBJECTION_DECISIONS), z.literal("")]),
  answeredAt: Count,
  late: z.boolean(),
});

/** 200 of GET /v1/objections: each objection as filed and where it stands. */
export const ObjectionList = z.strictObject({
  objections: z.array(z.strictObject({ id: z.string(), record: Objection, view: ObjectionState })),
  nextCursor: NextCursor,
});

/** A supervisor's copy of the sealed complaint, with the chain's commitment to compare. */
export const SealedComplaint = z.strictObject({
  envelope: z.strictObject({
    v: z.literal(1),
    alg: z.string(),
    complaintId: z.string(),
    sealed: z.string(),
    keys: z.array(z.strictObject({ orgId: z.string(), wrappedKey: z.string() })),
  }),
  commitment: Hex32,
  matchesChain: z.boolean(),
  complaint: ComplaintState,
});

/** GET /v1/alerts: each alert as a record document (view, the signed alert, later changes). */
export const AlertList = z.strictObject({ alerts: z.array(RecordDocument) });
/** GET /v1/operators/:operator/revenue: one document per year with a maximum, in year order. */
export const RevenueYears = z.strictObject({ years: z.array(RecordDocument) });
export const AlertScan = z.strictObject({ raised: z.array(z.string()) });

/** An organisation's ban now: its end, and whether it still holds at the answer's `at`. */
const BanState = z.strictObject({ bannedUntil: Count, active: z.boolean() });

/** GET /v1/actors: registered organisations in id order, each with its blacklist state (null: never banned). */
export const ActorList = z.strictObject({
  at: Count,
  actors: z.array(
    z.strictObject({
      orgId: z.string(),
      name: z.string(),
      role: z.string(),
      publicKey: z.string(),
      registeredAt: Count,
      blacklist: BanState.nullable(),
    }),
  ),
  nextCursor: NextCursor,
});

/** GET /v1/blacklist: every organisation ever banned, the ban's end and the records that banned it. */
export const BlacklistList = z.strictObject({
  at: Count,
  entries: z.array(
    BanState.extend({
      orgId: z.string(),
      /** Null for an organisation banned before it registered. */
      name: z.string().nullable(),
      role: z.string().nullable(),
      bans: z.array(
        z.strictObject({
          op: z.enum(["blacklist.add", "grant.exit"]),
          at: Count,
          reason: z.string(),
          grantId: z.string().nullable(),
          recordHash: Hex32,
        }),
      ),
    }),
  ),
  nextCursor: NextCursor,
});

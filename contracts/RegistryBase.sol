// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {CivilTime} from "./lib/CivilTime.sol";

/// @title Shared storage, errors, events and checks of the Public Data Ledger registry
/// @notice The registry is one address (Registry.sol) that delegates each function to one of
/// a few modules; every module inherits this contract, so all share one storage layout and
/// none declares state of its own. Rules and their order are those of docs/RULEBOOK.md.
/// Identifiers (record ids, organisation codes, domains) are ASCII short strings in bytes32;
/// field names are passed as keccak256 of their UTF-8 bytes. The full canonical record is
/// hashed off chain with SM3 (`recordHash`) and travels, with its SM2 signature, in the event.
abstract contract RegistryBase {
    // ---- enumerations ---------------------------------------------------------------------------
    // One convention for every list of core/records: the value is the list index + 1, and 0 means
    // "none" (an unset storage slot). test/contracts/enumerations.test.ts checks each constant
    // against its list, and the EVM encoding (ledger-service/src/chain/evm/enumerations.ts) uses
    // the same rule.

    // ROLES
    uint8 internal constant ROLE_AGENCY = 1;
    uint8 internal constant ROLE_SOURCE_UNIT = 2;
    uint8 internal constant ROLE_OPERATOR = 3;
    uint8 internal constant ROLE_PARTNER = 4;
    uint8 internal constant ROLE_EXCHANGE = 5;
    uint8 internal constant ROLE_SUPERVISOR = 6;
    uint8 internal constant ROLE_CONSUMER = 7;

    // GRANT_STATUSES
    uint8 internal constant GRANT_ACTIVE = 1;
    uint8 internal constant GRANT_SUSPENDED = 2;
    uint8 internal constant GRANT_REVOKED = 3;
    uint8 internal constant GRANT_EXITING = 4;
    uint8 internal constant GRANT_CLOSED = 5;

    // EXIT_KINDS
    uint8 internal constant EXIT_VOLUNTARY = 1;
    uint8 internal constant EXIT_VIOLATION = 2;
    uint8 internal constant EXIT_EXPIRY = 3;

    // PARTNER_STATUSES
    uint8 internal constant PARTNER_PROPOSED = 1;
    uint8 internal constant PARTNER_APPROVED = 2;
    uint8 internal constant PARTNER_REVOKED = 3;

    // PRODUCT_STATUSES
    uint8 internal constant PRODUCT_REGISTERED = 1;
    uint8 internal constant PRODUCT_LISTED = 2;
    uint8 internal constant PRODUCT_DELISTED = 3;

    // PRICING_MODELS
    uint8 internal constant PRICING_PUBLIC_WELFARE = 1;
    uint8 internal constant PRICING_INDUSTRY = 2;

    // REVIEW_DECISIONS
    uint8 internal constant REVIEW_APPROVED = 1;
    uint8 internal constant REVIEW_REJECTED = 2;

    // HOP_OPERATIONS
    uint8 internal constant OP_COLLECT = 1;
    uint8 internal constant OP_CLEAN = 2;
    uint8 internal constant OP_DE_IDENTIFY = 3;
    uint8 internal constant OP_FUSE = 4;
    uint8 internal constant OP_TRAIN = 5;
    uint8 internal constant OP_AGGREGATE = 6;
    uint8 internal constant OP_DELIVER = 7;

    // ENVIRONMENTS
    uint8 internal constant ENV_PLAIN = 1;
    uint8 internal constant ENV_SANDBOX = 2;
    uint8 internal constant ENV_TEE = 3;
    uint8 internal constant ENV_MPC = 4;
    uint8 internal constant ENV_FEDERATED = 5;

    // ASSET_CLASSES
    uint8 internal constant ASSET_RAW_DATA = 1;
    uint8 internal constant ASSET_DERIVED_MODELS = 2;
    uint8 internal constant ASSET_TRADED_PRODUCTS = 3;

    // UPDATE_FREQUENCIES
    uint8 internal constant FREQ_DAILY = 1;
    uint8 internal constant FREQ_MONTHLY = 2;
    uint8 internal constant FREQ_QUARTERLY = 3;
    uint8 internal constant FREQ_ANNUAL = 4;

    // REPORT_VERDICTS
    uint8 internal constant VERDICT_PASS = 1;
    uint8 internal constant VERDICT_FAIL = 2;

    // EVALUATION_GRADES
    uint8 internal constant EVAL_EXCELLENT = 1;
    uint8 internal constant EVAL_QUALIFIED = 2;
    uint8 internal constant EVAL_UNQUALIFIED = 3;

    // COMPLAINT_SUBJECTS
    uint8 internal constant SUBJECT_PRODUCT = 1;
    uint8 internal constant SUBJECT_OPERATOR = 2;

    // COMPLAINT_STATUSES
    uint8 internal constant CASE_LODGED = 1;
    uint8 internal constant CASE_HANDLING = 2;
    uint8 internal constant CASE_CONCLUDED = 3;

    // COMPLAINT_OUTCOMES
    uint8 internal constant OUTCOME_UPHELD = 1;
    uint8 internal constant OUTCOME_PARTLY_UPHELD = 2;
    uint8 internal constant OUTCOME_NOT_UPHELD = 3;
    uint8 internal constant OUTCOME_REFERRED = 4;

    // ALERT_SIGNALS
    uint8 internal constant SIGNAL_VOLUME_EXCEEDED = 1;
    uint8 internal constant SIGNAL_RECIPIENT_RATE_EXCEEDED = 2;
    uint8 internal constant SIGNAL_SENSITIVE_INPUT_DELIVERED = 3;
    uint8 internal constant SIGNAL_LEAK_ATTRIBUTED = 4;
    uint8 internal constant SIGNAL_READ_RATE_EXCEEDED = 5;

    // ALERT_ACTIONS
    uint8 internal constant ACTION_GRANT_SUSPENDED = 1;

    // OBJECTION_CATEGORIES
    uint8 internal constant CATEGORY_ACCURACY = 1;
    uint8 internal constant CATEGORY_COMPLETENESS = 2;
    uint8 internal constant CATEGORY_TIMELINESS = 3;
    uint8 internal constant CATEGORY_CONSISTENCY = 4;
    uint8 internal constant CATEGORY_OTHER = 5;

    // OBJECTION_DECISIONS
    uint8 internal constant DECISION_CORRECTED = 1;
    uint8 internal constant DECISION_EXPLAINED = 2;
    uint8 internal constant DECISION_REJECTED = 3;

    // REVENUE_BANDS
    uint8 internal constant BAND_GUIDANCE = 1;
    uint8 internal constant BAND_CAP_ADJUSTMENT = 2;

    // GUIDANCE_STATUSES
    uint8 internal constant GUIDANCE_OPEN = 1;
    uint8 internal constant GUIDANCE_REPRICED = 2;
    uint8 internal constant GUIDANCE_GUIDED = 3;

    // ---- rulebook figures (docs/RULEBOOK.md) ------------------------------------------------------
    /// Data grade from which processing needs a privacy environment and raw delivery is refused.
    uint8 internal constant SENSITIVE_GRADE = 3;
    /// A delivery's watermark must be readable in at least this many cells (below it no leak can be attributed).
    uint256 internal constant MIN_MARKED_CELLS = 30;
    /// A voluntary exit needs this many calendar months of notice.
    uint256 internal constant EXIT_NOTICE_MONTHS = 3;

    uint256 internal constant DESTRUCTION_PERIOD = 30 days;
    /// A complaint's outcome is due within this period of its lodging (core/time.ts complaintDeadline).
    uint256 internal constant COMPLAINT_PERIOD = 30 days;
    /// An objection's answer is due within this period of its filing (core/time.ts objectionDeadline).
    uint256 internal constant OBJECTION_PERIOD = 15 days;

    /// Grace after each update period (core/time.ts UPDATE_PERIODS).
    uint256 internal constant DAILY_GRACE = 1 days;
    uint256 internal constant MONTHLY_GRACE = 7 days;
    uint256 internal constant QUARTERLY_GRACE = 15 days;
    uint256 internal constant ANNUAL_GRACE = 30 days;

    /// A product and service list is due at most this long after the last (core/time.ts serviceListDue).
    uint256 internal constant SERVICE_LIST_PERIOD = 91 days;

    /// The last deviation of the lower band, in basis points: exactly 10 % is guided (core/records/revenue.ts).
    uint256 internal constant GUIDANCE_BAND_MAX_BP = 1000;

    // ---- records ------------------------------------------------------------------------------
    /// @dev Passed with every write: the author, the SM3 hash of the canonical record, and the
    /// signed record (JSON) emitted in the event so indexes can be rebuilt from the chain.
    struct Meta {
        bytes32 author;
        bytes32 recordHash;
        bytes signedRecord;
    }

    struct Actor {
        uint8 role;
        address account;
        bytes publicKey;
    }

    struct Resource {
        bool exists;
        bool withdrawn;
        uint32 version;
        bytes32 holder;
        bytes32[] sourceUnits;
        /// keccak256(name, type, personalInfo) of the current version's fields, in order
        bytes32[] fieldShapes;
        /// grade of each version (index = version - 1)
        uint8[] grades;
        uint8 frequency;
        uint64 lastVersionAt;
        uint32 lateVersions;
    }

    struct Grant {
        bytes32 grantee;
        uint8 status;
        uint8 exitKind; // 0 none, 1 voluntary, 2 violation, 3 expiry
        uint64 validFrom;
        uint64 validUntil;
        uint64 endedAt;
        /// 256-bit words of the grant's scope bits (below), in the slot of the status
        uint16 scopeWords;
        uint64 exitNoticeAt;
    }

    struct Admission {
        bytes32 grantId;
        bytes32 partner;
        uint8 status;
        uint64 validUntil;
        bytes32[] products;
    }

    struct Product {
        bytes32 grantId;
        bytes32 operator_;
        bytes32 domain;
        bytes32 chargeUnit;
        uint8 status;
        uint8 model; // 1 public-welfare, 2 industry
        bool sensitive; // personal information or trade secrets
        uint32 hopCount;
        uint128 priceFen;
        bytes32 reportHash;
    }

    /// @dev Two slots: a listing verification report the service issued (report.issue).
    struct Report {
        bytes32 productId;
        uint8 verdict; // VERDICT_*
        uint64 issuedAt;
    }

    /// @dev Two slots: the grant id with the output grade in its (always zero) last byte, and
    /// the output hash. The hop's product and author are in its HopRecorded event.
    struct Hop {
        bytes32 grantAndGrade;
        bytes32 outputHash;
    }

    /// @dev An operator's product and service list duty: since its first product, and its lists.
    struct ServiceListDuty {
        uint64 since;
        uint64 publishedAt;
        uint32 entryCount;
        uint32 publications;
        uint32 lateLists;
    }

    /// @dev An operator's permitted revenue for a year: the agency's maximum, the report, the deviation.
    struct RevenueYear {
        uint128 operatingCostFen;
        uint128 permittedProfitFen;
        uint128 taxFen;
        uint128 actualRevenueFen;
        uint64 setAt;
        uint64 reportedAt;
        uint64 guidanceClosedAt;
        uint64 deviationBp;
        uint8 band; // BAND_*
        uint8 guidance; // GUIDANCE_*
        bytes32[] domains;
    }

    /// @dev The report above 10 % that holds an operator's prices in a domain.
    struct RevenueHold {
        uint16 year;
        uint64 reportedAt;
    }

    struct Certificate {
        bytes32 grantId;
        bytes32 holder;
        uint8 assetClass;
        bool late;
    }

    /// @dev The chain keeps the commitment to the sealed complaint, never its content.
    struct Complaint {
        bytes32 subjectId;
        bytes32 commitment;
        uint8 subjectKind;
        uint8 status;
        uint8 outcome;
        bool late;
        uint64 lodgedAt;
        uint64 concludedAt;
    }

    /// @dev An objection is open while `decision` is 0.
    struct Objection {
        bytes32 resourceId;
        bytes32 filer;
        uint32 version;
        uint8 category;
        uint8 decision;
        bool late;
        uint64 filedAt;
        uint64 answeredAt;
    }

    struct Alert {
        bytes32 grantId;
        uint8 signal;
        uint8 action;
        uint64 raisedAt;
        uint64 actedAt;
    }

    // ---- state (shared by every module through delegatecall) ----------------------------------
    address internal deployer;
    bytes32 internal agencyOrg;
    mapping(bytes32 => Actor) internal actors;
    mapping(address => bytes32) internal orgOfAccount;
    mapping(bytes32 => bool) internal seen;
    mapping(bytes32 => Resource) internal resources;
    /// resource => keccak(field name) => defined
    mapping(bytes32 => mapping(bytes32 => bool)) internal fieldDefined;
    /// resource => schema hash => source unit => 1 approved, 2 rejected
    mapping(bytes32 => mapping(bytes32 => mapping(bytes32 => uint8))) internal reviews;
    mapping(bytes32 => Grant) internal grants;
    /// grant => resource => its scope bit + 1 (0 = not in scope); grant => keccak(resource, field)
    /// => its scope bit + 1 (0 = not granted). Every resource and field of a grant has one bit,
    /// numbered at issue: derivations and admissions are sets of these bits (_scopeBit).
    mapping(bytes32 => mapping(bytes32 => uint256)) internal grantResource;
    mapping(bytes32 => mapping(bytes32 => uint256)) internal grantField;
    mapping(bytes32 => bytes32) internal exitNoticePlan;
    /// grant => holders (grantee first, then partners in order of approval)
    mapping(bytes32 => bytes32[]) internal holders;
    mapping(bytes32 => mapping(bytes32 => bool)) internal isHolder;
    bytes32[] internal endedGrants;
    mapping(bytes32 => Admission) internal admissions;
    /// grant => partner => live (proposed or approved) admission id
    mapping(bytes32 => mapping(bytes32 => bytes32)) internal liveAdmission;
    /// keccak(domain, charge unit) => cap + 1 (0 = no cap)
    mapping(bytes32 => uint256) internal caps;
    mapping(bytes32 => Product) internal products;
    /// report hash => the issued report; product => the hash of its latest issued report
    mapping(bytes32 => Report) internal reports;
    mapping(bytes32 => bytes32) internal latestReport;
    mapping(bytes32 => Hop) internal hops;
    /// hop => scope word => the grant's scope bits its output derives from, transitively (one
    /// slot for grants of up to 256 resources and fields): an artifact's check is a lookup
    mapping(bytes32 => mapping(uint256 => uint256)) internal derivedBits;
    /// admission => scope word => the grant's scope bits the partner is admitted for
    mapping(bytes32 => mapping(uint256 => uint256)) internal admittedBits;
    mapping(bytes32 => Certificate) internal certificates;
    /// grant => holder => asset class => certified
    mapping(bytes32 => mapping(bytes32 => mapping(uint8 => bool))) internal certified;
    mapping(bytes32 => uint64) internal bannedUntil;
    /// grant => year => grade + 1 (0 = none; 1 excellent, 2 qualified, 3 unqualified)
    mapping(bytes32 => mapping(uint16 => uint8)) internal evaluations;
    /// keccak(log origin) => last anchored tree size (root and checkpoint hash are in the event)
    mapping(bytes32 => uint64) internal anchoredSize;
    mapping(bytes32 => Complaint) internal complaints;
    mapping(bytes32 => Objection) internal objections;
    mapping(bytes32 => Alert) internal alerts;
    /// operator => its product and service list duty
    mapping(bytes32 => ServiceListDuty) internal serviceLists;
    /// operator => year => its permitted revenue
    mapping(bytes32 => mapping(uint16 => RevenueYear)) internal revenues;
    /// operator => the year of its latest revenue report
    mapping(bytes32 => uint16) internal latestRevenueYear;
    /// operator => domain => the report above 10 % holding its prices there
    mapping(bytes32 => mapping(bytes32 => RevenueHold)) internal revenueHolds;
    /// _pairKey(domain, chargeUnit) => when the agency last set that cap
    mapping(bytes32 => uint64) internal capSetAt;

    // ---- errors: the rulebook's codes (core/errors.ts) in PascalCase --------------------------
    /// The author (or, for the bootstrap, the agency being registered) that may not do this.
    error NotAuthorized(bytes32 orgId);
    error ReplayedRecord(bytes32 recordHash);
    /// The id of the record that already exists.
    error DuplicateId(bytes32 id);
    /// The id of the record that does not exist.
    error NotFound(bytes32 id);
    /// The agency already registered.
    error AlreadyBootstrapped(bytes32 orgId);
    error ActorRoleInvalid(bytes32 orgId);
    error InvalidRecord();
    /// The resource and the first of its source units that has not approved the schema.
    error SourceReviewMissing(bytes32 resourceId, bytes32 orgId);
    error GradeInconsistent(bytes32 resourceId, uint256 grade);
    /// The position (from 0) of the first existing field the version drops or changes.
    error SchemaIncompatible(bytes32 resourceId, uint256 fieldIndex);
    error VersionConflict(uint256 expectedVersion);
    error ResourceNotActive(bytes32 resourceId);
    error FieldUnknown(bytes32 resourceId, bytes32 field);
    error GrantTermInvalid(uint256 validFrom, uint256 validUntil, uint256 now);
    error GrantTermTooLong(uint256 latestEnd);
    error GrantNotActive(bytes32 grantId);
    error GrantOutsideTerm(bytes32 grantId);
    error GrantStatusInvalid(bytes32 grantId);
    error RegrantForbidden(bytes32 orgId);
    error OrgBlacklisted(bytes32 orgId, uint256 bannedUntil);
    error ExitNoticeMissing(bytes32 grantId);
    error ExitNoticeTooShort(uint256 earliestExit);
    error GrantNotExpired(uint256 validUntil);
    /// How many (holder, asset class) certificates are still missing.
    error DestructionIncomplete(bytes32 grantId, uint256 missing);
    error GrantNotExiting(bytes32 grantId);
    /// The admission (proposed or live) and the resource, product or artifact's hop outside it.
    error PartnerOutOfScope(bytes32 admissionId, bytes32 id);
    error PartnerTermExceedsGrant(uint256 grantValidUntil);
    error PartnerStatusInvalid(bytes32 admissionId);
    error PartnerNotAdmitted(bytes32 orgId);
    error PriceCapMissing(bytes32 domain, bytes32 chargeUnit);
    error PriceAboveCap(uint256 capFen);
    error PublicWelfareNotFree(uint256 priceFen);
    error ResourceNotGranted(bytes32 resourceId);
    error ProductStatusInvalid(bytes32 productId);
    error LineageIncomplete(bytes32 productId);
    error ReportUnknown(bytes32 reportHash);
    /// The product the report was issued for.
    error ReportProductMismatch(bytes32 reportHash, bytes32 productId);
    error ReportNotPassed(bytes32 reportHash);
    error ReportSuperseded(bytes32 reportHash, bytes32 latestReportHash);
    error DeliveryDetailsRequired(bytes32 hopId);
    /// The product and the grant it was registered under.
    error ProductGrantMismatch(bytes32 productId, bytes32 grantId);
    error ArtifactUnknown(bytes32 hopId);
    error ArtifactHashMismatch(bytes32 hopId);
    error FieldNotGranted(bytes32 resourceId, bytes32 field);
    /// The highest grade among the hop's inputs.
    error PrivacyEnvRequired(uint256 grade);
    error RawExportForbidden(uint256 grade);
    error ConsentRequired(bytes32 hopId, bytes32 productId);
    error CrossBorderAssessmentRequired(bytes32 hopId);
    error DeliveryUnmarked(uint256 markedCells, uint256 minimum);
    /// The highest input grade and the lower output grade asked for.
    error GradeDowngradeForbidden(uint256 grade, uint256 outputGrade);
    /// The log's last anchored tree size.
    error AnchorNotMonotonic(uint256 anchoredSize);
    /// The complaint or objection that is already closed.
    error CaseClosed(bytes32 id);
    /// The alert, and the grant it concerns.
    error AlertGrantMismatch(bytes32 id, bytes32 grantId);
    /// The entry (0-based) naming another operator's product, and the product.
    error ServiceListForeignProduct(uint256 entry, bytes32 productId);
    /// The entry (0-based), the product and its registered fee: "free" or "charged", unit, price.
    /// The operator and year without a maximum, already reported, or not reported.
    error RevenueMaximumMissing(bytes32 operator, uint256 year);
    error RevenueAlreadyReported(bytes32 operator, uint256 year);
    error RevenueNotReported(bytes32 operator, uint256 year);
    /// The report above 10 % (operator, year, when) holding the cap (domain, charging unit).
    error RevenueCapPending(bytes32 operator, uint256 year, bytes32 domain, bytes32 chargeUnit, uint256 reportedAt);
    error ServiceListFeeMismatch(uint256 entry, bytes32 productId, bytes32 charge, bytes32 chargeUnit, uint256 priceFen);

    // ---- events: one per operation, past tense (core/operations.ts) ---------------------------
    event AgencyBootstrapped(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ActorRegistered(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ResourceReviewed(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ResourceRegistered(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ResourceVersionPublished(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ResourceWithdrawn(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantIssued(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantSuspended(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantResumed(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantRevoked(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ExitNoticeFiled(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantExitStarted(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event GrantClosed(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event PartnerProposed(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event PartnerApproved(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event PartnerRevoked(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event PriceCapSet(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ProductRegistered(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ProductRepriced(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ReportIssued(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ProductListed(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ProductDelisted(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event HopRecorded(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event DestructionCertified(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event OrganisationBlacklisted(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event EvaluationRecorded(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event CheckpointAnchored(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ComplaintLodged(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ComplaintHandled(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event AlertRaised(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ObjectionFiled(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ObjectionAnswered(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event ServiceListPublished(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event RevenueMaximumSet(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event RevenueReported(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);
    event RevenueGuidanceRecorded(bytes32 indexed id, bytes32 recordHash, bytes signedRecord);

    // ---- the preamble every operation starts with ---------------------------------------------
    function _bit(uint8 role) internal pure returns (uint256) {
        return uint256(1) << role;
    }

    /// @dev Steps 2, 4, 5 and 6 of the rulebook's preamble (1 is the adapter's schema check; 3,
    /// the SM2 signature, is verified off chain by the ledger service). `replayable` is true for
    /// operations that do not create a record. Returns the author's role.
    function _preamble(Meta calldata m, uint256 roleMask, bool replayable) internal returns (uint8 role) {
        Actor storage author = actors[m.author];
        role = author.role;
        if (role == 0) revert NotAuthorized(m.author);
        if (msg.sender != author.account && msg.sender != actors[agencyOrg].account) revert NotAuthorized(m.author);
        if (replayable) {
            if (seen[m.recordHash]) revert ReplayedRecord(m.recordHash);
            seen[m.recordHash] = true;
        }
        if (roleMask & _bit(role) == 0) revert NotAuthorized(m.author);
    }

    // ---- shared checks ------------------------------------------------------------------------
    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }

    function _requireGrant(bytes32 id) internal view returns (Grant storage g) {
        g = grants[id];
        if (g.status == 0) revert NotFound(id);
    }

    function _inForce(Grant storage g) internal view returns (bool) {
        return g.validFrom <= block.timestamp && block.timestamp < g.validUntil;
    }

    function _requireUsable(bytes32 id, Grant storage g) internal view {
        if (g.status != GRANT_ACTIVE) revert GrantNotActive(id);
        if (!_inForce(g)) revert GrantOutsideTerm(id);
    }

    function _requireRole(bytes32 org, uint8 role) internal view {
        uint8 actual = actors[org].role;
        if (actual == 0) revert NotFound(org);
        if (actual != role) revert ActorRoleInvalid(org);
    }

    function _requireNotBanned(bytes32 org) internal view {
        if (block.timestamp < bannedUntil[org]) revert OrgBlacklisted(org, bannedUntil[org]);
    }

    function _ban(bytes32 org) internal {
        uint64 until = uint64(CivilTime.addYears(block.timestamp, 5));
        if (until > bannedUntil[org]) bannedUntil[org] = until;
    }

    function _end(bytes32 grantId, Grant storage g, uint8 status) internal {
        g.status = status;
        g.endedAt = _now();
        endedGrants.push(grantId);
    }

    /// @dev The last on-time second of the next version after one at `last` (core/time.ts nextVersionDue).
    function _nextVersionDue(uint8 frequency, uint64 last) internal pure returns (uint64) {
        if (frequency == FREQ_DAILY) return last + uint64(1 days + DAILY_GRACE);
        if (frequency == FREQ_MONTHLY) return uint64(CivilTime.addMonths(last, 1) + MONTHLY_GRACE);
        if (frequency == FREQ_QUARTERLY) return uint64(CivilTime.addMonths(last, 3) + QUARTERLY_GRACE);
        return uint64(CivilTime.addMonths(last, 12) + ANNUAL_GRACE);
    }

    /// @dev Sets bit `oneBased - 1` (a grantResource / grantField value) in `words`.
    function _setScopeBit(uint256[] memory words, uint256 oneBased) internal pure {
        uint256 bit = oneBased - 1;
        words[bit / 256] |= uint256(1) << (bit % 256);
    }

    /// @dev The operator owes a product and service list from its first product on.
    function _startServiceListDuty(bytes32 operator) internal {
        ServiceListDuty storage duty = serviceLists[operator];
        if (duty.since == 0) duty.since = _now();
    }

    /// @dev The last on-time second of the operator's next list.
    function _serviceListDue(ServiceListDuty storage duty) internal view returns (uint64) {
        return (duty.publishedAt != 0 ? duty.publishedAt : duty.since) + uint64(SERVICE_LIST_PERIOD);
    }

    /// @dev A charged price in a domain the operator's report above 10 % holds needs that
    /// domain's cap for the unit set after the report (core: chaincode/src/engine/revenue.ts).
    function _requireNoRevenueHold(bytes32 operator, bytes32 domain, uint8 model, bytes32 chargeUnit) internal view {
        if (model == PRICING_PUBLIC_WELFARE) return;
        RevenueHold storage hold = revenueHolds[operator][domain];
        if (hold.reportedAt == 0) return;
        if (capSetAt[_pairKey(domain, chargeUnit)] <= hold.reportedAt) {
            revert RevenueCapPending(operator, hold.year, domain, chargeUnit, hold.reportedAt);
        }
    }

    /// @dev A repricing in a domain of the operator's latest report closes its open guidance item.
    function _closeGuidanceByRepricing(bytes32 operator, bytes32 domain) internal {
        uint16 year = latestRevenueYear[operator];
        if (year == 0) return;
        RevenueYear storage r = revenues[operator][year];
        if (r.guidance != GUIDANCE_OPEN) return;
        for (uint256 i = 0; i < r.domains.length; i++) {
            if (r.domains[i] == domain) {
                r.guidance = GUIDANCE_REPRICED;
                r.guidanceClosedAt = _now();
                return;
            }
        }
    }

    function _pairKey(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return keccak256(abi.encode(a, b));
    }
}

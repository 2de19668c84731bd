// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Products, their price and listing, and lineage hops with deliveries
contract ProductModule is RegistryBase {
    struct PricingIn {
        uint8 model; // PRICING_*
        bytes32 chargeUnit;
        uint128 priceFen;
    }

    struct ProductIn {
        bytes32 id;
        bytes32 grantId;
        bytes32 domain;
        bytes32[] sources;
        PricingIn pricing;
        bool sensitive;
    }

    /// @dev A hop input: a resource version and fields, or an artifact (an earlier hop's output).
    struct InputIn {
        bool artifact;
        bytes32 ref;
        uint32 version;
        bytes32[] fields;
        bytes32 hash;
    }

    struct DeliveryIn {
        bytes32 recipient;
        bool hasConsent;
        bool crossBorder;
        bool hasAssessment;
        uint64 markedCells;
    }

    /// @dev operation: OP_* and environment: ENV_* (RegistryBase); outputGrade 0 = undeclared.
    struct HopIn {
        bytes32 id;
        bytes32 grantId;
        bytes32 productId;
        uint8 operation;
        uint8 environment;
        uint8 outputGrade;
        bytes32 outputHash;
        bool hasDelivery;
        DeliveryIn delivery;
        InputIn[] inputs;
    }


    function _requirePricing(bytes32 domain, PricingIn calldata p) private view {
        if (p.model == PRICING_PUBLIC_WELFARE) {
            if (p.priceFen != 0) revert PublicWelfareNotFree(p.priceFen);
            return;
        }
        uint256 cap = caps[_pairKey(domain, p.chargeUnit)];
        if (cap == 0) revert PriceCapMissing(domain, p.chargeUnit);
        if (uint256(p.priceFen) > cap - 1) revert PriceAboveCap(cap - 1);
    }

    /// @notice product.register: the grantee registers a product of the grant's resources under the pricing rule; the author becomes its operator.
    function registerProduct(Meta calldata m, ProductIn calldata p) external {
        _preamble(m, _bit(ROLE_OPERATOR), false);
        Product storage prod = products[p.id];
        if (prod.status != 0) revert DuplicateId(p.id);
        Grant storage g = _requireGrant(p.grantId);
        if (m.author != g.grantee) revert NotAuthorized(m.author);
        _requireUsable(p.grantId, g);
        for (uint256 i = 0; i < p.sources.length; i++) {
            if (grantResource[p.grantId][p.sources[i]] == 0) revert ResourceNotGranted(p.sources[i]);
        }
        _requirePricing(p.domain, p.pricing);
        _requireNoRevenueHold(m.author, p.domain, p.pricing.model, p.pricing.chargeUnit);
        prod.grantId = p.grantId;
        prod.operator_ = m.author;
        prod.domain = p.domain;
        prod.chargeUnit = p.pricing.chargeUnit;
        prod.status = PRODUCT_REGISTERED;
        prod.model = p.pricing.model;
        prod.sensitive = p.sensitive;
        prod.priceFen = p.pricing.priceFen;
        _startServiceListDuty(m.author);
        emit ProductRegistered(p.id, m.recordHash, m.signedRecord);
    }

    /// @notice product.reprice: the product's operator changes the price under the pricing rule.
    function repriceProduct(Meta calldata m, bytes32 id, PricingIn calldata p) external {
        _preamble(m, _bit(ROLE_OPERATOR), true);
        Product storage prod = products[id];
        if (prod.status == 0) revert NotFound(id);
        if (prod.operator_ != m.author) revert NotAuthorized(m.author);
        _requirePricing(prod.domain, p);
        bool upward = p.model != PRICING_PUBLIC_WELFARE &&
            (prod.model == PRICING_PUBLIC_WELFARE || p.chargeUnit != prod.chargeUnit || p.priceFen > prod.priceFen);
        if (upward) _requireNoRevenueHold(m.author, prod.domain, p.model, p.chargeUnit);
        _closeGuidanceByRepricing(m.author, prod.domain);
        prod.model = p.model;
        prod.chargeUnit = p.chargeUnit;
        prod.priceFen = p.priceFen;
        emit ProductRepriced(id, m.recordHash, m.signedRecord);
    }

    /// @notice report.issue: the service (as the agency) records a listing verification report it issued and signed for a product; it becomes the product's latest report.
    /// @param verdict VERDICT_* (RegistryBase)
    function issueReport(Meta calldata m, bytes32 reportHash, bytes32 productId, uint8 verdict) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        if (verdict < VERDICT_PASS || verdict > VERDICT_FAIL) revert InvalidRecord();
        Report storage r = reports[reportHash];
        if (r.productId != bytes32(0)) revert DuplicateId(reportHash);
        if (products[productId].status == 0) revert NotFound(productId);
        r.productId = productId;
        r.verdict = verdict;
        r.issuedAt = _now();
        latestReport[productId] = reportHash;
        emit ReportIssued(reportHash, m.recordHash, m.signedRecord);
    }

    /// @notice product.list: the exchange lists a product with at least one lineage hop, naming the latest verification report issued for it, with verdict pass.
    function listProduct(Meta calldata m, bytes32 id, bytes32 reportHash) external {
        _preamble(m, _bit(ROLE_EXCHANGE), true);
        Product storage prod = products[id];
        if (prod.status == 0) revert NotFound(id);
        if (prod.status != PRODUCT_REGISTERED && prod.status != PRODUCT_DELISTED) revert ProductStatusInvalid(id);
        Grant storage g = grants[prod.grantId];
        if (g.status != GRANT_ACTIVE) revert GrantNotActive(prod.grantId);
        if (!_inForce(g)) revert GrantOutsideTerm(prod.grantId);
        if (prod.hopCount == 0) revert LineageIncomplete(id);
        _requireListableReport(id, reportHash);
        prod.status = PRODUCT_LISTED;
        prod.reportHash = reportHash;
        emit ProductListed(id, m.recordHash, m.signedRecord);
    }

    function _requireListableReport(bytes32 productId, bytes32 reportHash) private view {
        Report storage r = reports[reportHash];
        if (r.productId == bytes32(0)) revert ReportUnknown(reportHash);
        if (r.productId != productId) revert ReportProductMismatch(reportHash, r.productId);
        if (r.verdict != VERDICT_PASS) revert ReportNotPassed(reportHash);
        if (latestReport[productId] != reportHash) revert ReportSuperseded(reportHash, latestReport[productId]);
    }

    /// @notice product.delist: listed → delisted.
    function delistProduct(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_EXCHANGE), true);
        Product storage prod = products[id];
        if (prod.status == 0) revert NotFound(id);
        if (prod.status != PRODUCT_LISTED) revert ProductStatusInvalid(id);
        prod.status = PRODUCT_DELISTED;
        emit ProductDelisted(id, m.recordHash, m.signedRecord);
    }

    /// @notice lineage.hop: one processing step (or a delivery) of a product under its grant, checked in the rulebook's nine steps.
    function recordHop(Meta calldata m, HopIn calldata h) external {
        _preamble(m, _bit(ROLE_OPERATOR) | _bit(ROLE_PARTNER), false);
        Hop storage hop = hops[h.id];
        if (hop.outputHash != bytes32(0) || hop.grantAndGrade != bytes32(0)) revert DuplicateId(h.id);
        if ((h.operation == OP_DELIVER) != h.hasDelivery) revert DeliveryDetailsRequired(h.id);
        Grant storage g = _requireGrant(h.grantId);
        _requireUsable(h.grantId, g);
        bytes32 admissionId;
        if (m.author != g.grantee) {
            admissionId = liveAdmission[h.grantId][m.author];
            Admission storage adm = admissions[admissionId];
            if (admissionId == bytes32(0) || adm.status != PARTNER_APPROVED || block.timestamp >= adm.validUntil) revert PartnerNotAdmitted(m.author);
        }
        Product storage prod = products[h.productId];
        if (prod.status == 0) revert NotFound(h.productId);
        if (prod.grantId != h.grantId) revert ProductGrantMismatch(h.productId, prod.grantId);
        if (admissionId != bytes32(0)) _requireAdmittedProduct(admissionId, h.productId);
        uint8 highest = 0;
        for (uint256 i = 0; i < h.inputs.length; i++) {
            uint8 grade = _inputGrade(g.scopeWords, h.grantId, admissionId, h.inputs[i]);
            if (grade > highest) highest = grade;
        }
        if (highest >= SENSITIVE_GRADE && h.environment < ENV_TEE) revert PrivacyEnvRequired(highest);
        if (h.hasDelivery) _requireDeliverable(prod, h.id, h.productId, h.delivery, highest);
        if (h.outputGrade != 0 && h.outputGrade < highest && h.operation != OP_DE_IDENTIFY && h.operation != OP_AGGREGATE)
            revert GradeDowngradeForbidden(highest, h.outputGrade);
        uint8 outputGrade = h.outputGrade != 0 ? h.outputGrade : highest;
        hop.grantAndGrade = h.grantId | bytes32(uint256(outputGrade));
        hop.outputHash = h.outputHash;
        prod.hopCount += 1;
        _recordDerivation(h.id, g, h.grantId, h.inputs);
        emit HopRecorded(h.id, m.recordHash, m.signedRecord);
    }

    function _requireAdmittedProduct(bytes32 admissionId, bytes32 productId) private view {
        bytes32[] storage list = admissions[admissionId].products;
        if (list.length == 0) return;
        for (uint256 i = 0; i < list.length; i++) if (list[i] == productId) return;
        revert PartnerOutOfScope(admissionId, productId);
    }

    function _inputGrade(uint16 scopeWords, bytes32 grantId, bytes32 admissionId, InputIn calldata input) private view returns (uint8) {
        if (input.artifact) {
            Hop storage prior = hops[input.ref];
            if (prior.grantAndGrade == bytes32(0) || (prior.grantAndGrade & ~bytes32(uint256(0xff))) != grantId) revert ArtifactUnknown(input.ref);
            if (prior.outputHash != input.hash) revert ArtifactHashMismatch(input.ref);
            // A partner reaches through an artifact only what its admission would let it take directly.
            if (admissionId != bytes32(0)) {
                for (uint256 w = 0; w < scopeWords; w++) {
                    if (derivedBits[input.ref][w] & ~admittedBits[admissionId][w] != 0) revert PartnerOutOfScope(admissionId, input.ref);
                }
            }
            return uint8(uint256(prior.grantAndGrade) & 0xff);
        }
        if (grantResource[grantId][input.ref] == 0) revert ResourceNotGranted(input.ref);
        Resource storage res = resources[input.ref];
        if (!res.exists) revert NotFound(input.ref);
        if (res.withdrawn) revert ResourceNotActive(input.ref);
        if (input.version < 1 || input.version > res.version) revert NotFound(input.ref);
        for (uint256 j = 0; j < input.fields.length; j++) {
            if (grantField[grantId][_pairKey(input.ref, input.fields[j])] == 0) revert FieldNotGranted(input.ref, input.fields[j]);
        }
        if (admissionId != bytes32(0)) {
            _requireAdmitted(admissionId, input.ref, grantResource[grantId][input.ref]);
            for (uint256 j = 0; j < input.fields.length; j++) {
                _requireAdmitted(admissionId, input.ref, grantField[grantId][_pairKey(input.ref, input.fields[j])]);
            }
        }
        return res.grades[input.version - 1];
    }

    /// @dev `oneBased` is a grantResource / grantField value of a resource input (never 0 here).
    function _requireAdmitted(bytes32 admissionId, bytes32 resourceId, uint256 oneBased) private view {
        uint256 bit = oneBased - 1;
        if ((admittedBits[admissionId][bit / 256] >> (bit % 256)) & 1 == 0) revert PartnerOutOfScope(admissionId, resourceId);
    }

    /// @dev The grant's scope bits of every resource and field behind the hop's output: its
    /// resource inputs' and, transitively, its artifact inputs' own derivations.
    function _recordDerivation(bytes32 hopId, Grant storage g, bytes32 grantId, InputIn[] calldata inputs) private {
        uint256[] memory derived = new uint256[](g.scopeWords);
        for (uint256 i = 0; i < inputs.length; i++) {
            InputIn calldata input = inputs[i];
            if (input.artifact) {
                for (uint256 w = 0; w < derived.length; w++) derived[w] |= derivedBits[input.ref][w];
            } else {
                _setScopeBit(derived, grantResource[grantId][input.ref]);
                for (uint256 j = 0; j < input.fields.length; j++) {
                    _setScopeBit(derived, grantField[grantId][_pairKey(input.ref, input.fields[j])]);
                }
            }
        }
        for (uint256 w = 0; w < derived.length; w++) if (derived[w] != 0) derivedBits[hopId][w] = derived[w];
    }

    function _requireDeliverable(Product storage prod, bytes32 hopId, bytes32 productId, DeliveryIn calldata d, uint8 highest) private view {
        if (highest >= SENSITIVE_GRADE) revert RawExportForbidden(highest);
        if (prod.sensitive && !d.hasConsent) revert ConsentRequired(hopId, productId);
        if (d.crossBorder && !d.hasAssessment) revert CrossBorderAssessmentRequired(hopId);
        if (d.markedCells < MIN_MARKED_CELLS) revert DeliveryUnmarked(d.markedCells, MIN_MARKED_CELLS);
        if (actors[d.recipient].role == 0) revert NotFound(d.recipient);
        _requireNotBanned(d.recipient);
    }
}

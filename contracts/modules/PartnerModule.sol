// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Partner admissions, destruction certificates, price caps and log anchors
contract PartnerModule is RegistryBase {
    struct ScopeIn {
        bytes32 resourceId;
        bytes32[] fields;
    }

    struct AdmissionIn {
        bytes32 id;
        bytes32 grantId;
        bytes32 partner;
        uint64 validUntil;
        bytes32[] products;
        ScopeIn[] scope;
    }

    /// @notice partner.propose: the grantee proposes a partner within the grant's scope and term.
    function proposePartner(Meta calldata m, AdmissionIn calldata a) external {
        _preamble(m, _bit(ROLE_OPERATOR), false);
        Admission storage adm = admissions[a.id];
        if (adm.status != 0) revert DuplicateId(a.id);
        Grant storage g = _requireGrant(a.grantId);
        if (m.author != g.grantee) revert NotAuthorized(m.author);
        if (g.status != GRANT_ACTIVE) revert GrantNotActive(a.grantId);
        if (!_inForce(g)) revert GrantOutsideTerm(a.grantId);
        _requireRole(a.partner, ROLE_PARTNER);
        _requireNotBanned(a.partner);
        if (liveAdmission[a.grantId][a.partner] != bytes32(0)) revert DuplicateId(liveAdmission[a.grantId][a.partner]);
        uint256[] memory admitted = new uint256[](g.scopeWords);
        for (uint256 i = 0; i < a.scope.length; i++) {
            bytes32 rid = a.scope[i].resourceId;
            uint256 resourceBit = grantResource[a.grantId][rid];
            if (resourceBit == 0) revert PartnerOutOfScope(a.id, rid);
            for (uint256 j = 0; j < a.scope[i].fields.length; j++) {
                bytes32 key = _pairKey(rid, a.scope[i].fields[j]);
                uint256 fieldBit = grantField[a.grantId][key];
                if (fieldBit == 0) revert PartnerOutOfScope(a.id, rid);
                _setScopeBit(admitted, fieldBit);
            }
            _setScopeBit(admitted, resourceBit);
        }
        if (a.validUntil > g.validUntil) revert PartnerTermExceedsGrant(g.validUntil);
        adm.grantId = a.grantId;
        adm.partner = a.partner;
        adm.status = PARTNER_PROPOSED;
        adm.validUntil = a.validUntil;
        adm.products = a.products;
        for (uint256 w = 0; w < admitted.length; w++) if (admitted[w] != 0) admittedBits[a.id][w] = admitted[w];
        liveAdmission[a.grantId][a.partner] = a.id;
        emit PartnerProposed(a.id, m.recordHash, m.signedRecord);
    }

    /// @notice partner.approve: the agency admits the partner, which becomes a holder of the grant for good.
    function approvePartner(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Admission storage adm = admissions[id];
        if (adm.status == 0) revert NotFound(id);
        if (adm.status != PARTNER_PROPOSED) revert PartnerStatusInvalid(id);
        if (grants[adm.grantId].status != GRANT_ACTIVE) revert GrantNotActive(adm.grantId);
        _requireNotBanned(adm.partner);
        adm.status = PARTNER_APPROVED;
        if (!isHolder[adm.grantId][adm.partner]) {
            isHolder[adm.grantId][adm.partner] = true;
            holders[adm.grantId].push(adm.partner);
        }
        emit PartnerApproved(id, m.recordHash, m.signedRecord);
    }

    /// @notice partner.revoke: by the agency or the grantee; proposed or approved → revoked (a holder stays a holder).
    function revokePartner(Meta calldata m, bytes32 id) external {
        uint8 role = _preamble(m, _bit(ROLE_AGENCY) | _bit(ROLE_OPERATOR), true);
        Admission storage adm = admissions[id];
        if (adm.status == 0) revert NotFound(id);
        if (role == ROLE_OPERATOR && grants[adm.grantId].grantee != m.author) revert NotAuthorized(m.author);
        if (adm.status != PARTNER_PROPOSED && adm.status != PARTNER_APPROVED) revert PartnerStatusInvalid(id);
        adm.status = PARTNER_REVOKED;
        delete liveAdmission[adm.grantId][adm.partner];
        emit PartnerRevoked(id, m.recordHash, m.signedRecord);
    }

    /// @notice destruction.certify: a holder certifies one asset class of an exiting or revoked grant; late after end + 30 days.
    /// @param assetClass ASSET_* (RegistryBase)
    function certifyDestruction(Meta calldata m, bytes32 id, bytes32 grantId, uint8 assetClass) external {
        _preamble(m, _bit(ROLE_OPERATOR) | _bit(ROLE_PARTNER), false);
        if (assetClass < ASSET_RAW_DATA || assetClass > ASSET_TRADED_PRODUCTS) revert InvalidRecord();
        Certificate storage cert = certificates[id];
        if (cert.holder != bytes32(0)) revert DuplicateId(id);
        Grant storage g = _requireGrant(grantId);
        if (g.status != GRANT_EXITING && g.status != GRANT_REVOKED) revert GrantNotExiting(grantId);
        if (!isHolder[grantId][m.author]) revert PartnerNotAdmitted(m.author);
        if (certified[grantId][m.author][assetClass]) revert DuplicateId(grantId);
        certified[grantId][m.author][assetClass] = true;
        cert.grantId = grantId;
        cert.holder = m.author;
        cert.assetClass = assetClass;
        cert.late = block.timestamp > g.endedAt + DESTRUCTION_PERIOD;
        emit DestructionCertified(id, m.recordHash, m.signedRecord);
    }

    /// @notice cap.set: the agency's cap for (domain, charging unit); a later cap replaces it. The event id is keccak256(abi.encode(domain, chargeUnit)).
    function setPriceCap(Meta calldata m, bytes32 domain, bytes32 chargeUnit, uint128 maxPriceFen) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        caps[_pairKey(domain, chargeUnit)] = uint256(maxPriceFen) + 1;
        capSetAt[_pairKey(domain, chargeUnit)] = _now();
        emit PriceCapSet(_pairKey(domain, chargeUnit), m.recordHash, m.signedRecord);
    }

    /// @notice Pins a checkpoint of the service's SM3 log. Tree sizes only grow per origin,
    /// which also makes every anchor record unique (no replay bookkeeping: it keeps anchors cheap).
    function anchorCheckpoint(Meta calldata m, bytes32 origin, uint64 treeSize, bytes32 rootHash, bytes32 checkpointHash) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        if (treeSize <= anchoredSize[origin]) revert AnchorNotMonotonic(anchoredSize[origin]);
        anchoredSize[origin] = treeSize;
        // The root and checkpoint hash are kept in the event (with the signed record): one
        // storage slot per anchor keeps anchoring under 60k gas whatever the batch behind it.
        (rootHash, checkpointHash);
        emit CheckpointAnchored(origin, m.recordHash, m.signedRecord);
    }
}

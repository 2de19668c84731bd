// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Social oversight: complaints (社会监督) handled by the supervisors, data-quality objections (异议处置) answered by the source units
/// @notice The chain holds the commitment to each sealed complaint, never its content or its author.
contract OversightModule is RegistryBase {
    /// @notice complaint.lodge (the agency's intake): the subject is a registered product or an organisation registered as operator.
    function lodgeComplaint(Meta calldata m, bytes32 id, uint8 subjectKind, bytes32 subjectId, bytes32 commitment) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        Complaint storage c = complaints[id];
        if (c.status != 0) revert DuplicateId(id);
        if (subjectKind == SUBJECT_PRODUCT) {
            if (products[subjectId].status == 0) revert NotFound(subjectId);
        } else {
            _requireRole(subjectId, ROLE_OPERATOR);
        }
        c.subjectKind = subjectKind;
        c.subjectId = subjectId;
        c.commitment = commitment;
        c.status = CASE_LODGED;
        c.lodgedAt = _now();
        emit ComplaintLodged(id, m.recordHash, m.signedRecord);
    }

    /// @notice complaint.handle (a supervisor): outcome 0 records that the case is being handled; an outcome concludes it, late after 30 days.
    function handleComplaint(Meta calldata m, bytes32 id, uint8 outcome) external {
        _preamble(m, _bit(ROLE_SUPERVISOR), true);
        Complaint storage c = complaints[id];
        if (c.status == 0) revert NotFound(id);
        if (c.status == CASE_CONCLUDED) revert CaseClosed(id);
        if (outcome == 0) {
            c.status = CASE_HANDLING;
        } else {
            c.status = CASE_CONCLUDED;
            c.outcome = outcome;
            c.concludedAt = _now();
            c.late = block.timestamp > c.lodgedAt + COMPLAINT_PERIOD;
        }
        emit ComplaintHandled(id, m.recordHash, m.signedRecord);
    }

    function complaintOf(bytes32 id) external view returns (Complaint memory) {
        return complaints[id];
    }

    /// @notice alert.raise (the service, as the agency): a risk alert about an existing grant.
    function raiseAlert(Meta calldata m, bytes32 id, bytes32 grantId, uint8 signal) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        Alert storage a = alerts[id];
        if (a.raisedAt != 0) revert DuplicateId(id);
        _requireGrant(grantId);
        a.grantId = grantId;
        a.signal = signal;
        a.raisedAt = _now();
        emit AlertRaised(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.suspend with an alertId: the same suspension as GrantModule's, and the alert records it.
    function suspendFromAlert(Meta calldata m, bytes32 grantId, bytes32 alertId) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(grantId);
        if (g.status != GRANT_ACTIVE) revert GrantStatusInvalid(grantId);
        Alert storage a = alerts[alertId];
        if (a.raisedAt == 0) revert NotFound(alertId);
        if (a.grantId != grantId) revert AlertGrantMismatch(alertId, a.grantId);
        if (a.action != 0) revert CaseClosed(alertId);
        a.action = ACTION_GRANT_SUSPENDED;
        a.actedAt = _now();
        g.status = GRANT_SUSPENDED;
        emit GrantSuspended(grantId, m.recordHash, m.signedRecord);
    }

    function alertOf(bytes32 id) external view returns (Alert memory) {
        return alerts[id];
    }

    /// @notice objection.file (consumer, operator or partner): against an existing version of a resource.
    function fileObjection(Meta calldata m, bytes32 id, bytes32 resourceId, uint32 version, uint8 category) external {
        _preamble(m, _bit(ROLE_CONSUMER) | _bit(ROLE_OPERATOR) | _bit(ROLE_PARTNER), false);
        Objection storage o = objections[id];
        if (o.filedAt != 0) revert DuplicateId(id);
        Resource storage res = resources[resourceId];
        if (!res.exists) revert NotFound(resourceId);
        if (version < 1 || version > res.version) revert NotFound(resourceId);
        o.resourceId = resourceId;
        o.filer = m.author;
        o.version = version;
        o.category = category;
        o.filedAt = _now();
        emit ObjectionFiled(id, m.recordHash, m.signedRecord);
    }

    /// @notice objection.answer (a source unit of the resource): once; late after 15 days.
    function answerObjection(Meta calldata m, bytes32 id, uint8 decision) external {
        _preamble(m, _bit(ROLE_SOURCE_UNIT), true);
        Objection storage o = objections[id];
        if (o.filedAt == 0) revert NotFound(id);
        bytes32[] storage units = resources[o.resourceId].sourceUnits;
        bool unit = false;
        for (uint256 i = 0; i < units.length; i++) if (units[i] == m.author) unit = true;
        if (!unit) revert NotAuthorized(m.author);
        if (o.decision != 0) revert CaseClosed(id);
        o.decision = decision;
        o.answeredAt = _now();
        o.late = block.timestamp > o.filedAt + OBJECTION_PERIOD;
        emit ObjectionAnswered(id, m.recordHash, m.signedRecord);
    }

    function objectionOf(bytes32 id) external view returns (Objection memory) {
        return objections[id];
    }
}

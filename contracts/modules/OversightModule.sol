// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Social oversight: complaints (社会监督) and their handling by the supervisors
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
}

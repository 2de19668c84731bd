// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";
import {CivilTime} from "../lib/CivilTime.sol";

/// @title Grants: issue, suspension, revocation, exit, closure; evaluations and the blacklist
contract GrantModule is RegistryBase {
    struct ScopeIn {
        bytes32 resourceId;
        bytes32[] fields;
    }

    struct GrantIn {
        bytes32 id;
        bytes32 grantee;
        uint64 validFrom;
        uint64 validUntil;
        ScopeIn[] scope;
    }

    /// @notice grant.issue: whole authorization of resources and fields to one operator for at most 5 calendar years. An operator or partner author fails with RegrantForbidden.
    function issueGrant(Meta calldata m, GrantIn calldata g) external {
        uint8 role = actors[m.author].role;
        if (role == ROLE_OPERATOR || role == ROLE_PARTNER) {
            // Operators and partners may never re-grant (the preamble's role step, named).
            _preamble(m, _bit(role), false);
            revert RegrantForbidden(m.author);
        }
        _preamble(m, _bit(ROLE_AGENCY), false);
        Grant storage grant = grants[g.id];
        if (grant.status != 0) revert DuplicateId(g.id);
        _requireRole(g.grantee, ROLE_OPERATOR);
        _requireNotBanned(g.grantee);
        if (!(g.validFrom < g.validUntil && block.timestamp < g.validUntil))
            revert GrantTermInvalid(g.validFrom, g.validUntil, block.timestamp);
        uint256 latestEnd = CivilTime.addYears(g.validFrom, 5);
        if (g.validUntil > latestEnd) revert GrantTermTooLong(latestEnd);
        uint256 bits = 0;
        for (uint256 i = 0; i < g.scope.length; i++) {
            bytes32 rid = g.scope[i].resourceId;
            Resource storage res = resources[rid];
            if (!res.exists) revert NotFound(rid);
            if (res.withdrawn) revert ResourceNotActive(rid);
            for (uint256 j = 0; j < g.scope[i].fields.length; j++) {
                bytes32 field = g.scope[i].fields[j];
                if (!fieldDefined[rid][field]) revert FieldUnknown(rid, field);
                grantField[g.id][_pairKey(rid, field)] = ++bits;
            }
            grantResource[g.id][rid] = ++bits;
        }
        grant.grantee = g.grantee;
        grant.status = GRANT_ACTIVE;
        grant.validFrom = g.validFrom;
        grant.validUntil = g.validUntil;
        grant.scopeWords = uint16((bits + 255) / 256);
        holders[g.id].push(g.grantee);
        isHolder[g.id][g.grantee] = true;
        emit GrantIssued(g.id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.suspend: active → suspended (stops every hop and delivery at once).
    function suspendGrant(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_ACTIVE) revert GrantStatusInvalid(id);
        g.status = GRANT_SUSPENDED;
        emit GrantSuspended(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.resume: suspended → active.
    function resumeGrant(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_SUSPENDED) revert GrantStatusInvalid(id);
        g.status = GRANT_ACTIVE;
        emit GrantResumed(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.revoke: active or suspended → revoked; the grant ends now (the 30-day destruction clock starts).
    function revokeGrant(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_ACTIVE && g.status != GRANT_SUSPENDED) revert GrantStatusInvalid(id);
        _end(id, g, GRANT_REVOKED);
        emit GrantRevoked(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.exitNotice: the grantee files its exit plan; a voluntary exit may start 3 calendar months later.
    function fileExitNotice(Meta calldata m, bytes32 id, bytes32 planHash) external {
        _preamble(m, _bit(ROLE_OPERATOR), true);
        Grant storage g = _requireGrant(id);
        if (m.author != g.grantee) revert NotAuthorized(m.author);
        if (g.status != GRANT_ACTIVE && g.status != GRANT_SUSPENDED) revert GrantStatusInvalid(id);
        if (g.exitNoticeAt != 0) revert DuplicateId(id);
        g.exitNoticeAt = _now();
        exitNoticePlan[id] = planHash;
        emit ExitNoticeFiled(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.exit: voluntary (after notice), violation (5-year ban of the grantee) or expiry; status exiting, the grant ends now.
    /// @param kind EXIT_* (RegistryBase)
    function startExit(Meta calldata m, bytes32 id, uint8 kind) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_ACTIVE && g.status != GRANT_SUSPENDED) revert GrantStatusInvalid(id);
        if (kind == EXIT_VOLUNTARY) {
            if (g.exitNoticeAt == 0) revert ExitNoticeMissing(id);
            uint256 earliestExit = CivilTime.addMonths(g.exitNoticeAt, EXIT_NOTICE_MONTHS);
            if (block.timestamp < earliestExit) revert ExitNoticeTooShort(earliestExit);
        } else if (kind == EXIT_EXPIRY) {
            if (block.timestamp < g.validUntil) revert GrantNotExpired(g.validUntil);
        } else if (kind == EXIT_VIOLATION) {
            _ban(g.grantee);
        } else {
            revert InvalidRecord();
        }
        g.exitKind = kind;
        _end(id, g, GRANT_EXITING);
        emit GrantExitStarted(id, m.recordHash, m.signedRecord);
    }

    /// @notice grant.close: exiting or revoked → closed, once every holder certified every asset class.
    function closeGrant(Meta calldata m, bytes32 id) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_EXITING && g.status != GRANT_REVOKED) revert GrantStatusInvalid(id);
        bytes32[] storage hs = holders[id];
        uint256 missing = 0;
        for (uint256 i = 0; i < hs.length; i++) {
            for (uint8 c = ASSET_RAW_DATA; c <= ASSET_TRADED_PRODUCTS; c++) {
                if (!certified[id][hs[i]][c]) missing++;
            }
        }
        if (missing > 0) revert DestructionIncomplete(id, missing);
        g.status = GRANT_CLOSED;
        emit GrantClosed(id, m.recordHash, m.signedRecord);
    }

    /// @notice evaluation.record: one evaluation per grant and year; three consecutive calendar years unqualified (in any order of recording) revoke the grant in the same transaction (EvaluationRecorded, then GrantRevoked).
    /// @param grade EVAL_* (RegistryBase)
    function recordEvaluation(Meta calldata m, bytes32 id, uint16 year, uint8 grade) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Grant storage g = _requireGrant(id);
        if (g.status != GRANT_ACTIVE && g.status != GRANT_SUSPENDED) revert GrantStatusInvalid(id);
        if (evaluations[id][year] != 0) revert DuplicateId(id);
        evaluations[id][year] = grade;
        emit EvaluationRecorded(id, m.recordHash, m.signedRecord);
        if (grade == EVAL_UNQUALIFIED && _unqualifiedRun(id, year) >= 3) {
            _end(id, g, GRANT_REVOKED);
            emit GrantRevoked(id, m.recordHash, m.signedRecord);
        }
    }

    /// @dev Length (at most 5) of the run of consecutive unqualified calendar years through `year`, itself unqualified:
    /// a run counts whatever the order its years were recorded in. Years are 2000..2200 (the schema), so ±2 is safe.
    function _unqualifiedRun(bytes32 id, uint16 year) private view returns (uint256 run) {
        run = 1;
        for (uint16 y = year - 1; y >= year - 2 && evaluations[id][y] == EVAL_UNQUALIFIED; y--) run++;
        for (uint16 y = year + 1; y <= year + 2 && evaluations[id][y] == EVAL_UNQUALIFIED; y++) run++;
    }

    /// @notice blacklist.add: the organisation is banned until now + 5 calendar years (never shortening a longer ban).
    function blacklist(Meta calldata m, bytes32 org) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        _ban(org);
        emit OrganisationBlacklisted(org, m.recordHash, m.signedRecord);
    }
}

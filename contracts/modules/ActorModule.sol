// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Actors and resources: bootstrap, registration, source-unit review, versions
contract ActorModule is RegistryBase {
    struct ActorIn {
        bytes32 orgId;
        uint8 role;
        address account;
        bytes publicKey;
    }

    struct ResourceIn {
        bytes32 id;
        bytes32[] sourceUnits;
        bytes32 holder;
        bytes32[] fieldNames;
        bytes32[] fieldShapes;
        bool personalInfo;
        uint8 grade;
        bytes32 schemaHash;
        uint8 frequency;
    }

    struct VersionIn {
        bytes32 resourceId;
        uint32 version;
        bytes32[] fieldNames;
        bytes32[] fieldShapes;
        bool personalInfo;
        uint8 grade;
        bytes32 schemaHash;
    }

    /// @notice The agency registers itself; only the deployer may send this, once.
    function bootstrap(Meta calldata m, ActorIn calldata a) external {
        if (agencyOrg != bytes32(0)) revert AlreadyBootstrapped(agencyOrg);
        if (a.role != ROLE_AGENCY) revert ActorRoleInvalid(a.orgId);
        if (m.author != a.orgId) revert InvalidRecord();
        if (msg.sender != deployer) revert NotAuthorized(a.orgId);
        agencyOrg = a.orgId;
        _storeActor(a);
        emit AgencyBootstrapped(a.orgId, m.recordHash, m.signedRecord);
    }

    /// @notice The agency registers an organisation with one role and its keys.
    function registerActor(Meta calldata m, ActorIn calldata a) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        if (actors[a.orgId].role != 0) revert DuplicateId(a.orgId);
        if (a.role == ROLE_AGENCY) revert ActorRoleInvalid(a.orgId);
        if (a.account != address(0) && orgOfAccount[a.account] != bytes32(0)) revert DuplicateId(orgOfAccount[a.account]);
        _storeActor(a);
        emit ActorRegistered(a.orgId, m.recordHash, m.signedRecord);
    }

    function _storeActor(ActorIn calldata a) private {
        actors[a.orgId] = Actor({role: a.role, account: a.account, publicKey: a.publicKey});
        if (a.account != address(0)) orgOfAccount[a.account] = a.orgId;
    }

    /// @notice A source unit's decision on a resource schema (a later one replaces it).
    function reviewResource(Meta calldata m, bytes32 resourceId, bytes32 schemaHash, bool approved) external {
        _preamble(m, _bit(ROLE_SOURCE_UNIT), true);
        reviews[resourceId][schemaHash][m.author] = approved ? REVIEW_APPROVED : REVIEW_REJECTED;
        emit ResourceReviewed(resourceId, m.recordHash, m.signedRecord);
    }

    function _requireReviewed(bytes32 id, bytes32 schemaHash, bytes32[] storage units) private view {
        for (uint256 i = 0; i < units.length; i++) {
            if (reviews[id][schemaHash][units[i]] != REVIEW_APPROVED) revert SourceReviewMissing(id, units[i]);
        }
    }

    /// @notice resource.register: the agency registers a resource reviewed by every source unit (version 1, active).
    function registerResource(Meta calldata m, ResourceIn calldata r) external {
        _preamble(m, _bit(ROLE_AGENCY), false);
        Resource storage res = resources[r.id];
        if (res.exists) revert DuplicateId(r.id);
        for (uint256 i = 0; i < r.sourceUnits.length; i++) {
            uint8 role = actors[r.sourceUnits[i]].role;
            if (role == 0) revert NotFound(r.sourceUnits[i]);
            if (role != ROLE_SOURCE_UNIT) revert ActorRoleInvalid(r.sourceUnits[i]);
        }
        if (actors[r.holder].role == 0) revert NotFound(r.holder);
        if (r.personalInfo && r.grade < SENSITIVE_GRADE) revert GradeInconsistent(r.id, r.grade);
        if (r.frequency < FREQ_DAILY || r.frequency > FREQ_ANNUAL) revert InvalidRecord();
        res.exists = true;
        res.frequency = r.frequency;
        res.lastVersionAt = _now();
        res.version = 1;
        res.holder = r.holder;
        res.sourceUnits = r.sourceUnits;
        _requireReviewed(r.id, r.schemaHash, res.sourceUnits);
        res.fieldShapes = r.fieldShapes;
        res.grades.push(r.grade);
        for (uint256 i = 0; i < r.fieldNames.length; i++) fieldDefined[r.id][r.fieldNames[i]] = true;
        emit ResourceRegistered(r.id, m.recordHash, m.signedRecord);
    }

    /// @notice resource.version: a new version that appends fields, with its own grade and source-unit review;
    /// one after its due second (update period plus grace) is counted late.
    function publishVersion(Meta calldata m, VersionIn calldata v) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Resource storage res = resources[v.resourceId];
        if (!res.exists) revert NotFound(v.resourceId);
        if (res.withdrawn) revert ResourceNotActive(v.resourceId);
        if (v.version != res.version + 1) revert VersionConflict(res.version + 1);
        bytes32[] storage current = res.fieldShapes;
        for (uint256 i = 0; i < current.length; i++) {
            if (i >= v.fieldShapes.length || current[i] != v.fieldShapes[i]) revert SchemaIncompatible(v.resourceId, i);
        }
        if (v.personalInfo && v.grade < SENSITIVE_GRADE) revert GradeInconsistent(v.resourceId, v.grade);
        _requireReviewed(v.resourceId, v.schemaHash, res.sourceUnits);
        res.version = v.version;
        // A late version is accepted (the data matters) and counted.
        if (_now() > _nextVersionDue(res.frequency, res.lastVersionAt)) res.lateVersions++;
        res.lastVersionAt = _now();
        res.fieldShapes = v.fieldShapes;
        res.grades.push(v.grade);
        for (uint256 i = 0; i < v.fieldNames.length; i++) fieldDefined[v.resourceId][v.fieldNames[i]] = true;
        emit ResourceVersionPublished(v.resourceId, m.recordHash, m.signedRecord);
    }

    /// @notice resource.withdraw: the resource can no longer be granted or used as a hop input.
    function withdrawResource(Meta calldata m, bytes32 resourceId) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        Resource storage res = resources[resourceId];
        if (!res.exists) revert NotFound(resourceId);
        if (res.withdrawn) revert ResourceNotActive(resourceId);
        res.withdrawn = true;
        emit ResourceWithdrawn(resourceId, m.recordHash, m.signedRecord);
    }
}

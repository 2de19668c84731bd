// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Reads of the registry state (the views both chain variants answer alike)
contract ViewModule is RegistryBase {
    struct OverdueOut {
        bytes32 grantId;
        uint64 endedAt;
        uint64 deadline;
        bytes32[] missingHolders;
        uint8[] missingClasses;
    }

    function actorOf(bytes32 org) external view returns (uint8 role, address account, bytes memory publicKey) {
        Actor storage a = actors[org];
        return (a.role, a.account, a.publicKey);
    }

    function resourceOf(bytes32 id) external view returns (bool exists, bool withdrawn, uint32 version, uint8 grade, uint256 fieldCount) {
        Resource storage r = resources[id];
        if (!r.exists) return (false, false, 0, 0, 0);
        return (true, r.withdrawn, r.version, r.grades[r.version - 1], r.fieldShapes.length);
    }

    /// @notice A resource's update frequency (时效性): last version time, next due second, late versions.
    function freshnessOf(bytes32 id) external view returns (uint8 frequency, uint64 lastVersionAt, uint64 nextVersionDue, uint32 lateVersions) {
        Resource storage r = resources[id];
        if (!r.exists) return (0, 0, 0, 0);
        return (r.frequency, r.lastVersionAt, _nextVersionDue(r.frequency, r.lastVersionAt), r.lateVersions);
    }

    function grantOf(bytes32 id) external view returns (Grant memory) {
        return grants[id];
    }

    function admissionOf(bytes32 id) external view returns (bytes32 grantId, bytes32 partner, uint8 status, uint64 validUntil) {
        Admission storage a = admissions[id];
        return (a.grantId, a.partner, a.status, a.validUntil);
    }

    function capOf(bytes32 domain, bytes32 chargeUnit) external view returns (bool exists, uint256 maxPriceFen) {
        uint256 v = caps[_pairKey(domain, chargeUnit)];
        return (v != 0, v == 0 ? 0 : v - 1);
    }

    function productOf(bytes32 id) external view returns (Product memory) {
        return products[id];
    }

    /// @return report the issued report (productId 0 if none) and the hash of its product's latest report
    function reportOf(bytes32 reportHash) external view returns (Report memory report, bytes32 latest) {
        report = reports[reportHash];
        latest = report.productId == bytes32(0) ? bytes32(0) : latestReport[report.productId];
    }

    function hopOf(bytes32 id) external view returns (bytes32 grantId, uint8 outputGrade, bytes32 outputHash) {
        Hop storage h = hops[id];
        return (h.grantAndGrade & ~bytes32(uint256(0xff)), uint8(uint256(h.grantAndGrade) & 0xff), h.outputHash);
    }

    function certificateOf(bytes32 id) external view returns (Certificate memory) {
        return certificates[id];
    }

    function bannedUntilOf(bytes32 org) external view returns (uint64) {
        return bannedUntil[org];
    }

    function evaluationOf(bytes32 grantId, uint16 year) external view returns (uint8) {
        return evaluations[grantId][year];
    }

    function anchoredSizeOf(bytes32 origin) external view returns (uint64) {
        return anchoredSize[origin];
    }

    /// @notice Grants past their destruction deadline at `at` with certificates still missing.
    function overdue(uint64 at) external view returns (OverdueOut[] memory out) {
        OverdueOut[] memory all = new OverdueOut[](endedGrants.length);
        uint256 n = 0;
        for (uint256 i = 0; i < endedGrants.length; i++) {
            bytes32 id = endedGrants[i];
            Grant storage g = grants[id];
            if (g.status != GRANT_EXITING && g.status != GRANT_REVOKED) continue;
            // A grant ends once; skip the stale entry of a grant revoked after an earlier end.
            if (g.endedAt == 0) continue;
            uint64 deadline = g.endedAt + uint64(DESTRUCTION_PERIOD);
            if (at <= deadline) continue;
            bool duplicate = false;
            for (uint256 k = 0; k < n; k++) if (all[k].grantId == id) duplicate = true;
            if (duplicate) continue;
            bytes32[] storage hs = holders[id];
            uint256 missing = 0;
            for (uint256 h = 0; h < hs.length; h++) for (uint8 c = ASSET_RAW_DATA; c <= ASSET_TRADED_PRODUCTS; c++) if (!certified[id][hs[h]][c]) missing++;
            if (missing == 0) continue;
            OverdueOut memory o = OverdueOut(id, g.endedAt, deadline, new bytes32[](missing), new uint8[](missing));
            uint256 j = 0;
            for (uint256 h = 0; h < hs.length; h++) {
                for (uint8 c = ASSET_RAW_DATA; c <= ASSET_TRADED_PRODUCTS; c++) {
                    if (!certified[id][hs[h]][c]) {
                        o.missingHolders[j] = hs[h];
                        o.missingClasses[j] = c;
                        j++;
                    }
                }
            }
            all[n++] = o;
        }
        out = new OverdueOut[](n);
        for (uint256 i = 0; i < n; i++) out[i] = all[i];
    }
}

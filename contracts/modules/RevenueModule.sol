// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title Permitted revenue and the 10 % rule (收益分配机制)
contract RevenueModule is RegistryBase {
    /// @notice revenue.setMaximum: the agency's maximum permitted revenue for an operator's year
    /// (operating cost + permitted profit + tax) and the domains it covers, changeable until the report.
    function setRevenueMaximum(
        Meta calldata m,
        bytes32 operator,
        uint16 year,
        bytes32[] calldata domains,
        uint128 operatingCostFen,
        uint128 permittedProfitFen,
        uint128 taxFen
    ) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        _requireRole(operator, ROLE_OPERATOR);
        RevenueYear storage r = revenues[operator][year];
        if (r.reportedAt != 0) revert RevenueAlreadyReported(operator, year);
        r.operatingCostFen = operatingCostFen;
        r.permittedProfitFen = permittedProfitFen;
        r.taxFen = taxFen;
        r.domains = domains;
        r.setAt = _now();
        emit RevenueMaximumSet(operator, m.recordHash, m.signedRecord);
    }

    /// @notice revenue.report: the operator's actual revenue for a year with a maximum, once. The
    /// deviation ⌈|actual − maximum| × 10000 / maximum⌉ bp: up to 1000 the agency's guidance item
    /// opens; above it the operator's prices in the maximum's domains are held until their caps are set again.
    function reportRevenue(Meta calldata m, bytes32 operator, uint16 year, uint128 actualRevenueFen) external {
        _preamble(m, _bit(ROLE_OPERATOR), true);
        if (m.author != operator) revert NotAuthorized(m.author);
        RevenueYear storage r = revenues[operator][year];
        if (r.setAt == 0) revert RevenueMaximumMissing(operator, year);
        if (r.reportedAt != 0) revert RevenueAlreadyReported(operator, year);
        uint256 maximum = uint256(r.operatingCostFen) + r.permittedProfitFen + r.taxFen;
        uint256 diff = actualRevenueFen > maximum ? actualRevenueFen - maximum : maximum - actualRevenueFen;
        uint256 bp = (diff * 10000 + maximum - 1) / maximum;
        r.reportedAt = _now();
        r.actualRevenueFen = actualRevenueFen;
        r.deviationBp = uint64(bp);
        latestRevenueYear[operator] = year;
        if (bp > GUIDANCE_BAND_MAX_BP) {
            r.band = BAND_CAP_ADJUSTMENT;
            for (uint256 i = 0; i < r.domains.length; i++) {
                revenueHolds[operator][r.domains[i]] = RevenueHold({year: year, reportedAt: _now()});
            }
        } else {
            r.band = BAND_GUIDANCE;
            r.guidance = GUIDANCE_OPEN;
        }
        emit RevenueReported(operator, m.recordHash, m.signedRecord);
    }

    /// @notice revenue.guide: the agency records its guidance (text in the event) on a reported
    /// year; it closes an open guidance item.
    function recordRevenueGuidance(Meta calldata m, bytes32 operator, uint16 year) external {
        _preamble(m, _bit(ROLE_AGENCY), true);
        RevenueYear storage r = revenues[operator][year];
        if (r.reportedAt == 0) revert RevenueNotReported(operator, year);
        if (r.guidance == GUIDANCE_OPEN) {
            r.guidance = GUIDANCE_GUIDED;
            r.guidanceClosedAt = _now();
        }
        emit RevenueGuidanceRecorded(operator, m.recordHash, m.signedRecord);
    }

    /// @notice An operator's permitted revenue for a year (setAt 0: none set).
    function revenueOf(bytes32 operator, uint16 year) external view returns (RevenueYear memory) {
        return revenues[operator][year];
    }
}

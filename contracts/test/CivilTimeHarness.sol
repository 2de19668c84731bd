// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {CivilTime} from "../lib/CivilTime.sol";

/// @title Test harness exposing CivilTime (never deployed with the registry)
/// @notice Lets test/contracts compare the Solidity calendar with core/time.ts.
contract CivilTimeHarness {
    function addMonths(uint256 ts, uint256 months) external pure returns (uint256) {
        return CivilTime.addMonths(ts, months);
    }

    function addYears(uint256 ts, uint256 years_) external pure returns (uint256) {
        return CivilTime.addYears(ts, years_);
    }

    function daysFromCivil(uint256 y, uint256 m, uint256 d) external pure returns (uint256) {
        return CivilTime.daysFromCivil(y, m, d);
    }

    function civilFromDays(uint256 z) external pure returns (uint256 y, uint256 m, uint256 d) {
        return CivilTime.civilFromDays(z);
    }
}

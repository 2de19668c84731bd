// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title Calendar arithmetic of the rulebook in China Standard Time (UTC+8)
/// @notice The Solidity twin of core/time.ts: "N months" is the same wall-clock time on the same
/// day of the month N months later, clamped to that month's last day. Dates use Howard
/// Hinnant's days-from-civil algorithms; all values are non-negative Unix seconds.
library CivilTime {
    uint256 internal constant DAY = 86_400;
    uint256 internal constant CST_OFFSET = 8 * 3_600;

    function daysFromCivil(uint256 y, uint256 m, uint256 d) internal pure returns (uint256) {
        uint256 yy = m <= 2 ? y - 1 : y;
        uint256 era = yy / 400;
        uint256 yoe = yy - era * 400;
        uint256 mp = (m + 9) % 12;
        uint256 doy = (153 * mp + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    function civilFromDays(uint256 z0) internal pure returns (uint256 y, uint256 m, uint256 d) {
        uint256 z = z0 + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097;
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        d = doy - (153 * mp + 2) / 5 + 1;
        m = mp < 10 ? mp + 3 : mp - 9;
        y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    }

    function daysInMonth(uint256 y, uint256 m) internal pure returns (uint256) {
        if (m == 2) return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : 28;
        return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    }

    /// @notice `ts` moved by `months` calendar months in CST, the day clamped to the target month.
    function addMonths(uint256 ts, uint256 months) internal pure returns (uint256) {
        uint256 local = ts + CST_OFFSET;
        uint256 dayCount = local / DAY;
        uint256 secondOfDay = local - dayCount * DAY;
        (uint256 y, uint256 m, uint256 d) = civilFromDays(dayCount);
        uint256 monthIndex = m - 1 + months;
        uint256 y2 = y + monthIndex / 12;
        uint256 m2 = (monthIndex % 12) + 1;
        uint256 dim = daysInMonth(y2, m2);
        uint256 d2 = d < dim ? d : dim;
        return daysFromCivil(y2, m2, d2) * DAY + secondOfDay - CST_OFFSET;
    }

    function addYears(uint256 ts, uint256 years_) internal pure returns (uint256) {
        return addMonths(ts, years_ * 12);
    }
}

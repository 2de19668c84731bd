// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "../RegistryBase.sol";

/// @title The operator's product and service list (服务清单), published at least every 91 days
contract ServiceListModule is RegistryBase {
    /// @dev An entry's product and the fee it shows (the content and response time are in the event).
    struct EntryIn {
        bytes32 productId;
        bool free;
        bytes32 chargeUnit;
        uint128 priceFen;
    }

    /// @notice serviceList.publish: the operator's list, each entry one of its products at its registered fee.
    function publishServiceList(Meta calldata m, bytes32 operator, EntryIn[] calldata entries) external {
        _preamble(m, _bit(ROLE_OPERATOR), true);
        if (m.author != operator) revert NotAuthorized(m.author);
        for (uint256 i = 0; i < entries.length; i++) _requireAgrees(m.author, i, entries[i]);
        ServiceListDuty storage duty = serviceLists[operator];
        // A chain whose products predate the duty has no clock for them yet: it starts with this list.
        if (duty.since == 0) duty.since = _now();
        if (_now() > _serviceListDue(duty)) duty.lateLists += 1;
        duty.publishedAt = _now();
        duty.entryCount = uint32(entries.length);
        duty.publications += 1;
        emit ServiceListPublished(operator, m.recordHash, m.signedRecord);
    }

    function _requireAgrees(bytes32 operator, uint256 i, EntryIn calldata e) private view {
        Product storage prod = products[e.productId];
        if (prod.status == 0) revert NotFound(e.productId);
        if (prod.operator_ != operator) revert ServiceListForeignProduct(i, e.productId);
        bool free = prod.model == PRICING_PUBLIC_WELFARE;
        if (e.free != free || e.chargeUnit != prod.chargeUnit || e.priceFen != prod.priceFen) {
            revert ServiceListFeeMismatch(i, e.productId, free ? bytes32("free") : bytes32("charged"), prod.chargeUnit, prod.priceFen);
        }
    }

    /// @notice An operator's list duty: since its first product, the latest list, and the next list's due second.
    function serviceListOf(bytes32 operator)
        external
        view
        returns (uint64 since, uint64 publishedAt, uint32 entryCount, uint32 publications, uint32 lateLists, uint64 nextListDue)
    {
        ServiceListDuty storage d = serviceLists[operator];
        if (d.since == 0) return (0, 0, 0, 0, 0, 0);
        return (d.since, d.publishedAt, d.entryCount, d.publications, d.lateLists, _serviceListDue(d));
    }
}

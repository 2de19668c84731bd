// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RegistryBase} from "./RegistryBase.sol";

/// @title Public Data Ledger registry: one address, several modules
/// @notice Each function selector is routed by delegatecall to the module that implements it;
/// all modules share this contract's storage (RegistryBase). The route table is fixed at
/// deployment: the registry has no upgrade path, so its rules cannot change under a grant.
contract Registry is RegistryBase {
    mapping(bytes4 => address) private routes;

    error UnknownFunction(bytes4 selector);
    /// @notice A batch may not contain another batch.
    error NestedBatch();

    constructor(address[] memory modules, bytes4[][] memory selectors) {
        deployer = msg.sender;
        for (uint256 i = 0; i < modules.length; i++) {
            for (uint256 j = 0; j < selectors[i].length; j++) routes[selectors[i][j]] = modules[i];
        }
    }

    /// @notice Runs several registry calls in one transaction, each exactly as if the caller had
    /// sent it alone: a call that reverts is rolled back on its own and the next one goes on.
    /// This is what lets a relay put many records in one block without one refusal sinking the
    /// others, and lets it dry-run the whole group with one eth_call.
    /// @dev Each call is a delegatecall into this contract's own code, so it keeps msg.sender,
    /// goes through the same route and runs every check of a direct call (the preamble's sender
    /// binding included). Later calls see the effects of earlier successful ones.
    /// Requirements: no call may be a `relayBatch` itself (reverts `NestedBatch`).
    /// Emits: whatever each successful call emits, in order; nothing of its own.
    /// @param calls the ABI-encoded registry calls, in order
    /// @return ok whether each call succeeded
    /// @return gasUsed the gas each call consumed, to budget the real transaction from a dry run
    /// @return revertData the revert data of each failed call (empty for successes)
    function relayBatch(bytes[] calldata calls) external returns (bool[] memory ok, uint256[] memory gasUsed, bytes[] memory revertData) {
        ok = new bool[](calls.length);
        gasUsed = new uint256[](calls.length);
        revertData = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            if (calls[i].length >= 4 && bytes4(calls[i][:4]) == this.relayBatch.selector) revert NestedBatch();
            uint256 before = gasleft();
            (bool success, bytes memory data) = address(this).delegatecall(calls[i]);
            gasUsed[i] = before - gasleft();
            ok[i] = success;
            if (!success) revertData[i] = data;
        }
    }

    fallback() external {
        address module = routes[msg.sig];
        if (module == address(0)) revert UnknownFunction(msg.sig);
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }
}

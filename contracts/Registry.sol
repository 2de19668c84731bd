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

    constructor(address[] memory modules, bytes4[][] memory selectors) {
        deployer = msg.sender;
        for (uint256 i = 0; i < modules.length; i++) {
            for (uint256 j = 0; j < selectors[i].length; j++) routes[selectors[i][j]] = modules[i];
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

// fabric-contract-api logs every decorator at "info" when its module loads; tests want warnings only.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= "warning";

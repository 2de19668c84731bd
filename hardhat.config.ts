import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";

const require = createRequire(import.meta.url);

// Solidity compiles offline: the compiler is the `solc` npm package's soljson.js,
// pinned in the lockfile, so no compiler is downloaded at build time.
const SOLC_VERSION = "0.8.30";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      // Paris: no PUSH0, so the bytecode also runs on consortium EVMs
      // (FISCO BCOS, ChainMaker, older Besu) that lag Ethereum hardforks.
      evmVersion: "paris",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test/contracts" },
  },
  networks: {
    rpc: {
      type: "http",
      chainType: "l1",
      url: process.env.PDL_EVM_RPC_URL ?? "http://127.0.0.1:8545",
      accounts: process.env.PDL_EVM_PRIVATE_KEY ? [process.env.PDL_EVM_PRIVATE_KEY] : [],
    },
  },
});

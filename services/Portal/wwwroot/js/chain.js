// Reads the chain directly over its JSON-RPC, never through our API: what the page verifies against is what the
// chain holds, not what the operator says it holds.
import { Contract, JsonRpcProvider } from "../vendor/ethers.min.js";
import { config } from "./api.js";

const anchorAbi = ["function latestHead() view returns (uint64 treeSize, bytes32 rootHash)"];
export const distributorAbi = [
  "function claim(address account, uint256 cumulativeAmount, bytes32[] proof) returns (uint256)",
  "function claimed(address account) view returns (uint256)",
];

let provider;
const rpc = () => (provider ??= new JsonRpcProvider(config.chainRpcUrl, config.chainId, { staticNetwork: true }));

/** The latest tree head the HistoryAnchor contract holds: { treeSize, rootHash }. */
export async function anchoredHead(anchorAddress) {
  const [treeSize, rootHash] = await new Contract(anchorAddress, anchorAbi, rpc()).latestHead();
  return { treeSize: BigInt(treeSize), rootHash: rootHash.toLowerCase() };
}

/** What the distributor has already paid an account (cumulative), from the chain. */
export async function claimedOnChain(distributorAddress, account) {
  return BigInt(await new Contract(distributorAddress, distributorAbi, rpc()).claimed(account));
}

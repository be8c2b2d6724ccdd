// EIP-712 version 2 in the wallet: the same domain and types as CommunityAI.Formats.Signing and the eng/sign-*.mjs
// scripts. Every signed request carries a fresh nonce (milliseconds, used once per signer and type) and a one-hour deadline.
import { config, chainInfo } from "./api.js";
import * as wallet from "./wallet.js";

const address = "address", bytes32 = "bytes32", uint64 = "uint64";
const f = (name, type) => ({ name, type });

export const types = {
  Vote: [f("voter", address), f("proposalId", bytes32), f("support", "uint8"), f("reason", "string"), f("nonce", uint64), f("deadline", uint64)],
  Veto: [f("guardian", address), f("proposalId", bytes32), f("reason", "string"), f("nonce", uint64), f("deadline", uint64)],
  Delegation: [f("delegator", address), f("delegatee", address), f("nonce", uint64), f("deadline", uint64)],
  ValidatorRegistration: [f("validator", address), f("nonce", uint64), f("deadline", uint64)],
  Appeal: [f("appellant", address), f("contributionId", bytes32), f("reason", "string"), f("nonce", uint64), f("deadline", uint64)],
  ContentRead: [f("reader", address), f("contributionId", bytes32), f("nonce", uint64), f("deadline", uint64)],
  ReviewCommit: [f("validator", address), f("contributionId", bytes32), f("commitment", bytes32), f("nonce", uint64), f("deadline", uint64)],
  Review: [f("validator", address), f("contributionId", bytes32), f("score", "uint16"), f("verdict", "string"), f("salt", bytes32),
    f("nonce", uint64), f("deadline", uint64)],
};

/**
 * Signs one message of <paramref name="primaryType"/> with the connected wallet (switched to the configured chain first);
 * <c>fill(account)</c> gives the message's fields other than nonce and deadline. Returns the JSON body to send.
 */
export async function sign(primaryType, fill) {
  const signer = await wallet.signer();
  const chain = await chainInfo();
  if (!chain) throw new Error("the chain-bridge has not found its contracts yet");
  const domain = { name: "CommunityAI", version: "2", chainId: Number(config.chainId), verifyingContract: chain.anchorContract };
  const value = { ...fill(await signer.getAddress()), nonce: Date.now(), deadline: Math.floor(Date.now() / 1000) + 3600 };
  const signature = await signer.signTypedData(domain, { [primaryType]: types[primaryType] }, value);
  return { ...value, signature };
}

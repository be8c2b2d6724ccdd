// Prints a signed contribution as the JSON body of POST /api/contributions, signed with ethers.js,
// the way a wallet or partner app would sign it. Local development only: the default key is anvil's
// well-known dev account #1.
//   node eng/sign-contribution.mjs "some content" [kind] [nonce] [licence] | curl -s -H 'content-type: application/json' -d @- localhost:5101/api/contributions
// Signatures are bound to one deployment (EIP-712 domain version 2): CHAIN_ID and VERIFYING_CONTRACT (the
// HistoryAnchor, `curl -s localhost:5104/api/chain | jq -r .anchorContract`) default to the local development chain's.
import { Wallet, sha256, toUtf8Bytes, hexlify, randomBytes, concat, getBytes } from "ethers";

const [content = "hello, community", kind = "data", nonce = String(Date.now()), licence = "CC-BY-4.0"] = process.argv.slice(2);
const key = process.env.CONTRIBUTOR_KEY ?? "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const chainId = Number(process.env.CHAIN_ID ?? 31337);
const verifyingContract = process.env.VERIFYING_CONTRACT ?? "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const wallet = new Wallet(key);
// The stored bytes begin with a random salt line, so the public contentHash of a short text cannot be guessed
// (CommunityAI.Formats.ContentSalt): "communityai-salt:" + 64 lowercase hex digits + "\n" + content.
const bytes = getBytes(concat([toUtf8Bytes("communityai-salt:" + hexlify(randomBytes(32)).slice(2) + "\n"), toUtf8Bytes(content)]));
const value = {
  contributor: wallet.address,
  kind,
  contentHash: sha256(bytes),
  contentUri: "https://example.org/contributions/" + nonce,
  licence,
  nonce: BigInt(nonce),
  deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
};
const types = {
  Contribution: [
    { name: "contributor", type: "address" },
    { name: "kind", type: "string" },
    { name: "contentHash", type: "bytes32" },
    { name: "contentUri", type: "string" },
    { name: "licence", type: "string" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};
const domain = { name: "CommunityAI", version: "2", chainId, verifyingContract };
const signature = await wallet.signTypedData(domain, types, value);
process.stdout.write(JSON.stringify({
  ...value,
  nonce: value.nonce.toString(),
  deadline: value.deadline.toString(),
  signature,
  content: Buffer.from(bytes).toString("base64"),
}) + "\n");

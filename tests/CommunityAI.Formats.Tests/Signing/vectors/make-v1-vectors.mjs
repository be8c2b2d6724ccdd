// Version 1 (superseded, kept so the refusal of version-1 signatures stays provable).
// Signs CommunityAI contributions and reviews with ethers.js, an implementation independent of ours,
// and prints the vectors as JSON. Regenerate with:
//   node make-v1-vectors.mjs > v1-vectors.json
// Keys are anvil's well-known development keys: public, worthless, and deterministic signatures (RFC 6979)
// make the output stable, so the test can re-run this script and compare byte for byte.
import { Wallet, TypedDataEncoder, version } from "ethers";

const keys = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

const types = {
  Contribution: [
    { name: "contributor", type: "address" },
    { name: "kind", type: "string" },
    { name: "contentHash", type: "bytes32" },
    { name: "contentUri", type: "string" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
  Review: [
    { name: "validator", type: "address" },
    { name: "contributionId", type: "bytes32" },
    { name: "score", type: "uint16" },
    { name: "verdict", type: "string" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};

const maxUint64 = "18446744073709551615";
const hostileUri = "ipfs://" + "x".repeat(10_000 - 7);
const contentHash = (n) => "0x" + n.toString(16).padStart(2, "0").repeat(32);

const contributions = [
  { name: "plain data", key: 0, chainId: 31337, kind: "data", hash: contentHash(0xab), uri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", nonce: "1", deadline: "1767225600" },
  { name: "mainnet chain id, zero nonce and deadline", key: 1, chainId: 1, kind: "feedback", hash: contentHash(0x00), uri: "", nonce: "0", deadline: "0" },
  { name: "uint64 extremes", key: 2, chainId: 8453, kind: "knowledge", hash: contentHash(0xff), uri: "https://example.org/k?q=1&r=2#frag", nonce: maxUint64, deadline: maxUint64 },
  { name: "unicode and control characters", key: 0, chainId: 31337, kind: "model\u0000\u0007\n\t\u001b[31m", hash: contentHash(0x5a), uri: "https://例え.テスト/💥/\u202Eevil\u202C/Ω̈́?ü=ü", nonce: "42", deadline: "4102444800" },
  { name: "10k-character URI", key: 1, chainId: 31337, kind: "data", hash: contentHash(0x11), uri: hostileUri, nonce: "7", deadline: "1767225600" },
];

const reviews = [
  { name: "accept", key: 1, chainId: 31337, id: contentHash(0x22), score: 100, verdict: "accept", nonce: "1", deadline: "1767225600" },
  { name: "reject with zero score", key: 2, chainId: 1, id: contentHash(0x00), score: 0, verdict: "reject", nonce: "0", deadline: "0" },
  { name: "uint16 and uint64 extremes, hostile verdict", key: 0, chainId: 8453, id: contentHash(0xfe), score: 65535, verdict: "accept\u0000\r\n🙂\u200B", nonce: maxUint64, deadline: maxUint64 },
];

async function sign(wallet, chainId, primaryType, value) {
  const domain = { name: "CommunityAI", version: "1", chainId };
  const only = { [primaryType]: types[primaryType] };
  return {
    digest: TypedDataEncoder.hash(domain, only, value),
    signature: await wallet.signTypedData(domain, only, value),
  };
}

const out = {
  generator: `ethers ${version}`,
  types: {
    Contribution: TypedDataEncoder.from({ Contribution: types.Contribution }).encodeType("Contribution"),
    Review: TypedDataEncoder.from({ Review: types.Review }).encodeType("Review"),
  },
  contributions: [],
  reviews: [],
};

for (const c of contributions) {
  const wallet = new Wallet(keys[c.key]);
  // Lowercase the contributor in one vector: EIP-712 signs the address bytes, not its spelling.
  const contributor = c.key === 2 ? wallet.address.toLowerCase() : wallet.address;
  const value = { contributor, kind: c.kind, contentHash: c.hash, contentUri: c.uri, nonce: c.nonce, deadline: c.deadline };
  out.contributions.push({ name: c.name, chainId: c.chainId, privateKey: keys[c.key], signer: wallet.address, value, ...(await sign(wallet, c.chainId, "Contribution", value)) });
}

for (const r of reviews) {
  const wallet = new Wallet(keys[r.key]);
  const value = { validator: wallet.address, contributionId: r.id, score: r.score, verdict: r.verdict, nonce: r.nonce, deadline: r.deadline };
  out.reviews.push({ name: r.name, chainId: r.chainId, privateKey: keys[r.key], signer: wallet.address, value, ...(await sign(wallet, r.chainId, "Review", value)) });
}

process.stdout.write(JSON.stringify(out, null, 2) + "\n");

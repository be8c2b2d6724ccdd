// Signs every CommunityAI version-2 EIP-712 type with ethers.js, an implementation independent of ours, and prints
// the vectors as JSON. Regenerate with:
//   node make-v2-vectors.mjs > v2-vectors.json
// Keys are anvil's well-known development keys: public, worthless, and deterministic signatures (RFC 6979) make the
// output stable, so the test can re-run this script and compare byte for byte.
import { Wallet, TypedDataEncoder, AbiCoder, keccak256, version } from "ethers";

const keys = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

const u64 = (name) => ({ name, type: "uint64" });
const types = {
  Contribution: [
    { name: "contributor", type: "address" }, { name: "kind", type: "string" }, { name: "contentHash", type: "bytes32" },
    { name: "contentUri", type: "string" }, { name: "licence", type: "string" }, u64("nonce"), u64("deadline"),
  ],
  ValidatorRegistration: [{ name: "validator", type: "address" }, u64("nonce"), u64("deadline")],
  ReviewCommit: [
    { name: "validator", type: "address" }, { name: "contributionId", type: "bytes32" }, { name: "commitment", type: "bytes32" },
    u64("nonce"), u64("deadline"),
  ],
  Review: [
    { name: "validator", type: "address" }, { name: "contributionId", type: "bytes32" }, { name: "score", type: "uint16" },
    { name: "verdict", type: "string" }, { name: "salt", type: "bytes32" }, u64("nonce"), u64("deadline"),
  ],
  Appeal: [
    { name: "appellant", type: "address" }, { name: "contributionId", type: "bytes32" }, { name: "reason", type: "string" },
    u64("nonce"), u64("deadline"),
  ],
  Proposal: [
    { name: "proposer", type: "address" }, { name: "kind", type: "string" }, { name: "title", type: "string" },
    { name: "bodyHash", type: "bytes32" }, { name: "payloadHash", type: "bytes32" }, u64("nonce"), u64("deadline"),
  ],
  Vote: [
    { name: "voter", type: "address" }, { name: "proposalId", type: "bytes32" }, { name: "support", type: "uint8" },
    { name: "reason", type: "string" }, u64("nonce"), u64("deadline"),
  ],
  Delegation: [{ name: "delegator", type: "address" }, { name: "delegatee", type: "address" }, u64("nonce"), u64("deadline")],
  Erasure: [{ name: "contributor", type: "address" }, { name: "contributionId", type: "bytes32" }, u64("nonce"), u64("deadline")],
  DatasetSnapshot: [
    { name: "builder", type: "address" }, { name: "kind", type: "string" }, { name: "minScore", type: "uint16" },
    { name: "licences", type: "string" }, u64("nonce"), u64("deadline"),
  ],
  DatasetExport: [{ name: "builder", type: "address" }, { name: "root", type: "bytes32" }, u64("nonce"), u64("deadline")],
  Veto: [{ name: "guardian", type: "address" }, { name: "proposalId", type: "bytes32" }, { name: "reason", type: "string" }, u64("nonce"), u64("deadline")],
  ContentUpload: [
    { name: "contributor", type: "address" }, { name: "contentHash", type: "bytes32" }, u64("size"), { name: "partSize", type: "uint32" },
    { name: "partsHash", type: "bytes32" }, u64("nonce"), u64("deadline"),
  ],
  ContentRead: [{ name: "reader", type: "address" }, { name: "contributionId", type: "bytes32" }, u64("nonce"), u64("deadline")],
  ModelRegistration: [
    { name: "builder", type: "address" }, { name: "root", type: "bytes32" }, { name: "name", type: "string" },
    { name: "weightsUri", type: "string" }, { name: "weightsHash", type: "bytes32" }, u64("nonce"), u64("deadline"),
  ],
};

// The development chain's HistoryAnchor (anvil key 0's third deployment) and two others, one per deployment.
const domains = [
  { name: "CommunityAI", version: "2", chainId: 31337, verifyingContract: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" },
  { name: "CommunityAI", version: "2", chainId: 1, verifyingContract: "0x00000000000000000000000000000000DeaDBeef" },
  { name: "CommunityAI", version: "2", chainId: 8453, verifyingContract: "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF" },
];

const max64 = "18446744073709551615";
const h = (n) => "0x" + n.toString(16).padStart(2, "0").repeat(32);
const hostile = "model\u0000\u0007\n\t\u001b[31m 例え 💥 \u202Eevil\u202C Ω̈́";
const long = "x".repeat(10_000);
const signer = (key) => new Wallet(keys[key]).address;

// [name, primaryType, key, domain, value-of(signer address)]
const cases = [
  ["plain data", "Contribution", 0, 0, (a) => ({ contributor: a, kind: "data", contentHash: h(0xab), contentUri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", licence: "CC-BY-4.0", nonce: "1", deadline: "1767225600" })],
  ["lowercase contributor, zero nonce and deadline", "Contribution", 1, 1, (a) => ({ contributor: a.toLowerCase(), kind: "feedback", contentHash: h(0x00), contentUri: "", licence: "", nonce: "0", deadline: "0" })],
  ["uint64 extremes, hostile strings", "Contribution", 2, 2, (a) => ({ contributor: a, kind: hostile, contentHash: h(0xff), contentUri: "https://例え.テスト/💥?ü=ü", licence: "Apache-2.0 WITH LLVM-exception", nonce: max64, deadline: max64 })],
  ["10k-character licence", "Contribution", 0, 0, (a) => ({ contributor: a, kind: "data", contentHash: h(0x11), contentUri: "ipfs://" + long, licence: long, nonce: "7", deadline: "1767225600" })],
  ["registration", "ValidatorRegistration", 1, 0, (a) => ({ validator: a, nonce: "1", deadline: "1767225600" })],
  ["registration, extremes", "ValidatorRegistration", 2, 2, (a) => ({ validator: a, nonce: max64, deadline: max64 })],
  ["commit", "ReviewCommit", 1, 0, (a) => ({ validator: a, contributionId: h(0x22), commitment: commitment(80, "accept", h(0x33)), nonce: "2", deadline: "1767225600" })],
  ["commit, extremes", "ReviewCommit", 0, 1, (a) => ({ validator: a, contributionId: h(0x00), commitment: h(0xff), nonce: max64, deadline: "0" })],
  ["accept", "Review", 1, 0, (a) => ({ validator: a, contributionId: h(0x22), score: 80, verdict: "accept", salt: h(0x33), nonce: "3", deadline: "1767225600" })],
  ["uint16 and uint64 extremes, hostile verdict", "Review", 0, 2, (a) => ({ validator: a, contributionId: h(0xfe), score: 65535, verdict: "accept\u0000\r\n🙂\u200B", salt: h(0xff), nonce: max64, deadline: max64 })],
  ["appeal", "Appeal", 2, 0, (a) => ({ appellant: a, contributionId: h(0x44), reason: "the reviewers missed the licence file", nonce: "1", deadline: "1767225600" })],
  ["appeal, empty and 10k reasons", "Appeal", 0, 1, (a) => ({ appellant: a, contributionId: h(0x45), reason: long, nonce: "0", deadline: max64 })],
  ["proposal", "Proposal", 0, 0, (a) => ({ proposer: a, kind: "reward-policy", title: "Reward feedback at 12 tokens", bodyHash: h(0x55), payloadHash: h(0x66), nonce: "1", deadline: "1767225600" })],
  ["proposal, hostile title", "Proposal", 1, 2, (a) => ({ proposer: a, kind: "contribution-invalidation", title: hostile, bodyHash: h(0x00), payloadHash: h(0xff), nonce: max64, deadline: max64 })],
  ["vote for", "Vote", 1, 0, (a) => ({ voter: a, proposalId: h(0x77), support: 1, reason: "", nonce: "1", deadline: "1767225600" })],
  ["vote, uint8 extreme", "Vote", 2, 1, (a) => ({ voter: a, proposalId: h(0x78), support: 255, reason: "🙂 against\u0000", nonce: max64, deadline: "0" })],
  ["delegation", "Delegation", 0, 0, (a) => ({ delegator: a, delegatee: signer(1), nonce: "1", deadline: "1767225600" })],
  ["revocation to the zero address", "Delegation", 1, 2, (a) => ({ delegator: a, delegatee: "0x0000000000000000000000000000000000000000", nonce: max64, deadline: max64 })],
  ["erasure", "Erasure", 2, 0, (a) => ({ contributor: a, contributionId: h(0x88), nonce: "1", deadline: "1767225600" })],
  ["erasure, extremes", "Erasure", 0, 1, (a) => ({ contributor: a, contributionId: h(0x00), nonce: "0", deadline: max64 })],
  ["dataset snapshot", "DatasetSnapshot", 2, 0, (a) => ({ builder: a, kind: "data", minScore: 70, licences: "CC-BY-4.0,CC0-1.0", nonce: "1", deadline: "1767225600" })],
  ["dataset snapshot, extremes", "DatasetSnapshot", 0, 1, (a) => ({ builder: a, kind: "", minScore: 65535, licences: "", nonce: "0", deadline: max64 })],
  ["dataset export", "DatasetExport", 2, 2, (a) => ({ builder: a, root: h(0x99), nonce: "1", deadline: "1767225600" })],
  ["veto", "Veto", 1, 0, (a) => ({ guardian: a, proposalId: h(0x77), reason: "the payload drains the treasury", nonce: "1", deadline: "1767225600" })],
  ["veto, hostile reason and extremes", "Veto", 2, 2, (a) => ({ guardian: a, proposalId: h(0xff), reason: hostile, nonce: max64, deadline: max64 })],
  ["content upload", "ContentUpload", 1, 0, (a) => ({ contributor: a, contentHash: h(0x5a), size: "5242962", partSize: 1048576, partsHash: h(0xa5), nonce: "1", deadline: "1767225600" })],
  ["content upload, extremes", "ContentUpload", 0, 2, (a) => ({ contributor: a, contentHash: h(0x00), size: max64, partSize: 4294967295, partsHash: h(0xff), nonce: max64, deadline: max64 })],
  ["content read", "ContentRead", 1, 0, (a) => ({ reader: a, contributionId: h(0x3c), nonce: "1", deadline: "1767225600" })],
  ["content read, extremes", "ContentRead", 2, 2, (a) => ({ reader: a, contributionId: h(0xff), nonce: max64, deadline: max64 })],
  ["model registration", "ModelRegistration", 2, 0, (a) => ({ builder: a, root: h(0x99), name: "community-classifier-v1", weightsUri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/model.onnx", weightsHash: h(0x7e), nonce: "1", deadline: "1767225600" })],
  ["model registration, hostile name and extremes", "ModelRegistration", 0, 1, (a) => ({ builder: a.toLowerCase(), root: h(0x00), name: hostile, weightsUri: "https://例え.テスト/" + long, weightsHash: h(0xff), nonce: max64, deadline: max64 })],
];

function commitment(score, verdict, salt) {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint16", "string", "bytes32"], [score, verdict, salt]));
}

const domainTypes = [
  { name: "name", type: "string" }, { name: "version", type: "string" },
  { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" },
];

const out = {
  generator: `ethers ${version}`,
  types: {
    EIP712Domain: TypedDataEncoder.from({ EIP712Domain: domainTypes }).encodeType("EIP712Domain"),
    ...Object.fromEntries(Object.entries(types).map(([name, members]) => [name, TypedDataEncoder.from({ [name]: members }).encodeType(name)])),
  },
  domains: domains.map((d) => ({ ...d, separator: TypedDataEncoder.hashDomain(d) })),
  messages: [],
  commitments: [
    [0, "reject", h(0x00)], [80, "accept", h(0x33)], [65535, "accept\u0000\r\n🙂\u200B", h(0xff)], [100, "x".repeat(33), h(0x01)], [1, "", h(0x02)],
  ].map(([score, verdict, salt]) => ({ score, verdict, salt, commitment: commitment(score, verdict, salt) })),
};

for (const [name, primaryType, key, d, valueOf] of cases) {
  const wallet = new Wallet(keys[key]);
  const domain = domains[d];
  const value = valueOf(wallet.address);
  const only = { [primaryType]: types[primaryType] };
  out.messages.push({
    name, primaryType, domain: d, privateKey: keys[key], signer: wallet.address, value,
    digest: TypedDataEncoder.hash(domain, only, value),
    signature: await wallet.signTypedData(domain, only, value),
  });
}

process.stdout.write(JSON.stringify(out, null, 2) + "\n");

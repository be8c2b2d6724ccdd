// Prints a sealed review and its reveal as the JSON bodies of POST /api/reviews/commitments and POST /api/reviews,
// signed with ethers.js as a validator's wallet would sign them. Local development only: the default key is anvil's
// well-known dev account #2. The salt is the validator's secret: keep the output until the reveal is sent.
//   node eng/sign-review.mjs 0x<contributionId> [score] [verdict] [nonce] > review.json
//   jq -c .commit review.json | curl -s -H 'content-type: application/json' -d @- localhost:5102/api/reviews/commitments
//   jq -c .reveal review.json | curl -s -H 'content-type: application/json' -d @- localhost:5102/api/reviews
// Signatures are bound to one deployment (EIP-712 domain version 2): CHAIN_ID and VERIFYING_CONTRACT as in sign-contribution.mjs.
import { AbiCoder, Wallet, hexlify, keccak256, randomBytes } from "ethers";

const [contributionId, score = "70", verdict = "accept", nonce = String(Date.now())] = process.argv.slice(2);
if (!/^0x[0-9a-fA-F]{64}$/.test(contributionId ?? "")) {
  process.stderr.write("usage: node eng/sign-review.mjs 0x<contributionId> [score] [verdict] [nonce]\n");
  process.exit(2);
}
const key = process.env.VALIDATOR_KEY ?? "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const chainId = Number(process.env.CHAIN_ID ?? 31337);
const verifyingContract = process.env.VERIFYING_CONTRACT ?? "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const wallet = new Wallet(key);
const domain = { name: "CommunityAI", version: "2", chainId, verifyingContract };
const deadline = BigInt(Math.floor(Date.now() / 1000) + 24 * 3600);
const salt = hexlify(randomBytes(32));
const commitment = keccak256(AbiCoder.defaultAbiCoder().encode(["uint16", "string", "bytes32"], [Number(score), verdict, salt]));

const commitValue = { validator: wallet.address, contributionId, commitment, nonce: BigInt(nonce), deadline };
const commitTypes = {
  ReviewCommit: [
    { name: "validator", type: "address" },
    { name: "contributionId", type: "bytes32" },
    { name: "commitment", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};
const revealValue = { validator: wallet.address, contributionId, score: Number(score), verdict, salt, nonce: BigInt(nonce), deadline };
const revealTypes = {
  Review: [
    { name: "validator", type: "address" },
    { name: "contributionId", type: "bytes32" },
    { name: "score", type: "uint16" },
    { name: "verdict", type: "string" },
    { name: "salt", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};
const asJson = (value, signature) => ({ ...value, nonce: value.nonce.toString(), deadline: value.deadline.toString(), signature });
process.stdout.write(JSON.stringify({
  commit: asJson(commitValue, await wallet.signTypedData(domain, commitTypes, commitValue)),
  reveal: asJson(revealValue, await wallet.signTypedData(domain, revealTypes, revealValue)),
}) + "\n");

// Reference claim tree: reads [[address, amount], ...] (amounts as decimal strings) as JSON on stdin,
// builds OpenZeppelin's StandardMerkleTree with leaf encoding ["address","uint256"] and prints
// { root, proofs } with proofs in input order. ClaimTreeTests compares ours against this.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const values = JSON.parse(input);

const tree = StandardMerkleTree.of(values, ["address", "uint256"]);
const proofs = values.map((_, i) => tree.getProof(i));
process.stdout.write(JSON.stringify({ root: tree.root, proofs }) + "\n");

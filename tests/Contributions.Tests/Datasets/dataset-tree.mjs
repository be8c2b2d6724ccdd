// Reference dataset tree: reads [[contributionId, contentHash], ...] as JSON on stdin, builds OpenZeppelin's
// StandardMerkleTree with leaf encoding ["bytes32","bytes32"] and prints { root, proofs, verified } with proofs in
// input order. StandardMerkleTreeTests compares ours against this, and has it verify our proofs.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { values, ours } = JSON.parse(input);

const tree = StandardMerkleTree.of(values, ["bytes32", "bytes32"]);
const proofs = values.map((_, i) => tree.getProof(i));
// Our root and proofs, checked by the library's own verifier.
const verified = values.map((v, i) => StandardMerkleTree.verify(ours.root, ["bytes32", "bytes32"], v, ours.proofs[i]));
process.stdout.write(JSON.stringify({ root: tree.root, proofs, verified }) + "\n");

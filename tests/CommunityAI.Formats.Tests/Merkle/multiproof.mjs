// Reference multiproofs: reads { values: [[bytes32, bytes32], ...], subsets: [[valueIndex, ...], ...], ours: [...] } as
// JSON on stdin, builds OpenZeppelin's StandardMerkleTree with leaf encoding ["bytes32","bytes32"], and prints
// { root, multiproofs, verified }: the library's getMultiProof of each subset (indices given in the subset's order),
// and whether the library's verifyMultiProof accepts each of our multiproofs.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { values, subsets, ours } = JSON.parse(input);

const encoding = ["bytes32", "bytes32"];
const tree = StandardMerkleTree.of(values, encoding);
const multiproofs = subsets.map(s => tree.getMultiProof(s));
const verified = ours.map(m => {
  try {
    return StandardMerkleTree.verifyMultiProof(tree.root, encoding, m);
  } catch {
    return false;
  }
});
process.stdout.write(JSON.stringify({ root: tree.root, multiproofs, verified }) + "\n");

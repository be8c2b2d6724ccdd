// Independent check of the ledger's claim roots: reads { values: [[address, amount], ...], root, claims: [{ address, amount, proof }] }
// as JSON on stdin, builds OpenZeppelin's StandardMerkleTree (["address","uint256"]) from the values and prints
// { root, verified } where verified[i] says whether claims[i]'s proof verifies against the given root.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { values, root, claims } = JSON.parse(input);

const tree = StandardMerkleTree.of(values, ["address", "uint256"]);
const verified = claims.map(c => StandardMerkleTree.verify(root, ["address", "uint256"], [c.address, c.amount], c.proof));
process.stdout.write(JSON.stringify({ root: tree.root, verified }) + "\n");

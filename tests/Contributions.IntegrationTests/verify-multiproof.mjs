// Reads a JSON array of the service's multiproof answers on stdin and prints, for each, whether @openzeppelin/merkle-tree's
// StandardMerkleTree.verifyMultiProof(root, leafEncoding, answer) accepts it: the answer is passed exactly as served.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const verified = JSON.parse(input).map(answer => {
  try {
    return StandardMerkleTree.verifyMultiProof(answer.root, answer.leafEncoding, answer);
  } catch {
    return false;
  }
});
process.stdout.write(JSON.stringify(verified) + "\n");

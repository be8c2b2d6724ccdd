// RFC 9162 §2.1 in the browser with WebCrypto: leaf hashes, the inclusion-proof and consistency-proof checks, nothing else trusted.
const encoder = new TextEncoder();

export const toHex = bytes => "0x" + [...new Uint8Array(bytes)].map(b => b.toString(16).padStart(2, "0")).join("");

export function fromHex(hex) {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`not a 32-byte hex hash: ${hex}`);
  return Uint8Array.from(hex.slice(2).match(/../g), b => parseInt(b, 16));
}

const sha256 = async (...parts) => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
};

/** SHA-256 of content bytes (a contribution's contentHash), as 0x-hex. */
export const contentHash = async bytes => toHex(await sha256(bytes));

/** Leaf hash = SHA-256(0x00 ‖ entry bytes), the entry being the log's canonical JSON text. */
export const leafHash = async entryText => sha256(Uint8Array.of(0), encoder.encode(entryText));

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or an Error saying why the proof cannot hold.
 * index and size are BigInts; path is a list of 32-byte hashes.
 */
export async function rootFromInclusionProof(index, size, leaf, path) {
  if (index >= size) throw new Error(`leaf ${index} is outside a tree of ${size} leaves`);
  let fn = index, sn = size - 1n, r = leaf;
  for (const p of path) {
    if (sn === 0n) throw new Error("the proof is longer than the tree is deep");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error("the proof is shorter than the tree is deep");
  return r;
}

/**
 * Checks that the tree of `newSize` leaves with root `newRoot` extends the tree of `oldSize` leaves with root `oldRoot`
 * (RFC 9162 §2.1.4.2); returns nothing, or throws an Error saying why the proof cannot hold. Sizes are BigInts, roots and
 * proof 32-byte hashes. Equal sizes need an empty proof and equal roots.
 */
export async function checkConsistency(oldSize, newSize, oldRoot, newRoot, proof) {
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  // RFC 9162 proves consistency between non-empty trees only (as the log API and transparency-dev's verifier do).
  if (oldSize < 1n || oldSize > newSize) throw new Error(`no proof can lead from ${oldSize} leaves to ${newSize}`);
  if (oldSize === newSize) {
    if (proof.length !== 0) throw new Error("a proof between equal sizes must be empty");
    if (!same(oldRoot, newRoot)) throw new Error("two trees of the same size with different roots");
    return;
  }
  if (proof.length === 0) throw new Error("the proof is empty");
  // A power-of-two old tree is a subtree of the new one: its root is the proof's implicit first node.
  const path = (oldSize & (oldSize - 1n)) === 0n ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1n, sn = newSize - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new Error("the proof is longer than the trees are deep");
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await sha256(Uint8Array.of(1), c, fr);
      sr = await sha256(Uint8Array.of(1), c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = await sha256(Uint8Array.of(1), sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error("the proof is shorter than the trees are deep");
  if (!same(fr, oldRoot)) throw new Error("the proof does not lead to the older root");
  if (!same(sr, newRoot)) throw new Error("the proof does not lead to the newer root");
}

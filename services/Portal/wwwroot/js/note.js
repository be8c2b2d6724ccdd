// C2SP signed notes, checked in the browser: the log's signed checkpoint (tlog-checkpoint, an Ed25519 note signature)
// and the witnesses' cosignatures (tlog-cosignature, cosignature/v1), with WebCrypto's Ed25519. The keys come from the
// portal's configuration, which a visitor can compare with the ones the community publishes; nothing here trusts the
// note it is given.

const encoder = new TextEncoder();
const LogKeyType = 0x01;
const CosignatureKeyType = 0x04;

const fromBase64 = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));

/** A verifier key `name+hash+base64(type ‖ key)`; throws when malformed or when the hash does not match. */
export async function parseVerifierKey(text) {
  // The name has no "+", the hash is 8 hex digits, and the base64 key after them may hold "+" of its own.
  const match = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text);
  if (!match) throw new Error(`not a verifier key: ${text}`);
  const [, name, hashHex, encoded] = match;
  const bytes = fromBase64(encoded);
  if (bytes.length !== 33) throw new Error(`verifier key ${name} is not an Ed25519 key`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", concat(encoder.encode(name), Uint8Array.of(0x0a), bytes)));
  const keyHash = digest.slice(0, 4);
  if (hex(keyHash) !== hashHex) throw new Error(`verifier key ${name}: its hash does not match its key`);
  const publicKey = await crypto.subtle.importKey("raw", bytes.slice(1), { name: "Ed25519" }, false, ["verify"]);
  return { name, type: bytes[0], keyHash, publicKey };
}

/** Splits a signed note into its text and signature lines (name, key hash, signature bytes); throws when malformed. */
export function parseSignedNote(note) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw new Error("the checkpoint is not a signed note (no blank line before its signatures)");
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2, -1).split("\n").map(line => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) throw new Error(`malformed signature line: ${line}`);
    const bytes = fromBase64(match[2]);
    if (bytes.length < 5) throw new Error(`signature line of ${match[1]} is too short`);
    return { name: match[1], keyHash: bytes.slice(0, 4), signature: bytes.slice(4) };
  });
  return { text, signatures };
}

/** Origin, tree size (BigInt) and root hash (bytes) of a checkpoint's text. */
export function parseCheckpoint(text) {
  const [origin, size, root] = text.split("\n");
  if (!origin || !/^\d+$/.test(size ?? "") || !root) throw new Error("the checkpoint's text is not origin, size and root hash");
  const rootHash = fromBase64(root);
  if (rootHash.length !== 32) throw new Error("the checkpoint's root hash is not 32 bytes");
  return { origin, treeSize: BigInt(size), rootHash };
}

/**
 * Checks a served checkpoint: signed by the log's key (`logKey`, a verifier key), and which of `witnessKeys` cosigned it.
 * Returns the checkpoint and the names of the witnesses whose cosignature verified; throws when the log's signature is
 * missing or wrong, or the checkpoint is another log's.
 */
export async function verifyCheckpoint(note, logKey, witnessKeys) {
  const log = await parseVerifierKey(logKey);
  if (log.type !== LogKeyType) throw new Error(`${log.name} is not an Ed25519 note key`);
  const { text, signatures } = parseSignedNote(note);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== log.name) throw new Error(`the checkpoint is of log "${checkpoint.origin}", not "${log.name}"`);
  const by = key => signatures.filter(s => s.name === key.name && equal(s.keyHash, key.keyHash));
  const signed = by(log);
  if (signed.length === 0) throw new Error(`the checkpoint carries no signature by ${log.name}`);
  if (!await anyVerifies(log.publicKey, signed.map(s => [s.signature, encoder.encode(text)])))
    throw new Error(`the checkpoint's signature does not verify with the key of ${log.name}`);

  const witnesses = [];
  for (const key of await Promise.all(witnessKeys.map(parseVerifierKey))) {
    if (key.type !== CosignatureKeyType) continue;
    // cosignature/v1: 8 bytes of big-endian timestamp, then the signature of "cosignature/v1\ntime <t>\n" ‖ text.
    const lines = by(key).filter(s => s.signature.length === 72).map(s => {
      const time = new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0);
      return [s.signature.slice(8), encoder.encode(`cosignature/v1\ntime ${time}\n${text}`)];
    });
    if (await anyVerifies(key.publicKey, lines)) witnesses.push(key.name);
  }
  return { ...checkpoint, witnesses };
}

async function anyVerifies(publicKey, pairs) {
  for (const [signature, message] of pairs)
    if (signature.length === 64 && await crypto.subtle.verify({ name: "Ed25519" }, publicKey, signature, message)) return true;
  return false;
}

const hex = bytes => [...bytes].map(b => b.toString(16).padStart(2, "0")).join("");
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

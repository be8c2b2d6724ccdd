// Signs a published deployment file (deploy/networks/<name>.json) with the admin key: EIP-191 personal_sign over the
// RFC 8785 canonical JSON of the file without its "signature" member. The file's members are strings, integers below
// 2^53 and objects, for which sorted keys and no whitespace are exactly RFC 8785.
//
//   NETWORK_ADMIN_KEY=0x… node eng/sign-network.mjs deploy/networks/<name>.json
//
// The admin must be an account that can sign messages (a cold EOA). The key is read from the environment, never
// from an argument, so it stays out of shell history.
import { readFileSync, writeFileSync } from 'node:fs';
import { Wallet, verifyMessage, getAddress } from 'ethers';

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return JSON.stringify(value);
}

const [path] = process.argv.slice(2);
const key = process.env.NETWORK_ADMIN_KEY;
if (!path || !key) {
  console.error('usage: NETWORK_ADMIN_KEY=0x… node eng/sign-network.mjs deploy/networks/<name>.json');
  process.exit(2);
}
const file = JSON.parse(readFileSync(path, 'utf8'));
delete file.signature;
const wallet = new Wallet(key);
if (getAddress(file.admin) !== wallet.address) {
  console.error(`the key is ${wallet.address}, but the file's admin is ${file.admin}`);
  process.exit(1);
}
const text = canonical(file);
file.signature = await wallet.signMessage(text);
if (verifyMessage(text, file.signature) !== wallet.address) throw new Error('signature does not verify');
writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
console.log(`signed ${path} as ${wallet.address}`);

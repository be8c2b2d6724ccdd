// Compiles the CommunityAI contracts with the solc npm package and writes artifacts/<Name>.json.
// The artifacts are checked in so the .NET build needs no node; `--check` recompiles and exits 1
// when the checked-in files differ from a fresh compile (run by ChainBridge.IntegrationTests).
//
//   node services/ChainBridge/Solidity/compile.mjs           write artifacts
//   node services/ChainBridge/Solidity/compile.mjs --check   verify artifacts, write nothing
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const artifactsDir = join(here, 'artifacts');
const contracts = ['CommunityToken', 'HistoryAnchor', 'RewardDistributor', 'DatasetRevenuePool'];

// Fixed rather than solc's default, so a compiler upgrade cannot silently change the bytecode.
// Prague runs on Ethereum mainnet, on today's major L2s and on anvil (whose default is the latest fork).
const settings = {
  evmVersion: 'prague',
  optimizer: { enabled: true, runs: 200 },
};

function findNodeModules(start) {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(join(candidate, '@openzeppelin', 'contracts'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`node_modules/@openzeppelin/contracts not found above ${start}; run npm ci`);
  }
}
const nodeModules = findNodeModules(here);

// Source unit names are relative ("HistoryAnchor.sol", "@openzeppelin/..."), never absolute paths:
// they end up in the metadata hash appended to the bytecode, which must not depend on the checkout.
function findImports(path) {
  const file = path.startsWith('@openzeppelin/') ? join(nodeModules, path) : join(here, path);
  if (!resolve(file).startsWith(path.startsWith('@openzeppelin/') ? nodeModules : here)) {
    return { error: `import escapes its root: ${path}` };
  }
  return existsSync(file) ? { contents: readFileSync(file, 'utf8') } : { error: `not found: ${path}` };
}

const input = {
  language: 'Solidity',
  sources: Object.fromEntries(contracts.map((name) => [`${name}.sol`, { content: readFileSync(join(here, `${name}.sol`), 'utf8') }])),
  settings: {
    ...settings,
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const diagnostics = output.errors ?? [];
for (const d of diagnostics) console.error(d.formattedMessage ?? d.message);
// Warnings fail too: a clean compile is part of what --check guarantees.
if (diagnostics.length > 0) process.exit(2);

const compiler = { name: 'solc', version: solc.version(), settings };
const artifacts = new Map();
for (const name of contracts) {
  const out = output.contracts[`${name}.sol`][name];
  const artifact = {
    contractName: name,
    abi: out.abi,
    bytecode: `0x${out.evm.bytecode.object}`,
    deployedBytecode: `0x${out.evm.deployedBytecode.object}`,
    compiler,
  };
  artifacts.set(`${name}.json`, `${JSON.stringify(artifact, null, 2)}\n`);
}

if (process.argv.includes('--check')) {
  const onDisk = existsSync(artifactsDir) ? readdirSync(artifactsDir).filter((f) => f.endsWith('.json')) : [];
  const problems = [];
  for (const [file, text] of artifacts) {
    const path = join(artifactsDir, file);
    if (!existsSync(path)) problems.push(`${file}: missing`);
    else if (readFileSync(path, 'utf8') !== text) problems.push(`${file}: differs from a fresh compile`);
  }
  for (const file of onDisk) if (!artifacts.has(file)) problems.push(`${file}: not produced by any contract`);
  if (problems.length > 0) {
    console.error(`Solidity artifacts are stale (run node services/ChainBridge/Solidity/compile.mjs):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`Solidity artifacts match a fresh compile (${compiler.version}).`);
} else {
  mkdirSync(artifactsDir, { recursive: true });
  for (const [file, text] of artifacts) writeFileSync(join(artifactsDir, file), text);
  console.log(`Wrote ${artifacts.size} artifacts to ${artifactsDir} (${compiler.version}).`);
}

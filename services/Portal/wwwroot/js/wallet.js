// Wallets: EIP-6963 discovery (every installed wallet announces itself), window.ethereum as the fallback, ethers'
// BrowserProvider on top. Reading never needs a wallet; signing and claiming do.
import { BrowserProvider, getAddress, toQuantity } from "../vendor/ethers.min.js";
import { config } from "./api.js";
import { h } from "./dom.js";

// Declared before the discovery below: a wallet may announce itself synchronously, and render() reads them.
const announced = new Map();
let current = null;
const listeners = new Set();
window.addEventListener("eip6963:announceProvider", event => {
  announced.set(event.detail.info.uuid, event.detail);
  render();
});
window.dispatchEvent(new Event("eip6963:requestProvider"));

/** The wallets this browser offers: the announced ones, or the legacy injected provider when none announced. */
export function available() {
  const list = [...announced.values()];
  if (list.length === 0 && window.ethereum)
    list.push({ info: { uuid: "injected", name: "Browser wallet", rdns: "injected" }, provider: window.ethereum });
  return list;
}

/** The connected account's EIP-55 address, or null. */
export const account = () => current?.address ?? null;

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function connect(detail) {
  const accounts = await detail.provider.request({ method: "eth_requestAccounts" });
  if (!accounts?.length) throw new Error("the wallet shared no account");
  current = { eip1193: detail.provider, provider: new BrowserProvider(detail.provider, "any"), address: getAddress(accounts[0]), info: detail.info };
  detail.provider.on?.("accountsChanged", next => {
    current = next?.length ? { ...current, address: getAddress(next[0]) } : null;
    changed();
  });
  changed();
}

/** Makes sure the wallet is on the configured chain: switch, or add it when the wallet does not know it (EIP-3085). */
export async function ensureChain() {
  if (!current) throw new Error("connect a wallet first");
  const wanted = toQuantity(config.chainId);
  if (Number(await current.eip1193.request({ method: "eth_chainId" })) === config.chainId) return;
  try {
    await current.eip1193.request({ method: "wallet_switchEthereumChain", params: [{ chainId: wanted }] });
  } catch (error) {
    const code = error?.code ?? error?.data?.originalError?.code;
    if (code !== 4902) throw error;
    await current.eip1193.request({
      method: "wallet_addEthereumChain",
      params: [{ chainId: wanted, chainName: config.chainName, rpcUrls: [config.chainRpcUrl], nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 } }],
    });
  }
  const now = Number(await current.eip1193.request({ method: "eth_chainId" }));
  if (now !== config.chainId) throw new Error(`the wallet is on chain ${now}, not ${config.chainId}`);
}

/** An ethers signer for the connected account, on the configured chain. */
export async function signer() {
  await ensureChain();
  return current.provider.getSigner(current.address);
}

function changed() {
  render();
  for (const listener of listeners) listener(account());
}

/** The wallet corner of the header: connect buttons, or the connected account. */
export function render() {
  const slot = document.getElementById("wallet");
  if (!slot) return;
  const status = h("span", { id: "wallet-status", role: "status" });
  if (current) {
    status.append(`Connected (${current.info.name}): `, h("code", { class: "hash" }, current.address));
    slot.replaceChildren(status);
    return;
  }
  const wallets = available();
  if (wallets.length === 0) {
    status.textContent = "No browser wallet found. Reading works without one.";
    slot.replaceChildren(status);
    return;
  }
  slot.replaceChildren(status, ...wallets.map(w => h("button", {
    type: "button", class: "secondary",
    onclick: async () => {
      try { await connect(w); } catch (error) { status.textContent = `Could not connect: ${error.shortMessage ?? error.message}`; }
    },
  }, `Connect ${w.info.name}`)));
}

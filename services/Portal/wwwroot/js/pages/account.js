// My account: contributions, balance and journal, and the claim of what was earned, paid by the distributor contract
// through the user's own wallet, or without gas through the chain-bridge's relayer (the tokens always go to the
// account, whoever sends the claim, so that button needs no wallet). Any address can be looked at without a wallet.
import { Contract, formatUnits, isAddress } from "../../vendor/ethers.min.js";
import { chainInfo, getJson, postJson } from "../api.js";
import { claimedOnChain, distributorAbi } from "../chain.js";
import { facts, field, h, hash, table } from "../dom.js";
import * as wallet from "../wallet.js";

export default function account(main, [address]) {
  const [addressField, input] = field("Address", h("input", { name: "address", autocomplete: "off", value: address ?? wallet.account() ?? "" }),
    "Any address can be looked at; claiming needs its wallet.");
  const form = h("form", { "aria-label": "Look up an account" }, addressField, h("button", { type: "submit" }, "Show"));
  const result = h("div", { id: "account-result" });
  form.addEventListener("submit", event => {
    event.preventDefault();
    location.hash = `#/account/${input.value.trim()}`;
  });
  main.append(h("h1", {}, "My account"), form, result);
  if (address) load(address, result);
  // Connecting a wallet on this page shows that wallet's account.
  return wallet.onChange(connected => { if (connected && !address) location.hash = `#/account/${connected}`; });
}

async function load(address, result) {
  if (!isAddress(address)) {
    result.replaceChildren(h("p", { role: "alert" }, "Not an Ethereum address (0x and 40 hex digits)."));
    return;
  }
  const [ledger, contributions, claim, chain] = await Promise.all([
    getJson(`/api/accounts/${address}`), getJson(`/api/contributors/${address}/contributions`),
    getJson(`/api/claims/${address}`).catch(() => null), chainInfo().catch(() => null)]);
  const claimSection = h("section", { class: "card", "aria-labelledby": "claim-title", id: "claim" });
  result.replaceChildren(
    h("section", { "aria-labelledby": "balance-title" }, h("h2", { id: "balance-title" }, "Balance"),
      h("p", { id: "balance" }, `${tokens(ledger?.balance ?? "0")}, credited in the ledger`)),
    claimSection,
    h("section", { "aria-labelledby": "contributions-title" }, h("h2", { id: "contributions-title" }, "Contributions"),
      table("Your contributions", ["Id", "Kind", "Status", "Score", "Reward"], (contributions?.items ?? []).map(c => [
        h("a", { href: `#/contribute/${c.id}` }, `${c.id.slice(0, 10)}…`), c.kind, c.status, c.score ?? "—", c.reward == null ? "—" : tokens(c.reward)]))),
    h("section", { "aria-labelledby": "journal-title" }, h("h2", { id: "journal-title" }, "Journal"),
      table("Ledger entries", ["Number", "Amount", "Epoch", "Policy", "For"], (ledger?.items ?? []).map(j => [String(j.number), signedTokens(j.amount), String(j.epoch), j.policyVersion, entryFor(j)]))));
  await renderClaim(address, claim, chain, claimSection);
}

/** Token amounts travel as integer strings of base units (18 decimals); shown as tokens, the exact integer kept. */
const tokens = units => `${formatUnits(BigInt(units), 18)} tokens`;
const signedTokens = units => `${units.startsWith("-") ? "−" : ""}${tokens(units.replace(/^-/, ""))}`;

/**
 * What a journal entry is for, from its id (the ledger's: a contribution id for a credit; reversal:…, validators:…:account,
 * revenue:… and appeal:…:account for the others):
 * a settlement's slash, what this account lost as a first-round reviewer a second round overturned, is named with its amount.
 */
function entryFor(entry) {
  const [kind, contribution] = entry.id.split(":");
  const link = id => h("a", { href: `#/contribute/${id}` }, `${id.slice(0, 10)}…`);
  if (kind === "reversal") return h("span", {}, "reversal of ", link(contribution));
  if (kind === "validators") return h("span", {}, "review of ", link(contribution));
  if (kind === "revenue") return "dataset revenue";
  if (kind !== "appeal") return h("span", {}, "reward for ", link(entry.id));
  return h("span", { class: entry.slashed ? "slashed" : null }, "settlement of the second round of ", link(contribution),
    entry.slashed ? `, of which ${tokens(entry.slashed)} slashed: this account's review was overturned` : "");
}

async function renderClaim(address, claim, chain, section, done = "") {
  const title = h("h2", { id: "claim-title" }, "Claim");
  if (!claim || !chain) {
    section.replaceChildren(title, h("p", {}, "Nothing to claim yet: claims open when an epoch closes and its root is published on chain."));
    return;
  }
  const claimed = await claimedOnChain(chain.distributorContract, address);
  const cumulative = BigInt(claim.amount);
  const open = cumulative > claimed ? cumulative - claimed : 0n;
  const status = h("p", { id: "claim-status", role: "status", tabindex: -1 }, done);
  const button = h("button", { type: "button", disabled: open === 0n }, `Claim ${tokens(open)} with my wallet`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Confirm the transaction in your wallet…";
    try {
      const signer = await wallet.signer();
      const distributor = new Contract(chain.distributorContract, distributorAbi, signer);
      const tx = await distributor.claim(address, cumulative, claim.proof);
      status.textContent = `Sent ${tx.hash}; waiting for it to be mined…`;
      const receipt = await tx.wait();
      await renderClaim(address, claim, chain, section, `Claimed in block ${receipt.blockNumber} (transaction ${tx.hash}).`);
      section.querySelector("#claim-status").focus();
    } catch (error) {
      status.textContent = `Not claimed: ${error.shortMessage ?? error.message}`;
      button.disabled = false;
    }
  });
  const relay = h("button", { type: "button", disabled: open === 0n }, `Claim ${tokens(open)} without gas (the relayer pays)`);
  relay.addEventListener("click", async () => {
    relay.disabled = button.disabled = true;
    status.textContent = "Asking the relayer to send the claim…";
    try {
      const sent = await postJson("/api/relay/claims", { account: address, cumulativeAmount: claim.amount, proof: claim.proof });
      await renderClaim(address, claim, chain, section,
        `Claimed without gas in block ${sent.blockNumber} (transaction ${sent.transactionHash}); ${sent.relaysLeftToday} relayed claims left today.`);
      section.querySelector("#claim-status").focus();
    } catch (error) {
      status.textContent = `Not claimed: ${error.message}`;
      relay.disabled = button.disabled = false;
    }
  });
  section.replaceChildren(title, facts([
    ["Earned up to epoch", `${claim.epoch}: ${tokens(cumulative)}`],
    ["Already claimed (on chain)", h("span", { id: "claimed-on-chain", "data-units": String(claimed) }, tokens(claimed))],
    ["Claimable now", tokens(open)],
    ["Claim root", hash(claim.root)],
    ["Distributor", hash(chain.distributorContract)],
  ]), button, relay, status);
}

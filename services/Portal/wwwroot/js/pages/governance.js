// Governance: the community's proposals, their state and tally, readable without a wallet; with one, the voter's
// weight, a signed vote (version-2 Vote) with its receipt, and a signed delegation (version-2 Delegation). The guardian's
// wallet also gets the veto of a passed proposal during its timelock (version-2 Veto, with a public reason); everyone
// sees a vetoed proposal as vetoed, by whom and why.
import { formatUnits, isAddress, ZeroAddress } from "../../vendor/ethers.min.js";
import { getJson, postJson } from "../api.js";
import { facts, field, h, hash, table } from "../dom.js";
import { sign } from "../signing.js";
import { payloadDiff } from "./payload-diff.js";
import * as wallet from "../wallet.js";

const tokens = units => `${formatUnits(BigInt(units ?? 0), 18)} tokens`;
const supports = [[1, "For"], [0, "Against"], [2, "Abstain"]];

export default async function governance(main, [selected]) {
  const voice = h("section", { class: "card", id: "voice", "aria-labelledby": "voice-title" });
  main.append(h("h1", {}, "Governance"),
    h("p", {}, "Every policy change is a signed proposal voted on by those who earned; weights come from the published claim trees."),
    voice);
  const showVoice = () => renderVoice(voice);
  showVoice();
  const leave = wallet.onChange(showVoice);

  const list = await getJson("/api/proposals").catch(error => ({ error }));
  if (list?.error) {
    main.append(h("p", { role: "alert" }, `Proposals are unavailable: ${list.error.message}`));
    return leave;
  }
  main.append(table("Proposals, newest first", ["Title", "Kind", "State", "Submitted"], (list ?? []).map(p => [
    h("a", { href: `#/governance/${p.id}` }, p.title), p.kind, p.state, new Date(p.submittedAt).toLocaleString()])));
  if (list?.length === 0) main.append(h("p", {}, "No proposals yet."));
  if (!selected) return leave;
  const section = h("section", { class: "card", "aria-labelledby": "proposal-title", id: "proposal" });
  main.append(section);
  await renderProposal(section, selected);
  // Who is connected decides whether the veto form is offered.
  const leaveProposal = wallet.onChange(() => renderProposal(section, selected));
  return () => { leave(); leaveProposal(); };
}

/** The connected voter's weight at the latest closed epoch, and the delegation form. */
async function renderVoice(section) {
  const title = h("h2", { id: "voice-title" }, "Your voting weight");
  const me = wallet.account();
  if (!me) {
    section.replaceChildren(title, h("p", {}, "Connect a wallet to see your weight, vote and delegate."));
    return;
  }
  const voter = await getJson(`/api/voters/${me}`).catch(error => ({ error }));
  if (voter?.error || !voter) {
    section.replaceChildren(title, h("p", { role: "alert" }, `Weights are unavailable: ${voter?.error?.message ?? "no answer"}`));
    return;
  }
  const [delegateeField, delegatee] = field("Delegate my weight to", h("input", { name: "delegatee", autocomplete: "off", placeholder: "0x…" }),
    "An address that votes with your weight until you vote yourself or revoke; leave empty to revoke.");
  const message = h("p", { id: "delegation-message", role: "status" });
  const form = h("form", { "aria-label": "Delegation" }, delegateeField, h("button", { type: "submit" }, "Sign delegation"), message);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const to = delegatee.value.trim() || ZeroAddress;
    if (!isAddress(to)) { message.textContent = "Not sent: the delegatee is not an address"; return; }
    form.querySelector("button").disabled = true;
    try {
      await postJson("/api/delegations", await sign("Delegation", delegator => ({ delegator, delegatee: to })));
      message.textContent = to === ZeroAddress ? "Delegation revoked." : `Delegated to ${to}.`;
      setTimeout(() => renderVoice(section), 1500);
    } catch (error) {
      message.textContent = `Not delegated: ${error.shortMessage ?? error.message}`;
    } finally {
      form.querySelector("button").disabled = false;
    }
  });
  section.replaceChildren(title, facts([
    ["Address", hash(voter.address)],
    ["Own weight", h("span", { id: "own-weight", "data-units": voter.ownWeight }, tokens(voter.ownWeight))],
    ["Delegated to you", tokens(voter.delegatedWeight)],
    ["Epoch", voter.epoch == null ? "no epoch closed yet" : `${voter.epoch} (claim root ${voter.claimRoot})`],
    ["Your delegate", h("span", { id: "delegate" }, voter.delegate ?? "none: you vote yourself")],
    ["Your delegators", voter.delegators.length ? voter.delegators.join(", ") : "none"],
  ]), form);
}

async function renderProposal(section, id) {
  const p = await getJson(`/api/proposals/${id}`).catch(error => ({ error }));
  if (!p || p.error) {
    section.replaceChildren(h("p", { role: "alert" }, p ? `The proposal is unavailable: ${p.error.message}` : "No such proposal."));
    return;
  }
  const t = p.tally;
  // replaceChildren would print a null as text: the notice and the forms are there only when they apply.
  section.replaceChildren(...[h("h2", { id: "proposal-title" }, p.title), vetoNotice(p), facts([
    ["Id", hash(p.id)], ["Proposer", hash(p.proposer)], ["Kind", p.kind], ["State", h("span", { id: "proposal-state" }, p.state)],
    ["Votes", String(p.votes)],
    ["For", h("span", { id: "tally-for", "data-units": t.for }, tokens(t.for))],
    ["Against", h("span", { id: "tally-against", "data-units": t.against }, tokens(t.against))],
    ["Abstain", h("span", { id: "tally-abstain", "data-units": t.abstain }, tokens(t.abstain))],
    ["Quorum", `${p.quorumBasisPoints / 100}% of ${tokens(t.totalWeight)}: ${tokens(t.quorumNeeded)}, ${t.quorumReached ? "reached" : "not reached"}`],
    ["Voting", `${new Date(p.timeline.votingStartsAt).toLocaleString()} to ${new Date(p.timeline.deadline).toLocaleString()}`],
    ["Activates", new Date(p.timeline.activatesAt).toLocaleString()],
    ["Weights from epoch", `${p.snapshotEpoch} (claim root ${p.snapshotClaimRoot})`],
    ["Payload", await payloadDiff(p)],
  ]), h("p", {}, p.body), voteForm(p, () => renderProposal(section, id)), vetoForm(p, () => renderProposal(section, id))].filter(Boolean));
}

/** A vetoed proposal says so first, with the guardian's own signed words: the veto is public, never silent. */
function vetoNotice(p) {
  if (p.state !== "vetoed") return null;
  return h("div", { class: "card vetoed", id: "veto-notice", role: "note", tabindex: -1, "aria-labelledby": "veto-title" },
    h("h3", { id: "veto-title" }, "Vetoed by the guardian"),
    h("p", {}, "This proposal passed but will never activate: the guardian vetoed it during its timelock, giving this reason."),
    facts([
      ["Reason", h("q", { id: "veto-reason" }, p.vetoReason)],
      ["Guardian", hash(p.vetoedBy)],
      ["Vetoed at", p.vetoedAt ? new Date(p.vetoedAt).toLocaleString() : null],
    ]));
}

/**
 * The guardian's veto: offered only while a passed proposal waits out its timelock and only to the guardian's wallet
 * (the service refuses anyone else's anyway). The reason is required and signed, so the public reason is the guardian's.
 */
function vetoForm(p, refresh) {
  if (p.state !== "queued") return null;
  const activates = new Date(p.timeline.activatesAt).toLocaleString();
  const me = wallet.account();
  if (!p.guardian)
    return h("p", { class: "hint", id: "veto-hint" }, `Passed; activates at ${activates}. This deployment has no guardian, so nobody can veto it.`);
  if (!me || me.toLowerCase() !== p.guardian.toLowerCase())
    return h("p", { class: "hint", id: "veto-hint" },
      `Passed; activates at ${activates} unless the guardian (`, hash(p.guardian), ") vetoes it first, with a public reason.");
  const message = h("p", { id: "veto-message", role: "status", "aria-live": "polite" });
  const [reasonField, reason] = field("Public reason for the veto", h("textarea", { name: "veto-reason", maxlength: 1000, required: true }),
    "Required. Signed with the veto and shown to everyone with this proposal.");
  const submit = h("button", { type: "submit", class: "danger" }, "Sign and veto");
  const form = h("form", { "aria-labelledby": "veto-form-title", id: "veto-form" },
    h("h3", { id: "veto-form-title" }, "Veto as the guardian"),
    h("p", {}, `This proposal passed and activates at ${activates}. As the guardian you may stop it until then; the veto cannot be undone.`),
    reasonField, submit, message);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) { message.textContent = "Not sent: a veto needs a public reason."; reason.focus(); return; }
    submit.disabled = true;
    message.textContent = "Waiting for your wallet…";
    try {
      await postJson("/api/vetoes", await sign("Veto", guardian => ({ guardian, proposalId: p.id, reason: text })));
      await refresh();
      document.getElementById("veto-notice")?.focus();
    } catch (error) {
      message.textContent = `Not vetoed: ${error.shortMessage ?? error.message}`;
      submit.disabled = false;
    }
  });
  return form;
}

/** The vote form: support, an optional reason, signed as a version-2 Vote; the receipt is shown after. */
function voteForm(p, refresh) {
  const receipt = h("p", { id: "vote-message", role: "status", "aria-live": "polite" });
  if (p.state !== "active")
    return h("p", { class: "hint" }, p.state === "pending" ? "Voting has not started yet." : "Voting is closed.");
  const choices = h("fieldset", {}, h("legend", {}, "Your vote"), supports.map(([value, label]) =>
    h("label", { class: "choice" }, h("input", { type: "radio", name: "support", value, required: true }), ` ${label}`)));
  const [reasonField, reason] = field("Reason (optional)", h("textarea", { name: "reason", maxlength: 1000 }));
  const submit = h("button", { type: "submit" }, "Sign and vote");
  const form = h("form", { "aria-label": "Vote" }, choices, reasonField, submit, receipt);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const support = Number(form.querySelector("input[name=support]:checked")?.value);
    submit.disabled = true;
    receipt.textContent = "Waiting for your wallet…";
    let id;
    try {
      const body = await sign("Vote", voter => ({ voter, proposalId: p.id, support, reason: reason.value }));
      ({ id } = await postJson("/api/votes", body));
    } catch (error) {
      receipt.textContent = `Not counted: ${error.shortMessage ?? error.message}`;
      submit.disabled = false;
      return;
    }
    // Counted from here on: a receipt that cannot be shown must not read as a vote that was not counted.
    receipt.textContent = `Counted as vote ${id}; loading its receipt…`;
    try {
      const r = await getJson(`/api/votes/${id}/receipt`);
      await refresh();
      document.getElementById("proposal")?.append(showReceipt(r));
    } catch (error) {
      receipt.textContent = `Counted as vote ${id}, but its receipt could not be loaded (${error.message}); reload the page to see it.`;
    }
  });
  return form;
}

function showReceipt(r) {
  return h("div", { class: "card", id: "vote-receipt", role: "status" }, h("h3", {}, "Your vote is counted"), facts([
    ["Vote id", hash(r.voteId)], ["Support", supports.find(([v]) => v === r.support)?.[1] ?? String(r.support)],
    ["Weight", h("span", { id: "receipt-weight", "data-units": r.weight }, tokens(r.weight))],
    ["Cast at", new Date(r.castAt).toLocaleString()], ["History event", `${r.stream} version ${r.streamVersion} (sequence ${r.sequence})`],
    ["Log index", r.logIndex == null ? "not in the log yet: see the explorer shortly" : h("a", { href: `#/explorer/${r.logIndex}` }, `${r.logIndex}: verify in the explorer`)],
  ]));
}

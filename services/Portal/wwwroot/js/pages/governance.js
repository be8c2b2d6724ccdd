// Governance: the community's proposals, their state and tally, readable without a wallet.
import { getJson } from "../api.js";
import { facts, h, hash, table } from "../dom.js";

export default async function governance(main, [selected]) {
  main.append(h("h1", {}, "Governance"),
    h("p", {}, "Every policy change is a signed proposal voted on by those who earned; weights come from the published claim trees."));
  const list = await getJson("/api/proposals").catch(error => ({ error }));
  if (list?.error) {
    main.append(h("p", { role: "alert" }, `Proposals are unavailable: ${list.error.message}`));
    return;
  }
  main.append(table("Proposals, newest first", ["Title", "Kind", "State", "Submitted"], (list ?? []).map(p => [
    h("a", { href: `#/governance/${p.id}` }, p.title), p.kind, p.state, new Date(p.submittedAt).toLocaleString()])));
  if (list?.length === 0) main.append(h("p", {}, "No proposals yet."));
  if (!selected) return;
  const p = await getJson(`/api/proposals/${selected}`);
  if (!p) return;
  main.append(h("section", { class: "card", "aria-label": "Proposal" }, h("h2", {}, p.title), facts([
    ["Id", hash(p.id)], ["Proposer", hash(p.proposer)], ["State", p.state], ["Votes", String(p.votes)],
    ["Tally", JSON.stringify(p.tally)], ["Timeline", JSON.stringify(p.timeline)],
    ["Quorum", `${p.quorumBasisPoints / 100}%`], ["Payload", h("pre", {}, JSON.stringify(p.payload, null, 2))],
  ]), h("p", {}, p.body)));
}

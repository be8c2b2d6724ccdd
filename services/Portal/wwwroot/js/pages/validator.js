// Validator desk: registration of an admitted address (version-2 ValidatorRegistration; who is admitted is the
// community's decision, through governance), a connected validator's open assignments; the content of one, read with a signed ContentRead; a
// sealed review committed (version-2 ReviewCommit) and later revealed (version-2 Review). The salt never leaves this
// browser before the reveal: it is kept in localStorage under the contribution's id between the two signatures.
// Then what the reviews did: any validator's reputation over its recent changes, and, on a closed case the connected
// validator revealed a review in, its appeal of the score (version-2 Appeal, the same signature the contributor gives).
import { AbiCoder, hexlify, keccak256 } from "../../vendor/ethers.min.js";
import { getJson, postJson } from "../api.js";
import { contentHash } from "../merkle.js";
import { facts, field, h, hash, table } from "../dom.js";
import { sign } from "../signing.js";
import * as wallet from "../wallet.js";

const sealedKey = id => `communityai:sealed-review:${id.toLowerCase()}`;

/** keccak256(abi.encode(uint16 score, string verdict, bytes32 salt)): ReviewCommitment.Compute and eng/sign-review.mjs. */
export const commitment = (score, verdict, salt) =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["uint16", "string", "bytes32"], [score, verdict, salt]));

export default function validator(main, [selected]) {
  const desk = h("div", { id: "desk" });
  main.append(h("h1", {}, "Validator desk"),
    h("p", {}, "Assigned validators read a contribution's content, then seal a review (score and verdict hidden behind a commitment) and reveal it."),
    desk);
  const show = () => render(desk, selected?.toLowerCase()).catch(error =>
    desk.replaceChildren(h("p", { role: "alert" }, `The desk is unavailable: ${error.message}`)));
  show();
  return wallet.onChange(show);
}

async function render(desk, selected) {
  const me = wallet.account();
  const reputation = h("section", { class: "card", id: "reputation", "aria-labelledby": "reputation-title" });
  renderReputation(reputation, me);
  if (!me) {
    desk.replaceChildren(h("p", {}, "Connect the wallet of a registered validator to see its assignments."), reputation);
    return;
  }
  const registered = await getJson(`/api/validators/${me}`);
  if (!registered) {
    desk.replaceChildren(registrationCard(me, () => render(desk, selected)));
    return;
  }
  const assignments = await getJson(`/api/validators/${me}/assignments`) ?? [];
  desk.replaceChildren(
    table("Your open assignments, soonest closing first", ["Contribution", "Review window closes"], assignments.map(a => [
      h("a", { href: `#/validator/${a.contributionId}` }, hash(a.contributionId)),
      new Date(a.windowClosesAt).toLocaleString()])),
    ...(assignments.length === 0 ? [h("p", {}, "No open assignments.")] : []));
  if (selected) {
    const assigned = assignments.some(a => a.contributionId.toLowerCase() === selected);
    // A closed case (or one in its second round) is not reviewed by its first reviewers any more: what is left for
    // them is the appeal of its score.
    const closed = assigned ? null : await getJson(`/api/scoring/${selected}`).catch(() => null);
    desk.append(closed?.scored || closed?.first ? await appealCard(selected, closed, me) : reviewCard(selected, assigned));
  }
  desk.append(reputation);
}

/** Not registered yet: the wallet signs a ValidatorRegistration; the service accepts it only for an admitted address. */
function registrationCard(me, registered) {
  const message = h("p", { id: "registration-message", role: "status", tabindex: -1 });
  const button = h("button", { type: "button" }, "Register as a validator");
  button.addEventListener("click", async () => {
    button.disabled = true;
    message.textContent = "Confirm the registration in your wallet…";
    try {
      await postJson("/api/validators", await sign("ValidatorRegistration", validator => ({ validator })));
      await registered();
    } catch (error) {
      message.textContent = error.status === 403
        ? `Not registered: ${error.message}. Validators are admitted by the community: a validator-admission proposal on the Governance page decides.`
        : `Not registered: ${error.message}`;
      message.focus();
      button.disabled = false;
    }
  });
  return h("section", { class: "card", "aria-labelledby": "registration-title", id: "registration" },
    h("h2", { id: "registration-title" }, "Become a validator"),
    h("p", {}, `${me} is not a registered validator. Addresses the community admitted (the genesis set or a passed validator-admission proposal) register by signing once.`),
    button, message);
}

function reviewCard(id, assigned) {
  const card = h("section", { class: "card", "aria-labelledby": "review-title", id: "review" },
    h("h2", { id: "review-title" }, "Review"), h("p", {}, "Contribution ", hash(id)));
  if (!assigned) card.append(h("p", { class: "hint" }, "This contribution is not among your open assignments; the services will refuse what you sign."));

  const content = h("div", { id: "content", class: "content", role: "status", "aria-live": "polite" });
  const read = h("button", { type: "button", class: "secondary" }, "Read the content");
  read.addEventListener("click", async () => {
    read.disabled = true;
    content.textContent = "Waiting for your wallet…";
    try {
      const body = await sign("ContentRead", reader => ({ reader, contributionId: id }));
      const { contributionId, ...request } = body;
      const answer = await postJson(`/api/contributions/${id}/content`, request);
      const bytes = Uint8Array.from(atob(answer.content), c => c.charCodeAt(0));
      const matches = (await contentHash(bytes)) === answer.contentHash.toLowerCase();
      content.replaceChildren(facts([
        ["Licence", answer.licence],
        ["Content hash", h("span", { class: matches ? "ok" : "bad", id: "content-hash-check" },
          matches ? "matches the signed hash (checked in your browser)" : "does NOT match the signed hash")],
      ]), h("pre", { id: "content-text", tabindex: 0, "aria-label": "Content" },
        // The salt line (communityai-salt:…) only makes the hash unguessable; what is reviewed is what follows it.
        new TextDecoder().decode(bytes).replace(/^communityai-salt:[0-9a-f]{64}\n/, "")));
    } catch (error) {
      content.textContent = `Not read: ${error.shortMessage ?? error.message}`;
    } finally {
      read.disabled = false;
    }
  });
  card.append(read, content, reviewForm(id));
  return card;
}

/** Commit, then reveal: the form seals score and verdict with a fresh salt; the reveal signs the same values. */
function reviewForm(id) {
  const slot = h("div", { id: "sealed-review" });
  const message = h("p", { id: "review-message", role: "status", "aria-live": "polite" });
  const stored = () => JSON.parse(localStorage.getItem(sealedKey(id)) ?? "null");

  const showReveal = sealed => {
    const reveal = h("button", { type: "button" }, "Sign and reveal");
    reveal.addEventListener("click", async () => {
      reveal.disabled = true;
      try {
        const body = await sign("Review", validator => ({ validator, contributionId: id, score: sealed.score, verdict: sealed.verdict, salt: sealed.salt }));
        const answer = await postJson("/api/reviews", body);
        localStorage.removeItem(sealedKey(id));
        message.textContent = answer?.finalScore != null
          ? `Revealed. Your reveal closed the case: final score ${answer.finalScore}.`
          : "Revealed. Your review is held until the case closes.";
        slot.replaceChildren();
      } catch (error) {
        message.textContent = `Not revealed: ${error.shortMessage ?? error.message}`;
        reveal.disabled = false;
      }
    });
    slot.replaceChildren(h("p", {}, `Sealed: score ${sealed.score}, ${sealed.verdict}. Commitment `, hash(sealed.commitment),
      ". The salt is kept in this browser until you reveal."), reveal);
  };

  const [scoreField, score] = field("Score (0–100)", h("input", { type: "number", name: "score", min: 0, max: 100, step: 1, required: true }));
  const [verdictField, verdict] = field("Verdict", h("select", { name: "verdict" }, ["accept", "reject"].map(v => h("option", { value: v }, v))));
  const commit = h("button", { type: "submit" }, "Sign and commit");
  const form = h("form", { "aria-label": "Sealed review" }, scoreField, verdictField, commit);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    commit.disabled = true;
    try {
      const sealed = { score: Number(score.value), verdict: verdict.value, salt: hexlify(crypto.getRandomValues(new Uint8Array(32))) };
      sealed.commitment = commitment(sealed.score, sealed.verdict, sealed.salt);
      // Kept before signing: if the page closes after the service took the commitment, the reveal is still possible.
      localStorage.setItem(sealedKey(id), JSON.stringify(sealed));
      await postJson("/api/reviews/commitments", await sign("ReviewCommit", validator => ({ validator, contributionId: id, commitment: sealed.commitment })));
      message.textContent = "Committed. Reveal when you are ready, before the window closes.";
      showReveal(sealed);
    } catch (error) {
      localStorage.removeItem(sealedKey(id));
      message.textContent = `Not committed: ${error.shortMessage ?? error.message}`;
      commit.disabled = false;
    }
  });
  const sealed = stored();
  if (sealed) showReveal(sealed); else slot.replaceChildren(form);
  return h("div", {}, h("h3", {}, "Your review"), slot, message);
}

/** Reputation is a number from 0 to 1; shown with the 6 decimals the service rounds it to. */
const decimals = value => Number(value).toFixed(6);

/** Why a reputation moved (ReputationChanged.Reason). */
const reasons = {
  consensus: "consensus of its round",
  unrevealed: "committed, never revealed",
  appeal: "an appeal's second round measured the first-round review",
  audit: "a random audit's second round measured the first-round review",
};

/** Any validator's reputation (the connected one's by default): its value, a line over its recent changes, and the changes. */
function renderReputation(section, me) {
  const [addressField, address] = field("Validator address", h("input", { name: "validator", autocomplete: "off", value: me ?? "", spellcheck: "false" }));
  const result = h("div", { id: "reputation-result", "aria-live": "polite" });
  const form = h("form", { "aria-label": "Look up a validator's reputation" }, addressField, h("button", { type: "submit", class: "secondary" }, "Show reputation"));
  const show = async () => {
    const who = address.value.trim();
    if (!who) return result.replaceChildren();
    try {
      const view = await getJson(`/api/validators/${who}`);
      if (!view) return result.replaceChildren(h("p", {}, `${who} is not a registered validator.`));
      // The service keeps the newest change first; the chart reads left to right, oldest first.
      const changes = view.recentChanges ?? [];
      result.replaceChildren(
        facts([
          ["Reputation", h("span", { id: "reputation-value" }, decimals(view.reputation))],
          ["Reviews revealed", String(view.reviewsSubmitted)],
          ["Reputation changes", String(view.consensusReached)],
          ["Registered", new Date(view.registeredAt).toLocaleString()],
        ]),
        ...(changes.length === 0 ? [h("p", {}, "No reputation change yet: it moves when a case it reviewed closes.")]
          : [reputationChart([...changes].reverse()),
            table(`The ${changes.length} most recent reputation changes, newest first`, ["Contribution", "When", "Agreement", "Why", "Reputation", "Case"],
              changes.map(c => [
                h("a", { href: `#/explorer/${c.contributionId}` }, hash(c.contributionId)),
                new Date(c.changedAt).toLocaleString(),
                decimals(c.agreement),
                reasons[c.reason ?? "consensus"] ?? c.reason,
                h("span", { class: "reputation-move" }, `${decimals(c.previous)} → ${decimals(c.next)}`),
                // Its reviewer's way to the appeal of the score.
                h("a", { href: `#/validator/${c.contributionId}`, "aria-label": `Open the case ${c.contributionId}` }, "open"),
              ]))]));
    } catch (error) {
      result.replaceChildren(h("p", { role: "alert" }, `Not shown: ${error.message}`));
    }
  };
  form.addEventListener("submit", event => { event.preventDefault(); show(); });
  section.replaceChildren(h("h2", { id: "reputation-title" }, "Reputation over time"),
    h("p", {}, "Each closed case moves a reviewer's reputation toward its agreement with the consensus (1 at the consensus, 0 at the clipping distance or when a commitment is never revealed); it weighs the validator's next reviews."),
    form, result);
  show();
}

/** The reputation before the oldest change, then after each change, drawn as SVG (no library, no inline style). */
function reputationChart(oldestFirst) {
  const svg = (tag, attributes = {}) => {
    const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    return element;
  };
  const values = [Number(oldestFirst[0].previous), ...oldestFirst.map(c => Number(c.next))];
  const width = 600, height = 160, pad = 24;
  const x = i => pad + i * (width - 2 * pad) / (values.length - 1);
  const y = value => height - pad - value * (height - 2 * pad);
  const figure = svg("svg", { id: "reputation-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "data-points": values.length,
    "aria-label": `Reputation over ${oldestFirst.length} changes, from ${decimals(values[0])} to ${decimals(values.at(-1))}` });
  for (const level of [0, 0.5, 1]) {
    figure.append(svg("line", { x1: pad, x2: width - pad, y1: y(level), y2: y(level), stroke: "#c8ccd2", "stroke-width": 1 }));
    const label = svg("text", { x: 2, y: y(level) + 4, "font-size": 10, fill: "#4a5260" });
    label.textContent = String(level);
    figure.append(label);
  }
  figure.append(svg("polyline", { fill: "none", stroke: "#0b57d0", "stroke-width": 2, points: values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
  values.forEach((v, i) => figure.append(svg("circle", { cx: x(i), cy: y(v), r: 4, stroke: "#0b57d0", "stroke-width": 2, fill: "#ffffff" })));
  return figure;
}

/**
 * A closed case: its first-round reviewer may appeal the score. Whether it may, now, is the service's answer
 * (GET /api/appeals/standing, the rules the filing applies), never a copy of the rules here. A clipped review is the
 * usual reason to appeal, not a condition: a reviewer whose review counted may think the consensus wrong too.
 */
async function appealCard(id, scoring, me) {
  // Once appealed, the first round is kept apart (first) and the case reads as the second round's.
  const firstScored = (scoring.first ?? scoring).scored;
  const title = h("h2", { id: "case-title" }, "Closed case");
  const card = h("section", { class: "card", "aria-labelledby": "case-title", id: "case" }, title,
    h("p", {}, "Contribution ", h("a", { href: `#/explorer/${id}` }, hash(id)), `: first round scored ${firstScored.score}.`));
  const mine = (firstScored.reviews ?? []).find(r => r.validator.toLowerCase() === me.toLowerCase());
  const state = h("p", { id: "appeal-standing" });
  card.append(state);
  if (mine) card.append(facts([["Your review", `${mine.score} (${mine.verdict})`],
    ["Against the consensus", mine.clipped ? "clipped: beyond the clipping distance, it did not count"
      // Pay is weighed by agreement (1 at the consensus, 0 at the clipping distance); scores before it was recorded have none.
      : mine.agreement == null ? "within the clipping distance"
      : `within the clipping distance: agreement ${mine.agreement}, so it is paid ${Math.round(mine.agreement * 100)}% of its reputation's weight`]]));
  const standing = await getJson(`/api/appeals/standing?contributionId=${id}&appellant=${me}`);
  if (!standing.mayAppeal) {
    state.textContent = `You cannot appeal — ${standing.refusal}: ${standing.detail}.`;
    return card;
  }
  const closes = new Date(standing.appealClosesAt).toLocaleString();
  state.textContent = mine?.clipped
    ? `The consensus clipped your review. If you think the consensus is wrong, ask for a second round of validators who did not review it, until ${closes}.`
    : `You may appeal the score, once, until ${closes}, if you think the consensus is wrong.`;
  const [reasonField, reason] = field("Why the score is wrong", h("textarea", { name: "reason", maxlength: 1000, required: true }),
    "Public, in the history, at most 1,000 characters. Validators who did not review it the first time decide.");
  const message = h("p", { id: "appeal-message", role: "status", tabindex: -1 });
  const submit = h("button", { type: "submit" }, "Sign and appeal");
  const form = h("form", { "aria-labelledby": "case-title" }, reasonField, submit, message);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "Sign the appeal in your wallet…";
    try {
      const body = await sign("Appeal", appellant => ({ appellant, contributionId: id, reason: reason.value.trim() }));
      const filed = await postJson("/api/appeals", body);
      message.textContent = `Appeal filed: ${filed.reviewers.length} validators drawn, a quorum of ${filed.quorum}; their reviews close at ${new Date(filed.windowClosesAt).toLocaleString()}.`;
      reason.disabled = true;
    } catch (error) {
      message.textContent = `Not appealed: ${error.shortMessage ?? error.message}`;
      submit.disabled = false;
    }
    message.focus();
  });
  card.append(form);
  return card;
}

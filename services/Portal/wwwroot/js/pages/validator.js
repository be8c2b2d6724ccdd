// Validator desk: registration of an admitted address (version-2 ValidatorRegistration; who is admitted is the
// community's decision, through governance), a connected validator's open assignments; the content of one, read with a signed ContentRead; a
// sealed review committed (version-2 ReviewCommit) and later revealed (version-2 Review). The salt never leaves this
// browser before the reveal: it is kept in localStorage under the contribution's id between the two signatures.
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
  if (!me) {
    desk.replaceChildren(h("p", {}, "Connect the wallet of a registered validator to see its assignments."));
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
  if (selected) desk.append(reviewCard(selected, assignments.some(a => a.contributionId.toLowerCase() === selected)));
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

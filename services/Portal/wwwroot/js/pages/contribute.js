// Contribute: hash the content in the browser, sign the version-2 Contribution with the wallet, submit, and follow
// the contribution's status live until its event is anchored on chain. Its contributor can appeal the score from here.
import { formatUnits } from "../../vendor/ethers.min.js";
import { config, chainInfo, getJson, postJson } from "../api.js";
import { contentHash } from "../merkle.js";
import { sign } from "../signing.js";
import { facts, field, h, hash } from "../dom.js";
import * as wallet from "../wallet.js";

// Exactly the types of eng/sign-contribution.mjs and CommunityAI.Formats.Signing (public formats, version 2).
const types = {
  Contribution: [
    { name: "contributor", type: "address" },
    { name: "kind", type: "string" },
    { name: "contentHash", type: "bytes32" },
    { name: "contentUri", type: "string" },
    { name: "licence", type: "string" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};
// A content larger than the inline limit (Intake:MaxContentBytes, 1 MiB by default) goes in parts of 4 MiB
// (Intake:MaxPartBytes allows 8): a signed ContentUpload fixes every part's hash, then the parts, then the contribution.
const uploadTypes = {
  ContentUpload: [
    { name: "contributor", type: "address" },
    { name: "contentHash", type: "bytes32" },
    { name: "size", type: "uint64" },
    { name: "partSize", type: "uint32" },
    { name: "partsHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint64" },
  ],
};
const inlineLimit = 1024 * 1024;
const partSize = 4 * 1024 * 1024;
const kinds = ["data", "feedback", "knowledge", "model"];
const steps = ["submitted", "scored", "rewarded", "anchored"];

export default function contribute(main, [watchId]) {
  const [kindField, kind] = field("Kind", h("select", { name: "kind" }, kinds.map(k => h("option", { value: k }, k))));
  const licenceHelp = "An SPDX identifier; the policy in force decides which are accepted.";
  const [licenceField, licence] = field("Licence", h("select", { name: "licence" }), licenceHelp);
  // The list is the community's: the newest scoring policy's (a vote changes it), or the operator's genesis list.
  getJson("/api/contributions/licences").then(allowed => {
    licence.replaceChildren(...allowed.licences.map(l => h("option", { value: l }, l)));
    const help = licenceField.querySelector(".hint");
    if (help) help.textContent = allowed.policyVersion
      ? `An SPDX identifier; scoring policy ${allowed.policyVersion}, voted by the community, accepts these.`
      : "An SPDX identifier; these are the genesis list, until a scoring policy the community votes on names its own.";
  }).catch(() => { licence.replaceChildren(h("option", { value: "" }, "the accepted licences could not be read; reload the page")); });
  const [textField, text] = field("Text", h("textarea", { name: "text" }), "Type the content, or pick a file below instead.");
  const [fileField, file] = field("File", h("input", { type: "file", name: "file" }), "Hashed here in your browser (SHA-256); it is sent with the signed contribution, in parts when over 1 MiB (up to 64 MiB; your wallet then signs the upload too).");
  const [uriField, uri] = field("Content URI", h("input", { name: "contentUri", type: "url", required: true, placeholder: "https://…, ipfs://… or ar://…" }),
    "Where the content is published; signed along with its hash.");
  const message = h("p", { id: "contribute-message", role: "alert" });
  const submit = h("button", { type: "submit" }, "Sign and submit");
  const progress = h("section", { "aria-labelledby": "progress-title", id: "progress" });
  const form = h("form", { "aria-labelledby": "contribute-title" }, kindField, licenceField, textField, fileField, uriField, submit, message);

  form.addEventListener("submit", async event => {
    event.preventDefault();
    message.textContent = "";
    submit.disabled = true;
    try {
      const id = await signAndSubmit({ kind: kind.value, licence: licence.value, text: text.value, file: file.files[0], contentUri: uri.value.trim() });
      location.hash = `#/contribute/${id}`;
    } catch (error) {
      message.textContent = `Not submitted: ${error.shortMessage ?? error.message}`;
    } finally {
      submit.disabled = false;
    }
  });

  main.append(
    h("h1", { id: "contribute-title" }, "Contribute"),
    h("p", {}, "Your wallet signs what you contribute (EIP-712, readable in the wallet before you sign); the content's hash is computed in this page."),
    form, progress);
  return watchId ? watch(watchId, progress) : null;
}

/** Signs a version-2 Contribution of the text or file with the connected wallet and submits it; returns its id. */
export async function signAndSubmit({ kind, licence, text, file, contentUri }) {
  const content = file ? new Uint8Array(await file.arrayBuffer()) : new TextEncoder().encode(text);
  if (content.length === 0) throw new Error("type some text or pick a file");
  const bytes = salted(content);
  if (!contentUri) throw new Error("the content URI is required");
  const signer = await wallet.signer(); // switches or adds the configured chain first
  const chain = await chainInfo();
  if (!chain) throw new Error("the chain-bridge has not found its contracts yet");
  const domain = { name: "CommunityAI", version: "2", chainId: Number(config.chainId), verifyingContract: chain.anchorContract };
  const value = {
    contributor: await signer.getAddress(),
    kind,
    contentHash: await contentHash(bytes),
    contentUri,
    licence,
    nonce: BigInt(Date.now()),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
  };
  const carried = bytes.length <= inlineLimit
    ? { content: base64(bytes) }
    : { upload: await upload(signer, domain, bytes, value.contentHash) };
  const signature = await signer.signTypedData(domain, types, value);
  const answer = await postJson("/api/contributions", {
    ...value, nonce: value.nonce.toString(), deadline: value.deadline.toString(), signature, ...carried,
  });
  return answer.id;
}

/** Opens a signed upload in parts for the salted bytes, sends every part, and returns the upload's id. */
async function upload(signer, domain, bytes, contentHash) {
  const parts = [];
  for (let i = 0; i < bytes.length; i += partSize) parts.push(bytes.subarray(i, i + partSize));
  const digests = await Promise.all(parts.map(async part => new Uint8Array(await crypto.subtle.digest("SHA-256", part))));
  const joined = new Uint8Array(digests.length * 32);
  digests.forEach((d, i) => joined.set(d, i * 32));
  const hex = d => "0x" + Array.from(d, b => b.toString(16).padStart(2, "0")).join("");
  const value = {
    contributor: await signer.getAddress(),
    contentHash,
    size: BigInt(bytes.length),
    partSize,
    partsHash: hex(new Uint8Array(await crypto.subtle.digest("SHA-256", joined))),
    nonce: BigInt(Date.now()),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
  };
  const signature = await signer.signTypedData(domain, uploadTypes, value);
  const opened = await postJson("/api/uploads", {
    ...value, size: value.size.toString(), nonce: value.nonce.toString(), deadline: value.deadline.toString(),
    partHashes: digests.map(hex), signature,
  });
  for (const [index, part] of parts.entries()) {
    const response = await fetch(`/api/uploads/${opened.uploadId}/parts/${index}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "content-digest": `sha-256=:${base64(digests[index])}:`, accept: "application/json" },
      body: part,
    });
    if (!response.ok) throw new Error(`part ${index + 1} of ${parts.length} was refused (HTTP ${response.status}): ${(await response.text()).slice(0, 300)}`);
  }
  return opened.uploadId;
}

// The stored bytes begin with a random salt line (CommunityAI.Formats.ContentSalt), so the public hash of a short text
// cannot be guessed by hashing candidates; the signed hash is over the salted bytes.
function salted(content) {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const hex = Array.from(salt, (b) => b.toString(16).padStart(2, "0")).join("");
  const line = new TextEncoder().encode(`communityai-salt:${hex}\n`);
  const bytes = new Uint8Array(line.length + content.length);
  bytes.set(line, 0);
  bytes.set(content, line.length);
  return bytes;
}

function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// Until anchored the status moves by the second; after, what can still change (an appeal and its decision, a gain credit,
// an invalidation, the appeal window closing) changes in minutes, so a visible page asks every half minute and at once
// when it is shown or focused again; a hidden tab asks nothing.
const fastRefresh = 1000, slowRefresh = 30_000;

/**
 * Follows the contribution's view (a projection of the history): every second until it is anchored, then slowly for as
 * long as the page is visible. Whether its score may be appealed is quality-scoring's answer, asked again when the view
 * changes and at the slow cadence (a window closes without any event).
 */
function watch(id, section) {
  let stopped = false, running = false, timer = null, lastTick = 0, anchored = false, looksAfterAnchored = 0;
  const list = h("ol", { class: "steps", "aria-label": "Progress" });
  const live = h("p", { id: "status", role: "status", "aria-live": "polite" }, "Waiting for the contribution…");
  const details = h("div");
  const appeal = h("section", { id: "appeal", "aria-labelledby": "appeal-title" });
  section.replaceChildren(h("h2", { id: "progress-title" }, "Your contribution"), h("p", {}, "Id: ", hash(id)), list, live, details, appeal);
  // The appeal part is drawn again only when what it depends on changes, so a reason being typed is never wiped.
  let latest = null, drawn = "", asked = "", askedAt = 0, standing = null, asking = 0;
  const drawAppeal = async () => {
    const view = latest;
    if (!view) return;
    const connected = wallet.account();
    const appellant = connected ?? view.contributor;
    // Whether a wallet is connected matters even when it is the contributor's: only then is the form drawn.
    const key = `${view.score}|${view.appeal?.appealId}|${view.appeal?.outcome}|${view.appeal?.rewardAdjustment}|${view.invalidation?.proposalId}|${appellant}|${connected != null}`;
    if (view.score != null && (key !== asked || Date.now() - askedAt >= slowRefresh)) {
      const mine = ++asking;
      const answer = await getJson(`/api/appeals/standing?contributionId=${id}&appellant=${appellant}`)
        .catch(error => ({ failed: error.message }));
      if (mine !== asking || stopped) return; // a newer question was asked meanwhile
      [standing, asked, askedAt] = [answer, key, Date.now()];
    }
    const full = `${key}|${standing?.mayAppeal}|${standing?.refusal}|${standing?.failed}`;
    if (full === drawn) return;
    drawn = full;
    // Focus inside the part being replaced (on the filed appeal's message, say) moves to its new heading, not the page's top.
    const hadFocus = appeal.contains(document.activeElement);
    renderAppeal(id, view, view.score == null ? null : standing, appeal);
    if (hadFocus) appeal.querySelector("h3")?.focus();
  };
  const unsubscribe = wallet.onChange(drawAppeal);

  const tick = async () => {
    clearTimeout(timer);
    if (stopped || running) return;
    running = true;
    lastTick = Date.now();
    try {
      const view = await getJson(`/api/contributions/${id}`);
      if (view) {
        const reached = steps.indexOf(view.status);
        const items = steps.map((s, i) => h("li", { class: i <= reached ? "done" : null, "aria-current": i === reached ? "step" : null }, s));
        if (list.children.length !== items.length || items.some((item, i) => !item.isEqualNode(list.children[i]))) list.replaceChildren(...items);
        if (live.textContent !== `Status: ${view.status}`) live.textContent = `Status: ${view.status}`;
        // Replaced only when it changed, so a slow refresh neither moves a reader's focus nor repeats it to a screen reader.
        if (reached >= 1) {
          const card = await explain(id, view);
          if (!card.isEqualNode(details.firstChild)) details.replaceChildren(card);
        }
        latest = view;
        // Settled once anchored and the card names the reward policy that priced it: the view can say "anchored" a
        // moment before that part is written, and the slow cadence would then show "not yet" for half a minute. At most
        // 30 more quick looks, so a view that never gets it does not keep the page asking every second.
        if (view.status === "anchored" && (view.explanation?.rewardPolicyVersion != null || ++looksAfterAnchored > 30)) anchored = true;
        await drawAppeal();
      }
    } catch (error) {
      live.textContent = `Could not read the status: ${error.message}`;
    } finally {
      running = false;
    }
    if (!stopped && (!anchored || document.visibilityState === "visible")) timer = setTimeout(tick, anchored ? slowRefresh : fastRefresh);
  };
  // Back on the page (another tab, the wallet's window): ask now rather than at the next slow tick, at most every few seconds.
  // The standing is asked again too: it may have changed with nothing in the view yet (an appeal just filed elsewhere).
  const onReturn = () => {
    if (anchored && document.visibilityState === "visible" && Date.now() - lastTick > 3000) { askedAt = 0; tick(); }
  };
  document.addEventListener("visibilitychange", onReturn);
  window.addEventListener("focus", onReturn);
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
    document.removeEventListener("visibilitychange", onReturn);
    window.removeEventListener("focus", onReturn);
  };
}

/** The settlement's slashes: each overturned first-round reviewer, what it lost, and a link to its account's journal. */
function slashes(list) {
  if (list.length === 0) return h("span", { id: "appeal-slashes" }, "none: no first-round review was overturned");
  return h("ul", { id: "appeal-slashes" }, list.map(s => h("li", {},
    h("a", { href: `#/account/${s.validator}`, "aria-label": `Account of the slashed reviewer ${s.validator}` }, hash(s.validator)),
    ` lost ${formatUnits(BigInt(s.amount), 18)} tokens`)));
}

// Why a score cannot be appealed, said plainly for each refusal quality-scoring's standing gives (AppealDesk.Standing);
// its own words follow, so a refusal added there is still explained here.
const refusals = {
  "Unknown contribution": "Scoring has not received this contribution yet.",
  "Not on the case": "Only the contributor or a validator that reviewed its first round can appeal this score, and the connected wallet is neither.",
  "Already audited": "This score cannot be appealed: the scoring policy drew the contribution for an audit, and a contribution has one second round.",
  "Already appealed": "This score cannot be appealed again: it was appealed already, and a contribution is appealed once.",
  Invalidated: "This score can no longer be appealed: a passed governance proposal invalidated the contribution and its rewards are taken back (above).",
  "Not scored yet": "The score is not final yet; it can be appealed once it is.",
  "Not appealable": "This score cannot be appealed: it was decided without validators' reviews (a duplicate, or no validator to draw), so there is no first round for a second to revisit.",
  "Appeal window closed": "This score can no longer be appealed: the time to appeal it is over.",
  "No review revealed": "This score cannot be appealed from this wallet: it revealed no review in the first round.",
  "Not admitted": "This score cannot be appealed from this wallet: the validator is no longer admitted.",
};

/** The refusal as a sentence, its title and the service's detail; an invalidation links its proposal. */
function refusal(view, standing) {
  const proposal = standing.refusal === "Invalidated" ? view.invalidation?.proposalId : null;
  return h("p", { id: "appeal-closed" },
    refusals[standing.refusal] ?? "This score cannot be appealed now.",
    proposal ? h("span", {}, " Proposal: ", h("a", { href: `#/governance/${proposal}`, "aria-label": `Invalidating proposal ${proposal}` }, hash(proposal)), ".") : null,
    ` (${standing.refusal}: ${standing.detail}.)`);
}

/**
 * The contributor's appeal of the score: a signed version-2 Appeal with a public reason, answered by a second round of
 * fresh validators whose consensus decides the final score. Anyone sees an appeal's state. Whether the score may be
 * appealed is quality-scoring's answer for the connected wallet, or the contributor when none is connected
 * (GET /api/appeals/standing, the rules the filing applies), never a copy of those rules here; only a wallet it allows
 * gets the form.
 */
function renderAppeal(id, view, standing, section) {
  const title = h("h3", { id: "appeal-title", tabindex: -1 }, "Appeal");
  if (view.score == null) return section.replaceChildren();
  const parts = [title];
  if (view.appeal) {
    const a = view.appeal;
    // An audit is nobody's appeal: the scoring policy drew the case for a second round after it closed, at random, or
    // targeted it because one of its reviewers leans toward or against this contributor case after case (reason lean).
    const audit = a.role === "audit";
    const targeted = audit && a.reason === "lean";
    if (audit) title.textContent = targeted ? "Targeted audit" : "Random audit";
    const state = a.outcome == null ? `${targeted ? "targeted by the scoring policy's lean rule" : audit ? "drawn by the scoring policy's random audit" : "filed"}; a second round of validators is reviewing it`
      : { changed: `decided: the score is now ${a.finalScore}`, upheld: `decided: the score ${a.finalScore ?? a.firstScore} stands`,
          "no-quorum": "closed: too few of the second round revealed, so the first score stands" }[a.outcome] ?? a.outcome;
    parts.push(facts([
      [audit ? "Audit" : "Appeal", h("span", { id: "appeal-state" }, state)],
      ["Asked by", { contributor: "the contributor", reviewer: "a first-round reviewer", audit: targeted
        ? "nobody: a first-round reviewer's reviews of this contributor sat far from the consensus, case after case"
        : "nobody: a share of scored cases set by the scoring policy is re-reviewed at random" }[a.role ?? "contributor"] ?? a.role],
      ...(audit ? [] : [["Reason", a.reason || "—"]]), ["Score under review", String(a.firstScore)],
      ["Appeal id", hash(a.appealId)],
      // The ledger's settlement: what the final score changed in the reward (the reward above stays the first credit).
      ...(a.rewardAdjustment == null ? [] : [["Reward adjustment", h("span", { id: "appeal-adjustment" },
        `${BigInt(a.rewardAdjustment) > 0n ? "+" : ""}${formatUnits(BigInt(a.rewardAdjustment), 18)} tokens (epoch ${a.settlementEpoch})`)]]),
      // First-round reviews the second round overturned cost their reviewers a share of the case's pool (an audit's or a
      // reviewer's appeal; a contributor's appeal slashes nobody). Each links to the reviewer's account, where it is journalled.
      ...(a.rewardAdjustment == null || a.role === "contributor" || a.role == null ? [] : [["Reviewers slashed", slashes(a.slashes ?? [])]])]));
  }
  if (standing == null) return section.replaceChildren(...parts);
  if (standing.failed)
    return section.replaceChildren(...parts, h("p", { id: "appeal-closed" }, `Could not ask the scoring service whether this score may be appealed: ${standing.failed}`));
  if (!standing.mayAppeal) return section.replaceChildren(...parts, refusal(view, standing));
  const closes = new Date(standing.appealClosesAt).toLocaleString();
  if (!wallet.account())
    return section.replaceChildren(...parts, h("p", { id: "appeal-open" },
      `The contributor can appeal this score, once, until ${closes}, by connecting their wallet here.`));
  const [reasonField, reason] = field("Why the score is wrong", h("textarea", { name: "reason", maxlength: 1000, required: true }),
    "Public, in the history, at most 1,000 characters. Five validators who did not review it the first time decide.");
  const status = h("p", { id: "appeal-message", role: "status", tabindex: -1 });
  const submit = h("button", { type: "submit" }, "Sign and appeal");
  const form = h("form", { "aria-labelledby": "appeal-title" }, reasonField, submit, status);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = "Sign the appeal in your wallet…";
    try {
      const body = await sign("Appeal", appellant => ({ appellant, contributionId: id, reason: reason.value.trim() }));
      const filed = await postJson("/api/appeals", body);
      status.textContent = `Appeal filed: ${filed.reviewers.length} validators drawn, a quorum of ${filed.quorum}; their reviews close at ${new Date(filed.windowClosesAt).toLocaleString()}.`;
      form.querySelector("textarea").disabled = true;
    } catch (error) {
      status.textContent = `Not appealed: ${error.shortMessage ?? error.message}`;
      submit.disabled = false;
    }
    status.focus();
  });
  const invite = standing.role === "reviewer"
    ? `Scored ${view.score}. You reviewed its first round: if you think the consensus is wrong, you may ask for a second round, once, until ${closes}.`
    : `Scored ${view.score}. If you think that is wrong, ask for a second review, once, until ${closes}.`;
  section.replaceChildren(...parts, h("p", { id: "appeal-open" }, invite), form);
}

/** Token base units as tokens, without a sign: each row says whether they were credited or taken back. */
const tokens = units => { const value = BigInt(units); return formatUnits(value < 0n ? -value : value, 18); };
const points = credit => (credit.gainBasisPoints / 100).toFixed(2);

// A credit paid for a measured gain as one row: what it paid, for what, in which epoch, and what an invalidation took back.
const measuredCredit = (label, id, credit, paidFor) => credit == null ? [] : [[label, h("span", { id },
  `${tokens(credit.amount)} tokens for ${paidFor(credit)} (epoch ${credit.epoch})`
  + (credit.reversal == null ? "" : `; taken back: ${tokens(credit.reversal)} tokens (epoch ${credit.reversalEpoch}), as the contribution was invalidated`))]];

const componentNames = {
  automatedScore: "Automated checks' score",
  automatedWeight: "Weight of the automated checks (%)",
  consensusScore: "Validators' consensus score",
  consensusVerdict: "Validators' verdict",
  flags: "Flags",
  duplicateOf: "Duplicate of",
  nearDuplicateOf: "Near duplicate of",
  nearDuplicateSimilarity: "Similarity to the near duplicate",
};

/** The score explained: its components, the reviews the consensus used and both policy versions; then the reward. */
async function explain(id, view) {
  const scoring = await getJson(`/api/scoring/${id}`).catch(() => null);
  // Under appeal the case reads as its second round, not scored yet: the score shown is still the first round's, explained.
  const scored = scoring?.scored ?? scoring?.first?.scored;
  const invalidation = view.invalidation;
  const components = Object.entries(scored?.components ?? {})
    .map(([k, v]) => [componentNames[k] ?? k, v == null ? "—" : Array.isArray(v) ? v.join(", ") || "none" : typeof v === "object" ? JSON.stringify(v) : String(v)]);
  return h("div", { class: "card", id: "score" },
    h("h3", {}, `Score ${view.score ?? scored?.score ?? "—"}`),
    facts([
      ["Scoring policy", scored?.policyVersion],
      // The reward policy that priced it, once credited: both rule sets a score and its reward came from are named.
      ["Reward policy", h("span", { id: "reward-policy" }, view.explanation?.rewardPolicyVersion ?? "not yet")],
      ["Fallback", scored?.fallback ?? "none: validators' consensus or automated checks"],
      ...components,
      ["Reviews used", String(scored?.reviews?.length ?? 0)],
      // Each review once revealed (sealed until its round closed): who, what it said, and whether the consensus clipped it.
      ...(scored?.reviews?.length ? [["Reviews", h("ul", { id: "reviews" }, scored.reviews.map(r => h("li", {},
        hash(r.validator),
        `: ${r.score} (${r.verdict})${r.clipped ? ", clipped: beyond the clipping distance, it did not count" : ""}`)))]] : []),
      // The reward stays the first credit in the view; what an invalidation took back is said beside it, not netted.
      ["Reward", h("span", { id: "reward" }, view.reward == null ? "not yet" : `${tokens(view.reward)} tokens (epoch ${view.epoch})`
        + (invalidation?.rewardAdjustment == null ? "" : `; taken back in epoch ${invalidation.adjustmentEpoch} (invalidated, below)`))],
      // A contributed model that became champion is also paid by its measured gain (a credit of its own), in accuracy points
      // over the champion on the private split; new data or feedback by its share of what its batch added. An invalidation
      // takes either back too.
      ...measuredCredit("Model gain reward", "gain-reward", view.gain,
        g => `${points(g)} percentage points of accuracy gained over the champion`),
      ...measuredCredit("Data value reward", "data-value-reward", view.dataValue,
        d => `${d.examples} of the ${d.batchExamples} new ${d.batch} texts that added ${points(d)} percentage points of accuracy`),
      // A passed contribution-invalidation takes the rewards back; claims already published never go down, later earnings
      // pay the debt first.
      ...(invalidation == null ? [] : [["Invalidated", h("span", { id: "invalidation" },
        "by proposal ", h("a", { href: `#/governance/${invalidation.proposalId}`, "aria-label": `Proposal ${invalidation.proposalId}` }, hash(invalidation.proposalId)),
        // The reason is the proposer's own words, quoted as signed.
        `, because: “${invalidation.reason}”`,
        invalidation.rewardAdjustment == null ? "" : ` Reward: ${tokens(invalidation.rewardAdjustment)} tokens taken back (epoch ${invalidation.adjustmentEpoch}).`
          + " Tokens already in a published claim stay claimable; later earnings pay the debt first.")]]),
      ["Log index", view.logIndex == null ? "—" : h("a", { href: `#/explorer/${view.logIndex}` }, `${view.logIndex}: verify in the explorer`)],
    ]));
}

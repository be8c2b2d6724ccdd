// A policy proposal's payload beside the policy in force, setting by setting: what a vote would change, not two
// documents to compare by eye. Used by the governance page.
import { getJson } from "../api.js";
import { h, table } from "../dom.js";

// The record's own members, not settings a proposal could name: when and by which vote the policy in force was made.
const record = new Set(["publishedAt", "proposalId", "effectiveFromEpoch", "reviewWindow", "activatedAt"]);

// Where each service serves the policy a proposal of that kind would replace (same origin, through the portal).
const inForceAt = { "reward-policy": "/api/policies/current", "scoring-policy": "/api/scoring/policy", "governance-parameters": "/api/proposals/parameters" };

/** The diff for a policy proposal, or the payload as JSON for any other kind (an admission, an invalidation…). */
export async function payloadDiff(proposal) {
  const whole = JSON.stringify(proposal.payload, null, 2);
  const source = inForceAt[proposal.kind];
  if (!source) return h("pre", { id: "payload" }, whole);
  const raw = h("details", {}, h("summary", {}, "The whole proposed document"), h("pre", { id: "payload" }, whole));
  const current = await getJson(source).catch(() => null);
  if (!current)
    return h("div", { id: "payload-diff" }, h("p", {}, "The policy in force could not be read, so the change cannot be shown beside it."), raw);
  const inForce = flatten(comparable(proposal.kind, current)), proposed = flatten(proposal.payload);
  const settings = Object.keys(proposed).sort();
  const changed = settings.filter(s => inForce[s] !== proposed[s]);
  const summary = changed.length === 0
    ? "It changes nothing: every setting it names is already in force."
    : `It changes ${changed.length} of the ${settings.length} settings it names; the other ${settings.length - changed.length} stay as they are.`;
  // A setting in force that the document leaves out takes the policy's default when it activates: said, not hidden.
  const omitted = Object.keys(inForce).filter(s => !(s in proposed) && !record.has(s.split(".")[0]) && inForce[s] !== "not set").sort();
  return h("div", { id: "payload-diff" },
    h("p", {}, summary),
    omitted.length ? h("p", { id: "payload-omitted" }, "It leaves out ", omitted.map((s, i) => [i ? ", " : "", h("code", {}, s), ` (in force: ${inForce[s]})`]).flat(),
      ": each takes the policy's default.") : null,
    changed.length ? table(`What this proposal changes in the ${proposal.kind.replace("-", " ")} in force (version ${current.version})`,
      ["Setting", "In force", "Proposed"],
      changed.map(s => [h("code", {}, s), inForce[s] ?? "not set", h("strong", { "data-setting": s }, proposed[s])])) : null,
    raw);
}

/** The document in force in the payload's terms: a scoring policy is served with its review window as a duration. */
function comparable(kind, policy) {
  if (kind !== "scoring-policy" || typeof policy.reviewWindow !== "string") return policy;
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(policy.reviewWindow);
  if (!m) return policy;
  const [days, hours, minutes, seconds] = m.slice(1).map(n => Number(n ?? 0));
  return { ...policy, reviewWindowSeconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds };
}

/** Nested members as dotted paths ("basePerKind.data"), each value as text; lists stay whole. */
function flatten(value, prefix = "", out = {}) {
  for (const [key, member] of Object.entries(value ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (member && typeof member === "object" && !Array.isArray(member)) flatten(member, path, out);
    else out[path] = member == null ? "not set" : typeof member === "string" ? member : JSON.stringify(member);
  }
  return out;
}

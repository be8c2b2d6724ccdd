// Explorer: the log's head, checked in this page to extend the tree head the HistoryAnchor contract holds (read from the
// chain itself), its latest entries, a contribution's events, and any entry's inclusion proof checked against that head.
import { chainInfo, config, getJson } from "../api.js";
import { anchoredHead } from "../chain.js";
import { facts, field, h, hash, table } from "../dom.js";
import { checkConsistency, fromHex, leafHash, rootFromInclusionProof, toHex } from "../merkle.js";
import { verifyCheckpoint } from "../note.js";

const PageSize = 20;

export default async function explorer(main, [selected]) {
  const heads = h("section", { "aria-labelledby": "heads-title" }, h("h2", { id: "heads-title" }, "Tree heads"), h("p", {}, "Loading…"));
  const [lookupField, lookup] = field("Contribution id or log index", h("input", { name: "lookup", autocomplete: "off", value: selected ?? "" }));
  const found = h("section", { id: "lookup-result", "aria-live": "polite" });
  const verdict = h("section", { id: "verdict", "aria-live": "polite", "aria-label": "Proof check" });
  const entries = h("section", { "aria-labelledby": "entries-title" }, h("h2", { id: "entries-title" }, "Latest entries"));
  const form = h("form", { role: "search", "aria-label": "Find in the log" }, lookupField, h("button", { type: "submit" }, "Find"));
  form.addEventListener("submit", event => {
    event.preventDefault();
    show(lookup.value.trim(), found, verdict);
  });
  main.append(h("h1", {}, "Explorer"),
    h("p", {}, "Every event of the history is an entry of an RFC 9162 Merkle log. Checking an entry recomputes its proof here, with your browser's SHA-256, against the root anchored on chain — read from ",
      h("code", {}, config.chainRpcUrl), ", not from our API."),
    heads, form, verdict, found, entries);

  const chain = await chainInfo().catch(() => null);
  // The chain first: a head anchored between the two reads is then never larger than the head read after it.
  const anchored = chain ? await anchoredHead(chain.anchorContract).catch(error => ({ error })) : { error: new Error("no contracts yet") };
  const head = await getJson("/api/log/head");
  heads.replaceChildren(h("h2", { id: "heads-title" }, "Tree heads"), facts([
    ["Log head (our API)", h("span", { id: "log-head" }, `${head.treeSize} entries, root `, hash(head.rootHash))],
    ["Anchored on chain", h("span", { id: "anchored-head" }, ...(anchored.error
      ? [`unavailable: ${anchored.error.message}`]
      : [`${anchored.treeSize} entries, root `, hash(anchored.rootHash)]))],
    ["HistoryAnchor", chain ? hash(chain.anchorContract) : "—"],
    ["Consistent with the chain", await consistency(head, anchored)],
    ["Signed and witnessed", await witnessed()],
  ]));

  const start = Math.max(0, head.treeSize - PageSize);
  const page = (await getJson(`/api/log/entries?start=${start}&end=${head.treeSize}`)) ?? [];
  entries.append(table("The newest entries of the log", ["Index", "Type", "Stream", "Proof"], page.reverse().map(e => {
    const envelope = JSON.parse(e.entry);
    return [String(e.index), envelope.type ?? "", h("code", { class: "hash" }, envelope.stream ?? ""),
      h("button", { type: "button", class: "secondary", "aria-label": `Verify entry ${e.index}`, onclick: () => verify(e.index, verdict) }, "Verify")];
  })));

  if (selected) await show(selected, found, verdict);
}

/**
 * Whether the log our API shows extends the head anchored on chain: a consistency proof from the anchored size to the
 * served head, checked here against the root read from the chain. A log rewritten since its anchor, or a different log
 * shown to this visitor than to others, fails here, in anyone's browser.
 */
async function consistency(head, anchored) {
  const say = (ok, text) => h("span", { id: "consistency", "data-consistent": String(ok), role: ok ? null : "alert" },
    h("span", { class: ok ? "ok" : "bad" }, ok ? "✔ " : "✘ "), text);
  if (anchored.error) return say(false, "not checked: no tree head is anchored on chain yet");
  if (anchored.treeSize === 0n) return say(true, "nothing anchored yet, so nothing to contradict");
  const size = BigInt(head.treeSize);
  if (size < anchored.treeSize)
    return say(false, `the log served here has ${size} entries, fewer than the ${anchored.treeSize} anchored on chain: entries were removed`);
  try {
    const proof = await getJson(`/api/log/proof/consistency?first=${anchored.treeSize}&second=${size}`);
    await checkConsistency(anchored.treeSize, size, fromHex(anchored.rootHash), fromHex(head.rootHash), proof.proof.map(fromHex));
    return say(true, `the ${size} entries served here extend the ${anchored.treeSize} anchored on chain (consistency proof checked in your browser)`);
  } catch (error) {
    return say(false, `the log served here does not extend the head anchored on chain: it was rewritten, or you are shown a different log than others (${error.message})`);
  }
}

/**
 * The log's signed checkpoint (`/checkpoint`), checked here: the log's Ed25519 signature under the key this portal is
 * configured with, and the cosignatures of the known witnesses, of which `witnessesRequired` must have verified this very
 * head. Witnesses each check that a head extends every head they saw before, so a head enough of them cosigned is the
 * one everybody is shown, not a view made for this visitor.
 */
async function witnessed() {
  const say = (state, text) => h("span", { id: "witnessed", "data-witnessed": state, role: state === "false" ? "alert" : null },
    h("span", { class: state === "true" ? "ok" : "bad" }, { true: "✔ ", false: "✘ " }[state] ?? "· "), text);
  if (!config.logKey) return say("unchecked", "not checked: this portal is not configured with the log's key");
  const required = config.witnessesRequired ?? 0;
  const known = config.witnessKeys ?? [];
  try {
    const response = await fetch("/checkpoint", { headers: { accept: "text/plain" } });
    if (!response.ok) return say("false", `the log serves no signed checkpoint (${response.status})`);
    const checkpoint = await verifyCheckpoint(await response.text(), config.logKey, known);
    const who = checkpoint.witnesses.length ? ` (${checkpoint.witnesses.join(", ")})` : "";
    const at = `signed by ${checkpoint.origin} at ${checkpoint.treeSize} entries`;
    if (checkpoint.witnesses.length < required)
      return say("false", `${at}, but cosigned by ${checkpoint.witnesses.length} of the ${required} known witnesses required${who}: this head may be one shown only to you`);
    return say("true", `${at}; cosigned by ${checkpoint.witnesses.length} of ${known.length} known witnesses${who}${required ? `, ${required} required` : ""} (checked in your browser)`);
  } catch (error) {
    return say("false", `the checkpoint served here does not verify: ${error.message}`);
  }
}

/** A log index, or a contribution id whose events are then listed (from its own entry to at most 1,000 entries on). */
async function show(query, found, verdict) {
  found.replaceChildren();
  if (/^\d+$/.test(query)) return verify(Number(query), verdict);
  if (!/^0x[0-9a-fA-F]{64}$/.test(query)) {
    found.append(h("p", { role: "alert" }, "Enter a log index (a number) or a contribution id (0x and 64 hex digits)."));
    return;
  }
  const view = await getJson(`/api/contributions/${query}`);
  if (!view || view.logIndex == null) {
    found.append(h("p", { role: "alert" }, "No such contribution in the log yet."));
    return;
  }
  const head = await getJson("/api/log/head");
  const page = (await getJson(`/api/log/entries?start=${view.logIndex}&end=${Math.min(head.treeSize, view.logIndex + 1000)}`)) ?? [];
  const id = query.toLowerCase();
  const events = page.filter(e => e.entry.toLowerCase().includes(id));
  found.append(h("h2", {}, "The contribution's events"), table(`Events of contribution ${query}`, ["Index", "Type", "Proof"], events.map(e => [
    String(e.index), JSON.parse(e.entry).type ?? "",
    h("button", { type: "button", class: "secondary", "aria-label": `Verify entry ${e.index}`, onclick: () => verify(e.index, verdict) }, "Verify")])));
  await verify(view.logIndex, verdict);
}

/**
 * Verifies entry `index`: leaf hash computed here from the entry's bytes, root recomputed here from the audit path, and
 * compared with the root the HistoryAnchor contract holds. Says which step failed when one does.
 */
export async function verify(index, section) {
  const say = (ok, title, details) => section.replaceChildren(h("div", { class: "card", id: "proof-result", "data-verified": String(ok) },
    h("h2", {}, h("span", { class: ok ? "ok" : "bad" }, ok ? "✔ " : "✘ "), title), facts(details)));
  section.replaceChildren(h("p", { role: "status" }, `Checking entry ${index}…`));
  try {
    const chain = await chainInfo();
    const anchored = await anchoredHead(chain.anchorContract);
    const i = BigInt(index);
    if (i >= anchored.treeSize)
      return say(false, "Not anchored yet", [["Entry", String(index)], ["Anchored tree size", String(anchored.treeSize)], ["What failed", "the chain holds no tree head that includes this entry yet; try again after the next anchor"]]);
    const [entry] = (await getJson(`/api/log/entries?start=${index}&end=${index + 1}`)) ?? [];
    if (!entry) return say(false, "Entry not served", [["Entry", String(index)], ["What failed", "the log API did not serve this entry"]]);
    const leaf = await leafHash(entry.entry);
    const proof = await getJson(`/api/log/proof/inclusion?index=${index}&treeSize=${anchored.treeSize}`);
    const computed = toHex(await rootFromInclusionProof(i, anchored.treeSize, leaf, proof.auditPath.map(fromHex)));
    const rows = [
      ["Entry", String(index)],
      ["Leaf hash (computed here)", hash(toHex(leaf))],
      ["Root (computed here)", hash(computed)],
      ["Root anchored on chain", hash(anchored.rootHash)],
      ["Anchored tree size", String(anchored.treeSize)],
      ["Read from", `${config.chainRpcUrl}, contract ${chain.anchorContract}`],
    ];
    if (computed !== anchored.rootHash)
      return say(false, "Not verified: the proof does not lead to the anchored root",
        [...rows, ["What failed", "the entry or its audit path differs from what was anchored: the root recomputed from them is not the one on chain"]]);
    say(true, "Verified in your browser", rows);
  } catch (error) {
    say(false, "Not verified", [["Entry", String(index)], ["What failed", error.message]]);
  }
}

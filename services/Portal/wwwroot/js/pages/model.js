// The community model: the model served now with everything its ModelTrained records (snapshots, code, settings,
// counts, held-out accuracy, model hash); a prediction anyone can try without a wallet; and feedback on that prediction,
// signed by the wallet as a `feedback` contribution through the contribute flow (README, "The community model").
import { getJson, postJson } from "../api.js";
import { facts, field, h, hash, table } from "../dom.js";
import { signAndSubmit } from "./contribute.js";
import * as wallet from "../wallet.js";

const percent = basisPoints => `${(basisPoints / 100).toFixed(2)} %`;
// Feedback is a judgement of the model's answer: offered to the public domain, a licence every model round accepts.
const feedbackLicence = "CC0-1.0";

export default async function model(main) {
  const current = h("section", { class: "card", id: "model", "aria-labelledby": "model-title" });
  const trial = h("section", { class: "card", id: "try", "aria-labelledby": "try-title" });
  const history = h("section", { class: "card", id: "rounds", "aria-labelledby": "rounds-title" });
  const lineage = h("section", { class: "card", id: "lineage", "aria-labelledby": "lineage-title" });
  main.append(h("h1", {}, "Community model"),
    h("p", {}, "A text classifier the community trains from its own scored, labelled contributions. Every training round is a public ",
      h("code", {}, "ModelTrained"), " fact in the history: what it learned from, with which code and settings, and how well it did on examples it never saw."),
    current, trial, history, lineage);
  const trained = await getJson("/api/model").catch(error => ({ error }));
  if (trained?.error) {
    current.replaceChildren(h("h2", { id: "model-title" }, "The model served now"),
      h("p", { role: "alert" }, `The model is unavailable: ${trained.error.message}`));
    return null;
  }
  renderModel(current, trained);
  renderTrial(trial, trained);
  await renderRounds(history);
  await renderLineage(lineage, trained);
  return null;
}

/**
 * Every round over time, from the history's ModelTrained, ModelEvaluated and DataValued facts: how each model did on its
 * period's private split, whether it measured a gain over the champion of its day (only then is it served), and what the
 * round's new data and feedback were worth to it.
 */
async function renderRounds(section) {
  const title = h("h2", { id: "rounds-title" }, "Rounds over time");
  const rounds = await getJson("/api/model/trainings?limit=50").catch(() => null);
  if (!rounds?.length) {
    section.replaceChildren(title, h("p", {}, "No round yet."));
    return;
  }
  const oldestFirst = [...rounds].reverse();
  section.replaceChildren(title,
    h("p", {}, "Held-out accuracy of each round, oldest first; a filled point is a model that became the one served."),
    chart(oldestFirst),
    table("Training rounds, newest first", ["Trained at", "Model", "Contributions (data + feedback)", "Held-out accuracy", "Against the champion",
      "What the new contributions were worth"],
      rounds.map(({ trained: t, evaluated: e, valued: v }) => [
        new Date(t.trainedAt).toLocaleString(),
        h("code", { class: "hash" }, t.modelHash.slice(0, 18) + "…"),
        `${t.memberCount} + ${t.feedbackCount}`,
        percent(t.accuracyBasisPoints),
        verdict(e),
        worth(v),
      ])));
}

/** A round's DataValued in words: per batch, the accuracy points it added (or took away) on held-out examples it did not bring. */
const worth = v => !v ? "not measured (rounds before contracts 1.17)" : `${batch("data", v.data)}; ${batch("feedback", v.feedback)}`;
const batch = (name, b) => b.newCount === 0 ? `no new ${name}`
  : b.gainBasisPoints == null ? `${examples(b.newCount)} of new ${name}, nothing earlier to measure on`
  : `${examples(b.newCount)} of new ${name}: ${points(b.gainBasisPoints)} on ${examples(b.evaluatedCount)} it did not bring`;
const points = bp => `${bp < 0 ? "−" : "+"}${(Math.abs(bp) / 100).toFixed(2)} points`;

const examples = n => `${n} example${n === 1 ? "" : "s"}`;
const verdict = e => !e ? "not evaluated on a private split"
  : e.becameChampion
    ? (e.championModelHash ? `served: ${percent(e.challengerComparedBasisPoints)} against ${percent(e.championComparedBasisPoints)} on ${examples(e.comparedCount)} neither saw` : "served: the first model")
    : `not served: ${percent(e.challengerComparedBasisPoints)} against the champion's ${percent(e.championComparedBasisPoints ?? 0)} on ${examples(e.comparedCount)} neither saw`;

/** An accuracy line over the rounds, drawn as SVG (no library, no inline style). */
function chart(rounds) {
  const svg = (tag, attributes = {}) => {
    const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    return element;
  };
  const width = 600, height = 160, pad = 24;
  const x = i => pad + (rounds.length === 1 ? (width - 2 * pad) / 2 : i * (width - 2 * pad) / (rounds.length - 1));
  const y = basisPoints => height - pad - basisPoints * (height - 2 * pad) / 10_000;
  const figure = svg("svg", { id: "rounds-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "data-points": rounds.length,
    "aria-label": `Held-out accuracy of ${rounds.length} rounds, from ${percent(rounds[0].trained.accuracyBasisPoints)} to ${percent(rounds.at(-1).trained.accuracyBasisPoints)}` });
  for (const level of [0, 5_000, 10_000]) {
    figure.append(svg("line", { x1: pad, x2: width - pad, y1: y(level), y2: y(level), stroke: "#c8ccd2", "stroke-width": 1 }));
    const label = svg("text", { x: 2, y: y(level) + 4, "font-size": 10, fill: "#4a5260" });
    label.textContent = `${level / 100}%`;
    figure.append(label);
  }
  figure.append(svg("polyline", { fill: "none", stroke: "#0b57d0", "stroke-width": 2,
    points: rounds.map((r, i) => `${x(i)},${y(r.trained.accuracyBasisPoints)}`).join(" ") }));
  rounds.forEach((r, i) => figure.append(svg("circle", { cx: x(i), cy: y(r.trained.accuracyBasisPoints), r: 4, stroke: "#0b57d0", "stroke-width": 2,
    fill: r.evaluated?.becameChampion ? "#0b57d0" : "#ffffff" })));
  return figure;
}

/** Where the model served comes from: the contributions of its data snapshot, each a link to its events in the log. */
async function renderLineage(section, m) {
  const title = h("h2", { id: "lineage-title" }, "What the model served learned from");
  if (!m) {
    section.replaceChildren(title, h("p", {}, "No model yet."));
    return;
  }
  const snapshot = await getJson(`/api/datasets/${m.snapshotRoot}`).catch(error => ({ error }));
  if (snapshot?.error) {
    section.replaceChildren(title, h("p", { role: "alert" }, `The data snapshot is unavailable: ${snapshot.error.message}`));
    return;
  }
  section.replaceChildren(title,
    h("p", {}, `Data snapshot `, hash(m.snapshotRoot), ` taken by `, hash(snapshot.builder), ` at ${new Date(snapshot.snapshottedAt).toLocaleString()}: `,
      h("span", { id: "lineage-count" }, `${snapshot.memberCount} contributions`),
      ` of kind ${snapshot.kind}, scored at least ${snapshot.minScore}, under ${snapshot.licences}. Each one's events are in the explorer.`),
    table("Contributions in the data snapshot", ["Contribution", "Content hash"], snapshot.members.map(member => [
      h("a", { href: `#/explorer/${member.contributionId}` }, h("code", { class: "hash" }, member.contributionId)),
      hash(member.contentHash),
    ])));
}

function renderModel(section, m) {
  const title = h("h2", { id: "model-title" }, "The model served now");
  if (!m) {
    section.replaceChildren(title, h("p", {}, "No model has been trained yet: a round trains once labelled data contributions are scored."));
    return;
  }
  if (m.contributionId) {
    // A contributed ONNX model won the title: its evaluation stands where a training round would.
    section.replaceChildren(title, facts([
      ["Model hash", h("code", { class: "hash", id: "model-hash" }, m.modelHash)],
      ["Contributed as", h("a", { href: `#/explorer/${m.contributionId}` }, h("code", { class: "hash" }, m.contributionId))],
      ["Contributor", hash(m.contributor)],
      ["Contract", h("code", {}, m.contract)],
      ["Accuracy on the private split", h("span", { id: "model-accuracy", "data-basis-points": m.accuracyBasisPoints }, percent(m.accuracyBasisPoints))],
      ["Champion it replaced", m.championModelHash ? hash(m.championModelHash) : "none"],
      ["Its accuracy on the same examples", m.championAccuracyBasisPoints === null ? "none" : percent(m.championAccuracyBasisPoints)],
      ["Examples compared", String(m.comparedCount)],
      ["Labels", m.labels.join(", ")],
      ["Evaluated at", new Date(m.evaluatedAt).toLocaleString()],
    ]), h("p", { class: "hint" }, "An ONNX model a contributor submitted, run in a sandbox on private held-out examples contributed after it; it became champion on a real gain."));
    return;
  }
  const round = `model/${m.snapshotRoot}${m.feedbackSnapshotRoot ? `/${m.feedbackSnapshotRoot}` : ""}`;
  section.replaceChildren(title, facts([
    ["Model hash", h("code", { class: "hash", id: "model-hash" }, m.modelHash)],
    ["Round (history stream)", hash(round)],
    ["Trained at", new Date(m.trainedAt).toLocaleString()],
    ["Data snapshot root", hash(m.snapshotRoot)],
    ["Feedback snapshot root", m.feedbackSnapshotRoot ? hash(m.feedbackSnapshotRoot) : "none: no scored feedback yet"],
    ["Held-out accuracy", h("span", { id: "model-accuracy", "data-basis-points": m.accuracyBasisPoints }, percent(m.accuracyBasisPoints))],
    ["Macro accuracy (mean over labels)", percent(m.macroAccuracyBasisPoints)],
    ["Examples", h("span", { id: "model-counts" },
      `${m.memberCount} data and ${m.feedbackCount} feedback contributions; ${m.trainCount} trained on, ${m.heldOutCount} held out (${m.heldOutPercent} %), ${m.skippedCount} skipped`)],
    ["Labels", m.labels.join(", ")],
    ["Code version", h("code", {}, m.codeVersion)],
    ["Trainer", h("code", {}, m.trainer)],
    ["Seed", String(m.seed)],
    ["Trained by (dataset builder)", hash(m.builder)],
  ]), h("p", { class: "hint" }, "The same examples and settings give the same model hash and metrics: anyone holding the snapshots can check this round."));
}

/** Try it: a prediction from the model served now, then feedback on it. */
function renderTrial(section, m) {
  const title = h("h2", { id: "try-title" }, "Try it");
  if (!m) {
    section.replaceChildren(title, h("p", {}, "Predictions start once a model is trained."));
    return;
  }
  const [textField, text] = field("Text to classify", h("textarea", { name: "text", maxlength: 2000, required: true }),
    `A short community message; the model answers with one of: ${m.labels.join(", ")}. No wallet needed.`);
  const submit = h("button", { type: "submit" }, "Predict");
  const message = h("p", { id: "predict-message", role: "status", "aria-live": "polite" });
  const result = h("div", { id: "prediction-result" });
  const form = h("form", { "aria-labelledby": "try-title" }, textField, submit, message);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "Asking the model…";
    try {
      const prediction = await postJson("/api/model/predictions", { text: text.value });
      message.textContent = `The model says: ${prediction.label}`;
      result.replaceChildren(renderPrediction(prediction, m.labels));
    } catch (error) {
      message.textContent = `No prediction: ${error.message}`;
    } finally {
      submit.disabled = false;
    }
  });
  section.replaceChildren(title, form, result);
}

function renderPrediction(p, labels) {
  const byProbability = [...p.scores].sort((a, b) => b.probability - a.probability);
  return h("div", { class: "card", id: "prediction", "aria-labelledby": "prediction-title" },
    h("h3", { id: "prediction-title" }, "Prediction"),
    facts([
      ["Label", h("strong", { id: "predicted-label" }, p.label)],
      ["Prediction id", h("code", { class: "hash", id: "prediction-id" }, p.predictionId)],
      ["Answered by model", hash(p.modelHash)],
    ]),
    table("Every label's probability", ["Label", "Probability"], byProbability.map(s => [s.label, `${(s.probability * 100).toFixed(1)} %`])),
    feedbackForm(p, labels));
}

/**
 * Feedback on one prediction: the content is exactly {"predictionId","correct"} or {"predictionId","correct":false,"label"},
 * signed by the wallet as a `feedback` contribution. Once scored, the next round trains on the prediction's text with
 * the right label.
 */
function feedbackForm(p, labels) {
  const choices = h("fieldset", {}, h("legend", {}, "Was it right?"),
    [["yes", "Right"], ["no", "Wrong"]].map(([value, label]) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name: "correct", value, required: true }), ` ${label}`)));
  const others = labels.filter(l => l !== p.label);
  const [labelField, rightLabel] = field("The right label", h("select", { name: "label", disabled: true }, others.map(l => h("option", { value: l }, l))),
    "Only when the answer was wrong.");
  const [uriField, uri] = field("Content URI", h("input", { name: "contentUri", type: "url", required: true,
    value: `https://${location.host}/api/model/predictions/${p.predictionId}` }),
  "Where the feedback is published; by default the prediction it judges. Signed along with the feedback's hash.");
  const submit = h("button", { type: "submit" }, "Sign and send feedback");
  const message = h("p", { id: "feedback-message", role: "status", "aria-live": "polite" });
  const form = h("form", { "aria-labelledby": "feedback-title", id: "feedback" },
    h("h4", { id: "feedback-title" }, "Your feedback"),
    h("p", { class: "hint" }, `Sent as a signed feedback contribution (licence ${feedbackLicence}), scored like every contribution; once scored, the next training round learns from it.`),
    choices, labelField, uriField, submit, message);
  form.addEventListener("change", () => { rightLabel.disabled = form.querySelector("input[name=correct]:checked")?.value !== "no"; });
  form.addEventListener("submit", async event => {
    event.preventDefault();
    if (!wallet.account()) { message.textContent = "Connect a wallet first: feedback is a signed contribution."; return; }
    const correct = form.querySelector("input[name=correct]:checked")?.value === "yes";
    const content = correct ? { predictionId: p.predictionId, correct } : { predictionId: p.predictionId, correct, label: rightLabel.value };
    submit.disabled = true;
    message.textContent = "Waiting for your wallet…";
    try {
      const id = await signAndSubmit({ kind: "feedback", licence: feedbackLicence, text: JSON.stringify(content), contentUri: uri.value.trim() });
      message.replaceChildren("Feedback sent as contribution ", h("a", { href: `#/contribute/${id}`, id: "feedback-contribution", "data-id": id }, hash(id)),
        ": follow its score and reward.");
    } catch (error) {
      message.textContent = `Not sent: ${error.shortMessage ?? error.message}`;
      submit.disabled = false;
    }
  });
  return form;
}

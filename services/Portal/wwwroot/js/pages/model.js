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
  main.append(h("h1", {}, "Community model"),
    h("p", {}, "A text classifier the community trains from its own scored, labelled contributions. Every training round is a public ",
      h("code", {}, "ModelTrained"), " fact in the history: what it learned from, with which code and settings, and how well it did on examples it never saw."),
    current, trial);
  const trained = await getJson("/api/model").catch(error => ({ error }));
  if (trained?.error) {
    current.replaceChildren(h("h2", { id: "model-title" }, "The model served now"),
      h("p", { role: "alert" }, `The model is unavailable: ${trained.error.message}`));
    return null;
  }
  renderModel(current, trained);
  renderTrial(trial, trained);
  return null;
}

function renderModel(section, m) {
  const title = h("h2", { id: "model-title" }, "The model served now");
  if (!m) {
    section.replaceChildren(title, h("p", {}, "No model has been trained yet: a round trains once labelled data contributions are scored."));
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

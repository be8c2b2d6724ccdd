// A tiny element builder: enough for a few pages without a framework.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A definition list from [term, description] pairs; descriptions may be nodes. */
export function facts(pairs) {
  return h("dl", {}, pairs.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value ?? "—")]));
}

/** A table with a caption (read by screen readers) that scrolls sideways on a phone instead of the page. */
export function table(caption, headers, rows) {
  return h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
    h("table", {},
      h("caption", { class: "hint" }, caption),
      h("thead", {}, h("tr", {}, headers.map(t => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map(r => h("tr", {}, r.map(c => h("td", {}, c)))))));
}

export const hash = value => h("code", { class: "hash" }, value);

let nextId = 0;
/** A labelled form field; returns [wrapper, control]. */
export function field(label, control, hint) {
  const id = control.id || `field-${++nextId}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return [h("div", {}, h("label", { for: id }, label), control, hint ? h("p", { class: "hint", id: hintId }, hint) : null), control];
}

// The portal's router: one page per hash (#/contribute, #/explorer, #/account, #/governance, #/validator, #/model), focus moved to the
// page's heading on every change so keyboard and screen-reader users land where the content is.
import { render as renderWallet } from "./wallet.js";
import contribute from "./pages/contribute.js";
import explorer from "./pages/explorer.js";
import account from "./pages/account.js";
import governance from "./pages/governance.js";
import validator from "./pages/validator.js";
import model from "./pages/model.js";

const pages = { contribute, explorer, account, governance, validator, model };
let leave = null;

async function show(event) {
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const page = pages[name] ? name : "contribute";
  leave?.();
  leave = null;
  for (const link of document.querySelectorAll("nav a"))
    link.toggleAttribute("aria-current", link.dataset.page === page) && link.setAttribute("aria-current", "page");
  const main = document.getElementById("main");
  main.replaceChildren();
  leave = await pages[page](main, rest.map(decodeURIComponent)) ?? null;
  document.title = `${main.querySelector("h1")?.textContent ?? "Portal"} · CommunityAI`;
  // Only when the user moved: on first load the reader starts at the top (and the skip link), as on any page.
  if (event) main.focus();
}

window.addEventListener("hashchange", show);
renderWallet();
show();

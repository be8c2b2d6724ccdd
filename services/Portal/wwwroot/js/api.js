// Same-origin calls to the services (the portal host proxies them), with RFC 7807 problems turned into readable errors.
export class ApiError extends Error {
  constructor(status, problem) {
    const fields = Object.entries(problem?.errors ?? {}).map(([field, messages]) => `${field}: ${[].concat(messages).join(", ")}`);
    super([problem?.title ?? `HTTP ${status}`, problem?.detail, ...fields].filter(Boolean).join(" — "));
    this.status = status;
    this.problem = problem;
  }
}

async function answer(response, { notFoundIsNull = true } = {}) {
  if (response.status === 404 && notFoundIsNull) return null;
  const text = await response.text();
  const body = text ? safeJson(text) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return { title: text.slice(0, 200) }; }
}

export const getJson = async path => answer(await fetch(path, { headers: { accept: "application/json" } }));

export const postJson = async (path, body) => answer(await fetch(path, {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json" },
  body: JSON.stringify(body),
}), { notFoundIsNull: false });

/** The portal's public settings: chain id, a browser-reachable JSON-RPC address and the chain's name. */
export const config = await getJson("/portal/config.json");

/** The deployment's contracts as the chain-bridge reports them (the HistoryAnchor is also the EIP-712 verifying contract). */
export const chainInfo = () => getJson("/api/chain");

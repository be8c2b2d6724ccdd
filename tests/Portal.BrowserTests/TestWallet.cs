using System.Text.Json;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// An EIP-1193 wallet injected into the page before it loads, announced over EIP-6963. It holds no key: signing
/// (eth_signTypedData_v4) and sending (eth_sendTransaction) go to anvil, which holds its dev accounts unlocked — so
/// what the page asks a wallet to sign is signed for real. It starts on another chain (1), so the page must switch;
/// every request is recorded in <c>window.testWallet.requests</c>.
/// </summary>
public static class TestWallet
{
    public static string Script(string rpcUrl, string account) => Template
        .Replace("__RPC__", JsonSerializer.Serialize(rpcUrl), StringComparison.Ordinal)
        .Replace("__ACCOUNT__", JsonSerializer.Serialize(account), StringComparison.Ordinal);

    private const string Template = """
        (() => {
          const rpc = __RPC__, account = __ACCOUNT__;
          const state = { chainId: "0x1", requests: [] };
          let id = 0;
          const forward = async (method, params) => {
            const response = await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }) });
            const answer = await response.json();
            if (answer.error) { const e = new Error(answer.error.message); e.code = answer.error.code; e.data = answer.error.data; throw e; }
            return answer.result;
          };
          const provider = {
            async request({ method, params }) {
              state.requests.push({ method, params });
              switch (method) {
                case "eth_requestAccounts":
                case "eth_accounts": return [account];
                case "eth_chainId": return state.chainId;
                case "net_version": return String(parseInt(state.chainId, 16));
                case "wallet_switchEthereumChain": {
                  const real = await forward("eth_chainId");
                  if (parseInt(params[0].chainId, 16) !== parseInt(real, 16)) { const e = new Error("Unrecognized chain"); e.code = 4902; throw e; }
                  state.chainId = params[0].chainId;
                  return null;
                }
                default: return forward(method, params);
              }
            },
            on() {}, removeListener() {},
          };
          window.testWallet = state;
          const info = Object.freeze({ uuid: "6f1c7a52-6a5e-4e8e-9d55-1f0b6a1e9a01", name: "Test wallet",
            icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", rdns: "org.communityai.testwallet" });
          const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
          window.addEventListener("eip6963:requestProvider", announce);
          announce();
        })();
        """;
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using CommunityAI.Testing;
using Microsoft.AspNetCore.Http;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A JSON-RPC endpoint in front of anvil that answers like a public provider: <c>eth_getLogs</c> over more than
/// its maximum range of blocks, from "earliest" or without bounds is refused with the usual error; optionally it
/// serves no past state (<c>eth_getCode</c> at an old block), like a provider without an archive. It records every
/// <c>eth_getLogs</c> range asked for, so a test can see how the chain was read.
/// </summary>
internal sealed class ProviderLikeRpc : IAsyncDisposable
{
    private static readonly HttpClient Upstream = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly WebApplication _app;
    private readonly string _upstream;
    private readonly ulong _maxLogRange;

    private ProviderLikeRpc(WebApplication app, string upstream, ulong maxLogRange)
    {
        _app = app;
        _upstream = upstream;
        _maxLogRange = maxLogRange;
    }

    public string Url => TestHttpServer.UrlOf(_app);

    /// <summary>Every eth_getLogs asked for: (fromBlock, toBlock) as sent, refused or not.</summary>
    public ConcurrentQueue<(string From, string To)> LogQueries { get; } = new();

    public int Refused => _refused;

    /// <summary>When true, eth_getCode is answered only at "latest" or the current block.</summary>
    public bool NoPastState { get; set; }

    private int _refused;

    public static async Task<ProviderLikeRpc> StartAsync(string upstream, ulong maxLogRange)
    {
        ProviderLikeRpc? rpc = null;
        await TestHttpServer.StartAsync(app =>
        {
            rpc = new ProviderLikeRpc(app, upstream, maxLogRange);
            app.MapPost("/", rpc.HandleAsync);
        });
        return rpc!;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        if (body is JsonObject call && await RefusalAsync(call) is { } refusal)
        {
            Interlocked.Increment(ref _refused);
            return Results.Json(new { jsonrpc = "2.0", id = call["id"]?.DeepClone(), error = new { code = -32005, message = refusal } });
        }
        using var content = new StringContent(body!.ToJsonString());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Upstream.PostAsync(_upstream, content);
        return Results.Text(await response.Content.ReadAsStringAsync(), "application/json");
    }

    private async Task<string?> RefusalAsync(JsonObject call)
    {
        var method = call["method"]?.GetValue<string>();
        if (method == "eth_getLogs")
        {
            var filter = call["params"]?[0] as JsonObject;
            var (from, to) = (filter?["fromBlock"]?.GetValue<string>() ?? "", filter?["toBlock"]?.GetValue<string>() ?? "");
            LogQueries.Enqueue((from, to));
            if (!TryBlock(from, out var first) || !TryBlock(to, out var last))
                return "eth_getLogs needs explicit fromBlock and toBlock numbers";
            if (last >= first && last - first + 1 > _maxLogRange)
                return $"query exceeds max block range {_maxLogRange}";
        }
        if (method == "eth_getCode" && NoPastState && call["params"]?[1]?.GetValue<string>() is { } at && TryBlock(at, out var block))
        {
            var latest = await LatestAsync();
            if (block + 128 < latest)
                return "missing trie node: state is not available (this node is not an archive node)";
        }
        return null;
    }

    private async Task<ulong> LatestAsync()
    {
        using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}""");
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Upstream.PostAsync(_upstream, content);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        TryBlock(json.RootElement.GetProperty("result").GetString()!, out var latest);
        return latest;
    }

    private static bool TryBlock(string text, out ulong block) =>
        ulong.TryParse(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : "-", NumberStyles.HexNumber, CultureInfo.InvariantCulture, out block);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

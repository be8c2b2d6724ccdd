using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace Contributions.IntegrationTests;

/// <summary>Signed contribution bodies: by our Nethereum signer from anvil's dev keys, or by ethers.js through node.</summary>
public static class Signed
{
    private static long _nonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public static ulong NextNonce() => (ulong)Interlocked.Increment(ref _nonce);

    /// <summary>A signed body (as a JSON object tests may tamper with) and its expected contribution id.</summary>
    public static (string Id, JsonObject Body) Contribution(int keyIndex = 1, ulong? nonce = null, string text = "hello, community",
        string kind = "data", string? contentUri = null, DateTimeOffset? deadline = null, bool inlineContent = true,
        string licence = TestChain.Licence, SigningDomain? domain = null)
    {
        var n = nonce ?? NextNonce();
        var content = ContentSalt.Add(Encoding.UTF8.GetBytes(text)); // a fresh salt line, as every client adds
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), kind,
            Hex.Encode(SHA256.HashData(content)), contentUri ?? $"ipfs://test/{keyIndex}/{n}", licence, n,
            (ulong)(deadline ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeSeconds());
        var signature = TypedDataSigner.Sign(payload, domain ?? TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]);
        var body = new JsonObject
        {
            ["contributor"] = payload.Contributor,
            ["kind"] = payload.Kind,
            ["contentHash"] = payload.ContentHash,
            ["contentUri"] = payload.ContentUri,
            ["licence"] = payload.Licence,
            ["nonce"] = payload.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["deadline"] = payload.Deadline,
            ["signature"] = signature,
        };
        if (inlineContent)
            body["content"] = Convert.ToBase64String(content);
        return (Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), body);
    }

    /// <summary>
    /// A body as a version-1 client sends it: no licence, signed over the retired domain <c>{ name, version: "1", chainId }</c>.
    /// Returns the id version 1 gave it (its version-1 digest), under which no stream may appear.
    /// </summary>
    public static (string Id, JsonObject Body) Version1Contribution(int keyIndex = 1, string text = "signed the old way")
    {
        var (_, body) = Contribution(keyIndex, text: text, licence: "");
        var payload = new ContributionPayload(body["contributor"]!.GetValue<string>(), body["kind"]!.GetValue<string>(),
            body["contentHash"]!.GetValue<string>(), body["contentUri"]!.GetValue<string>(), "",
            ulong.Parse(body["nonce"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), body["deadline"]!.GetValue<ulong>());
        body.Remove("licence");
        var digest = TypedDataSigner.Version1Digest(payload, (ulong)AnvilNode.ChainId)!;
        body["signature"] = TypedDataSigner.SignDigest(digest, AnvilNode.DevPrivateKeys[keyIndex]);
        return (Hex.Encode(digest), body);
    }

    /// <summary>A body signed by ethers.js (eng/sign-contribution.mjs), as a wallet would sign it; null without node.</summary>
    public static string? ByEthers(string content, ulong nonce)
    {
        var root = RepositoryRoot.TryFind();
        if (root is null || !Directory.Exists(Path.Combine(root, "node_modules", "ethers")))
            return null;
        var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("eng/sign-contribution.mjs");
        start.ArgumentList.Add(content);
        start.ArgumentList.Add("knowledge");
        start.ArgumentList.Add(nonce.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException(process.StandardError.ReadToEnd());
    }
}

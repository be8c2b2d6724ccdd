using System.Text.Json;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Proofs;

/// <summary>
/// Checks the chain-bridge's proof JSON offline: <c>{ leafIndex, treeSize, rootHash, leafHash, auditPath }</c> or
/// <c>{ first, second, firstRoot, secondRoot, proof }</c>, hashes as 0x-hex. The file comes from a party the
/// auditor does not trust, so every malformation is an answer naming the field, never an exception.
/// </summary>
internal static class ProofFile
{
    public const int MaxBytes = 1 << 20;

    public static VerificationResultView VerifyInclusion(ReadOnlySpan<byte> json)
    {
        if (Parse(json, out var root) is { } error)
            return error;
        using (root)
        {
            var o = root!.RootElement;
            if (Int(o, "leafIndex", out var index) is { } e1) return e1;
            if (Int(o, "treeSize", out var size) is { } e2) return e2;
            if (Hash(o, "rootHash", out var rootHash) is { } e3) return e3;
            if (Hash(o, "leafHash", out var leafHash) is { } e4) return e4;
            if (Hashes(o, "auditPath", out var path) is { } e5) return e5;
            var result = ProofVerifier.VerifyInclusion(index, size, leafHash, path, rootHash);
            return new VerificationResultView(result.IsValid, [(size, rootHash)], result.IsValid
                ? $"leaf {Hex.Encode(leafHash)} is at index {index} of the tree of {size} with root {Hex.Encode(rootHash)}"
                : result.Message);
        }
    }

    public static VerificationResultView VerifyConsistency(ReadOnlySpan<byte> json)
    {
        if (Parse(json, out var root) is { } error)
            return error;
        using (root)
        {
            var o = root!.RootElement;
            if (Int(o, "first", out var first) is { } e1) return e1;
            if (Int(o, "second", out var second) is { } e2) return e2;
            if (Hash(o, "firstRoot", out var firstRoot) is { } e3) return e3;
            if (Hash(o, "secondRoot", out var secondRoot) is { } e4) return e4;
            if (Hashes(o, "proof", out var proof) is { } e5) return e5;
            var result = ProofVerifier.VerifyConsistency(first, second, firstRoot, secondRoot, proof);
            return new VerificationResultView(result.IsValid, [(second, secondRoot), (first, firstRoot)], result.IsValid
                ? $"the tree of {second} with root {Hex.Encode(secondRoot)} extends the tree of {first} with root {Hex.Encode(firstRoot)}"
                : result.Message);
        }
    }

    private static VerificationResultView? Parse(ReadOnlySpan<byte> json, out JsonDocument? document)
    {
        document = null;
        if (json.Length > MaxBytes)
            return Bad($"the file has {json.Length} bytes, more than the {MaxBytes} a proof can need");
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                document = null;
                return Bad("unexpected content after the JSON object");
            }
        }
        catch (JsonException e)
        {
            return Bad($"not valid JSON: {e.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            return Bad("the proof must be a JSON object");
        }
        return null;
    }

    private static VerificationResultView? Int(JsonElement o, string name, out long value)
    {
        value = 0;
        if (!o.TryGetProperty(name, out var e))
            return Bad($"\"{name}\" is missing");
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value)
            ? null
            : Bad($"\"{name}\" must be an integer");
    }

    private static VerificationResultView? Hash(JsonElement o, string name, out byte[] value)
    {
        value = [];
        if (!o.TryGetProperty(name, out var e))
            return Bad($"\"{name}\" is missing");
        return e.ValueKind == JsonValueKind.String && Hex.TryDecode(e.GetString(), out value, LogHasher.HashSize)
            ? null
            : Bad($"\"{name}\" must be a 0x-prefixed hex hash of {LogHasher.HashSize} bytes");
    }

    private static VerificationResultView? Hashes(JsonElement o, string name, out List<byte[]> value)
    {
        value = [];
        if (!o.TryGetProperty(name, out var e))
            return Bad($"\"{name}\" is missing");
        if (e.ValueKind != JsonValueKind.Array)
            return Bad($"\"{name}\" must be an array of hashes");
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Hex.TryDecode(item.GetString(), out var hash, LogHasher.HashSize))
                return Bad($"\"{name}[{i}]\" must be a 0x-prefixed hex hash of {LogHasher.HashSize} bytes");
            value.Add(hash);
            i++;
        }
        return null;
    }

    private static VerificationResultView Bad(string reason) => new(false, [], $"malformed proof: {reason}");
}

/// <summary>Whether a proof file verified, and why not.</summary>
/// <param name="Heads">
/// The tree heads (size, root) the proof is about, the one to anchor first. A proof only binds a root; for many leaf
/// positions the same audit path verifies under a neighbouring tree size, so only a trusted (size, root) pair, such as an
/// anchored head, pins the size down.
/// </param>
internal sealed record VerificationResultView(bool IsValid, IReadOnlyList<(long Size, byte[] Root)> Heads, string Message);

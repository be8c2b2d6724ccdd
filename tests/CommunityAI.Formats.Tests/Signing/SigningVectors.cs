using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>The ethers.js vectors in vectors/signing-vectors.json (made by vectors/make-vectors.mjs).</summary>
internal sealed record SigningVectors(
    string Generator, VectorTypes Types, IReadOnlyList<ContributionVector> Contributions, IReadOnlyList<ReviewVector> Reviews)
{
    public const string RelativePath = "Signing/vectors/signing-vectors.json";

    public static SigningVectors Load() => Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, RelativePath)));

    public static SigningVectors Parse(string json) =>
        JsonSerializer.Deserialize<SigningVectors>(json, JsonSerializerOptions.Web)
        ?? throw new InvalidDataException("empty vector file");
}

internal sealed record VectorTypes(string Contribution, string Review);

internal sealed record ContributionVector(
    string Name, ulong ChainId, string PrivateKey, string Signer, ContributionValue Value, string Digest, string Signature)
{
    public ContributionPayload Payload => new(
        Value.Contributor, Value.Kind, Value.ContentHash, Value.ContentUri, ulong.Parse(Value.Nonce), ulong.Parse(Value.Deadline));
}

internal sealed record ContributionValue(
    string Contributor, string Kind, string ContentHash, string ContentUri, string Nonce, string Deadline);

internal sealed record ReviewVector(
    string Name, ulong ChainId, string PrivateKey, string Signer, ReviewValue Value, string Digest, string Signature)
{
    public ReviewPayload Payload => new(
        Value.Validator, Value.ContributionId, Value.Score, Value.Verdict, ulong.Parse(Value.Nonce), ulong.Parse(Value.Deadline));
}

internal sealed record ReviewValue(
    string Validator, string ContributionId, ushort Score, string Verdict, string Nonce, string Deadline);

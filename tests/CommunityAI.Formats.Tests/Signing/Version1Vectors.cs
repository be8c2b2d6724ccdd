using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>
/// The ethers.js vectors of version 1 (domain without verifying contract) in vectors/v1-vectors.json, made by
/// vectors/make-v1-vectors.mjs. Version 1 is no longer accepted; these prove we still recognise it to refuse it by name.
/// </summary>
internal sealed record Version1Vectors(
    string Generator, Version1Types Types, IReadOnlyList<Version1Contribution> Contributions, IReadOnlyList<Version1Review> Reviews)
{
    public const string RelativePath = "Signing/vectors/v1-vectors.json";

    public static Version1Vectors Load() =>
        JsonSerializer.Deserialize<Version1Vectors>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, RelativePath)), JsonSerializerOptions.Web)
        ?? throw new InvalidDataException("empty vector file");
}

internal sealed record Version1Types(string Contribution, string Review);

internal sealed record Version1Contribution(
    string Name, ulong ChainId, string PrivateKey, string Signer, Version1ContributionValue Value, string Digest, string Signature)
{
    /// <summary>The values as a version-2 contribution; the version-1 struct has no licence, so it plays no part.</summary>
    public ContributionPayload Payload(string licence = "CC-BY-4.0") => new(
        Value.Contributor, Value.Kind, Value.ContentHash, Value.ContentUri, licence, ulong.Parse(Value.Nonce), ulong.Parse(Value.Deadline));
}

internal sealed record Version1ContributionValue(string Contributor, string Kind, string ContentHash, string ContentUri, string Nonce, string Deadline);

internal sealed record Version1Review(
    string Name, ulong ChainId, string PrivateKey, string Signer, Version1ReviewValue Value, string Digest, string Signature)
{
    /// <summary>The values as a version-2 review; the version-1 struct has no salt.</summary>
    public ReviewPayload Payload => new(
        Value.Validator, Value.ContributionId, Value.Score, Value.Verdict, "0x" + new string('0', 64), ulong.Parse(Value.Nonce), ulong.Parse(Value.Deadline));
}

internal sealed record Version1ReviewValue(string Validator, string ContributionId, ushort Score, string Verdict, string Nonce, string Deadline);

using System.Text.Json;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Formats.Tests.Signing;

/// <summary>The ethers.js vectors of version 2 in vectors/v2-vectors.json (made by vectors/make-v2-vectors.mjs).</summary>
internal sealed record SigningVectors(
    string Generator, IReadOnlyDictionary<string, string> Types, IReadOnlyList<DomainVector> Domains,
    IReadOnlyList<MessageVector> Messages, IReadOnlyList<CommitmentVector> Commitments)
{
    public const string RelativePath = "Signing/vectors/v2-vectors.json";

    public static SigningVectors Load() => Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, RelativePath)));

    public static SigningVectors Parse(string json) =>
        JsonSerializer.Deserialize<SigningVectors>(json, JsonSerializerOptions.Web)
        ?? throw new InvalidDataException("empty vector file");

    public SigningDomain DomainOf(MessageVector vector) => Domains[vector.Domain].ToDomain();
}

internal sealed record DomainVector(string Name, string Version, ulong ChainId, string VerifyingContract, string Separator)
{
    public SigningDomain ToDomain() => new(ChainId, VerifyingContract);
}

internal sealed record CommitmentVector(ushort Score, string Verdict, string Salt, string Commitment);

internal sealed record MessageVector(
    string Name, string PrimaryType, int Domain, string PrivateKey, string Signer, Dictionary<string, JsonElement> Value,
    string Digest, string Signature)
{
    public ISignedMessage Message => Build(PrimaryType, Value);

    /// <summary>Builds our record for the type from ethers' value (uint64 as decimal strings, smaller uints as numbers).</summary>
    public static ISignedMessage Build(string primaryType, IReadOnlyDictionary<string, JsonElement> v)
    {
        string S(string name) => v[name].GetString()!;
        ulong U(string name) => v[name].ValueKind == JsonValueKind.String ? ulong.Parse(v[name].GetString()!) : v[name].GetUInt64();
        return primaryType switch
        {
            "Contribution" => new ContributionPayload(S("contributor"), S("kind"), S("contentHash"), S("contentUri"), S("licence"), U("nonce"), U("deadline")),
            "ValidatorRegistration" => new ValidatorRegistrationPayload(S("validator"), U("nonce"), U("deadline")),
            "ReviewCommit" => new ReviewCommitPayload(S("validator"), S("contributionId"), S("commitment"), U("nonce"), U("deadline")),
            "Review" => new ReviewPayload(S("validator"), S("contributionId"), checked((ushort)U("score")), S("verdict"), S("salt"), U("nonce"), U("deadline")),
            "Appeal" => new AppealPayload(S("appellant"), S("contributionId"), S("reason"), U("nonce"), U("deadline")),
            "Proposal" => new ProposalPayload(S("proposer"), S("kind"), S("title"), S("bodyHash"), S("payloadHash"), U("nonce"), U("deadline")),
            "Vote" => new VotePayload(S("voter"), S("proposalId"), checked((byte)U("support")), S("reason"), U("nonce"), U("deadline")),
            "Delegation" => new DelegationPayload(S("delegator"), S("delegatee"), U("nonce"), U("deadline")),
            "Erasure" => new ErasurePayload(S("contributor"), S("contributionId"), U("nonce"), U("deadline")),
            "DatasetSnapshot" => new DatasetSnapshotPayload(S("builder"), S("kind"), checked((ushort)U("minScore")), S("licences"), U("nonce"), U("deadline")),
            "DatasetExport" => new DatasetExportPayload(S("builder"), S("root"), U("nonce"), U("deadline")),
            "Veto" => new VetoPayload(S("guardian"), S("proposalId"), S("reason"), U("nonce"), U("deadline")),
            "ContentUpload" => new ContentUploadPayload(S("contributor"), S("contentHash"), U("size"), checked((uint)U("partSize")), S("partsHash"), U("nonce"), U("deadline")),
            "ContentRead" => new ContentReadPayload(S("reader"), S("contributionId"), U("nonce"), U("deadline")),
            "ModelRegistration" => new ModelRegistrationPayload(S("builder"), S("root"), S("name"), S("weightsUri"), S("weightsHash"), U("nonce"), U("deadline")),
            _ => throw new InvalidDataException($"unknown primary type {primaryType}"),
        };
    }
}

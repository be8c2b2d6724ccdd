using System.Numerics;
using Nethereum.ABI.EIP712;

namespace CommunityAI.Formats.Signing;

/// <summary>
/// CommunityAI's EIP-712 domain and struct types, exactly as wallets (ethers.js, viem, MetaMask) must
/// be given them: domain <c>{ name: "CommunityAI", version: "1", chainId }</c> with no verifying contract.
/// </summary>
public static class TypedDataSchema
{
    /// <summary>The domain's <c>name</c>.</summary>
    public const string DomainName = "CommunityAI";

    /// <summary>The domain's <c>version</c>.</summary>
    public const string DomainVersion = "1";

    /// <summary>The encoded <c>EIP712Domain</c> type (no <c>verifyingContract</c>, no <c>salt</c>).</summary>
    public const string DomainType = "EIP712Domain(string name,string version,uint256 chainId)";

    /// <summary>The encoded <c>Contribution</c> type, whose keccak256 is its type hash.</summary>
    public const string ContributionType =
        "Contribution(address contributor,string kind,bytes32 contentHash,string contentUri,uint64 nonce,uint64 deadline)";

    /// <summary>The encoded <c>Review</c> type, whose keccak256 is its type hash.</summary>
    public const string ReviewType =
        "Review(address validator,bytes32 contributionId,uint16 score,string verdict,uint64 nonce,uint64 deadline)";

    // Member lists mirror the type strings above; the ethers.js vectors check both (type strings and digests).
    private static readonly MemberDescription[] Domain =
        [Member("name", "string"), Member("version", "string"), Member("chainId", "uint256")];

    private static readonly Dictionary<string, MemberDescription[]> ContributionTypes = new()
    {
        ["EIP712Domain"] = Domain,
        ["Contribution"] =
        [
            Member("contributor", "address"), Member("kind", "string"), Member("contentHash", "bytes32"),
            Member("contentUri", "string"), Member("nonce", "uint64"), Member("deadline", "uint64"),
        ],
    };

    private static readonly Dictionary<string, MemberDescription[]> ReviewTypes = new()
    {
        ["EIP712Domain"] = Domain,
        ["Review"] =
        [
            Member("validator", "address"), Member("contributionId", "bytes32"), Member("score", "uint16"),
            Member("verdict", "string"), Member("nonce", "uint64"), Member("deadline", "uint64"),
        ],
    };

    /// <summary>Nethereum's raw typed data for a contribution; the payload must already be validated.</summary>
    internal static TypedDataRaw For(ContributionPayload payload, string contributor, byte[] contentHash, ulong chainId) => new()
    {
        Types = ContributionTypes,
        PrimaryType = "Contribution",
        DomainRawValues = DomainValues(chainId),
        Message =
        [
            Value("address", contributor), Value("string", payload.Kind), Value("bytes32", contentHash),
            Value("string", payload.ContentUri), Value("uint64", new BigInteger(payload.Nonce)),
            Value("uint64", new BigInteger(payload.Deadline)),
        ],
    };

    /// <summary>Nethereum's raw typed data for a review; the payload must already be validated.</summary>
    internal static TypedDataRaw For(ReviewPayload payload, string validator, byte[] contributionId, ulong chainId) => new()
    {
        Types = ReviewTypes,
        PrimaryType = "Review",
        DomainRawValues = DomainValues(chainId),
        Message =
        [
            Value("address", validator), Value("bytes32", contributionId), Value("uint16", new BigInteger(payload.Score)),
            Value("string", payload.Verdict), Value("uint64", new BigInteger(payload.Nonce)),
            Value("uint64", new BigInteger(payload.Deadline)),
        ],
    };

    private static MemberValue[] DomainValues(ulong chainId) =>
        [Value("string", DomainName), Value("string", DomainVersion), Value("uint256", new BigInteger(chainId))];

    private static MemberDescription Member(string name, string type) => new() { Name = name, Type = type };

    private static MemberValue Value(string type, object value) => new() { TypeName = type, Value = value };
}

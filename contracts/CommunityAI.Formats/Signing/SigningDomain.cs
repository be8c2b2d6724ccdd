using System.Globalization;

namespace CommunityAI.Formats.Signing;

/// <summary>
/// The EIP-712 domain of version 2 of our signing formats:
/// <c>{ name: "CommunityAI", version: "2", chainId, verifyingContract }</c>, where <c>verifyingContract</c> is the
/// deployment's HistoryAnchor address. Binding signatures to one contract makes a signature made for one deployment
/// (say staging) worthless on another sharing the chain, which matters because every signature is public in the log.
/// </summary>
public sealed record SigningDomain
{
    /// <summary>The domain's <c>name</c>.</summary>
    public const string Name = "CommunityAI";

    /// <summary>The domain's <c>version</c>.</summary>
    public const string Version = "2";

    /// <summary>The encoded <c>EIP712Domain</c> type of version 2.</summary>
    public const string TypeString = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    /// <summary>The version-1 domain's <c>version</c>, kept only to recognise and refuse version-1 signatures.</summary>
    public const string Version1 = "1";

    /// <summary>The encoded <c>EIP712Domain</c> type of version 1 (no verifying contract).</summary>
    public const string Version1TypeString = "EIP712Domain(string name,string version,uint256 chainId)";

    /// <summary>Creates the domain; <paramref name="verifyingContract"/> in any case (mixed case must be a valid EIP-55 checksum).</summary>
    public SigningDomain(ulong chainId, string verifyingContract)
    {
        if (chainId == 0)
            throw new ArgumentOutOfRangeException(nameof(chainId), "a chain id is at least 1");
        ArgumentNullException.ThrowIfNull(verifyingContract);
        if (!Address.TryParse(verifyingContract, out var contract))
            throw new ArgumentException("verifyingContract: expected a 20-byte 0x-prefixed hex address", nameof(verifyingContract));
        if (contract == Address.Zero)
            throw new ArgumentException("verifyingContract: the zero address is no contract", nameof(verifyingContract));
        ChainId = chainId;
        VerifyingContract = contract;
        Separator = new Eip712Struct(TypeString)
            .String(Name).String(Version).Uint(chainId).Address(contract).Hash();
    }

    /// <summary>The chain id.</summary>
    public ulong ChainId { get; }

    /// <summary>The deployment's HistoryAnchor address, EIP-55 checksummed.</summary>
    public string VerifyingContract { get; }

    /// <summary>The 32-byte domain separator (the EIP-712 <c>hashStruct</c> of the domain).</summary>
    public ReadOnlyMemory<byte> Separator { get; }

    /// <summary>The separator of the version-1 domain on the same chain.</summary>
    public byte[] Version1Separator() =>
        new Eip712Struct(Version1TypeString).String(Name).String(Version1).Uint(ChainId).Hash();

    /// <summary>The domain as a wallet is given it, for error messages that must say what to sign over.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"EIP-712 domain {{ name: \"{Name}\", version: \"{Version}\", chainId: {ChainId}, verifyingContract: \"{VerifyingContract}\" }}");

    /// <summary>Equal when chain id and contract are equal.</summary>
    public bool Equals(SigningDomain? other) =>
        other is not null && ChainId == other.ChainId && VerifyingContract == other.VerifyingContract;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ChainId, VerifyingContract);
}

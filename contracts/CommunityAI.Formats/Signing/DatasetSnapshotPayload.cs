namespace CommunityAI.Formats.Signing;

/// <summary>
/// A dataset builder's request to snapshot the scored, not-erased contributions matching its criteria: the EIP-712 struct
/// <c>DatasetSnapshot(address builder,string kind,uint16 minScore,string licences,uint64 nonce,uint64 deadline)</c>.
/// </summary>
/// <param name="Builder">The builder's address, any case; must be an admitted dataset builder.</param>
/// <param name="Kind">The contribution kind to select.</param>
/// <param name="MinScore">The lowest score selected (inclusive).</param>
/// <param name="Licences">The allowed SPDX licence identifiers, comma-separated, exactly as signed.</param>
/// <param name="Nonce">Used once per signer and type.</param>
/// <param name="Deadline">Unix time in seconds after which the signature is no longer accepted.</param>
public sealed record DatasetSnapshotPayload(string Builder, string Kind, ushort MinScore, string Licences, ulong Nonce, ulong Deadline)
    : ISignedMessage
{
    /// <summary>The encoded type.</summary>
    public const string Type = "DatasetSnapshot(address builder,string kind,uint16 minScore,string licences,uint64 nonce,uint64 deadline)";

    string ISignedMessage.PrimaryType => "DatasetSnapshot";
    string ISignedMessage.TypeString => Type;
    string ISignedMessage.SignerField => "builder";
    string ISignedMessage.Signer => Builder;

    /// <inheritdoc/>
    public byte[] HashStruct() => new Eip712Struct(Type)
        .Address(Builder, "builder").String(Kind, "kind").Uint(MinScore).String(Licences, "licences").Uint(Nonce).Uint(Deadline).Hash();

    /// <inheritdoc/>
    public byte[]? Version1HashStruct() => null;
}

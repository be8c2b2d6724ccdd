namespace CommunityAI.Formats.Signing;

/// <summary>
/// One of our EIP-712 message types (version 2). Every type names its signer, a nonce (used once per signer and
/// type) and a deadline, which is what <see cref="SignedRequestCheck"/> checks for all of them alike.
/// </summary>
public interface ISignedMessage
{
    /// <summary>The primary type's name, e.g. <c>Contribution</c>.</summary>
    string PrimaryType { get; }

    /// <summary>The encoded type, e.g. <c>Contribution(address contributor,…)</c>; its keccak256 is the type hash.</summary>
    string TypeString { get; }

    /// <summary>The name of the member holding the signer's address, e.g. <c>contributor</c>.</summary>
    string SignerField { get; }

    /// <summary>The signer the message claims, as given (any case).</summary>
    string Signer { get; }

    /// <summary>The signer's nonce for this type.</summary>
    ulong Nonce { get; }

    /// <summary>Unix time in seconds after which the signature is no longer accepted.</summary>
    ulong Deadline { get; }

    /// <summary>The EIP-712 <c>hashStruct</c>. Throws <see cref="ArgumentException"/> naming the member that cannot be encoded.</summary>
    byte[] HashStruct();

    /// <summary>
    /// The <c>hashStruct</c> of the same values under the version-1 type, or null when the type did not exist in
    /// version 1. Used only to recognise a version-1 signature and refuse it saying so.
    /// </summary>
    byte[]? Version1HashStruct();
}

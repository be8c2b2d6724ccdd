namespace CommunityAI.Formats.Signing;

/// <summary>Why a signed request was refused, one name per rule. Services answer each with an RFC 7807 problem.</summary>
public enum SigningFailure
{
    /// <summary>The signer field is missing or not an address (HTTP 400).</summary>
    AddressMalformed,

    /// <summary>No nonce (HTTP 400).</summary>
    NonceMissing,

    /// <summary>No deadline (HTTP 400).</summary>
    DeadlineMissing,

    /// <summary>The deadline has passed (HTTP 400).</summary>
    DeadlinePassed,

    /// <summary>The deadline lies further ahead than the service accepts (HTTP 400).</summary>
    DeadlineTooFar,

    /// <summary>The signature is not 0x-prefixed hex of 65 bytes (HTTP 400).</summary>
    SignatureMalformed,

    /// <summary>
    /// The signature has the right shape but recovers to no key: r or s out of range, high s, or an unknown v (HTTP 401).
    /// </summary>
    SignatureUnusable,

    /// <summary>
    /// The signature recovers to someone other than the claimed signer over this message in this domain: a changed field,
    /// a different deployment (chain id or verifying contract) or a different key (HTTP 401).
    /// </summary>
    SignerMismatch,

    /// <summary>The signature is the claimed signer's, but over the version-1 domain, which is no longer accepted (HTTP 401).</summary>
    Version1Domain,
}

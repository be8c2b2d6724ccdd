namespace CommunityAI.Formats.Signing;

/// <summary>
/// The one check every signed request passes, whatever its type: the signer's address (any case in, EIP-55 out), the
/// nonce's presence, the deadline against the clock, and the signature recovering to the claimed signer in this
/// deployment's <see cref="SigningDomain"/>. Pure apart from the <see cref="TimeProvider"/>. Whether a nonce was
/// already used is for each service's store to say (only the store sees every request).
/// </summary>
public sealed class SignedRequestCheck(SigningDomain domain, TimeProvider clock)
{
    /// <summary>What a signature is checked against.</summary>
    public SigningDomain Domain { get; } = domain ?? throw new ArgumentNullException(nameof(domain));

    /// <summary>The check's clock, for callers that stamp what they accept with the same time.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// Checks the fields every signed request carries. Adds one <see cref="SigningError"/> per failed rule to
    /// <paramref name="errors"/>, and returns the signer EIP-55 checksummed, or null when the address is malformed.
    /// </summary>
    /// <param name="signerField">The request's name for the signer field (<c>contributor</c>, <c>validator</c>, …).</param>
    /// <param name="signer">The claimed signer.</param>
    /// <param name="nonce">The request's nonce.</param>
    /// <param name="deadline">The request's deadline, Unix seconds.</param>
    /// <param name="signature">The request's signature.</param>
    /// <param name="maxDeadlineAhead">How far ahead of now a deadline may lie.</param>
    /// <param name="errors">Where failures are added.</param>
    public string? CheckFields(
        string signerField, string? signer, ulong? nonce, ulong? deadline, string? signature, TimeSpan maxDeadlineAhead,
        ICollection<SigningError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string? checksummed = null;
        if (signer is null || !Address.TryParse(signer, out checksummed))
            errors.Add(new(SigningFailure.AddressMalformed, signerField,
                "must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)"));
        if (nonce is null)
            errors.Add(new(SigningFailure.NonceMissing, "nonce", "is required (uint64)"));
        var now = (ulong)Math.Max(0, clock.GetUtcNow().ToUnixTimeSeconds());
        if (deadline is null)
            errors.Add(new(SigningFailure.DeadlineMissing, "deadline", "is required (Unix time in seconds)"));
        else if (deadline < now)
            errors.Add(new(SigningFailure.DeadlinePassed, "deadline", "has passed"));
        else if (deadline - now > (ulong)maxDeadlineAhead.TotalSeconds)
            errors.Add(new(SigningFailure.DeadlineTooFar, "deadline", $"is more than {maxDeadlineAhead.TotalDays:0.##} days ahead"));
        if (!Hex.TryDecode(signature, out _, 65))
            errors.Add(new(SigningFailure.SignatureMalformed, "signature", "must be a 65-byte 0x-prefixed hex signature"));
        return checksummed;
    }

    /// <summary>
    /// Null when <paramref name="signature"/> recovers to the message's signer over the message in <see cref="Domain"/>;
    /// otherwise why not. A signature that is the signer's over the version-1 domain is named as such, with the domain
    /// to sign over instead. Throws <see cref="ArgumentException"/> for a message that cannot be encoded (check fields first).
    /// </summary>
    public SigningError? Verify(ISignedMessage message, string? signature)
    {
        ArgumentNullException.ThrowIfNull(message);
        var claimed = Address.Parse(message.Signer);
        var digest = TypedDataSigner.Digest(message, Domain);
        var signer = TypedDataSigner.RecoverSigner(digest, signature);
        if (signer == claimed)
            return null;
        if (signer is null)
            return new(SigningFailure.SignatureUnusable, "signature",
                "the signature recovers to no key (r or s out of range, s in the upper half of the curve order, or v not 27 or 28)");
        if (TypedDataSigner.Version1Digest(message, Domain.ChainId) is { } old && TypedDataSigner.RecoverSigner(old, signature) == claimed)
            return new(SigningFailure.Version1Domain, "signature",
                $"the signature is over the version-1 domain {{ name: \"{SigningDomain.Name}\", version: \"{SigningDomain.Version1}\", chainId }}, "
                + $"which is no longer accepted; sign the {message.PrimaryType} ({message.TypeString}) over the {Domain}");
        return new(SigningFailure.SignerMismatch, "signature",
            $"the signature does not recover to the {message.SignerField} over the EIP-712 {message.PrimaryType} in the {Domain}");
    }
}

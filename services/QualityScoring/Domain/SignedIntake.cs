using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Checks the shape and signature of reviews and registrations at the boundary. Pure: the clock is passed in.
/// Whether the validator may act (registered, assigned, window open, nonce unused) is the store's to decide.
/// </summary>
public static class SignedIntake
{
    /// <summary>The outcome: a payload signed by its validator, malformed fields, or a signature that does not verify.</summary>
    public abstract record Decision<T>
    {
        public sealed record Accept(T Payload) : Decision<T>;
        public sealed record Invalid(Dictionary<string, string[]> Errors) : Decision<T>;
        public sealed record Unsigned(string Reason) : Decision<T>;
    }

    public static readonly TimeSpan MaxDeadlineAhead = TimeSpan.FromDays(30);

    public static Decision<ReviewPayload> Review(ReviewRequest request, ulong chainId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string rule) => errors[field] = [rule];

        if (!Address.TryParse(request.Validator, out var validator))
            Fail("validator", "must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)");
        if (!Hex.TryDecode(request.ContributionId, out var id, 32))
            Fail("contributionId", "must be 0x-prefixed hex of 32 bytes (the contribution's EIP-712 digest)");
        if (request.Score is not (>= 0 and <= 100))
            Fail("score", "is required and between 0 and 100");
        if (request.Verdict is not (Consensus.Accept or Consensus.Reject))
            Fail("verdict", "must be accept or reject");
        CheckCommon(request.Nonce, request.Deadline, request.Signature, now, Fail);
        if (errors.Count > 0)
            return new Decision<ReviewPayload>.Invalid(errors);

        var payload = new ReviewPayload(validator, Hex.Encode(id), (ushort)request.Score!.Value, request.Verdict!, request.Nonce!.Value, request.Deadline!.Value);
        var signer = TypedDataSigner.RecoverSigner(payload, chainId, request.Signature);
        return signer == validator
            ? new Decision<ReviewPayload>.Accept(payload)
            : new Decision<ReviewPayload>.Unsigned("signature does not recover to the validator over the EIP-712 Review");
    }

    public static Decision<ValidatorRegistration> Registration(RegistrationRequest request, ulong chainId, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string rule) => errors[field] = [rule];

        if (!Address.TryParse(request.Validator, out var validator))
            Fail("validator", "must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)");
        CheckCommon(request.Nonce, request.Deadline, request.Signature, now, Fail);
        if (errors.Count > 0)
            return new Decision<ValidatorRegistration>.Invalid(errors);

        var registration = new ValidatorRegistration(validator, request.Nonce!.Value, request.Deadline!.Value);
        return registration.RecoverSigner(chainId, request.Signature) == validator
            ? new Decision<ValidatorRegistration>.Accept(registration)
            : new Decision<ValidatorRegistration>.Unsigned("signature does not recover to the validator over the EIP-712 ValidatorRegistration");
    }

    private static void CheckCommon(ulong? nonce, ulong? deadline, string? signature, DateTimeOffset now, Action<string, string> fail)
    {
        if (nonce is null)
            fail("nonce", "is required (uint64)");
        var nowSeconds = (ulong)now.ToUnixTimeSeconds();
        if (deadline is null)
            fail("deadline", "is required (Unix time in seconds)");
        else if (deadline < nowSeconds)
            fail("deadline", "has passed");
        else if (deadline - nowSeconds > (ulong)MaxDeadlineAhead.TotalSeconds)
            fail("deadline", $"is more than {MaxDeadlineAhead.TotalDays:0} days ahead");
        if (!Hex.TryDecode(signature, out _, 65))
            fail("signature", "must be a 65-byte 0x-prefixed hex signature");
    }
}

using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.QualityScoring.Domain;

/// <summary>
/// Checks the shape and signature of reviews and registrations at the boundary, through the one signed-request check
/// (version-2 domain; a version-1 signature is named as such). Whether the validator may act (registered, assigned,
/// window open, nonce unused) is the store's to decide.
/// </summary>
/// <remarks>
/// A review is sealed first (a signed <c>ReviewCommit</c>), then revealed (the version-2 <c>Review</c> with its salt);
/// whether the reveal matches the commitment is the store's to decide.
/// </remarks>
public static class SignedIntake
{
    /// <summary>The outcome: a payload signed by its validator, malformed fields, or a signature that does not verify.</summary>
    public abstract record Decision<T>
    {
        public sealed record Accept(T Payload) : Decision<T>;
        public sealed record Invalid(Dictionary<string, string[]> Errors) : Decision<T>;
        public sealed record Unsigned(SigningError Error) : Decision<T>;
    }

    public static readonly TimeSpan MaxDeadlineAhead = TimeSpan.FromDays(30);

    public static Decision<ReviewPayload> Review(ReviewRequest request, SignedRequestCheck check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(check);
        var signing = new List<SigningError>();
        var validator = check.CheckFields("validator", request.Validator, request.Nonce, request.Deadline, request.Signature, MaxDeadlineAhead, signing);
        var errors = SigningProblems.FieldErrors(signing);
        void Fail(string field, string rule) => errors[field] = [rule];

        if (!Hex.TryDecode(request.ContributionId, out var id, 32))
            Fail("contributionId", "must be 0x-prefixed hex of 32 bytes (the contribution's EIP-712 digest)");
        if (request.Score is not (>= 0 and <= 100))
            Fail("score", "is required and between 0 and 100");
        if (request.Verdict is not (Consensus.Accept or Consensus.Reject))
            Fail("verdict", "must be accept or reject");
        var saltValid = Hex.TryDecode(request.Salt, out _, 32);

        // A version-1 review has no salt: say its signature is over the retired domain rather than only that a salt is missing.
        if (errors.Count == 0 && !saltValid)
        {
            var unsalted = Payload(request, validator!, id, Hex.Encode(new byte[32]));
            if (check.Verify(unsalted, request.Signature) is { Failure: SigningFailure.Version1Domain } old)
                return new Decision<ReviewPayload>.Unsigned(old);
        }
        if (!saltValid)
            Fail("salt", "must be 0x-prefixed hex of 32 bytes (the review's secret salt)");
        if (errors.Count > 0)
            return new Decision<ReviewPayload>.Invalid(errors);

        var payload = Payload(request, validator!, id, request.Salt!.ToLowerInvariant());
        return check.Verify(payload, request.Signature) is { } refused
            ? new Decision<ReviewPayload>.Unsigned(refused)
            : new Decision<ReviewPayload>.Accept(payload);
    }

    public static Decision<ReviewCommitPayload> Commit(ReviewCommitRequest request, SignedRequestCheck check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(check);
        var signing = new List<SigningError>();
        var validator = check.CheckFields("validator", request.Validator, request.Nonce, request.Deadline, request.Signature, MaxDeadlineAhead, signing);
        var errors = SigningProblems.FieldErrors(signing);
        if (!Hex.TryDecode(request.ContributionId, out var id, 32))
            errors["contributionId"] = ["must be 0x-prefixed hex of 32 bytes (the contribution's EIP-712 digest)"];
        if (!Hex.TryDecode(request.Commitment, out var commitment, 32))
            errors["commitment"] = ["must be 0x-prefixed hex of 32 bytes: keccak256(abi.encode(uint16 score, string verdict, bytes32 salt))"];
        if (errors.Count > 0)
            return new Decision<ReviewCommitPayload>.Invalid(errors);

        var payload = new ReviewCommitPayload(validator!, Hex.Encode(id), Hex.Encode(commitment), request.Nonce!.Value, request.Deadline!.Value);
        return check.Verify(payload, request.Signature) is { } refused
            ? new Decision<ReviewCommitPayload>.Unsigned(refused)
            : new Decision<ReviewCommitPayload>.Accept(payload);
    }

    public static Decision<ValidatorRegistrationPayload> Registration(RegistrationRequest request, SignedRequestCheck check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(check);
        var signing = new List<SigningError>();
        var validator = check.CheckFields("validator", request.Validator, request.Nonce, request.Deadline, request.Signature, MaxDeadlineAhead, signing);
        if (signing.Count > 0)
            return new Decision<ValidatorRegistrationPayload>.Invalid(SigningProblems.FieldErrors(signing));

        var registration = new ValidatorRegistrationPayload(validator!, request.Nonce!.Value, request.Deadline!.Value);
        return check.Verify(registration, request.Signature) is { } refused
            ? new Decision<ValidatorRegistrationPayload>.Unsigned(refused)
            : new Decision<ValidatorRegistrationPayload>.Accept(registration);
    }

    /// <summary>Longest appeal reason accepted, in characters: a reason is a few sentences, and it is public in the history.</summary>
    public const int MaxReasonLength = 1000;

    public static Decision<AppealPayload> Appeal(AppealRequest request, SignedRequestCheck check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(check);
        var signing = new List<SigningError>();
        var appellant = check.CheckFields("appellant", request.Appellant, request.Nonce, request.Deadline, request.Signature, MaxDeadlineAhead, signing);
        var errors = SigningProblems.FieldErrors(signing);
        if (!Hex.TryDecode(request.ContributionId, out var id, 32))
            errors["contributionId"] = ["must be 0x-prefixed hex of 32 bytes (the contribution's EIP-712 digest)"];
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxReasonLength)
            errors["reason"] = [$"is required, at most {MaxReasonLength} characters"];
        if (errors.Count > 0)
            return new Decision<AppealPayload>.Invalid(errors);

        var payload = new AppealPayload(appellant!, Hex.Encode(id), request.Reason!, request.Nonce!.Value, request.Deadline!.Value);
        return check.Verify(payload, request.Signature) is { } refused
            ? new Decision<AppealPayload>.Unsigned(refused)
            : new Decision<AppealPayload>.Accept(payload);
    }

    private static ReviewPayload Payload(ReviewRequest request, string validator, byte[] id, string salt) =>
        new(validator, Hex.Encode(id), (ushort)request.Score!.Value, request.Verdict!, salt, request.Nonce!.Value, request.Deadline!.Value);
}

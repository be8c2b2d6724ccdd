using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Decides whether a signed <c>ContentUpload</c> may open an upload, before anything is stored. Pure: the clock is the
/// signed-request check's; whether the nonce is fresh and the contributor under its limits is the store's to say.
/// </summary>
public static class UploadOpening
{
    public abstract record Decision
    {
        private Decision() { }

        /// <summary>Well-formed, within the size limits and signed by the contributor.</summary>
        public sealed record Accept(UploadPlan Plan, string Nonce) : Decision;

        /// <summary>Malformed input: each field with the rule it broke (HTTP 400).</summary>
        public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Decision;

        /// <summary>Larger than the limits allow: the whole content or the number of parts (HTTP 413).</summary>
        public sealed record TooLarge(string Field, string Detail) : Decision;

        /// <summary>Not signed by the contributor in this deployment's domain (HTTP 401).</summary>
        public sealed record Unsigned(SigningError Error) : Decision;
    }

    public static Decision Decide(OpenUploadRequest request, IntakeOptions options, SignedRequestCheck check)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(check);
        var signingErrors = new List<SigningError>();
        var contributor = check.CheckFields("contributor", request.Contributor, request.Nonce, request.Deadline, request.Signature,
            options.MaxDeadlineAhead, signingErrors);
        var errors = SigningProblems.FieldErrors(signingErrors);
        if (!Hex.TryDecode(request.ContentHash, out _, 32))
            errors["contentHash"] = ["must be 0x-prefixed hex of 32 bytes (the SHA-256 of the whole content)"];
        if (request.Size is not > 0)
            errors["size"] = ["is required: the whole content's length in bytes, at least 1"];
        if (request.PartSize is not > 0)
            errors["partSize"] = ["is required: every part's length but the last one's, at least 1"];
        if (errors.Count > 0)
            return new Decision.Invalid(errors);

        // Checked before the part hashes are read, so an oversized manifest costs nothing.
        var (size, partSize) = (request.Size!.Value, request.PartSize!.Value);
        if (size > (ulong)options.MaxUploadBytes)
            return new Decision.TooLarge("size", $"an upload holds at most {options.MaxUploadBytes} bytes; this one announces {size}");
        if (partSize > options.MaxPartBytes)
            return new Decision.TooLarge("partSize", $"a part holds at most {options.MaxPartBytes} bytes; this upload announces parts of {partSize}");
        var parts = UploadPlan.PartCount((long)size, partSize);
        if (parts > options.MaxUploadParts)
            return new Decision.TooLarge("partSize", $"an upload has at most {options.MaxUploadParts} parts; {size} bytes in parts of {partSize} make {parts}");

        var hashes = new List<byte[]>();
        if (request.PartHashes is null || request.PartHashes.Count != parts)
            errors["partHashes"] = [$"must hold the SHA-256 of each of the {parts} parts, in order"];
        else
            foreach (var (hex, i) in request.PartHashes.Select((h, i) => (h, i)))
            {
                if (!Hex.TryDecode(hex, out var hash, 32))
                {
                    errors["partHashes"] = [$"item {i} must be 0x-prefixed hex of 32 bytes"];
                    break;
                }
                hashes.Add(hash);
            }
        if (errors.Count > 0)
            return new Decision.Invalid(errors);

        var payload = new ContentUploadPayload(contributor!, request.ContentHash!.ToLowerInvariant(), size, partSize,
            Hex.Encode(ContentUploadPayload.PartsHashOf(hashes)), request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(payload, request.Signature) is { } refused)
            return new Decision.Unsigned(refused);
        var uploadId = Hex.Encode(TypedDataSigner.Digest(payload, check.Domain));
        return new Decision.Accept(new UploadPlan(uploadId, contributor!, payload.ContentHash, (long)size, (int)partSize, hashes),
            request.Nonce.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

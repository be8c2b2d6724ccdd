using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Decides whether a submission may enter the history. Pure: no store, no bus; the clock is the signed-request check's.
/// Nonce reuse is the store's to detect (it is the only place that sees every submission).
/// </summary>
public static class ContributionIntake
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
        { "data", "feedback", "knowledge", "model" };

    public static readonly IReadOnlySet<string> UriSchemes = new HashSet<string>(StringComparer.Ordinal)
        { "https", "ipfs", "ar" };

    /// <summary>
    /// Checks a submission against the intake rules and the one signed-request check (whose clock stamps it).
    /// Only a version-2 <c>Contribution</c> is accepted; a version-1 one is named as such (HTTP 401).
    /// </summary>
    /// <param name="licences">The licences the policy in force allows (the newest scoring policy's, or the configured genesis list).</param>
    /// <param name="uploadsAllowed">True where a contribution may complete an upload in parts (the single HTTP endpoint).</param>
    public static IntakeDecision Decide(SubmitContributionRequest request, IntakeOptions options, IReadOnlyList<string> licences, SignedRequestCheck check,
        bool uploadsAllowed = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(licences);
        ArgumentNullException.ThrowIfNull(check);
        var now = check.Now;
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string rule) => errors[field] = [rule];

        var signingErrors = new List<SigningError>();
        var contributor = check.CheckFields("contributor", request.Contributor, request.Nonce, request.Deadline, request.Signature,
            options.MaxDeadlineAhead, signingErrors);
        foreach (var (field, rules) in SigningProblems.FieldErrors(signingErrors))
            errors[field] = rules;
        if (request.Kind is null || !Kinds.Contains(request.Kind))
            Fail("kind", "must be one of data, feedback, knowledge, model");
        if (!Hex.TryDecode(request.ContentHash, out var contentHash, 32))
            Fail("contentHash", "must be 0x-prefixed hex of 32 bytes (the SHA-256 of the content)");
        CheckUri(request.ContentUri, options, Fail);
        if (request.Upload is not null)
        {
            if (!uploadsAllowed)
                Fail("upload", "an upload completes only through POST /api/contributions, one contribution at a time");
            else if (!Hex.TryDecode(request.Upload, out _, 32))
                Fail("upload", "must be an upload id: 0x-prefixed hex of 32 bytes, as POST /api/uploads answered");
            if (request.Content is not null)
                Fail("content", "send the content inline or name the upload holding it, not both");
        }

        // A version-1 client sends no licence. Say that its signature is over the retired domain (what it must fix)
        // rather than only that a licence is missing; the version-1 type has no licence, so it plays no part here.
        if (errors.Count == 0 && CheckLicence(request.Licence, options, licences) is { } licenceRule)
        {
            var unlicensed = Payload(request, contributor!, contentHash, licence: "");
            if (check.Verify(unlicensed, request.Signature) is { Failure: SigningFailure.Version1Domain } old)
                return new IntakeDecision.Unsigned(old);
            Fail("licence", licenceRule);
        }
        else if (CheckLicence(request.Licence, options, licences) is { } rule)
            Fail("licence", rule);

        byte[]? content = null;
        if (request.Content is not null && errors.Count == 0)
        {
            content = DecodeContent(request.Content, options, Fail);
            if (content is not null && !SHA256.HashData(content).AsSpan().SequenceEqual(contentHash))
                Fail("content", "SHA-256 of the content does not equal contentHash");
            else if (content is not null && !ContentSalt.TryStrip(content, out _))
                Fail("content", $"must begin with a salt line (\"{ContentSalt.Prefix}\" and 64 random lowercase hex digits, then a newline), so its public hash cannot be guessed");
        }

        if (errors.Count > 0)
            return new IntakeDecision.Invalid(errors);

        var payload = Payload(request, contributor!, contentHash, request.Licence!);
        if (check.Verify(payload, request.Signature) is { } refused)
            return new IntakeDecision.Unsigned(refused);

        // The event carries the hash and metadata only; the content goes to the encrypted store with it, never to the history.
        return new IntakeDecision.Accept(new ContributionSubmitted(
            ContributionId: Hex.Encode(TypedDataSigner.Digest(payload, check.Domain)), // the contribution's id
            Contributor: contributor!,
            Kind: request.Kind!,
            ContentHash: Hex.Encode(contentHash),
            ContentUri: request.ContentUri!,
            Nonce: request.Nonce!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Deadline: (long)request.Deadline!.Value,
            Signature: request.Signature!.ToLowerInvariant(),
            ContentSize: content?.Length,
            SubmittedAt: now,
            Text: null,
            Licence: request.Licence), content);
    }

    private static ContributionPayload Payload(SubmitContributionRequest request, string contributor, byte[] contentHash, string licence) =>
        new(contributor, request.Kind!, Hex.Encode(contentHash), request.ContentUri!, licence, request.Nonce!.Value, request.Deadline!.Value);

    /// <summary>Null when the licence is one the policy in force allows; otherwise the rule it broke.</summary>
    private static string? CheckLicence(string? licence, IntakeOptions options, IReadOnlyList<string> licences)
    {
        if (string.IsNullOrEmpty(licence) || licence.Length > options.MaxLicenceLength)
            return $"is required and at most {options.MaxLicenceLength} characters: an SPDX licence identifier";
        return licences.Contains(licence, StringComparer.Ordinal)
            ? null
            : $"must be one of the SPDX licence identifiers the policy in force allows: {string.Join(", ", licences)}";
    }

    private static void CheckUri(string? uri, IntakeOptions options, Action<string, string> fail)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > options.MaxContentUriLength)
            fail("contentUri", $"is required and at most {options.MaxContentUriLength} characters");
        else if (uri.Any(char.IsControl) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !UriSchemes.Contains(parsed.Scheme))
            fail("contentUri", "must be an absolute https, ipfs or ar URI without control characters");
    }

    private static byte[]? DecodeContent(string base64, IntakeOptions options, Action<string, string> fail)
    {
        // Checked before decoding so an oversized body never costs its decoded size in memory.
        if ((long)base64.Length * 3 / 4 > options.MaxContentBytes + 2)
        {
            fail("content", $"is larger than {options.MaxContentBytes} bytes");
            return null;
        }
        var buffer = new byte[base64.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            fail("content", "must be base64");
            return null;
        }
        if (written > options.MaxContentBytes)
        {
            fail("content", $"is larger than {options.MaxContentBytes} bytes");
            return null;
        }
        return buffer[..written];
    }
}

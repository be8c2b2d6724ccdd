using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace CommunityAI.Contributions.Domain;

/// <summary>
/// Decides whether a submission may enter the history. Pure: no store, no bus, the clock passed in.
/// Nonce reuse is the store's to detect (it is the only place that sees every submission).
/// </summary>
public static class ContributionIntake
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
        { "data", "feedback", "knowledge", "model" };

    public static readonly IReadOnlySet<string> UriSchemes = new HashSet<string>(StringComparer.Ordinal)
        { "https", "ipfs", "ar" };

    public static IntakeDecision Decide(SubmitContributionRequest request, IntakeOptions options, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string rule) => errors[field] = [rule];

        if (!Address.TryParse(request.Contributor, out var contributor))
            Fail("contributor", "must be a 20-byte 0x-prefixed hex address (mixed case must be a valid EIP-55 checksum)");
        if (request.Kind is null || !Kinds.Contains(request.Kind))
            Fail("kind", "must be one of data, feedback, knowledge, model");
        if (!Hex.TryDecode(request.ContentHash, out var contentHash, 32))
            Fail("contentHash", "must be 0x-prefixed hex of 32 bytes (the SHA-256 of the content)");
        CheckUri(request.ContentUri, options, Fail);
        if (request.Nonce is null)
            Fail("nonce", "is required (uint64)");
        CheckDeadline(request.Deadline, options, now, Fail);
        if (!Hex.TryDecode(request.Signature, out _, 65))
            Fail("signature", "must be a 65-byte 0x-prefixed hex signature");

        long? contentSize = null;
        string? text = null;
        if (request.Content is not null && errors.Count == 0)
        {
            var content = DecodeContent(request.Content, options, Fail);
            if (content is not null)
            {
                contentSize = content.Length;
                if (!SHA256.HashData(content).AsSpan().SequenceEqual(contentHash))
                    Fail("content", "SHA-256 of the content does not equal contentHash");
                text = AsText(content, options);
            }
        }

        if (errors.Count > 0)
            return new IntakeDecision.Invalid(errors);

        var payload = new ContributionPayload(contributor, request.Kind!, Hex.Encode(contentHash), request.ContentUri!, request.Nonce!.Value, request.Deadline!.Value);
        var digest = TypedDataSigner.Digest(payload, (ulong)options.ChainId); // also the contribution's id
        var signer = TypedDataSigner.RecoverSigner(digest, request.Signature);
        if (signer is null || !string.Equals(signer, contributor, StringComparison.OrdinalIgnoreCase))
            return new IntakeDecision.Unsigned("signature does not recover to the contributor over the EIP-712 Contribution");

        return new IntakeDecision.Accept(new ContributionSubmitted(
            ContributionId: Hex.Encode(digest),
            Contributor: contributor,
            Kind: request.Kind!,
            ContentHash: Hex.Encode(contentHash),
            ContentUri: request.ContentUri!,
            Nonce: request.Nonce!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Deadline: (long)request.Deadline!.Value,
            Signature: request.Signature!.ToLowerInvariant(),
            ContentSize: contentSize,
            SubmittedAt: now,
            Text: text));
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The content as text when it is small, valid UTF-8 and free of NUL; otherwise null (checked by hash only).</summary>
    private static string? AsText(byte[] content, IntakeOptions options)
    {
        if (content.Length == 0 || content.Length > options.MaxTextBytes || content.AsSpan().Contains((byte)0))
            return null;
        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private static void CheckUri(string? uri, IntakeOptions options, Action<string, string> fail)
    {
        if (string.IsNullOrEmpty(uri) || uri.Length > options.MaxContentUriLength)
            fail("contentUri", $"is required and at most {options.MaxContentUriLength} characters");
        else if (uri.Any(char.IsControl) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !UriSchemes.Contains(parsed.Scheme))
            fail("contentUri", "must be an absolute https, ipfs or ar URI without control characters");
    }

    private static void CheckDeadline(ulong? deadline, IntakeOptions options, DateTimeOffset now, Action<string, string> fail)
    {
        var nowSeconds = (ulong)now.ToUnixTimeSeconds();
        if (deadline is null)
            fail("deadline", "is required (Unix time in seconds)");
        else if (deadline < nowSeconds)
            fail("deadline", "has passed");
        else if (deadline - nowSeconds > (ulong)options.MaxDeadlineAhead.TotalSeconds)
            fail("deadline", $"is more than {options.MaxDeadlineAhead.TotalDays:0} days ahead");
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

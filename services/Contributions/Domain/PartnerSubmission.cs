using System.Globalization;
using CommunityAI.Contracts;

namespace CommunityAI.Contributions.Domain;

/// <summary>The partner command as an HTTP body, so both doors run the very same checks.</summary>
public static class PartnerSubmission
{
    /// <summary>Null and the field's rule when the nonce is not a uint64 decimal string.</summary>
    public static SubmitContributionRequest ToRequest(SubmitContribution command, out (string Field, string Rule)? error)
    {
        ArgumentNullException.ThrowIfNull(command);
        error = null;
        ulong? nonce = null;
        if (command.Nonce is not null)
        {
            if (ulong.TryParse(command.Nonce, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                nonce = parsed;
            else
                error = ("nonce", "must be a uint64 as a decimal string");
        }
        if (command.Deadline is < 0)
            error = ("deadline", "must be a Unix time in seconds (not negative)");
        return new SubmitContributionRequest
        {
            Contributor = command.Contributor,
            Kind = command.Kind,
            ContentHash = command.ContentHash,
            ContentUri = command.ContentUri,
            Licence = command.Licence,
            Nonce = nonce,
            Deadline = command.Deadline is { } d and >= 0 ? (ulong)d : null,
            Signature = command.Signature,
            Content = command.Content,
        };
    }
}

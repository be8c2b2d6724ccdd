using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.QualityScoring.Infrastructure;
using CommunityAI.ServiceDefaults.History;
using MassTransit;
using Npgsql;

namespace CommunityAI.QualityScoring.IntegrationEvents.EventHandling;

/// <summary>
/// Takes in contributions whose content arrives privately from the contributions service (<see cref="ScoringContents"/>,
/// many a message; a single <see cref="ScoringContent"/> as versions before 1.19 sent): each content is used only when
/// its SHA-256 equals the content hash of its contribution's stored, signed <see cref="ContributionSubmitted"/>, so the
/// private queue can add no content the contributor did not sign. A bad item is passed over and the others are taken
/// in. The text exists here in memory only: the history records the checks' findings, never the text.
/// </summary>
public sealed class ScoringContentConsumer(NpgsqlDataSource dataSource, ContributionIntakeWriter intake, ILogger<ScoringContentConsumer> logger)
    : IConsumer<ScoringContents>, IConsumer<ScoringContent>
{
    /// <summary>Longest text (after the salt line) checked for near duplicates and text rules; longer content is checked by its hash only.</summary>
    public const int MaxTextBytes = ScoringContent.MaxTextBytes;

    // Every stored submission of the message's contributions in one statement (one stream each, refused twice by the store).
    private static readonly string LoadSql = $"""
        SELECT stream_id, seq_id, data::text, headers ->> '{HistoryTraceContext.Header}' FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = ANY(@streams) AND type = '{OutboxRoutes.EventTypeName(typeof(ContributionSubmitted))}'
        """;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public Task Consume(ConsumeContext<ScoringContent> context) => TakeInAsync([context.Message], context.CancellationToken);

    public Task Consume(ConsumeContext<ScoringContents> context)
    {
        if (context.Message.Items is not { Count: > 0 and <= ScoringContents.MaxItems } items)
        {
            // Acknowledged, not parked: the sender never makes one, and a retry could not make it right.
            logger.LogWarning("Refused scoring contents: {Count} items, not 1 to {Max}", context.Message.Items?.Count ?? 0, ScoringContents.MaxItems);
            return Task.CompletedTask;
        }
        return TakeInAsync(items, context.CancellationToken);
    }

    /// <summary>
    /// Takes in each content its stored contribution's hash backs, in the history's order. Throws (the message is tried
    /// again) when a take-in fails; the ones already taken in are then found taken in and left as they are.
    /// </summary>
    private async Task TakeInAsync(IReadOnlyList<ScoringContent> items, CancellationToken ct)
    {
        var decoded = new List<(string Id, byte[] Content)>(items.Count);
        foreach (var item in items)
        {
            if (item is null || !Hex.TryDecode(item.ContributionId, out _, 32) || !TryDecodeBase64(item.Content, out var content))
            {
                logger.LogWarning("Refused scoring content: malformed contribution id or content");
                continue;
            }
            decoded.Add((item.ContributionId.ToLowerInvariant(), content));
        }
        var stored = await LoadAsync(decoded.Select(d => d.Id).Distinct().ToArray(), ct);
        foreach (var (id, content) in decoded.OrderBy(d => stored.TryGetValue(d.Id, out var s) ? s.Sequence : 0))
        {
            if (!stored.TryGetValue(id, out var found) || !Hex.TryDecode(found.Submitted.ContentHash, out var signedHash, 32)
                || !SHA256.HashData(content).AsSpan().SequenceEqual(signedHash))
            {
                // Passed over, not parked: a forged or stale item is not a failure a retry could cure (see HistoryFacts).
                logger.LogWarning("Refused scoring content for {ContributionId}: no stored contribution with that content hash", id);
                continue;
            }
            // In the trace of the request that submitted it: a message carries many contributions' contents.
            using var takeIn = HistoryTraceContext.StartContinuing(found.TraceParent, "take in content");
            // The stored event's place in the history decides its assignment round, as for contributions without content.
            await intake.TakeInAsync(found.Submitted with { Text = AsText(content) }, found.Sequence, ct);
        }
    }

    private async Task<Dictionary<string, (ContributionSubmitted Submitted, long Sequence, string? TraceParent)>> LoadAsync(string[] contributionIds, CancellationToken ct)
    {
        var found = new Dictionary<string, (ContributionSubmitted, long, string?)>(contributionIds.Length);
        if (contributionIds.Length == 0)
            return found;
        await using var command = dataSource.CreateCommand(LoadSql);
        command.Parameters.AddWithValue("streams", contributionIds.Select(id => ContributionSubmittedConsumer.ContributionStreamPrefix + id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (JsonSerializer.Deserialize<ContributionSubmitted>(reader.GetString(2), OutboxRoutes.HistoryJson) is { } submitted)
                found[reader.GetString(0)[ContributionSubmittedConsumer.ContributionStreamPrefix.Length..]] =
                    (submitted, reader.GetInt64(1), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        return found;
    }

    private static bool TryDecodeBase64(string? text, out byte[] content)
    {
        var buffer = new byte[(text?.Length ?? 0) * 3 / 4 + 3];
        var decoded = Convert.TryFromBase64String(text ?? "", buffer, out var length);
        content = decoded ? buffer[..length] : [];
        return decoded;
    }

    /// <summary>The content after its salt line as text, when it is small, valid UTF-8 and free of NUL; otherwise null.</summary>
    private static string? AsText(ReadOnlySpan<byte> stored)
    {
        var content = ContentSalt.TryStrip(stored, out var unsalted) ? unsalted : stored;
        if (content.Length == 0 || content.Length > MaxTextBytes || content.Contains((byte)0))
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
}

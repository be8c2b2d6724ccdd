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
/// Takes in a contribution whose content arrives privately from the contributions service (<see cref="ScoringContent"/>):
/// the content is used only when its SHA-256 equals the content hash of the contribution's stored, signed
/// <see cref="ContributionSubmitted"/>, so the private queue can add no content the contributor did not sign. The text
/// exists here in memory only: the history records the checks' findings, never the text.
/// </summary>
public sealed class ScoringContentConsumer(NpgsqlDataSource dataSource, ContributionIntakeWriter intake, ILogger<ScoringContentConsumer> logger)
    : IConsumer<ScoringContent>
{
    /// <summary>Longest text (after the salt line) checked for near duplicates and text rules; longer content is checked by its hash only.</summary>
    public const int MaxTextBytes = ScoringContent.MaxTextBytes;

    private static readonly string LoadSql = $"""
        SELECT seq_id, data::text FROM {HistoryStoreExtensions.EventsSchema}.mt_events
        WHERE stream_id = @stream AND type = '{OutboxRoutes.EventTypeName(typeof(ContributionSubmitted))}'
        """;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task Consume(ConsumeContext<ScoringContent> context)
    {
        var message = context.Message;
        var content = new byte[message.Content.Length * 3 / 4 + 3];
        if (!Hex.TryDecode(message.ContributionId, out _, 32) || !Convert.TryFromBase64String(message.Content, content, out var length))
        {
            logger.LogWarning("Refused scoring content: malformed contribution id or content");
            return;
        }
        var (submitted, sequence) = await LoadAsync(message.ContributionId.ToLowerInvariant(), context.CancellationToken);
        if (submitted is null || !Hex.TryDecode(submitted.ContentHash, out var signedHash, 32)
            || !SHA256.HashData(content.AsSpan(0, length)).AsSpan().SequenceEqual(signedHash))
        {
            // Acknowledged, not parked: a forged or stale message is not a failure a retry could cure (see HistoryFacts).
            logger.LogWarning("Refused scoring content for {ContributionId}: no stored contribution with that content hash", message.ContributionId);
            return;
        }
        // The stored event's place in the history decides its assignment round, as for contributions without content.
        await intake.TakeInAsync(submitted with { Text = AsText(content.AsSpan(0, length)) }, sequence, context.CancellationToken);
    }

    private async Task<(ContributionSubmitted? Submitted, long Sequence)> LoadAsync(string contributionId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(LoadSql);
        command.Parameters.AddWithValue("stream", ContributionSubmittedConsumer.ContributionStreamPrefix + contributionId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (JsonSerializer.Deserialize<ContributionSubmitted>(reader.GetString(1), OutboxRoutes.HistoryJson), reader.GetInt64(0))
            : (null, 0);
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

using System.Security.Cryptography;
using System.Text.Json;
using CommunityAI.Contracts;
using CommunityAI.ServiceDefaults.Background;
using CommunityAI.ServiceDefaults.History;
using CommunityAI.ServiceDefaults.Messaging;
using CommunityAI.ServiceDefaults.Telemetry;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CommunityAI.Contributions.Infrastructure;

/// <summary>
/// Hands each stored contribution's content to quality-scoring privately (<see cref="ScoringContents"/> on its own
/// queue), since the history and the public bus carry only the hash. Follows this service's streams in the history (one
/// replica at a time) and, per batch of stored <see cref="ContributionSubmitted"/> events, reads their contents in one
/// statement and sends them in one message (or a few, for large contents), then moves its checkpoint (stored at most
/// once a second, <see cref="StoreCheckpointEvery"/>): every stored content is handed over at least once, whatever
/// crashed between, and quality-scoring takes each contribution in once. Content erased before the handoff is not
/// handed over, nor content larger than <see cref="ScoringContent.MaxHandedOverBytes"/> (no text quality-scoring would
/// check).
/// </summary>
/// <remarks>
/// It used to be a consumer of the outbox's own <see cref="ContributionSubmitted"/> notices: a round trip through the
/// broker from this service to itself, a history read to check each notice was not forged, and a store read and a send
/// per contribution. For a bulk intake that was most of the work behind each batch, and the handoff fell half a minute
/// behind a benchmark's 30,000 contributions; read from the history there is no notice to forge. It then sent a message
/// per content, each serialised, confirmed and consumed with a history read of its own; a few messages a batch now.
/// </remarks>
public sealed partial class ScoringContentHandoff(
    NpgsqlDataSource dataSource, IDocumentStore store, ContentStore contents, ConfirmedPublisher publisher, IBus bus,
    ILogger<ScoringContentHandoff> logger, HistoryPulse pulse)
    : HistoryFollower(dataSource, ContributionAppender.StreamPrefix, pulse)
{
    /// <summary>This follower's <see cref="FollowerCheckpoint"/>: every content submitted at or below it is handed over.</summary>
    public const string CheckpointKey = "scoring-handoff";

    private static readonly Uri Queue = new("queue:" + ScoringContent.QueueName);
    private static readonly string SubmittedType = OutboxRoutes.EventTypeName(typeof(ContributionSubmitted));

    public override LeaderLoopSettings Settings { get; } = new("contributions:scoring-handoff");

    // A batch's contents are held in memory until sent: at most this many texts of up to 64 KiB each.
    protected override int BatchSize => 200;

    /// <summary>
    /// The least time between two stores of the checkpoint while batches keep coming. It is stored apart from what a
    /// batch does (its contents go to the broker, not the store), and quality-scoring takes each contribution in once,
    /// so contents handed over again after a crash change nothing: a commit per batch (ten a second at 10/s) bought
    /// nothing a commit a second does not.
    /// </summary>
    public static readonly TimeSpan StoreCheckpointEvery = TimeSpan.FromSeconds(1);

    // One term at a time: every content up to its Done is confirmed by the broker.
    private CheckpointCadence _sent = new(0, StoreCheckpointEvery);

    protected override async Task<long> LoadCheckpointAsync(CancellationToken ct)
    {
        _sent = new CheckpointCadence(await FollowerCheckpoint.LoadAsync(store, CheckpointKey, legacyTable: null, ct), StoreCheckpointEvery);
        return _sent.Stored;
    }

    protected override bool Wants(StoredEvent e) => Is(e, SubmittedType);

    /// <summary>Sends the batch's contents, waits for the broker's confirms, then moves the checkpoint.</summary>
    protected override async Task<bool> ApplyAsync(IReadOnlyList<StoredEvent> events, long checkpoint, CancellationToken ct)
    {
        var submitted = events
            .Where(Wants)
            .Select(e => JsonSerializer.Deserialize<ContributionSubmitted>(e.Data!, OutboxRoutes.HistoryJson)
                ?? throw new InvalidOperationException($"history event {e.Id} ({e.EventType}) has no data"))
            // Content past the text quality-scoring reads is not sent: it takes such a contribution in on its hash alone.
            .Where(s => s.ContentSize <= ScoringContent.MaxHandedOverBytes)
            .Select(s => s.ContributionId)
            .ToList();
        if (submitted.Count > 0)
        {
            var whole = await contents.ReadWholeManyAsync(submitted, ct);
            var handed = new List<ScoringContent>(submitted.Count);
            foreach (var id in submitted)
            {
                // One at a time, streamed on its own connection: uploads (sealed in segments), erased ones, and any the
                // batch read could not open.
                if ((whole.TryGetValue(id, out var read) ? read : await ReadOneAsync(id, ct)) is { } content)
                    handed.Add(new ScoringContent(id, Convert.ToBase64String(content)));
            }
            // A message per few hundred contents, in the history's order, each confirmed by the broker before the
            // checkpoint moves past it.
            await Task.WhenAll(Messages(handed).Select(m => publisher.SendAsync(bus, Queue, m, ct)));
        }
        _sent.Reached(checkpoint);
        await StoreWhenDueAsync(ct);
        return true;
    }

    /// <summary>
    /// Before the loop waits, what was sent is stored when due, so within <see cref="StoreCheckpointEvery"/> of the
    /// loop going quiet; when the term ends, at once.
    /// </summary>
    protected override Task SettleAsync(bool termEnds) => StoreWhenDueAsync(CancellationToken.None, now: termEnds);

    private Task StoreWhenDueAsync(CancellationToken ct, bool now = false) =>
        _sent.StoreWhenDueAsync((sent, token) => FollowerCheckpoint.SaveAsync(store, CheckpointKey, sent, token), ct, now);

    /// <summary>
    /// The contents, in order, in messages of at most <see cref="ScoringContents.MaxItems"/> items and
    /// <see cref="ScoringContents.MaxContentChars"/> characters of content (one larger content travels alone).
    /// </summary>
    public static IEnumerable<ScoringContents> Messages(IReadOnlyList<ScoringContent> contents)
    {
        var items = new List<ScoringContent>();
        var chars = 0L;
        foreach (var content in contents)
        {
            if (items.Count > 0 && (items.Count == ScoringContents.MaxItems || chars + content.Content.Length > ScoringContents.MaxContentChars))
            {
                yield return new ScoringContents(items);
                items = [];
                chars = 0;
            }
            items.Add(content);
            chars += content.Content.Length;
        }
        if (items.Count > 0)
            yield return new ScoringContents(items);
    }

    /// <summary>
    /// The content, or null when the store holds none (erased) or it does not open. A content altered in the store
    /// will never open: it is logged and passed over, so it holds up nobody else's. A master key not configured here
    /// is the operator's to fix, and throws: the loop backs off and tries the batch again.
    /// </summary>
    private async Task<byte[]?> ReadOneAsync(string contributionId, CancellationToken ct)
    {
        try
        {
            await using var opened = await contents.OpenAsync(contributionId, ct);
            return opened is null ? null : await opened.ReadAllAsync(ScoringContent.MaxHandedOverBytes, ct);
        }
        catch (CryptographicException e)
        {
            CommunityMetrics.ContentUnreadable.Add(1);
            LogUnreadable(contributionId, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Content of contribution {ContributionId} does not open ({Reason}): not handed over to quality-scoring, which cannot score it")]
    private partial void LogUnreadable(string contributionId, string reason);
}

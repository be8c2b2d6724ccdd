using System.Globalization;
using CommunityAI.ServiceDefaults.History;

namespace CommunityAI.Benchmarks.ChainBridge;

/// <summary>
/// History events shaped like the real ones the log takes in (a scored contribution, ~230 bytes of JSON),
/// deterministic per sequence so every run hashes the same bytes.
/// </summary>
internal static class SyntheticHistory
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static StoredEvent Event(long sequence)
    {
        var id = sequence.ToString("x64", CultureInfo.InvariantCulture);
        var contributor = (sequence % 5000).ToString("x40", CultureInfo.InvariantCulture);
        var at = Start.AddMilliseconds(sequence);
        var data = $$"""{"contributionId":"0x{{id}}","contributor":"0x{{contributor}}","kind":"data","score":{{20 + sequence % 81}},"scorer":"scoring-1","scoredAt":"{{at:O}}"}""";
        return new StoredEvent(sequence, GuidFor(sequence), $"contributions/0x{id}", 2, "contribution_scored", at, data);
    }

    public static IReadOnlyList<StoredEvent> Batch(long firstSequence, int count)
    {
        var events = new StoredEvent[count];
        for (var i = 0; i < count; i++)
            events[i] = Event(firstSequence + i);
        return events;
    }

    private static Guid GuidFor(long sequence)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, sequence);
        bytes[15] = 0x42;
        return new Guid(bytes);
    }
}

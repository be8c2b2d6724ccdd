using CommunityAI.Formats.Log;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Tests.Watch;

/// <summary>A log as a server shows it: its entries, every perfect node by level, and its checkpoint signed by a key.</summary>
internal sealed class ServedLog
{
    public ServedLog(IReadOnlyList<byte[]> entries, NoteSigner signer)
    {
        ServedEntries = entries;
        var levels = new List<byte[][]> { entries.Select(e => LogHasher.HashLeaf(e)).ToArray() };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            levels.Add(Enumerable.Range(0, below.Length / 2).Select(i => LogHasher.HashChildren(below[2 * i], below[2 * i + 1])).ToArray());
        }
        Levels = levels;
        var range = CompactRange.Empty;
        foreach (var leaf in levels[0])
            range = range.Append(leaf).Range;
        Root = range.RootHash();
        var body = new Checkpoint(signer.Key.Name, entries.Count, Root).Format();
        Checkpoint = new SignedNote(body, [signer.Sign(body)]).Format();
    }

    public IReadOnlyList<byte[]> ServedEntries { get; }

    public IReadOnlyList<byte[][]> Levels { get; }

    public byte[] Root { get; }

    public string Checkpoint { get; set; }

    /// <summary>Entries in the style of our log: small canonical JSON objects, one per index.</summary>
    public static List<byte[]> Entries(int count, int changedAt = -1) =>
        Enumerable.Range(0, count)
            .Select(i => System.Text.Encoding.UTF8.GetBytes($"{{\"data\":{{\"n\":{(i == changedAt ? -i : i)}}},\"index\":{i}}}"))
            .ToList();
}

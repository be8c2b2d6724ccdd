using CommunityAI.Audit.Chain;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Formats;
using CommunityAI.Formats.Log;

namespace CommunityAI.Audit.Verification;

/// <summary>
/// Compares the chain-bridge's stored log (<c>chainbridge.log_entries</c>) with the leaves recomputed from the
/// history, leaf by leaf, and checks the stored log against the anchors too, so a report can say which side the
/// chain vouches for. Pure: fed one stored entry at a time.
/// </summary>
internal sealed class StoredLogComparison(LogRecomputer history, IReadOnlyList<AnchoredHead> heads)
{
    private readonly LogRecomputer _stored = new(heads.Select(h => h.TreeSize));
    private long _count;
    private Finding? _firstMismatch;
    private Finding? _selfInconsistent;

    public void Add(StoredLogEntry entry)
    {
        if (entry.Index != _count)
        {
            _selfInconsistent ??= new Finding("stored log", false, $"the stored log skips from index {_count - 1} to {entry.Index}", DivergentIndex: _count);
            return;
        }
        var leaf = LogHasher.HashLeaf(entry.Entry);
        if (!leaf.AsSpan().SequenceEqual(entry.LeafHash))
            _selfInconsistent ??= new Finding("stored log", false,
                $"stored leaf hash {Hex.Encode(entry.LeafHash)} at index {entry.Index} is not the hash of its stored entry ({Hex.Encode(leaf)})",
                DivergentIndex: entry.Index);
        _stored.AppendLeaf(entry.LeafHash.Length == LogHasher.HashSize ? entry.LeafHash : leaf);

        if (_firstMismatch is null)
        {
            if (entry.Index >= history.Size)
                _firstMismatch = new Finding("stored log vs history", false,
                    $"the stored log has entry {entry.Index} ({Describe(entry)}) but the history has only {history.Size} events",
                    DivergentIndex: entry.Index);
            else if (!history.Leaf(entry.Index).SequenceEqual(entry.LeafHash))
                _firstMismatch = new Finding("stored log vs history", false,
                    $"index {entry.Index}: the stored log holds {Describe(entry)} with leaf {Hex.Encode(entry.LeafHash)}, " +
                    $"the history recomputes to leaf {Hex.Encode(history.Leaf(entry.Index))}",
                    DivergentIndex: entry.Index);
        }
        _count++;
    }

    /// <summary>The stored entry at the first divergent index, parsed, when there is one.</summary>
    public LogEvent? StoredEventAtMismatch { get; private set; }

    public List<Finding> Finish()
    {
        var findings = new List<Finding>();
        if (_selfInconsistent is not null)
            findings.Add(_selfInconsistent);
        findings.Add(_firstMismatch ?? Finding.Pass("stored log vs history",
            _count == history.Size
                ? $"all {_count} stored leaves equal the recomputed ones"
                : $"all {_count} stored leaves equal the recomputed ones; the history has {history.Size - _count} newer events the stored log has not reached"));

        // Which side does the chain vouch for? Anchors within the stored log's length, recomputed from its leaves.
        var covered = heads.Where(h => h.TreeSize <= _count).ToList();
        if (covered.Count > 0)
        {
            var wrong = covered.Where(h => !_stored.Roots[h.TreeSize].AsSpan().SequenceEqual(h.RootHash)).ToList();
            findings.Add(wrong.Count == 0
                ? Finding.Pass("stored log vs anchors", $"the stored log reproduces all {covered.Count} anchored roots it covers")
                : new Finding("stored log vs anchors", false,
                    $"the stored log does not reproduce {wrong.Count} anchored roots, the first at tree size {wrong[0].TreeSize}"));
        }
        return findings;
    }

    private string Describe(StoredLogEntry entry)
    {
        try
        {
            var parsed = LogEntryFormat.Parse(entry.Index, entry.Entry);
            StoredEventAtMismatch ??= parsed;
            return parsed.Describe();
        }
        catch (FormatException e)
        {
            return $"an unreadable entry ({e.Message})";
        }
    }
}

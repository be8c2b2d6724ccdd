namespace CommunityAI.Audit.Verification;

/// <summary>The outcome of one check, in words an auditor can act on.</summary>
/// <param name="Check">What was checked, e.g. "anchor 3 (tree size 120, tx 0x…)".</param>
/// <param name="Passed">True when it held.</param>
/// <param name="Detail">What held or exactly what did not, with the numbers and hashes involved.</param>
/// <param name="DivergentIndex">For a failure that pins it down: the first log index that differs.</param>
/// <param name="RangeStart">For a failure known by range only: the first divergent index is at least this…</param>
/// <param name="RangeEnd">…and below this.</param>
internal sealed record Finding(
    string Check, bool Passed, string Detail, long? DivergentIndex = null, long? RangeStart = null, long? RangeEnd = null)
{
    public static Finding Pass(string check, string detail) => new(check, true, detail);
}

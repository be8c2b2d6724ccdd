namespace CommunityAI.Audit.Chain;

/// <summary>
/// Splits a block interval into bounded pages for <c>eth_getLogs</c>: public RPC providers refuse a query over the
/// whole chain (most cap a query at a few thousand blocks or results), so every log scan goes page by page. Pure.
/// </summary>
internal static class BlockRanges
{
    /// <summary>The pages [from, to] covering <paramref name="from"/>…<paramref name="to"/> (both inclusive), each at most <paramref name="pageSize"/> blocks.</summary>
    public static IEnumerable<(ulong From, ulong To)> Split(ulong from, ulong to, ulong pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pageSize);
        for (var start = from; start <= to; start += pageSize)
        {
            var end = to - start < pageSize ? to : start + pageSize - 1;
            yield return (start, end);
            if (end == to)
                yield break;
        }
    }
}

namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// How long a polling loop waits when it found no work: <see cref="First"/> after work, doubling with each empty look
/// up to <see cref="Longest"/>. A busy loop keeps its short wait, so latency under load is what it was; a quiet one
/// looks a few times a second instead of tens, which is most of what a system at rest spends. The price is the first
/// piece of work after a quiet spell, found up to <see cref="Longest"/> late unless a <see cref="Pulse"/> wakes the loop.
/// </summary>
public sealed class IdleWait
{
    private TimeSpan _next;

    public IdleWait(TimeSpan first, TimeSpan longest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(longest, first);
        First = first;
        Longest = longest;
        _next = first;
    }

    public TimeSpan First { get; }
    public TimeSpan Longest { get; }

    /// <summary>
    /// The wait after a look that found <paramref name="found"/> pieces of work and could take <paramref name="max"/>: none
    /// after a full look (more are waiting; the next empty look waits the first step), else as <see cref="AfterWork"/> or
    /// <see cref="AfterNothing"/>.
    /// </summary>
    public TimeSpan AfterLook(int found, int max)
    {
        if (found < max)
            return found > 0 ? AfterWork() : AfterNothing();
        _next = First;
        return TimeSpan.Zero;
    }

    /// <summary>The wait after a look that found work but no more than it could take (so none is waiting): the first step.</summary>
    public TimeSpan AfterWork()
    {
        _next = First;
        return AfterNothing();
    }

    /// <summary>The wait after a look that found nothing: each one twice the last, up to <see cref="Longest"/>.</summary>
    public TimeSpan AfterNothing()
    {
        var wait = _next;
        _next = _next >= Longest / 2 ? Longest : _next * 2;
        return wait;
    }
}

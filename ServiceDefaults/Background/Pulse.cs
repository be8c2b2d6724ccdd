namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// A wake-up call between loops of one process: a loop that found nothing to do takes <see cref="Next"/> before it looks,
/// then waits on it as well as on its timer, and whatever makes new work calls <see cref="Beat"/>. Taking the task before
/// looking means a beat between the look and the wait is not missed. A beat says only "look again": it carries nothing,
/// and a loop that looks for nothing on a beat loses one query.
/// </summary>
public class Pulse
{
    private TaskCompletionSource _next = NewBeat();

    /// <summary>Completes at the next <see cref="Beat"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every loop waiting on <see cref="Next"/>.</summary>
    public void Beat() => Interlocked.Exchange(ref _next, NewBeat()).TrySetResult();

    // Waiters go on on their own threads, not on the one that beats (a committing request).
    private static TaskCompletionSource NewBeat() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

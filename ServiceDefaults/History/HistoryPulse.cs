using CommunityAI.ServiceDefaults.Background;
using Marten;
using Marten.Services;

namespace CommunityAI.ServiceDefaults.History;

/// <summary>
/// Beats when this process committed events to the history, so that the loops publishing and following its own streams
/// (the outbox first) look at once instead of at their next poll. Events appended by other processes (another service,
/// another replica) beat nothing here: those loops find them at their next poll, as before.
/// </summary>
public sealed class HistoryPulse : Pulse;

/// <summary>Beats the <see cref="HistoryPulse"/> after each session's commit that appended events; documents alone do not.</summary>
/// <remarks>
/// Document-only commits must not beat: the outbox stores its checkpoint after each batch, and a beat for that would wake
/// it to look again for nothing, every time.
/// </remarks>
internal sealed class HistoryPulseListener(HistoryPulse pulse) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetEvents().Any())
            pulse.Beat();
        return Task.CompletedTask;
    }
}

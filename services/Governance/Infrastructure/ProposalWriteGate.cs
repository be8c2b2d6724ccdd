namespace CommunityAI.Governance.Infrastructure;

/// <summary>
/// Lets one writer at a time into a proposal's stream within this replica. Votes on one proposal are counted in the
/// order they are recorded (quorum time, late-quorum extension), so they serialise on the stream's version anyway;
/// without the gate, concurrent voters fetched, tallied and lost the race again and again (with 16 at once a vote
/// ran out of retries and was answered 500). Other replicas still meet the stream's optimistic check, which the
/// desk retries.
/// </summary>
public sealed class ProposalWriteGate
{
    // Striped by proposal id: a fixed set of gates needs no cleanup, and two proposals sharing a stripe only queue.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Waits for the proposal's gate; dispose the result to let the next writer in.</summary>
    public async Task<IDisposable> EnterAsync(string proposalId, CancellationToken ct)
    {
        var gate = _stripes[(StringComparer.Ordinal.GetHashCode(proposalId) & int.MaxValue) % _stripes.Length];
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }
}

using CommunityAI.Contributions.Domain;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Bounds the validator reads streaming at once on this replica. A read holds one database connection for as long as its
/// client takes to download (the content streams off the row a segment at a time), so a validator downloading slowly on
/// purpose, or opening many reads of its case, would otherwise take the pool every other request needs. Each reader may
/// stream <see cref="PerReader"/> reads at once, and all readers together <see cref="ContentStoreOptions.MaxConcurrentReads"/>;
/// past either, the read is refused before its nonce is spent, so the same signed request can be sent again later.
/// </summary>
public sealed class ContentReadGate(IOptions<ContentStoreOptions> options)
{
    /// <summary>Reads one reader may stream at once: a retry beside a slow read, not a pool's worth.</summary>
    public const int PerReader = 2;

    private readonly Dictionary<string, int> _open = new(StringComparer.OrdinalIgnoreCase);
    private int _total;

    /// <summary>A place for one read of <paramref name="reader"/>, released when disposed; null when none is free.</summary>
    public IDisposable? TryEnter(string reader)
    {
        lock (_open)
        {
            var mine = _open.GetValueOrDefault(reader);
            if (mine >= PerReader || _total >= options.Value.MaxConcurrentReads)
                return null;
            _open[reader] = mine + 1;
            _total++;
            return new Lease(this, reader);
        }
    }

    private void Leave(string reader)
    {
        lock (_open)
        {
            _total--;
            if (--_open[reader] == 0)
                _open.Remove(reader);
        }
    }

    private sealed class Lease(ContentReadGate gate, string reader) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Leave(reader);
        }
    }
}

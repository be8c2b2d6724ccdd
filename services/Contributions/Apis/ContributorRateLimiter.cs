using System.Threading.RateLimiting;
using CommunityAI.Contributions.Domain;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Apis;

/// <summary>
/// Per-contributor limit. The contributor is inside the JSON body, which the rate-limiting middleware never sees,
/// so the handler asks this partitioned limiter once the body is bound.
/// </summary>
public sealed class ContributorRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address.ToLowerInvariant(), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PerContributor,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    public bool TryAcquire(string contributor)
    {
        using var lease = _limiter.AttemptAcquire(contributor);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

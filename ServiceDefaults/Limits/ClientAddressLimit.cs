using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommunityAI.ServiceDefaults.Limits;

/// <summary>
/// How many POST requests one client address may make per window, on every service, before anything of the request is
/// read or a signature recovered: the cheap first line in front of the per-signer quotas (<see cref="SignerQuota"/>),
/// which count only after the signature check. Settings <c>RateLimits:PerClientAddress</c>, <c>RateLimits:Window</c> and
/// <c>RateLimits:Replicas</c>; generous by default so tests and benchmarks are never throttled unless they ask to be.
/// </summary>
/// <remarks>
/// The client is the connection's peer, or what a trusted proxy forwarded (<see cref="Http.TrustedProxies"/>). IPv6
/// clients are counted per /64, the block one subscriber gets, so rotating addresses inside it buys nothing.
/// <para>
/// Counted in each replica's memory, so that a flood costs no database round trip, and partitioned so replicas cannot
/// multiply it: each of <see cref="Replicas"/> replicas allows its share, <see cref="PerReplica"/>, and all of them
/// together at most <see cref="PerClientAddress"/>. <see cref="Replicas"/> must be the most replicas the service can run
/// (an autoscaler's maximum, not its minimum): fewer running only make the limit stricter. The price is that a client
/// whose requests all reach one replica (one kept-alive connection through a balancer that spreads connections, not
/// requests) gets that replica's share only. The per-signer quotas, which guard what is recorded, are exact and shared
/// in PostgreSQL.
/// </para>
/// </remarks>
public sealed class ClientAddressLimit
{
    public const string Section = "RateLimits";

    /// <summary>Requests other than reads (POST, and PUT of an upload's parts) per client address per <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue)]
    public int PerClientAddress { get; set; } = 1_000_000;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most replicas of this service that can run at once; each allows <see cref="PerReplica"/>.</summary>
    [Range(1, 10_000)]
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// This replica's share of <see cref="PerClientAddress"/>: rounded down, so the replicas together never allow more
    /// than the limit, but at least one, so a limit below the replica count still lets a client through somewhere.
    /// </summary>
    public int PerReplica => Math.Max(1, PerClientAddress / Replicas);

    /// <summary>The key a client is counted under: IPv4 as is, IPv6 by its /64, "unknown" without a peer (in-memory test server).</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    internal static void Configure(IServiceCollection services)
    {
        services.AddOptions<ClientAddressLimit>().BindConfiguration(Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                // Reads are cheap and public; only requests that make a service work or record something are counted.
                var method = context.Request.Method;
                if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
                    return RateLimitPartition.GetNoLimiter("reads");
                var limit = context.RequestServices.GetRequiredService<IOptions<ClientAddressLimit>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(KeyOf(context.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PerReplica, Window = limit.Window, QueueLimit = 0 });
            });
            limiter.OnRejected = (rejected, _) => RefuseAsync(rejected.HttpContext);
        });
    }

    private static async ValueTask RefuseAsync(HttpContext context)
    {
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "too many requests from this client address; retry later",
                Extensions = { ["field"] = "clientAddress" },
            },
        });
    }
}

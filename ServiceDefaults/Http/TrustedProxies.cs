using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.ServiceDefaults.Http;

/// <summary>
/// Which peers may tell a service who its client is. <c>X-Forwarded-For</c> is honoured only when the connection comes
/// from an address or range in <c>Network:TrustedProxies</c> (the portal, an Ingress controller), and only up to the first
/// hop that is not trusted: a client cannot pick its own address by sending the header itself, and an empty list (the
/// default) ignores the header entirely. ASP.NET Core's own default trusts loopback, which on a shared host would let
/// any local process speak for anyone; the list replaces it.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "Network:TrustedProxies";

    /// <summary>Puts the trusted proxies (<see cref="Read"/>) in the forwarded-headers options.</summary>
    public static void Configure(IServiceCollection services, IReadOnlyList<IPNetwork> networks)
    {
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // With no known proxy at all the middleware trusts every peer, so an empty list must read no header.
            options.ForwardedHeaders = networks.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in networks)
                options.KnownIPNetworks.Add(network);
            // Walk the whole chain from the nearest hop back, stopping at the first untrusted one (the real client).
            options.ForwardLimit = null;
        });
    }

    /// <summary>The addresses and ranges of <see cref="Setting"/>; empty when none is set.</summary>
    /// <exception cref="InvalidOperationException">An entry is neither an IP address nor a CIDR range: refused at start.</exception>
    public static IReadOnlyList<IPNetwork> Read(IConfiguration configuration) =>
        (configuration.GetSection(Setting).Get<string[]>() ?? []).Select(Parse).ToList();

    /// <summary>Whether a connection's peer is one of <paramref name="networks"/> (an IPv4 peer on a dual-stack socket included).</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress? peer)
    {
        if (peer is null)
            return false;
        if (peer.IsIPv4MappedToIPv6)
            peer = peer.MapToIPv4();
        foreach (var network in networks)
        {
            if (network.Contains(peer))
                return true;
        }
        return false;
    }

    private static IPNetwork Parse(string entry)
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network))
            return network;
        if (IPAddress.TryParse(text, out var address))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        throw new InvalidOperationException($"{Setting}: '{entry}' is neither an IP address nor a CIDR range");
    }
}

using System.Net;
using Npgsql;

namespace CommunityAI.ServiceDefaults.Database;

/// <summary>
/// Outside development a service reaches its database over TLS that verifies the server's certificate
/// (<c>SSL Mode=VerifyFull</c> or <c>VerifyCA</c>), so someone on the network path cannot pose as the database and be
/// handed the service's password, or feed it a history of its own. <c>SSL Mode=Require</c> encrypts but believes any
/// certificate. A server on this machine (loopback, a Unix socket) is exempt, and <see cref="AllowSetting"/> accepts an
/// unverified connection knowingly (an in-cluster server without TLS in the development overlay).
/// </summary>
public static class DatabaseTransport
{
    public const string AllowSetting = "Database:AllowUnverifiedConnection";

    /// <summary>Why <paramref name="connectionString"/> may not be used here; null when it may.</summary>
    /// <param name="setting">The setting the connection string came from, named in the answer.</param>
    public static string? Problem(string connectionString, string environment, bool allowed, string setting = "ConnectionStrings:history")
    {
        if (allowed || environment is "Development" or "Testing" or "Benchmark")
            return null;
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.SslMode is SslMode.VerifyFull or SslMode.VerifyCA)
            return null;
        var hosts = (settings.Host ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (hosts.Length > 0 && hosts.All(IsThisMachine))
            return null;
        return $"{setting} reaches {settings.Host} with SSL Mode={settings.SslMode}, which does not verify the " +
            "server's certificate: use SSL Mode=VerifyFull (with Root Certificate=… for a private CA), or set " +
            $"{AllowSetting}=true to accept an unverified connection knowingly";
    }

    private static bool IsThisMachine(string host)
    {
        if (host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        // "host:port" is allowed in a host list; an IPv6 address has colons of its own.
        var name = IPAddress.TryParse(host.Trim('[', ']'), out var address) ? null : host[..(host.LastIndexOf(':') is var i and > 0 ? i : host.Length)];
        return address is not null ? IPAddress.IsLoopback(address)
            : name!.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(name, out var named) && IPAddress.IsLoopback(named));
    }
}

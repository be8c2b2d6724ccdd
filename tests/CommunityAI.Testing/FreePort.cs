using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CommunityAI.Testing;

public static class FreePort
{
    private const int Lowest = 15000;
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback port free right now, for servers that need their port before they start (and keep it across restarts).
    /// Chosen below the kernel's ephemeral range, not by binding port 0: the OS hands port 0 out of that range, which
    /// every outgoing connection also draws its source port from. On a busy machine one of the test run's hundreds of
    /// client connections took such a port before a private RabbitMQ node bound it, and the node stopped with eaddrinuse.
    /// </summary>
    public static int Next()
    {
        var highest = EphemeralLowest() - 1;
        if (highest - Lowest < 1000)
            return OsPicked();
        lock (Given)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(Lowest, highest + 1);
                // Never the same port twice in one test process, even after its server stopped: a fault test restarts
                // its server on the port it had, and another fixture must not have taken it meanwhile.
                if (Given.Add(port) && CanBind(port))
                    return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {Lowest} and {highest}");
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, string what, Process? server = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // A server that stopped during start-up never listens: say so now instead of waiting out the timeout.
            if (server is { HasExited: true })
                throw new ServerExitedException($"{what} exited with code {server.ExitCode} before listening on port {port}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"{what} did not listen on port {port} within {timeout}");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int OsPicked()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux; 49152 elsewhere, the IANA default).</summary>
    private static int EphemeralLowest()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var lowest))
            return lowest;
        return 49152;
    }
}

/// <summary>A server process of a test's own stopped before it listened (its log says why).</summary>
public sealed class ServerExitedException(string message) : Exception(message);

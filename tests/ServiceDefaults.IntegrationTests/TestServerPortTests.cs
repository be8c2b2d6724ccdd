using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace ServiceDefaults.IntegrationTests;

/// <summary>The ports and start-up waits of the test run's own servers (private RabbitMQ and PostgreSQL, services).</summary>
public sealed class TestServerPortTests
{
    [Fact]
    public void Ports_are_chosen_below_the_range_outgoing_connections_draw_from()
    {
        var ephemeralLowest = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]);
        var ports = Enumerable.Range(0, 50).Select(_ => FreePort.Next()).ToList();

        Assert.All(ports, port => Assert.InRange(port, 1024, ephemeralLowest - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }

    [Fact]
    public async Task A_server_that_exits_before_listening_is_reported_at_once_not_after_the_timeout()
    {
        using var server = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 3"]))!;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServerExitedException>(
            () => FreePort.WaitUntilListeningAsync(FreePort.Next(), TimeSpan.FromMinutes(5), "a server", server));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
    }
}

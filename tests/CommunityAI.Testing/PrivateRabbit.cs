using Xunit;

using System.Diagnostics;

namespace CommunityAI.Testing;

/// <summary>
/// A RabbitMQ node of the test's own (own node name, ports and data folder), so a fault test can stop and
/// restart the broker mid-load without disturbing other tests. Durable queues survive its restarts.
/// </summary>
public sealed class PrivateRabbit : IAsyncLifetime
{
    private readonly string _baseDir = Path.Combine(Path.GetTempPath(), "communityai-rmq-" + Guid.NewGuid().ToString("N")[..8]);
    private int _port;
    private int _distPort;
    private int _managementPort;
    private Process? _server;

    public string NodeName { get; } = $"fault{Guid.NewGuid().ToString("N")[..6]}@localhost";
    public string AmqpUri => $"amqp://guest:guest@127.0.0.1:{_port}/";

    /// <summary>The management API, through which the broker set-up creates the services' users.</summary>
    public Uri ManagementUri => new($"http://guest:guest@127.0.0.1:{_managementPort}/");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_baseDir);
        File.WriteAllText(Path.Combine(_baseDir, "enabled_plugins"), "[rabbitmq_management].\n");
        for (var attempt = 1; ; attempt++)
        {
            _port = FreePort.Next();
            _distPort = FreePort.Next();
            _managementPort = FreePort.Next();
            File.WriteAllText(Path.Combine(_baseDir, "rabbitmq.conf"),
                $"listeners.tcp.default = 127.0.0.1:{_port}\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {_managementPort}\n");
            try
            {
                await StartAsync();
                return;
            }
            catch (ServerExitedException) when (attempt < 3)
            {
                // A port free when chosen can still be bound by another process before the node binds it; the first
                // start may take fresh ones (later restarts keep theirs, which clients reconnect to).
                _server?.Dispose();
                _server = null;
            }
        }
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Tool("rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RABBITMQ_NODENAME"] = NodeName;
        start.Environment["RABBITMQ_DIST_PORT"] = _distPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_baseDir, "rabbitmq.conf");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_baseDir, "enabled_plugins");
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_baseDir, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_baseDir, "log");
        _server = Process.Start(start) ?? throw new InvalidOperationException("could not start rabbitmq-server");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        try
        {
            // Three minutes: a boot takes about 6 s of CPU, and at a load of 30 on two cores that is well past a minute
            // of wall time; a node that fails to boot is reported as soon as it exits, so the long wait costs nothing.
            await FreePort.WaitUntilListeningAsync(_port, TimeSpan.FromMinutes(3), $"RabbitMQ node {NodeName}", _server);
        }
        catch (Exception e) when (e is ServerExitedException or TimeoutException)
        {
            var why = $"{e.Message}; its log says:\n{LogErrors()}";
            throw e is ServerExitedException ? new ServerExitedException(why) : new TimeoutException(why);
        }
    }

    /// <summary>The error lines of the node's log (eaddrinuse, a bad config), for a start that failed.</summary>
    private string LogErrors()
    {
        var log = Path.Combine(_baseDir, "log", NodeName + ".log");
        if (!File.Exists(log))
            return "(no log written)";
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var errors = reader.ReadToEnd().Split('\n').Where(line => line.Contains("[error]", StringComparison.Ordinal)).TakeLast(10);
        return string.Join('\n', errors);
    }

    /// <summary>
    /// Stops the node cleanly, as a rolling restart would: connections close, clients must reconnect, and the
    /// node flushes its queues first. Falls back to <see cref="KillAsync"/> only if the node does not answer.
    /// </summary>
    public async Task StopAsync()
    {
        if (_server is null)
            return;
        try
        {
            // The CLI from the server's own folder, not Debian's /usr/sbin wrapper: as root the wrapper switches to
            // the rabbitmq user, whose Erlang cookie is not this node's, so "stop" was refused and every stop of
            // this fixture silently became a SIGKILL.
            await ProcessRunner.RunAsync(Tool("rabbitmqctl"), ["-n", NodeName, "stop"], timeout: TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Refused, or no answer within a minute (CI runs many test projects on two cores): the node goes the hard way.
            _server.Kill(entireProcessTree: true);
        }
        await ExitedAsync();
    }

    /// <summary>Runs <c>rabbitmqctl</c> against this node (an alarm, a policy), failing if it does.</summary>
    public Task CtlAsync(params string[] args) =>
        ProcessRunner.RunAsync(Tool("rabbitmqctl"), ["-n", NodeName, .. args], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Kills the node (SIGKILL), as a crashed host would: nothing is flushed, recovery runs at the next start.</summary>
    public async Task KillAsync()
    {
        if (_server is null)
            return;
        _server.Kill(entireProcessTree: true);
        await ExitedAsync();
    }

    private async Task ExitedAsync()
    {
        // Bounded: the wait includes the end of the node's output pipes. A node that never finishes its shutdown is
        // killed, and a wait that still does not end fails the test instead of hanging the run.
        try
        {
            await _server!.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            _server!.Kill(entireProcessTree: true);
            try
            {
                await _server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"RabbitMQ node {NodeName} did not exit, even killed", e);
            }
        }
        finally
        {
            _server!.Dispose();
            _server = null;
        }
    }

    private static string Tool(string name) =>
        File.Exists("/usr/lib/rabbitmq/bin/" + name) ? "/usr/lib/rabbitmq/bin/" + name : name;

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_baseDir, recursive: true);
        }
        catch (IOException)
        {
            // the node may still be flushing its log; the temp folder is harmless
        }
    }
}

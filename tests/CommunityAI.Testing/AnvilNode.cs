using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CommunityAI.Testing;

/// <summary>
/// A local anvil (Ethereum dev node) for one test class: its own process on a free loopback port,
/// so classes run in parallel, each with its own chain state. Use as
/// <c>IClassFixture&lt;AnvilNode&gt;</c>; within a class, <see cref="SnapshotAsync"/> and
/// <see cref="RevertAsync"/> isolate tests from each other. A subclass that sets <see cref="KeepsStateAcrossRestarts"/>
/// can <see cref="StopAsync"/> the node (an outage) and <see cref="RestartAsync"/> it on the same port with its chain.
/// </summary>
/// <remarks>
/// The binary comes from the npm package <c>@foundry-rs/anvil-linux-amd64</c> under the repository's
/// node_modules (run <c>npm ci</c>); set COMMUNITYAI_ANVIL to use another anvil binary. Containers
/// are not needed: anvil is a single static binary that starts in milliseconds.
/// </remarks>
public class AnvilNode : IAsyncLifetime
{
    public const long ChainId = 31337;

    /// <summary>anvil's dev keys (mnemonic "test test … junk"), each funded with 10,000 ETH. Public test keys: never use them on a real chain.</summary>
    public static IReadOnlyList<string> DevPrivateKeys { get; } =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
        "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
    ];

    /// <summary>The addresses of <see cref="DevPrivateKeys"/>, in the same order (EIP-55).</summary>
    public static IReadOnlyList<string> DevAddresses { get; } =
    [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
        "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
    ];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const string ListeningPrefix = "Listening on ";

    // The tail of anvil's output, to explain a failed start.
    private readonly Queue<string> _output = new();

    // What anvil served, counted from its own log, which names each JSON-RPC method it answers on a line of its own.
    private readonly ConcurrentDictionary<string, int> _served = new(StringComparer.Ordinal);
    private TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private int _requestId;
    private string? _stateFile;

    /// <summary>The JSON-RPC endpoint, e.g. http://127.0.0.1:40123.</summary>
    public string RpcUrl { get; private set; } = "";

    /// <summary>Extra anvil arguments for a subclass fixture, e.g. <c>--block-time 1</c> or <c>--no-mining</c>.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>The chain id anvil runs with: the development chain's unless a fixture plays a public network.</summary>
    public virtual long NodeChainId => ChainId;

    /// <summary>
    /// True to run anvil with a state file (<c>--state</c>): it writes its chain there when stopped gracefully and
    /// reads it back on <see cref="RestartAsync"/>, so blocks, receipts and contracts survive an outage.
    /// </summary>
    protected virtual bool KeepsStateAcrossRestarts => false;

    public virtual async Task InitializeAsync()
    {
        if (KeepsStateAcrossRestarts)
            _stateFile = Path.Combine(Path.GetTempPath(), $"anvil-state-{Guid.NewGuid():N}.json");
        // Port 0 lets the OS pick the port as anvil binds it, so parallel fixtures cannot race for
        // one; anvil reports the port it got on its "Listening on" line.
        var listening = await StartAsync(port: 0);
        RpcUrl = $"http://{listening}";
        var chainId = ParseQuantity(await RpcAsync("eth_chainId"));
        if (chainId != (ulong)NodeChainId)
            throw new InvalidOperationException($"anvil answered chain id {chainId}, expected {NodeChainId}.");
    }

    /// <summary>True between <see cref="StopAsync"/> and <see cref="RestartAsync"/>.</summary>
    public bool IsStopped => _process is null;

    /// <summary>
    /// Stops anvil as an operator would (SIGTERM), so it writes its state file first; the RPC endpoint refuses
    /// connections until <see cref="RestartAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (!KeepsStateAcrossRestarts)
            throw new InvalidOperationException($"{GetType().Name} does not keep its state across restarts; override {nameof(KeepsStateAcrossRestarts)}.");
        var process = _process ?? throw new InvalidOperationException("anvil is already stopped.");
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        // Process.Kill sends SIGKILL, which leaves no time to write the state; kill(1) sends SIGTERM.
        using (var terminate = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            await terminate.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts anvil again on the same port, from the state it wrote when stopped.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
            throw new InvalidOperationException("anvil is running; stop it first.");
        // The port was free moments ago; another process taking it in between would fail the start loudly.
        await StartAsync(new Uri(RpcUrl).Port);
    }

    public virtual async Task DisposeAsync()
    {
        if (_process is not null)
        {
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    // Bounded: the wait includes the end of its output pipes, and a dispose must never hang a test run.
                    await _process.WaitForExitAsync().WaitAsync(StartTimeout);
                }
            }
            finally
            {
                _process.Dispose();
                _process = null;
            }
        }
        if (_stateFile is not null)
            File.Delete(_stateFile);
    }

    private async Task<string> StartAsync(int port)
    {
        _listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        StartProcess(FindBinary(), port);
        try
        {
            return await _listening.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"anvil did not start listening within {StartTimeout.TotalSeconds} s:\n{OutputTail()}", e);
        }
    }

    /// <summary>Sends one JSON-RPC request and returns its result; throws with anvil's message on an error.</summary>
    public async Task<JsonElement> RpcAsync(string method, params object[] parameters)
    {
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _requestId), method, @params = parameters };
        using var response = await Http.PostAsJsonAsync(RpcUrl, request);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        if (body.RootElement.TryGetProperty("error", out var error))
            throw new InvalidOperationException($"anvil {method} failed: {error.GetRawText()}");
        return body.RootElement.GetProperty("result").Clone();
    }

    /// <summary>Saves the chain state (evm_snapshot); pass the id to <see cref="RevertAsync"/>. A snapshot is used up by a revert.</summary>
    public async Task<string> SnapshotAsync() => (await RpcAsync("evm_snapshot")).GetString()!;

    /// <summary>Restores the chain state saved as <paramref name="snapshotId"/> (evm_revert).</summary>
    public async Task RevertAsync(string snapshotId)
    {
        if (!(await RpcAsync("evm_revert", snapshotId)).GetBoolean())
            throw new InvalidOperationException($"anvil has no snapshot {snapshotId}.");
    }

    /// <summary>Mines <paramref name="blocks"/> empty blocks (evm_mine), e.g. to reach a confirmation depth.</summary>
    public async Task MineAsync(int blocks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        for (var i = 0; i < blocks; i++)
            await RpcAsync("evm_mine");
    }

    /// <summary>
    /// Replaces the last <paramref name="depth"/> blocks with as many empty blocks (anvil_reorg): the
    /// transactions they held are gone, as if another fork had won.
    /// </summary>
    public Task ReorgAsync(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        return RpcAsync("anvil_reorg", depth, Array.Empty<object>());
    }

    public async Task<ulong> BlockNumberAsync() => ParseQuantity(await RpcAsync("eth_blockNumber"));

    /// <summary>
    /// How many requests of each of <paramref name="methods"/> (e.g. <c>eth_call</c>) the node has answered, by its own
    /// log, counting every request answered before this call. anvil writes a request's line as it takes the request,
    /// but its output is read apart from the requests, so a line can still be in the pipe when the answer has arrived,
    /// and a count read then misses it (shown by slowing the reader: two counts of the same calls then differed). So
    /// this asks the node for its version last and waits until that line has been read; the lines before it have
    /// been read too. One caller at a time: another caller's version request could end the wait early.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> ServedAsync(params string[] methods)
    {
        const string Marker = "web3_clientVersion";
        var before = _served.GetValueOrDefault(Marker);
        await RpcAsync(Marker);
        using var timeout = new CancellationTokenSource(StartTimeout);
        while (_served.GetValueOrDefault(Marker) <= before)
            await Task.Delay(10, timeout.Token);
        return methods.ToDictionary(m => m, m => _served.GetValueOrDefault(m), StringComparer.Ordinal);
    }

    private static ulong ParseQuantity(JsonElement hex) =>
        ulong.Parse(hex.GetString()!.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private void StartProcess(string binary, int port)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] state = _stateFile is null ? [] : ["--state", _stateFile];
        foreach (var argument in (string[])["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                     "--chain-id", NodeChainId.ToString(CultureInfo.InvariantCulture), .. state, .. ExtraArguments])
            start.ArgumentList.Add(argument);

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = _listening;
        // Both pipes are drained, or anvil would block once a pipe buffer fills.
        process.OutputDataReceived += (_, e) => Remember(e.Data, listening);
        process.ErrorDataReceived += (_, e) => Remember(e.Data, listening);
        // Fails the start at once when anvil dies (bad flag, missing library) instead of after the timeout.
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"anvil exited with code {process.ExitCode} before listening:\n{OutputTail()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        // An aborted test run skips DisposeAsync; do not leave anvil running.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    private void Remember(string? line, TaskCompletionSource<string> listening)
    {
        if (line is null)
            return;
        if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            listening.TrySetResult(line[ListeningPrefix.Length..].Trim());
        if (line.Length is > 4 and < 64 && line.Contains('_', StringComparison.Ordinal) && line.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            _served.AddOrUpdate(line, 1, static (_, count) => count + 1);
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 50)
                _output.Dequeue();
        }
    }

    private string OutputTail()
    {
        lock (_output)
            return string.Join('\n', _output);
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (_process is { HasExited: false })
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The anvil binary: COMMUNITYAI_ANVIL, else the npm package under the repository's node_modules.</summary>
    public static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("COMMUNITYAI_ANVIL") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"COMMUNITYAI_ANVIL points at {configured}, which does not exist.");
        var binary = Path.Combine(RepositoryRoot.Find(), "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        return File.Exists(binary)
            ? binary
            : throw new FileNotFoundException($"anvil not found at {binary}; run 'npm ci' in the repository root (or set COMMUNITYAI_ANVIL).");
    }
}

using System.Numerics;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Chain;

/// <summary>
/// The bridge's one account on the chain and the contracts it found or deployed. Transactions go out
/// through one sender, one at a time, with nonces tracked (anvil can drop concurrent ones).
/// </summary>
/// <remarks>
/// The key may come from a Dapr sidecar, which takes a network call; that happens in
/// <see cref="StartingAsync"/>, before any hosted service starts or the server listens, so a missing or
/// malformed key stops start-up and nothing ever sees a connection without an account.
/// </remarks>
public sealed partial class ChainConnection(
    IOptions<ChainOptions> options,
    AnchorerKeySource keys,
    ILogger<TransactionSender> senderLogger,
    ILogger<ChainConnection> logger) : IHostedLifecycleService, IDisposable
{
    private TransactionSender? _sender;

    public long ChainId { get; } = options.Value.Id;

    public TransactionSender Sender => _sender
        ?? throw new InvalidOperationException("The chain connection is not started yet: the anchoring key is read at host start-up.");

    /// <summary>Null until the contracts were found or deployed at start-up.</summary>
    public DeployedContracts? Deployment { get; set; }

    /// <summary>Why the bridge may neither find nor deploy its contracts (readiness reports it unhealthy); null otherwise.</summary>
    public string? DeploymentRefused { get; set; }

    public AnchorContract Anchor => new(Sender, Deployment?.AnchorAddress ?? throw new InvalidOperationException("contracts not deployed yet"));

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_sender is not null)
            return;
        var key = await keys.LoadAsync(cancellationToken);
        _sender = TransactionSender.Create(options.Value.RpcUrl, key, new BigInteger(ChainId), senderLogger);
        LogConnected(logger, _sender.Address, ChainId);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _sender?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchoring as account {Address} on chain {ChainId}")]
    private static partial void LogConnected(ILogger logger, string address, long chainId);
}

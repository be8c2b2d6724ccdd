using System.Numerics;
using CommunityAI.ChainBridge.Chain;
using Microsoft.Extensions.Options;

namespace CommunityAI.ChainBridge.Anchoring;

/// <summary>
/// The bridge's one account on the chain and the contracts it found or deployed. Transactions go out
/// through one sender, one at a time, with nonces tracked (anvil can drop concurrent ones).
/// </summary>
public sealed class ChainConnection : IDisposable
{
    public ChainConnection(IOptions<ChainOptions> options, ILogger<TransactionSender> logger)
    {
        var chain = options.Value;
        ChainId = chain.ChainId;
        Sender = TransactionSender.Create(chain.RpcUrl, chain.AnchorerKey, new BigInteger(chain.ChainId), logger);
    }

    public long ChainId { get; }
    public TransactionSender Sender { get; }

    /// <summary>Null until the contracts were found or deployed at start-up.</summary>
    public DeployedContracts? Deployment { get; set; }

    public AnchorContract Anchor => new(Sender, Deployment?.AnchorAddress ?? throw new InvalidOperationException("contracts not deployed yet"));

    public void Dispose() => Sender.Dispose();
}

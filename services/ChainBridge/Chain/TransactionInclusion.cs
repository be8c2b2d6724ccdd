namespace CommunityAI.ChainBridge.Chain;

/// <summary>Where the canonical chain holds a transaction now, from its receipt.</summary>
/// <param name="BlockNumber">The including block.</param>
/// <param name="BlockHash">Its hash.</param>
/// <param name="Succeeded">Receipt status 1; a transaction re-mined on another fork may fail where it once succeeded.</param>
public sealed record TransactionInclusion(ulong BlockNumber, string BlockHash, bool Succeeded);

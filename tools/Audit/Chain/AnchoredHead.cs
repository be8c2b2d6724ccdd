namespace CommunityAI.Audit.Chain;

/// <summary>One <c>TreeHeadAnchored</c> event read from the chain, with the transaction that emitted it.</summary>
internal sealed record AnchoredHead(long TreeSize, byte[] RootHash, ulong BlockNumber, string TransactionHash, ulong LogIndex);

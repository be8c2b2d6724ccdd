using CommunityAI.Audit.Chain;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Proofs;

/// <summary>
/// Ties a verified proof to the chain: its (main) tree head must be an anchored head, and any other head it names
/// must match the anchor of that size if there is one. Without this, a proof says nothing about which tree it is in.
/// </summary>
internal static class AnchoredHeadCheck
{
    public static VerificationResultView Apply(VerificationResultView proof, IReadOnlyList<AnchoredHead> heads)
    {
        if (!proof.IsValid)
            return proof;
        for (int i = 0; i < proof.Heads.Count; i++)
        {
            var (size, root) = proof.Heads[i];
            var anchored = heads.LastOrDefault(h => h.TreeSize == size);
            if (anchored is null)
            {
                if (i == 0)
                    return proof with { IsValid = false, Message = $"no head of tree size {size} is anchored on chain" };
                continue;
            }
            if (!anchored.RootHash.AsSpan().SequenceEqual(root))
                return proof with
                {
                    IsValid = false,
                    Message = $"the root {Hex.Encode(root)} for tree size {size} is not the anchored root {Hex.Encode(anchored.RootHash)} (tx {anchored.TransactionHash})",
                };
        }
        var main = heads.Last(h => h.TreeSize == proof.Heads[0].Size);
        return proof with { Message = $"{proof.Message}; anchored in tx {main.TransactionHash} (block {main.BlockNumber})" };
    }
}

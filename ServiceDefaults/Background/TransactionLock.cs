namespace CommunityAI.ServiceDefaults.Background;

/// <summary>
/// One transaction-scoped advisory lock to take (see <see cref="AdvisoryLock"/>): shared locks let each other pass and
/// wait only for an exclusive holder of the same name; an exclusive one waits for every other holder.
/// </summary>
/// <param name="Name">The lock's name without <see cref="AdvisoryLock.Prefix"/>, e.g. <c>ledger:epochs</c>.</param>
/// <param name="IsShared">True for a shared lock.</param>
public readonly record struct TransactionLock(string Name, bool IsShared)
{
    public static TransactionLock Exclusive(string name) => new(name, false);

    public static TransactionLock Shared(string name) => new(name, true);
}

namespace CommunityAI.ChainBridge.Revenue;

/// <summary>
/// The last confirmed block the revenue watcher has read, per pool (id = the pool's address, lower-case). Only saves
/// work: lost, the watcher reads again from the deployment block and the history refuses every payment a second time.
/// </summary>
public sealed record RevenueScanCursor(string Id, ulong LastBlock);

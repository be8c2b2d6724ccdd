using CommunityAI.ServiceDefaults.Background;

namespace CommunityAI.ChainBridge.Log;

/// <summary>Beats when the log writer committed entries, so that <see cref="LogNoticePublisher"/> tells the bus at once.</summary>
public sealed class LogPulse : Pulse;

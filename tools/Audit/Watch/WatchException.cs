namespace CommunityAI.Audit.Watch;

/// <summary>The log could not be read as tlog-tiles say it must be (an HTTP error, a tile of the wrong size).</summary>
internal sealed class WatchException(string message) : Exception(message);

using System.CommandLine;

namespace CommunityAI.Audit.Commands;

/// <summary>Options several commands share, created per command so each can mark its own as required.</summary>
internal static class CommonOptions
{
    public static Option<string?> Database() => new("--database", "-d")
    {
        Description = "PostgreSQL connection string of the history (reads history.mt_events, and chainbridge.log_entries when present)",
    };

    public static Option<string?> Export() => new("--export", "-e")
    {
        Description = "an export file (JSON Lines, one canonical log entry per line) instead of the database",
    };

    public static Option<string?> Rpc(bool required = false) => new("--rpc")
    {
        Description = "JSON-RPC URL of the chain holding the HistoryAnchor contract",
        Required = required,
    };

    public static Option<string?> Anchor(bool required = false) => new("--anchor")
    {
        Description = "address of the HistoryAnchor contract",
        Required = required,
    };

    public static Option<bool> Json() => new("--json") { Description = "machine-readable JSON output" };
}

/// <summary>Exit codes, as the issue and every script relying on us expect them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int CheckFailed = 1;
    public const int Usage = 2;
}

using CommunityAI.Audit.Chain;

namespace CommunityAI.Audit.History;

/// <summary>Where the history comes from: the database (rows rebuilt into entries) or an export (entries as they are).</summary>
internal sealed class HistoryInput
{
    private HistoryInput(string? database, string? export)
    {
        Database = database is null ? null : new DatabaseHistory(database);
        ExportPath = export;
    }

    public DatabaseHistory? Database { get; }

    public string? ExportPath { get; }

    public string Describe => Database is not null ? "database" : $"export {ExportPath}";

    public static HistoryInput? From(string? database, string? export) =>
        (database, export) switch
        {
            (not null, null) => new HistoryInput(database, null),
            (null, not null) => new HistoryInput(null, export),
            _ => null,
        };

    /// <summary>A size hint for progress: events in the database, bytes in the export.</summary>
    public async Task<(long Total, string Unit)> SizeAsync(CancellationToken ct) =>
        Database is not null ? (await Database.CountAsync(ct), "events") : (new FileInfo(ExportPath!).Length, "bytes");

    /// <summary>Feeds every entry, in log order, to <paramref name="onEntry"/>; returns the number of entries.</summary>
    public async Task<long> ForEachEntryAsync(ExportFile.LineHandler onEntry, Action<long> progress, CancellationToken ct)
    {
        if (Database is null)
        {
            await using var stream = new FileStream(ExportPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            return ExportFile.ForEachLine(stream, onEntry, progress);
        }
        long index = 0;
        await foreach (var row in Database.ReadEventsAsync(ct))
        {
            onEntry(index, LogEntryFormat.Build(index, row));
            index++;
            if ((index & 1023) == 0)
                progress(1024);
        }
        progress(index & 1023);
        return index;
    }

    /// <summary>The event at <paramref name="index"/>, to name it in a report; null when there is none or it is unreadable.</summary>
    public async Task<LogEvent?> DescribeAsync(long index, CancellationToken ct)
    {
        byte[]? entry = null;
        if (Database is null)
        {
            entry = ExportFile.ReadLine(ExportPath!, index);
        }
        else
        {
            long i = 0;
            await foreach (var row in Database.ReadEventsAsync(ct))
            {
                if (i == index)
                {
                    entry = LogEntryFormat.Build(index, row);
                    break;
                }
                i++;
            }
        }
        try
        {
            return entry is null ? null : LogEntryFormat.Parse(index, entry);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

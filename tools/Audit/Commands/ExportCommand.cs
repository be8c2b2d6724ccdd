using System.CommandLine;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Audit.Watch;
using CommunityAI.Formats;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// <c>export</c>: the history as JSON Lines, one canonical log entry per line, plus a manifest. From the database, or
/// with <c>--url</c> from the log as its operator serves it to anyone (the signed checkpoint and tlog-tiles entry
/// bundles): the entries must hash to the signed root, so an outsider gets exactly the log the operator signed, with
/// no database access, and can run <c>verify</c> and <c>replay</c> on it.
/// </summary>
internal static class ExportCommand
{
    public const string Format = "communityai-log-export/1";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var database = CommonOptions.Database();
        var file = new Option<FileInfo>("--output", "-o") { Description = "the JSON Lines file to write", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "where to write the manifest (default: <output>.manifest.json)" };
        var json = CommonOptions.Json();
        var command = new Command("export", "writes the history as JSON Lines (one RFC 8785 log entry per line) and a manifest")
        {
            database, file, manifest, json,
        };
        var served = ServedLogTarget.AddTo(command, required: false);
        var chain = ChainTarget.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var (log, targetError) = served.Resolve(parse);
            if (targetError is null && (log is null) == (parse.GetValue(database) is null))
                targetError = "give exactly one of --database and --url";
            ChainDeployment? deployment = null;
            if (targetError is null)
                (deployment, targetError) = await chain.ResolveAsync(parse, ct);
            if (targetError is not null)
            {
                console.Error(targetError);
                return ExitCodes.Usage;
            }
            var target = parse.GetValue(file)!;
            var manifestFile = parse.GetValue(manifest) ?? new FileInfo(target.FullName + ".manifest.json");

            IReadOnlyList<AnchoredHead> heads = [];
            if (deployment is not null)
                heads = (await AnchorReader.ReadAllAsync(deployment, ct)).Heads;

            var tree = new LogRecomputer(heads.Select(h => h.TreeSize));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var source = log is null ? null : await OpenAsync(http, log, ct);
            if (source is { Error: { } refused })
            {
                console.Error(refused);
                return ExitCodes.CheckFailed;
            }
            long count;
            await using (var stream = new FileStream(target.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                void Write(long index, ReadOnlySpan<byte> entry)
                {
                    // Canonical JSON has no raw line break; an entry with one would shift every later line's index.
                    if (entry.Contains((byte)'\n'))
                        throw new InvalidDataException($"entry {index} holds a line break: it is not a canonical log entry");
                    stream.Write(entry);
                    stream.WriteByte((byte)'\n');
                    tree.AppendEntry(entry);
                }
                try
                {
                    if (source is { Tiles: { } tiles, Size: var size })
                    {
                        count = await console.ProgressAsync("downloading", size, async progress =>
                        {
                            await tiles.ForEachEntryAsync(size, (i, e) => Write(i, e), progress, ct);
                            return size;
                        });
                    }
                    else
                    {
                        var input = HistoryInput.From(parse.GetValue(database), null)!;
                        var (total, _) = await input.SizeAsync(ct);
                        count = await console.ProgressAsync("exporting", total, progress => input.ForEachEntryAsync(Write, progress, ct));
                    }
                }
                catch (Exception e) when (e is WatchException or InvalidDataException or HttpRequestException)
                {
                    console.Error($"the log at {log?.Url} could not be exported: {e.Message}");
                    return ExitCodes.CheckFailed;
                }
            }
            if (source is { Root: { } signedRoot } && !tree.Root().AsSpan().SequenceEqual(signedRoot))
            {
                File.Delete(target.FullName);
                console.Error($"the entries {log!.Url} serves hash to {Hex.Encode(tree.Root())}, not to the root {Hex.Encode(signedRoot)} of its signed checkpoint of size {count}: nothing exported");
                return ExitCodes.CheckFailed;
            }

            var anchors = heads.Select(h => new
            {
                treeSize = h.TreeSize,
                rootHash = Hex.Encode(h.RootHash),
                transactionHash = h.TransactionHash,
                blockNumber = h.BlockNumber,
                matchesExport = tree.Roots.TryGetValue(h.TreeSize, out var root) ? root.AsSpan().SequenceEqual(h.RootHash) : (bool?)null,
            }).ToList();
            var document = new
            {
                format = Format,
                file = target.Name,
                treeSize = count,
                rootHash = Hex.Encode(tree.Root()),
                exportedAt = DateTimeOffset.UtcNow,
                source = log is null ? null : new { url = log.Url, checkpoint = source!.Checkpoint },
                chain = deployment is null ? null : new { rpc = deployment.Rpc, anchorContract = deployment.Anchor },
                anchors,
            };
            await File.WriteAllTextAsync(manifestFile.FullName, System.Text.Json.JsonSerializer.Serialize(document, AuditConsole.JsonOptions), ct);

            if (console.Json)
                console.WriteJson(new { output = target.FullName, manifest = manifestFile.FullName, document.treeSize, document.rootHash, anchors });
            else
                console.Line($"exported {count} entries to {target.FullName}; root {document.rootHash}; manifest {manifestFile.FullName}; {anchors.Count} anchors");
            // An anchor that disagrees with what was exported is worth an exit code even here.
            return anchors.Any(a => a.matchesExport == false) ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The log's signed checkpoint, verified with its key and the witnesses required, and what it commits to.</summary>
    private static async Task<OpenedLog> OpenAsync(
        HttpClient http, LogEndpoint log, CancellationToken ct)
    {
        var tiles = new TileClient(http, log.Url);
        byte[] bytes;
        try
        {
            bytes = await tiles.CheckpointAsync(TileClient.WitnessedCheckpoint, ct);
        }
        catch (Exception e) when (e is WatchException or HttpRequestException)
        {
            return new OpenedLog(null, 0, null, null, $"the log at {log.Url} could not be read: {e.Message}");
        }
        var opened = SignedCheckpoint.Open(bytes, log.LogKey, log.Witnesses, log.WitnessesRequired);
        if (!opened.IsValid || opened.Checkpoint is not { } checkpoint)
            return new OpenedLog(null, 0, null, null, $"checkpoint from {log.Url} refused: {opened.Error}");
        return new OpenedLog(tiles, checkpoint.TreeSize, checkpoint.RootHash, System.Text.Encoding.UTF8.GetString(bytes), null);
    }

    private sealed record OpenedLog(TileClient? Tiles, long Size, byte[]? Root, string? Checkpoint, string? Error);
}

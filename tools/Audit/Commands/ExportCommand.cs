using System.CommandLine;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.History;
using CommunityAI.Audit.Log;
using CommunityAI.Formats;

namespace CommunityAI.Audit.Commands;

/// <summary><c>export</c>: the history as JSON Lines, one canonical log entry per line, plus a manifest.</summary>
internal static class ExportCommand
{
    public const string Format = "communityai-log-export/1";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var database = CommonOptions.Database();
        database.Required = true;
        var file = new Option<FileInfo>("--output", "-o") { Description = "the JSON Lines file to write", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "where to write the manifest (default: <output>.manifest.json)" };
        var rpc = CommonOptions.Rpc();
        var anchor = CommonOptions.Anchor();
        var networkFile = ChainTarget.NetworkFileOption();
        var json = CommonOptions.Json();
        var command = new Command("export", "writes the history as JSON Lines (one RFC 8785 log entry per line) and a manifest")
        {
            database, file, manifest, rpc, anchor, networkFile, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(parse.GetValue(json), output, error);
            var (rpcUrl, anchorAddress, targetError) = await ChainTarget.ResolveAsync(parse.GetValue(rpc), parse.GetValue(anchor), parse.GetValue(networkFile), ct);
            if (targetError is not null)
            {
                console.Error(targetError);
                return ExitCodes.Usage;
            }
            var input = HistoryInput.From(parse.GetValue(database), null)!;
            var target = parse.GetValue(file)!;
            var manifestFile = parse.GetValue(manifest) ?? new FileInfo(target.FullName + ".manifest.json");

            IReadOnlyList<AnchoredHead> heads = [];
            if (rpcUrl is not null)
                heads = (await HistoryInput.ReadAnchorsAsync(rpcUrl, anchorAddress!, ct)).Heads;

            var tree = new LogRecomputer(heads.Select(h => h.TreeSize));
            var (total, _) = await input.SizeAsync(ct);
            long count;
            await using (var stream = new FileStream(target.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                count = await console.ProgressAsync("exporting", total, progress => input.ForEachEntryAsync((index, entry) =>
                {
                    stream.Write(entry);
                    stream.WriteByte((byte)'\n');
                    tree.AppendEntry(entry);
                }, progress, ct));
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
                chain = rpcUrl is null ? null : new { rpc = rpcUrl, anchorContract = anchorAddress },
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
}

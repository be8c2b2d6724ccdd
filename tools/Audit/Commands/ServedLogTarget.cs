using System.CommandLine;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// The options naming a log served over HTTP and whom to trust for it: <c>--url</c> (serving <c>/checkpoint</c> and
/// tlog-tiles), <c>--log-key</c> (the log's Ed25519 verifier key) and, optionally, <c>--witness-key</c>s of which
/// <c>--witnesses-required</c> must have cosigned a checkpoint before it is accepted. Shared by <c>watch</c>,
/// <c>witness</c> and <c>export --url</c>.
/// </summary>
internal sealed class ServedLogTarget
{
    public Option<string?> Url { get; }

    public Option<string?> LogKey { get; }

    public Option<string[]> WitnessKeys { get; } = new("--witness-key")
    {
        Description = "a known witness's verifier key (repeat for each)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int> WitnessesRequired { get; } = new("--witnesses-required")
    {
        Description = "how many of the known witnesses must have cosigned a head before it is accepted",
        DefaultValueFactory = _ => 0,
    };

    private ServedLogTarget(bool required)
    {
        Url = new("--url") { Description = "the log's base URL (serving /checkpoint and /tile/)", Required = required };
        LogKey = new("--log-key") { Description = "the log's verifier key, <origin>+<hash>+<base64>", Required = required };
    }

    /// <summary>Creates the options and adds them to <paramref name="command"/>.</summary>
    public static ServedLogTarget AddTo(Command command, bool required)
    {
        var target = new ServedLogTarget(required);
        command.Add(target.Url);
        command.Add(target.LogKey);
        command.Add(target.WitnessKeys);
        command.Add(target.WitnessesRequired);
        return target;
    }

    /// <returns>The log and whom to trust for it (null when no <c>--url</c> is given), or the usage error.</returns>
    public (LogEndpoint? Log, string? Error) Resolve(ParseResult parse)
    {
        if (parse.GetValue(Url) is not { } url)
            return parse.GetValue(LogKey) is null ? (null, null) : (null, "--log-key goes with --url");
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            return (null, "--url must be an http(s) URL");
        if (!NoteKey.TryParse(parse.GetValue(LogKey), out var log, out var keyError) || log.Type != NoteKey.Ed25519Type)
            return (null, $"--log-key is not an Ed25519 note verifier key: {(keyError.Length > 0 ? keyError : "type must be 0x01")}");
        var witnesses = new List<NoteKey>();
        foreach (var text in parse.GetValue(WitnessKeys) ?? [])
        {
            if (!NoteKey.TryParse(text, out var w, out keyError) || w.Type != NoteKey.CosignatureType)
                return (null, $"--witness-key {text} is not a cosignature/v1 verifier key: {(keyError.Length > 0 ? keyError : "type must be 0x04")}");
            witnesses.Add(w);
        }
        var k = parse.GetValue(WitnessesRequired);
        if (k < 0 || k > witnesses.Count)
            return (null, $"--witnesses-required must be between 0 and the {witnesses.Count} --witness-key given");
        return (new LogEndpoint(baseUrl, log, witnesses, k), null);
    }
}

/// <summary>A log served over HTTP, its key and the witnesses of which <paramref name="WitnessesRequired"/> must cosign.</summary>
internal sealed record LogEndpoint(Uri Url, NoteKey LogKey, IReadOnlyList<NoteKey> Witnesses, int WitnessesRequired);

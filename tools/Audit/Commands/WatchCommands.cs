using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using CommunityAI.Audit.Watch;
using CommunityAI.Formats.Notes;

namespace CommunityAI.Audit.Commands;

/// <summary>
/// <c>watch</c>: a monitor following a log's signed checkpoints and tiles over HTTP (no database); <c>witness</c>: the same on
/// the head the log offers its witnesses (<c>/checkpoint/witness</c>, the same for all of them for a while), cosigning (C2SP tlog-cosignature) each head it verified and posting the
/// cosignature back; <c>witness-key</c>: makes a
/// witness key.
/// </summary>
internal static class WatchCommands
{
    public static Command CreateWatch(TextWriter output, TextWriter error) =>
        Create("watch", "follows a log's signed checkpoint and tiles over HTTP; alerts (exit 1, an ALERT line, the webhook) on a split view, a rewritten or shrunk head, or a head inconsistent with the chain's anchors", false, output, error);

    public static Command CreateWitness(TextWriter output, TextWriter error) =>
        Create("witness", "follows the head the log offers its witnesses (<url>/checkpoint/witness) as watch does, and cosigns (C2SP tlog-cosignature) every head verified, posting the cosignature to <url>/checkpoint/cosignature", true, output, error);

    public static Command CreateWitnessKey(TextWriter output, TextWriter error) =>
        CreateKey("witness-key", "makes a cosignature/v1 Ed25519 witness key; prints the verifier key to give the log and its clients",
            "the witness's name (no spaces or '+'), e.g. witness.example.org", NoteKey.CosignatureType, output, error);

    /// <summary>
    /// <c>log-key</c>: a log operator's checkpoint signing key (Ed25519 signed-note key), for chain-bridge's
    /// <c>Checkpoints:SigningKey</c> or its Dapr secret; the printed verifier key is what monitors pass as <c>--log-key</c>.
    /// </summary>
    public static Command CreateLogKey(TextWriter output, TextWriter error) =>
        CreateKey("log-key", "makes an Ed25519 checkpoint signing key for a log (its name is the checkpoints' origin line); prints the verifier key for monitors and witnesses",
            "the log's origin (no spaces or '+'), e.g. log.example.org/communityai", NoteKey.Ed25519Type, output, error);

    private static Command CreateKey(string commandName, string description, string nameDescription, byte type, TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = nameDescription, Required = true };
        var file = new Option<FileInfo>("--out") { Description = "file to write the private key to (must not exist)", Required = true };
        var command = new Command(commandName, description) { name, file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (path.Exists)
            {
                await error.WriteLineAsync($"{path.FullName} exists; not overwriting a key");
                return ExitCodes.Usage;
            }
            NoteSigner signer;
            try
            {
                signer = new NoteSigner(parse.GetValue(name)!, System.Security.Cryptography.RandomNumberGenerator.GetBytes(Ed25519.SeedSize), type);
            }
            catch (FormatException e)
            {
                await error.WriteLineAsync(e.Message);
                return ExitCodes.Usage;
            }
            await File.WriteAllTextAsync(path.FullName, signer.ToPrivateKey() + "\n", ct);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await output.WriteLineAsync(signer.Key.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Create(string name, string description, bool cosign, TextWriter output, TextWriter error)
    {
        var state = new Option<string?>("--state") { Description = "file keeping the last verified head across runs" };
        var once = new Option<bool>("--once") { Description = "check once and exit (0 consistent, 1 alert or not yet witnessed)" };
        var interval = new Option<double>("--interval") { Description = "seconds between checks", DefaultValueFactory = _ => 10 };
        var webhook = new Option<string?>("--webhook") { Description = "URL to POST each alert to, as JSON" };
        var unreachable = new Option<double>("--unreachable-alert")
        {
            Description = "seconds the log (or, with --rpc, the chain) may go unanswered or unready before that is an alert (until then: a warning, and the next check tries again)",
            DefaultValueFactory = _ => 600,
        };
        var key = new Option<FileInfo?>("--key-file") { Description = "the witness's private key file (from witness-key)" };
        // Orchestrators hand secrets to a process as environment variables; a key on the command line would show in ps.
        var keyEnv = new Option<string?>("--key-env") { Description = "the name of an environment variable holding the witness's private key (instead of --key-file)" };
        var command = new Command(name, description) { state, once, interval, webhook, unreachable };
        var served = ServedLogTarget.AddTo(command, required: true);
        var chain = ChainTarget.AddTo(command);
        if (cosign)
        {
            command.Add(key);
            command.Add(keyEnv);
        }
        command.SetAction(async (parse, ct) =>
        {
            var console = new AuditConsole(false, output, error);
            var (log, logError) = served.Resolve(parse);
            if (logError is not null)
                return Usage(logError);
            var (deployment, chainError) = await chain.ResolveAsync(parse, ct);
            if (chainError is not null)
                return Usage(chainError);
            Uri? hook = null;
            if (parse.GetValue(webhook) is { } h && !Uri.TryCreate(h, UriKind.Absolute, out hook))
                return Usage("--webhook must be an absolute URL");
            var seconds = parse.GetValue(interval);
            if (seconds is <= 0 or > 86_400)
                return Usage("--interval must be between 0 and 86400 seconds");
            var unreachableSeconds = parse.GetValue(unreachable);
            if (unreachableSeconds is < 0 or > 604_800)
                return Usage("--unreachable-alert must be between 0 and 604800 seconds");
            NoteSigner? signer = null;
            if (cosign)
            {
                var file = parse.GetValue(key);
                var variable = parse.GetValue(keyEnv);
                if ((file is null) == (variable is null))
                    return Usage("give the witness's private key with one of --key-file or --key-env");
                try
                {
                    signer = file is not null
                        ? NoteSigner.ParsePrivateKey((await File.ReadAllTextAsync(file.FullName, ct)).Trim())
                        : NoteSigner.ParsePrivateKey(Environment.GetEnvironmentVariable(variable!)?.Trim()
                            ?? throw new FormatException("the variable is not set"));
                }
                catch (Exception e) when (e is FormatException or IOException)
                {
                    // Names the source, never the key.
                    return Usage(file is not null ? $"--key-file {file.FullName}: {e.Message}" : $"--key-env {variable}: {e.Message}");
                }
                if (signer.Key.Type != NoteKey.CosignatureType)
                    return Usage("the witness's key must be a cosignature/v1 key (type 0x04); make one with witness-key");
                // A witness cosigns the head the log offers, which no other witness need have cosigned yet: waiting for them
                // would starve every witness that did the same.
                if (log!.WitnessesRequired > 0)
                    return Usage("--witnesses-required does not apply to witness: it cosigns the head the log offers, before other witnesses can have");
            }

            var settings = new WatchSettings(log!.Url, log.LogKey, log.Witnesses, log.WitnessesRequired, parse.GetValue(state), parse.GetValue(once),
                TimeSpan.FromSeconds(seconds), hook, deployment,
                cosign ? TileClient.OfferedCheckpoint : TileClient.WitnessedCheckpoint, TimeSpan.FromSeconds(unreachableSeconds));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var loop = new WatchLoop(settings, console, error, http, signer is null ? null : (check, c) => CosignAsync(http, log.Url, signer, check, console, c));
            try
            {
                return await loop.RunAsync(ct);
            }
            catch (InvalidDataException e)
            {
                return Usage($"--state: {e.Message}");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopped (Ctrl+C, or SIGTERM from an orchestrator): the state is saved after every head, so nothing is lost.
                return ExitCodes.Ok;
            }
        });
        return command;

        int Usage(string message)
        {
            error.WriteLine(message);
            return ExitCodes.Usage;
        }
    }

    /// <summary>Cosigns a verified head unless the served checkpoint already carries this witness's valid cosignature.</summary>
    private static async Task<string?> CosignAsync(HttpClient http, Uri log, NoteSigner signer, HeadCheck check, AuditConsole console, CancellationToken ct)
    {
        var note = check.Note!;
        if (note.Signatures.Any(s => Cosignature.Verify(signer.Key, note.Text, s)))
            return null;
        var line = signer.Cosign(note.Text, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var body = new SignedNote(note.Text, [.. note.Signatures.Where(s => !s.IsBy(signer.Key)), line]).Format();
        using var response = await http.PostAsync(new Uri(log, "checkpoint/cosignature"), new StringContent(body, Encoding.UTF8, "text/plain"), ct);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
            return $"the log refused our cosignature of the head of size {check.Checkpoint!.TreeSize} as not its own: {await response.Content.ReadAsStringAsync(ct)}";
        if (!response.IsSuccessStatusCode)
        {
            // Not an inconsistency: the log may not know this witness yet. Say so and keep watching.
            console.Error($"the log did not take our cosignature ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(ct)}");
            return null;
        }
        var accepted = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
        console.Line($"cosigned head {accepted.GetProperty("treeSize").GetInt64()} as {signer.Key.Name}");
        return null;
    }
}

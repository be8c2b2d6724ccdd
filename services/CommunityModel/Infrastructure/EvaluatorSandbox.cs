using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.ModelEvaluator;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// Runs a contributed model in the evaluator (CommunityAI.ModelEvaluator), a process of its own started as
/// <c>dotnet evaluator request.json</c> with an empty environment (no connection string or key reaches it), in a fresh
/// directory, under a wall-clock limit after which it is killed. The evaluator reads its request and the model's bytes
/// and then confines itself before ONNX Runtime parses them (<see cref="Confinement"/>): a limit on its private memory
/// (native allocations of ONNX Runtime included), no core dumps, first to go when memory runs out, nobody instead of
/// root, and a system-call filter without sockets, new processes, exec, file writes, ptrace or namespaces. It needs no
/// tool and no privilege, so it holds the same in a container whose seccomp profile forbids namespaces. The service
/// itself is not dumpable (<see cref="Confinement.ShieldStarter"/>), so the evaluator, running as the same user, cannot
/// read its environment or memory through /proc. The model's file size is checked before the process starts, and again
/// by the evaluator before it reads a byte. Nothing the model does reaches the service but a JSON answer it checks.
/// </summary>
public sealed partial class EvaluatorSandbox(IOptions<ModelOptions> options, ILogger<EvaluatorSandbox> logger)
{
    /// <summary>The evaluator's assembly, copied beside the service's by the project reference.</summary>
    public static string EvaluatorPath { get; } = Path.Combine(AppContext.BaseDirectory, "CommunityAI.ModelEvaluator.dll");

    /// <summary>What <c>ModelContributionEvaluated.EvaluatorVersion</c> records.</summary>
    public static string Version { get; } =
        $"community-model-evaluator/{Informational(typeof(EvaluationRequest).Assembly)} onnxruntime/{Informational(typeof(InferenceSession).Assembly)}";

    // The evaluator's own JSON answer is small (one integer per text); more than this is not an answer.
    private const int MaxAnswerChars = 4 * 1024 * 1024;

    public abstract record Result
    {
        private Result() { }

        /// <summary>The chosen label index of each text, in order.</summary>
        public sealed record Answered(IReadOnlyList<int> Predictions, double LoadMilliseconds, double RunMilliseconds) : Result;

        /// <summary>The model broke the contract or a limit: recorded with this reason.</summary>
        public sealed record Refused(string Reason) : Result;

        /// <summary>The sandbox itself could not run (the evaluator could not confine itself): nothing is recorded, the model waits.</summary>
        public sealed record Unavailable(string Reason) : Result;
    }

    public async Task<Result> RunAsync(byte[] model, IReadOnlyList<string> texts, int labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        var o = options.Value;
        if (model.Length > o.MaxModelBytes)
            return new Result.Refused($"the model file is {model.Length} bytes, more than the limit of {o.MaxModelBytes}");
        var directory = Directory.CreateTempSubdirectory("communityai-evaluation-");
        try
        {
            var modelPath = Path.Combine(directory.FullName, "model.onnx");
            var requestPath = Path.Combine(directory.FullName, "request.json");
            await File.WriteAllBytesAsync(modelPath, model, ct);
            await File.WriteAllBytesAsync(requestPath, JsonSerializer.SerializeToUtf8Bytes(
                new EvaluationRequest(modelPath, o.MaxModelBytes, o.EvaluatorMemoryBytes, labels, texts), JsonSerializerOptions.Web), ct);
            return await RunProcessAsync(directory.FullName, requestPath, texts.Count, labels, ct);
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The evaluator cannot change or remove files (its filter), so this is the machine's doing: the answer stands.
                LogNotDeleted(logger, directory.FullName, e.Message);
            }
        }
    }

    private async Task<Result> RunProcessAsync(string directory, string requestPath, int count, int labels, CancellationToken ct)
    {
        var o = options.Value;
        var start = Launch(directory, o.EvaluatorMemoryBytes, EvaluatorPath, requestPath);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return Unavailable("it cannot be started: " + e.Message);
        }
        process.StandardInput.Close();
        var stdout = ReadBoundedAsync(process.StandardOutput);
        var stderr = ReadBoundedAsync(process.StandardError);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(o.EvaluatorTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            if (!Confined(await stderr, out var before))
                return Unavailable("it did not confine itself within the time limit: " + before);
            return new Result.Refused($"ran longer than the limit of {o.EvaluatorTimeout.TotalSeconds:0.#} s and was stopped");
        }
        var output = await stdout;
        // The evaluator confirms it is confined before it parses the model, so a failure before that line is the machine's
        // (no runtime, the filter refused, a native library that would not load): the model waits, whatever the status.
        // After it, every failure is the model's doing and is refused, so a model cannot pass itself off as the machine.
        var confined = Confined(await stderr, out var errors);
        if (process.ExitCode != 0)
        {
            if (!confined)
                return Unavailable($"exit code {process.ExitCode}: {Clean(errors)}");
            return new Result.Refused(process.ExitCode > 128
                ? $"the evaluator was killed by signal {process.ExitCode - 128} (a crash, or memory past the limit of {o.EvaluatorMemoryBytes} bytes): {Clean(errors)}"
                : $"the evaluator stopped with exit code {process.ExitCode}: {Clean(errors)}");
        }
        EvaluationAnswer? answer;
        try
        {
            answer = JsonSerializer.Deserialize<EvaluationAnswer>(output, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            answer = null;
        }
        if (answer?.Refusal is { } refusal)
            return new Result.Refused(Clean(refusal));
        if (answer?.Predictions is not { } predictions || predictions.Count != count || predictions.Any(p => p < 0 || p >= labels))
            return new Result.Refused("the evaluator gave no valid answer");
        return new Result.Answered(predictions, answer.LoadMilliseconds, answer.RunMilliseconds);
    }

    /// <summary>
    /// Whether the evaluator's standard error holds its "confined" line (as a whole line: trusted code may have written
    /// before it, the model only after); <paramref name="rest"/> is what follows it, or everything when it is not there.
    /// </summary>
    private static bool Confined(string errors, out string rest)
    {
        var line = Confinement.Confirmed + "\n";
        var at = errors.StartsWith(line, StringComparison.Ordinal) ? 0 : errors.IndexOf("\n" + line, StringComparison.Ordinal);
        if (at > 0)
            at++; // past the newline that ends the line before
        rest = at < 0 ? errors : errors[(at + line.Length)..];
        return at >= 0;
    }

    private Result.Unavailable Unavailable(string reason)
    {
        LogUnavailable(logger, Clean(reason));
        return new Result.Unavailable("the evaluator could not run confined: " + Clean(reason));
    }

    /// <summary>
    /// How the sandbox starts the evaluator with <paramref name="arguments"/>: <c>dotnet</c> with an empty environment, in
    /// <paramref name="directory"/>, its output read by the caller. The evaluator confines itself to
    /// <paramref name="memoryBytes"/>; the runtime is told a quarter of it for its managed heap.
    /// </summary>
    public static ProcessStartInfo Launch(string directory, long memoryBytes, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            // Its standard input is a pipe closed at once, not the service's.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Nothing of the service's environment (connection strings, keys) reaches the model's process.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root)
            start.Environment["DOTNET_ROOT"] = root;
        start.Environment["HOME"] = directory;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // No diagnostics socket: nothing listens in the model's process.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        // A quarter of the limit for managed memory leaves the rest to ONNX Runtime; without it the GC would size its
        // heap to the machine and fail against the limit instead of collecting.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + (memoryBytes / 4).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        return start;
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            if (text.Length < MaxAnswerChars)
                text.Append(buffer, 0, Math.Min(read, MaxAnswerChars - text.Length));
        return text.ToString();
    }

    /// <summary>A reason as recorded: one line, printable, at most 300 characters (the model names its nodes, so this text is the model's).</summary>
    private static string Clean(string text)
    {
        var line = new string(text.Trim().Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return line.Length <= 300 ? line : line[..300] + "…";
    }

    private static string Informational(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model evaluator cannot run confined; contributed models wait: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An evaluation's directory {Directory} could not be removed: {Reason}")]
    private static partial void LogNotDeleted(ILogger logger, string directory, string reason);
}

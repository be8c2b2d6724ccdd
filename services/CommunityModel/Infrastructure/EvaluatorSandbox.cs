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
/// <c>prlimit --as --core=0 -- unshare --map-root-user --net -- dotnet evaluator request.json</c>: an address-space
/// limit (native allocations of ONNX Runtime included), no core dumps, a network namespace with no interface but a
/// downed loopback, an empty environment (no connection string or key reaches it), a fresh directory, and a
/// wall-clock limit after which it is killed. The model's file size is checked before the process starts, and again by
/// the evaluator before it reads a byte. Nothing the model does reaches the service but a JSON answer it checks.
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

        /// <summary>The sandbox itself could not run (its tools are missing): nothing is recorded, the model waits.</summary>
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
                new EvaluationRequest(modelPath, o.MaxModelBytes, labels, texts), JsonSerializerOptions.Web), ct);
            return await RunProcessAsync(directory.FullName, requestPath, texts.Count, labels, ct);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<Result> RunProcessAsync(string directory, string requestPath, int count, int labels, CancellationToken ct)
    {
        var o = options.Value;
        var start = Launch(directory, o.EvaluatorMemoryBytes, "dotnet", EvaluatorPath, requestPath);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            LogUnavailable(logger, e.Message);
            return new Result.Unavailable("the sandbox's tools (prlimit, unshare from util-linux) cannot be started: " + e.Message);
        }
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
            return new Result.Refused($"ran longer than the limit of {o.EvaluatorTimeout.TotalSeconds:0.#} s and was stopped");
        }
        var (output, errors) = (await stdout, await stderr);
        if (process.ExitCode != 0)
        {
            // Only the launcher's own failures say the sandbox is missing; everything else is the model's doing.
            if (errors.Contains("unshare: ", StringComparison.Ordinal) && output.Length == 0 && !errors.Contains("dotnet", StringComparison.Ordinal))
                return new Result.Unavailable("the sandbox could not start: " + Clean(errors));
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
    /// How the sandbox starts <paramref name="command"/>: under an address-space limit and no core dump, in a network
    /// namespace of its own, with an empty environment, in <paramref name="directory"/>, its output read by the caller.
    /// </summary>
    public static ProcessStartInfo Launch(string directory, long memoryBytes, params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var start = new ProcessStartInfo("prlimit")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // No file-size limit: the runtime maps its code through a memory file it grows, and one would stop it starting.
        foreach (var argument in new[] { $"--as={memoryBytes}", "--core=0", "--", "unshare", "--map-root-user", "--net", "--" }.Concat(command))
            start.ArgumentList.Add(argument);
        // Nothing of the service's environment (connection strings, keys) reaches the model's process.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root)
            start.Environment["DOTNET_ROOT"] = root;
        start.Environment["HOME"] = directory;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The runtime reserves address space for a heap as large as the machine unless told its limit; under --as it
        // would not start. A quarter of the limit for managed memory leaves the rest to ONNX Runtime.
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model evaluator's sandbox cannot start; contributed models wait: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

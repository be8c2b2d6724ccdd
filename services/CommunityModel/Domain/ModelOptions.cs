using System.ComponentModel.DataAnnotations;

namespace CommunityAI.CommunityModel.Domain;

/// <summary>The community model's task and training settings, from configuration section "Model".</summary>
public sealed class ModelOptions : IValidatableObject
{
    public const string Section = "Model";

    /// <summary>
    /// The labels the classifier chooses from. Configuration for now; like the scoring and reward policies, they are to
    /// become a governed policy. An example whose label is not listed is skipped, never guessed.
    /// </summary>
    public string[] Labels { get; set; } = ["question", "bug-report", "idea", "praise"];

    /// <summary>Licences the model trains under (comma-separated SPDX identifiers, as signed in the snapshot request).</summary>
    [Required]
    public string Licences { get; set; } = "CC0-1.0,CC-BY-4.0";

    /// <summary>Lowest quality score a labelled example needs to be trained on.</summary>
    [Range(0, 100)]
    public int MinScore { get; set; } = 50;

    /// <summary>The training seed, so a replay trains the same model.</summary>
    public int Seed { get; set; } = 2026;

    /// <summary>Share of examples held out for evaluation, by the hash of their text.</summary>
    [Range(1, 50)]
    public int HeldOutPercent { get; set; } = 20;

    /// <summary>
    /// Training rounds (evaluation periods committed) allowed per rolling hour, so nobody can make the service train in a
    /// loop: past it <c>POST /api/model/trainings</c> answers 429 and records nothing.
    /// </summary>
    [Range(1, 3600)]
    public int MaxRoundsPerHour { get; set; } = 12;

    /// <summary>
    /// How long after its commitment an unrevealed period counts as a round a restart stopped, which the next round then
    /// reveals. Rounds take seconds; a younger period may be one another replica is still training on.
    /// </summary>
    public TimeSpan StoppedRoundAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often one replica trains a round by itself (a day, the pay epoch, unless set otherwise; the AppHost's local
    /// five minutes), so new data and feedback reach the model without anyone asking; unset, rounds run only on request.
    /// A round with nothing new records nothing, and scheduled rounds count toward <see cref="MaxRoundsPerHour"/>.
    /// </summary>
    public TimeSpan? TrainEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Longest text, in characters, of an example or a prediction request.</summary>
    [Range(16, 100_000)]
    public int MaxTextLength { get; set; } = 2000;

    /// <summary>Largest contributed model file (ONNX) evaluated, in bytes; larger ones are refused before anything reads them.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxModelBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Contributed models evaluated in one round at most, oldest first; the rest wait for the next round. Each may take up
    /// to <see cref="EvaluatorTimeout"/>, so this bounds how long a flood of submissions can hold a round.
    /// </summary>
    [Range(1, 1000)]
    public int MaxModelsPerRound { get; set; } = 10;

    /// <summary>Wall-clock limit of one run of the sandboxed evaluator; past it the process is killed and the model refused.</summary>
    public TimeSpan EvaluatorTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Limit of the evaluator's private writable memory (RLIMIT_DATA, which the evaluator sets on itself), the runtime's
    /// (about 50 MiB) and ONNX Runtime's included; a quarter of it is the managed heap's limit. Keep it below the
    /// container's memory limit less the service's own use, or the kernel's OOM killer stops the evaluator first.
    /// </summary>
    [Range(256L * 1024 * 1024, 64L * 1024 * 1024 * 1024)]
    public long EvaluatorMemoryBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// The dataset builder key the service signs snapshot and export requests with (0x-hex secp256k1); its address must be
    /// an admitted builder of the contributions service. Development and Testing fall back to a public dev key.
    /// </summary>
    public string? BuilderKey { get; set; }

    /// <summary>Where the contributions service answers: by default its "api" endpoint through service discovery (the AppHost's reference).</summary>
    [Required]
    public Uri ContributionsUrl { get; set; } = new("http://_api.contributions");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Labels.Length is < 2 or > 64)
            yield return new("Model:Labels must list 2 to 64 labels", [nameof(Labels)]);
        if (Labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 64) || Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Length)
            yield return new("Model:Labels must be distinct, non-blank and at most 64 characters each", [nameof(Labels)]);
        if (TrainEvery is { } every && every < TimeSpan.FromSeconds(1))
            yield return new("Model:TrainEvery must be at least one second (or unset: rounds on request only)", [nameof(TrainEvery)]);
        if (string.IsNullOrEmpty(BuilderKey) || !Formats.Hex.TryDecode(BuilderKey, out _, 32))
            yield return new("Model:BuilderKey must be a 0x-prefixed 32-byte hex private key", [nameof(BuilderKey)]);
    }
}

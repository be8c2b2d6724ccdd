using System.ComponentModel.DataAnnotations;

namespace CommunityAI.Contributions.Domain;

/// <summary>Limits of contribution intake, from configuration section "Intake".</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>
    /// The genesis list of SPDX licence identifiers a contribution may carry: in force while the newest scoring policy in
    /// the history names none. A scoring policy the community votes on replaces it (<c>licences</c>), and configuration
    /// then changes nothing until a policy leaves the member out again.
    /// </summary>
    /// <remarks>Unset means <see cref="DefaultLicences"/>. No initial value: the configuration binder appends to an array it finds, so a
    /// default here could never be narrowed by configuration.</remarks>
    public string[]? Licences { get; set; }

    /// <summary>The list used when <see cref="Licences"/> is not configured.</summary>
    public static IReadOnlyList<string> DefaultLicences { get; } = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "MIT", "Apache-2.0"];

    /// <summary>The licences in force: the configured list, or the default one.</summary>
    public IReadOnlyList<string> AllowedLicences => Licences is { Length: > 0 } configured ? configured : DefaultLicences;

    /// <summary>Longest licence string accepted; checked before the list so a huge string costs nothing.</summary>
    [Range(8, 256)]
    public int MaxLicenceLength { get; set; } = 64;

    /// <summary>Largest inline content accepted, in bytes (1 MiB).</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxContentBytes { get; set; } = 1024 * 1024;

    /// <summary>How far in the future a signature's deadline may lie.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan MaxDeadlineAhead { get; set; } = TimeSpan.FromDays(30);

    [Range(16, 8192)]
    public int MaxContentUriLength { get; set; } = 2048;

    /// <summary>Most contributions one batch (POST /api/contributions/batch, <c>SubmitContributions</c>) may hold.</summary>
    [Range(1, 10_000)]
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>
    /// Body room per item of a batch: the batch body is bounded by <see cref="MaxBatchItems"/> times this (64 MiB by
    /// default), so a full batch averages about 48 KiB of inline content per item; each item still obeys
    /// <see cref="MaxContentBytes"/>, and larger contents go one by one.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int BatchBytesPerItem { get; set; } = 64 * 1024;

    /// <summary>Largest content accepted as an upload in parts (64 MiB); the content is assembled in memory once, at completion.</summary>
    [Range(1d, 1024d * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest part of an upload, and so the body bound of PUT /api/uploads/{id}/parts/{index} (8 MiB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxPartBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most parts one upload may be cut into (bounds the signed manifest and the open request's body).</summary>
    [Range(1, 100_000)]
    public int MaxUploadParts { get; set; } = 1024;

    /// <summary>Most uploads one contributor may have open at once (not completed, erased or expired).</summary>
    [Range(1, 1000)]
    public int MaxOpenUploads { get; set; } = 4;

    /// <summary>Most bytes one contributor's open uploads may announce together (128 MiB).</summary>
    [Range(1d, double.MaxValue)]
    public long MaxUploadBytesInFlight { get; set; } = 128L * 1024 * 1024;

    /// <summary>How long an upload stays open; after that it is abandoned and its encrypted parts and key are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often the leader deletes expired uploads.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan UploadSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

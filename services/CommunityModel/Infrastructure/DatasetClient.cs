using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.Extensions.Options;

namespace CommunityAI.CommunityModel.Infrastructure;

/// <summary>
/// The model service as a dataset builder of the contributions service: it takes snapshots and exports their content
/// through the same signed, public API every admitted builder uses (POST /api/datasets, POST /api/datasets/{root}/export),
/// signing with its own builder key. Nothing private is added to the contributions service, and the content travels only
/// in the export's answer, never on the bus or into the history.
/// </summary>
public sealed class DatasetClient(HttpClient http, IOptions<ModelOptions> options, IOptions<SigningChainOptions> chain, TimeProvider clock)
{
    private static readonly TimeSpan DeadlineAhead = TimeSpan.FromMinutes(5);

    private readonly SigningDomain _domain = chain.Value.ToDomain();

    /// <summary>The builder address the key signs as (EIP-55).</summary>
    public string Builder { get; } = new Nethereum.Signer.EthECKey(options.Value.BuilderKey).GetPublicAddress();

    public abstract record SnapshotOutcome
    {
        private SnapshotOutcome() { }

        public sealed record Taken(string Root) : SnapshotOutcome;

        public sealed record NothingSelected(string Detail) : SnapshotOutcome;

        /// <summary>More contributions match than one snapshot may hold (the contributions service's Datasets:MaxMembers).</summary>
        public sealed record TooMany(string Detail) : SnapshotOutcome;

        public sealed record Failed(HttpStatusCode Status, string Detail) : SnapshotOutcome;
    }

    /// <summary>One exported member: its content (salt line included) unless erased or never stored.</summary>
    public sealed record ExportedMember(string ContributionId, string ContentHash, bool Erased, string? Content);

    private sealed record SnapshotAnswer(string Root);

    private sealed record ExportAnswer(string Root, IReadOnlyList<ExportedMember> Members);

    /// <summary>Asks for the snapshot of the scored <paramref name="kind"/> contributions the model trains on.</summary>
    public async Task<SnapshotOutcome> SnapshotAsync(string kind, CancellationToken ct)
    {
        var o = options.Value;
        var payload = new DatasetSnapshotPayload(Builder, kind, (ushort)o.MinScore, o.Licences, NewNonce(), Deadline());
        using var response = await http.PostAsJsonAsync("/api/datasets", new
        {
            payload.Builder, payload.Kind, payload.MinScore, payload.Licences, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, _domain, o.BuilderKey!),
        }, ct);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            return new SnapshotOutcome.Taken((await response.Content.ReadFromJsonAsync<SnapshotAnswer>(ct))!.Root.ToLowerInvariant());
        var (title, detail) = await ProblemAsync(response, ct);
        // Both refusals are 422 with field "criteria"; the title tells an empty selection from one too large.
        return response.StatusCode != HttpStatusCode.UnprocessableEntity ? new SnapshotOutcome.Failed(response.StatusCode, detail)
            : title == TooManyMembersTitle ? new SnapshotOutcome.TooMany(detail)
            : new SnapshotOutcome.NothingSelected(detail);
    }

    /// <summary>The contributions service's title for a selection larger than one snapshot may hold.</summary>
    public const string TooManyMembersTitle = "Too many members";

    /// <summary>The snapshot's members with their content, or null with the reason when the service refused.</summary>
    public async Task<(IReadOnlyList<ExportedMember>? Members, string? Refusal)> ExportAsync(string root, CancellationToken ct)
    {
        var payload = new DatasetExportPayload(Builder, root, NewNonce(), Deadline());
        using var response = await http.PostAsJsonAsync($"/api/datasets/{root}/export", new
        {
            payload.Builder, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, _domain, options.Value.BuilderKey!),
        }, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            return (null, $"{(int)response.StatusCode}: {await DetailAsync(response, ct)}");
        return ((await response.Content.ReadFromJsonAsync<ExportAnswer>(ct))!.Members, null);
    }

    // Random, not counted: several replicas sign with one key, and a nonce is used once per signer and request type.
    private static ulong NewNonce() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1;

    private ulong Deadline() => (ulong)clock.GetUtcNow().Add(DeadlineAhead).ToUnixTimeSeconds();

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct) => (await ProblemAsync(response, ct)).Detail;

    private static async Task<(string? Title, string Detail)> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(ct);
            return (problem?.Title, problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "no detail");
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, response.ReasonPhrase ?? "no detail");
        }
    }
}

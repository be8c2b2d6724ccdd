using System.Globalization;
using CommunityAI.Contracts;
using CommunityAI.Contributions.Domain;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.ServiceDefaults.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CommunityAI.Contributions.Datasets;

/// <summary>
/// Models trained on a snapshot: an admitted builder registers one by a signed <c>ModelRegistration</c> naming the
/// snapshot, the model, where its weights live and their SHA-256; anyone lists a snapshot's models. A refusal changes
/// nothing: 400 for a malformed or oversized field, 401 for a signature that does not recover to the builder, 403 for an
/// address not admitted, 404 for a root the history does not hold, 409 for a nonce already spent.
/// </summary>
public static class ModelsApi
{
    /// <summary>A registered model, as recorded (<see cref="ModelRegistered"/>).</summary>
    public sealed record ModelResult(string ModelId, string SnapshotRoot, string Builder, string Name, string WeightsUri, string WeightsHash, DateTimeOffset RegisteredAt);

    /// <summary>Whether a request is a registration (POST /api/datasets/{root}/models), whose body is bounded before it is read.</summary>
    public static bool IsRegistration(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/api/datasets")
        && context.Request.Path.Value!.EndsWith("/models", StringComparison.Ordinal);

    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder datasets)
    {
        datasets.MapPost("/{root}/models", RegisterAsync); // its body is bounded by BodySizeLimit (IsRegistration)
        datasets.MapGet("/{root}/models", ListAsync);
        return datasets;
    }

    public static async Task<Results<Created<ModelResult>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        string root, ModelRegistrationRequest request, SignedRequestCheck check, IOptions<IntakeOptions> intake,
        DatasetHistory history, DatasetBuilders builders, ModelRegistry registry, CancellationToken ct)
    {
        var errors = new List<SigningError>();
        var builder = check.CheckFields("builder", request.Builder, request.Nonce, request.Deadline, request.Signature, intake.Value.MaxDeadlineAhead, errors);
        var fields = SigningProblems.FieldErrors(errors);
        if (!Hex.TryDecode(root, out _, 32))
            fields["root"] = ["must be a snapshot root: 0x-prefixed hex of 32 bytes"];
        if (NameProblem(request.Name) is { } name)
            fields["name"] = [name];
        if (UriProblem(request.WeightsUri) is { } uri)
            fields["weightsUri"] = [uri];
        if (!Hex.TryDecode(request.WeightsHash, out _, 32))
            fields["weightsHash"] = ["must be the weights' SHA-256: 0x-prefixed hex of 32 bytes"];
        if (fields.Count > 0)
            return TypedResults.ValidationProblem(fields, title: "The request is malformed");

        var key = root.ToLowerInvariant();
        var payload = new ModelRegistrationPayload(builder!, key, request.Name!, request.WeightsUri!, request.WeightsHash!.ToLowerInvariant(),
            request.Nonce!.Value, request.Deadline!.Value);
        if (check.Verify(payload, request.Signature) is { } refused)
            return SigningProblems.Unauthorized(refused);
        if (!await builders.AdmitsAsync(builder!, ct))
            return DatasetsApi.Problem(StatusCodes.Status403Forbidden, "Not an admitted dataset builder", "builder", "this address is not admitted to build datasets");
        if (await history.LoadAsync(key, ct) is null)
            return DatasetsApi.UnknownRoot();

        var model = new ModelRegistered(Hex.Encode(TypedDataSigner.Digest(payload, check.Domain)), key, builder!, payload.Name, payload.WeightsUri,
            payload.WeightsHash, payload.Nonce.ToString(CultureInfo.InvariantCulture), (long)payload.Deadline, request.Signature!.ToLowerInvariant(), check.Now);
        if (!await registry.RecordAsync(model, ct))
            return DatasetsApi.Problem(StatusCodes.Status409Conflict, "Nonce already used", "nonce",
                $"nonce {request.Nonce} of {builder} is already used by another model registration");
        return TypedResults.Created($"/api/datasets/{key}/models", View(model));
    }

    public static async Task<Results<Ok<IReadOnlyList<ModelResult>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string root, DatasetHistory history, ModelRegistry registry, CancellationToken ct)
    {
        if (DatasetsApi.RootProblem(root) is { } invalid)
            return invalid;
        var key = root.ToLowerInvariant();
        if (await history.LoadAsync(key, ct) is null)
            return DatasetsApi.UnknownRoot();
        return TypedResults.Ok<IReadOnlyList<ModelResult>>([.. (await registry.ListAsync(key, ct)).Select(View)]);
    }

    // Control characters (line breaks, escapes, bidirectional overrides) would let a name pose as another in a listing.
    private static string? NameProblem(string? name) => name switch
    {
        null or "" => "is required: the model's name",
        { Length: > ModelRegistry.MaxNameLength } => $"is longer than {ModelRegistry.MaxNameLength} characters",
        _ when name.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') => "must not hold control or bidirectional formatting characters",
        _ => null,
    };

    private static string? UriProblem(string? uri) => uri switch
    {
        null or "" => "is required: where the weights live, as an absolute URI",
        { Length: > ModelRegistry.MaxWeightsUriLength } => $"is longer than {ModelRegistry.MaxWeightsUriLength} characters",
        _ when uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || !Uri.TryCreate(uri, UriKind.Absolute, out _) =>
            "must be an absolute URI without spaces or control characters",
        _ => null,
    };

    private static ModelResult View(ModelRegistered m) => new(m.ModelId, m.SnapshotRoot, m.Builder, m.Name, m.WeightsUri, m.WeightsHash, m.RegisteredAt);
}

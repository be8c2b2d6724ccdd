using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommunityAI.Governance.Domain;
using CommunityAI.Governance.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommunityAI.Governance.Apis;

/// <summary>
/// The governance parameters in force, in the terms a <c>governance-parameters</c> proposal's payload uses, so anyone (the
/// portal first) can set a proposal beside what it would replace.
/// </summary>
public static class ParametersApi
{
    // The web's defaults, with token amounts as decimal digits, as a payload writes them (a JSON number loses digits past 2^53).
    private static readonly JsonSerializerOptions PayloadTerms = new(JsonSerializerDefaults.Web) { Converters = { new DecimalDigits() } };

    public static IEndpointRouteBuilder MapParametersApi(this IEndpointRouteBuilder app)
    {
        // A literal segment, so it is matched before /api/proposals/{id}.
        app.MapGroup("/api/proposals").WithTags("Proposals").MapGet("/parameters", GetAsync);
        return app;
    }

    public static async Task<JsonHttpResult<GovernanceParameters>> GetAsync(ParametersBook parameters, CancellationToken ct) =>
        TypedResults.Json(await parameters.InForceAsync(ct), PayloadTerms);

    private sealed class DecimalDigits : JsonConverter<BigInteger>
    {
        public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            BigInteger.Parse(reader.GetString() ?? throw new JsonException("a token amount is a string of decimal digits"), NumberStyles.None, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}

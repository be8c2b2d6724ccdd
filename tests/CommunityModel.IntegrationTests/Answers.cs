using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommunityModel.IntegrationTests;

/// <summary>Reading answers: a success with its JSON, or a problem that must name the field at fault.</summary>
public static class Answers
{
    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.True(named, $"problem does not name {field}: {problem}");
    }

    public static Task<HttpResponseMessage> TrainAsync(this HttpClient client) => client.PostAsync("/api/model/trainings", null);

    public static Task<HttpResponseMessage> PredictAsync(this HttpClient client, string text) =>
        client.PostAsJsonAsync("/api/model/predictions", new { text });
}

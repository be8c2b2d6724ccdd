using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CommunityAI.CommunityModel.Domain;
using CommunityAI.CommunityModel.Infrastructure;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The model service serving a model it trained itself, as the integration tests host it: the contributions service
/// (admitting the model's development builder) and the model service, each from its own Program on a fresh database and
/// virtual host of the local PostgreSQL and RabbitMQ; contributors' signed, scored labelled examples; one training round
/// through <c>POST /api/model/trainings</c>. The model reaches contributions through the test server's handler.
/// </summary>
internal sealed class ServedModel : IAsyncDisposable
{
    private const int BuilderKeyIndex = 9; // anvil's dev key the model signs as outside production (DevelopmentBuilderKey)

    private string _history = "";
    private string _broker = "";
    private WebApplicationFactory<CommunityAI.Contributions.Domain.IntakeOptions> _contributions = null!;
    private WebApplicationFactory<ModelOptions> _model = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The trained model's hash, as the training answered.</summary>
    public string ModelHash { get; private set; } = "";

    public static async Task<ServedModel> StartAsync(IReadOnlyList<LabelledExample> examples)
    {
        // Run from the build output, the factory cannot find the services' folders by the solution; their files are here.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMUNITYAI_CONTRIBUTIONS", AppContext.BaseDirectory);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMUNITYAI_COMMUNITYMODEL", AppContext.BaseDirectory);
        var served = new ServedModel();
        served._history = await PostgresServer.CreateDatabaseAsync("bench");
        served._broker = await RabbitServer.CreateVirtualHostAsync("bench");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings:history"] = served._history,
            ["ConnectionStrings:rabbitmq"] = served._broker,
            ["Chain:Id"] = TestChain.Settings["Chain:Id"]!,
            ["Chain:VerifyingContract"] = TestChain.AnchorContract,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        served._contributions = new ServiceHost<CommunityAI.Contributions.Domain.IntakeOptions>(
            new Dictionary<string, string>(common) { ["Datasets:Builders:0"] = AnvilNode.DevAddresses[BuilderKeyIndex] });
        var contributions = served._contributions.CreateClient();
        served._model = new ServiceHost<ModelOptions>(
            new Dictionary<string, string>(common) { ["Model:Licences"] = TestChain.Licence, ["Model:ContributionsUrl"] = "http://localhost" },
            services => services.AddHttpClient<DatasetClient>().ConfigurePrimaryHttpMessageHandler(() => served._contributions.Server.CreateHandler()));
        served.Client = served._model.CreateClient();

        var store = served._contributions.Services.GetRequiredService<IDocumentStore>();
        var i = 0;
        foreach (var example in examples)
            await ContributeAsync(contributions, store, JsonSerializer.Serialize(new { text = example.Text, label = example.Label }), 1 + i++ % 8);

        using var trained = await served.Client.PostAsync("/api/model/trainings", null);
        if (trained.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"training answered {trained.StatusCode}: {await trained.Content.ReadAsStringAsync()}");
        served.ModelHash = JsonDocument.Parse(await trained.Content.ReadAsStringAsync()).RootElement.GetProperty("modelHash").GetString()!;
        return served;
    }

    /// <summary>The bytes the service stored for its model (what its prediction engines are made from).</summary>
    public async Task<byte[]> ModelZipAsync()
    {
        await using var session = _model.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<StoredModel>(ModelHash))?.Zip ?? throw new InvalidOperationException("the trained model is not stored");
    }

    /// <summary>A contributor's signed <c>data</c> contribution (salted, as clients do), scored 80 in quality-scoring's stream.</summary>
    private static async Task ContributeAsync(HttpClient client, IDocumentStore store, string content, int contributor)
    {
        var nonce = (ulong)Interlocked.Increment(ref _nonce);
        var stored = ContentSalt.Add(Encoding.UTF8.GetBytes(content));
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[contributor]), "data", Hex.Encode(SHA256.HashData(stored)),
            $"ipfs://bench/{nonce}", TestChain.Licence, nonce, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        using var response = await client.PostAsync("/api/contributions", new StringContent(JsonSerializer.Serialize(new
        {
            contributor = payload.Contributor, kind = payload.Kind, contentHash = payload.ContentHash, contentUri = payload.ContentUri,
            licence = payload.Licence, nonce = nonce.ToString(CultureInfo.InvariantCulture), deadline = payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[contributor]),
            content = Convert.ToBase64String(stored),
        }), Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"intake answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var id = Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain));
        await using var session = store.LightweightSession();
        session.Events.Append("scoring/" + id, new ContributionScored(id, payload.Contributor, "data", 80, "scoring-1", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    private static long _nonce = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public async ValueTask DisposeAsync()
    {
        await _model.DisposeAsync();
        await _contributions.DisposeAsync();
        await RabbitServer.DeleteVirtualHostAsync(_broker);
        await PostgresServer.DropDatabaseAsync(_history);
    }
}

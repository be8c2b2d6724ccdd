using System.Net.Http.Json;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace Contributions.IntegrationTests;

/// <summary>Signed dataset snapshots and exports, as a builder's wallet would send them.</summary>
public static class DatasetRequests
{
    private static ulong Deadline => (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();

    public static object Snapshot(int keyIndex, string kind, ushort minScore, string licences, ulong? nonce = null, int? signingKey = null)
    {
        var payload = new DatasetSnapshotPayload(AnvilNode.DevAddresses[keyIndex], kind, minScore, licences, nonce ?? Signed.NextNonce(), Deadline);
        return new
        {
            payload.Builder, payload.Kind, payload.MinScore, payload.Licences, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
    }

    public static object Export(int keyIndex, string root, ulong? nonce = null, int? signingKey = null)
    {
        var payload = new DatasetExportPayload(AnvilNode.DevAddresses[keyIndex], root, nonce ?? Signed.NextNonce(), Deadline);
        return new
        {
            payload.Builder, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
    }

    public static object Model(int keyIndex, string root, string name = "classifier-v1", string weightsUri = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/model.onnx",
        string? weightsHash = null, ulong? nonce = null, int? signingKey = null)
    {
        var payload = new ModelRegistrationPayload(AnvilNode.DevAddresses[keyIndex], root, name, weightsUri, weightsHash ?? "0x" + new string('7', 64),
            nonce ?? Signed.NextNonce(), Deadline);
        return new
        {
            payload.Builder, payload.Name, payload.WeightsUri, payload.WeightsHash, payload.Nonce, payload.Deadline,
            signature = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
    }

    public static Task<HttpResponseMessage> RegisterModelAsync(this HttpClient client, string root, object body) =>
        client.PostAsJsonAsync($"/api/datasets/{root}/models", body);

    public static Task<HttpResponseMessage> SnapshotAsync(this HttpClient client, object body) => client.PostAsJsonAsync("/api/datasets", body);

    public static Task<HttpResponseMessage> ExportAsync(this HttpClient client, string root, object body) =>
        client.PostAsJsonAsync($"/api/datasets/{root}/export", body);
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;

namespace Contributions.IntegrationTests;

/// <summary>An upload in parts as a contributor's client makes it: the signed opening, the parts, the completing contribution.</summary>
public static class UploadRequests
{
    /// <summary>A content cut into parts: the bytes (salt line included), each part, and their hashes.</summary>
    public sealed record File(byte[] Content, int PartSize)
    {
        public string ContentHash => Hex.Encode(SHA256.HashData(Content));
        public IReadOnlyList<byte[]> Parts => Content.Chunk(PartSize).ToArray();
        public IReadOnlyList<byte[]> PartHashes => Parts.Select(SHA256.HashData).ToArray();
    }

    /// <summary>A salted random content of <paramref name="size"/> bytes after its salt line.</summary>
    public static File RandomFile(int size, int partSize) => new(ContentSalt.Add(RandomNumberGenerator.GetBytes(size)), partSize);

    /// <summary>
    /// The signed body of POST /api/uploads for <paramref name="file"/>, and the upload id it opens. The manifest and
    /// the announced content hash may be another file's (<paramref name="manifestOf"/>, <paramref name="contentHash"/>).
    /// </summary>
    public static (string UploadId, JsonObject Body) Open(int keyIndex, File file, ulong? nonce = null, int? signingKey = null,
        File? manifestOf = null, string? contentHash = null, ulong? size = null)
    {
        var manifest = manifestOf ?? file;
        var payload = new ContentUploadPayload(AnvilNode.DevAddresses[keyIndex], contentHash ?? file.ContentHash, size ?? (ulong)manifest.Content.Length,
            (uint)manifest.PartSize, Hex.Encode(ContentUploadPayload.PartsHashOf(manifest.PartHashes)), nonce ?? Signed.NextNonce(),
            (ulong)DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds());
        var body = new JsonObject
        {
            ["contributor"] = payload.Contributor,
            ["contentHash"] = payload.ContentHash,
            ["size"] = payload.Size,
            ["partSize"] = payload.PartSize,
            ["partHashes"] = new JsonArray(manifest.PartHashes.Select(h => (JsonNode)Hex.Encode(h)).ToArray()),
            ["nonce"] = payload.Nonce.ToString(CultureInfo.InvariantCulture),
            ["deadline"] = payload.Deadline,
            ["signature"] = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[signingKey ?? keyIndex]),
        };
        return (Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), body);
    }

    /// <summary>A signed contribution over <paramref name="contentHash"/> naming <paramref name="uploadId"/>, and its id.</summary>
    public static (string Id, JsonObject Body) Completing(int keyIndex, string contentHash, string uploadId, ulong? nonce = null)
    {
        var n = nonce ?? Signed.NextNonce();
        var payload = new ContributionPayload(Address.Parse(AnvilNode.DevAddresses[keyIndex]), "data", contentHash,
            $"ipfs://test/upload/{n}", TestChain.Licence, n, (ulong)DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        var body = new JsonObject
        {
            ["contributor"] = payload.Contributor,
            ["kind"] = payload.Kind,
            ["contentHash"] = payload.ContentHash,
            ["contentUri"] = payload.ContentUri,
            ["licence"] = payload.Licence,
            ["nonce"] = payload.Nonce.ToString(CultureInfo.InvariantCulture),
            ["deadline"] = payload.Deadline,
            ["signature"] = TypedDataSigner.Sign(payload, TestChain.Domain, AnvilNode.DevPrivateKeys[keyIndex]),
            ["upload"] = uploadId,
        };
        return (Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), body);
    }

    public static Task<HttpResponseMessage> OpenUploadAsync(this HttpClient client, JsonObject body) =>
        client.PostAsJsonAsync("/api/uploads", body);

    /// <summary>PUT of one part with its RFC 9530 digest (of <paramref name="digestOf"/> when given, to damage it).</summary>
    public static Task<HttpResponseMessage> PutPartAsync(this HttpClient client, string uploadId, int index, byte[] part, byte[]? digestOf = null)
    {
        var content = new ByteArrayContent(part);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/uploads/{uploadId}/parts/{index}") { Content = content };
        request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(digestOf ?? part))}:");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, JsonObject body) =>
        client.PostAsJsonAsync("/api/contributions", body);

    public static Task<HttpResponseMessage> EraseUploadAsync(this HttpClient client, string uploadId, object body) =>
        client.PostAsJsonAsync($"/api/uploads/{uploadId}/erasure", body);
}

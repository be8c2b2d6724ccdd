using System.Collections.Concurrent;
using System.Net;
using CommunityAI.Testing.DaprRuntime;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CommunityAI.Testing;

/// <summary>
/// A gRPC server speaking Dapr's secrets API on a loopback port (HTTP/2 cleartext, as the sidecar does on
/// 50001), answering from an in-memory store the way daprd does: an unknown store is InvalidArgument, a
/// secret the store lacks is an error from the store. Records every request it gets. Used by every service that reads
/// its keys from Dapr (chain-bridge, contributions).
/// </summary>
public sealed class SecretsSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecretsSidecar(WebApplication app, SecretsService service)
    {
        _app = app;
        Service = service;
    }

    public SecretsService Service { get; }

    /// <summary>The value for DAPR_GRPC_ENDPOINT.</summary>
    public string Endpoint { get; private set; } = "";

    public static async Task<SecretsSidecar> StartAsync(string storeName)
    {
        var service = new SecretsService(storeName);
        var app = await TestHttpServer.StartAsync(app => app.MapGrpcService<SecretsService>(), builder =>
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(service);
        });
        return new SecretsSidecar(app, service) { Endpoint = TestHttpServer.UrlOf(app) };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class SecretsService(string storeName) : DaprRuntime.Dapr.DaprBase
    {
        public ConcurrentDictionary<string, Dictionary<string, string>> Secrets { get; } = new();
        public ConcurrentQueue<(string Store, string Key)> Requests { get; } = new();

        public override Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
        {
            Requests.Enqueue((request.StoreName, request.Key));
            if (request.StoreName != storeName)
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed finding secret store with key {request.StoreName}"));
            if (!Secrets.TryGetValue(request.Key, out var data))
                throw new RpcException(new Status(StatusCode.Internal,
                    $"failed getting secret with key {request.Key} from secret store {request.StoreName}: secrets \"{request.Key}\" not found"));
            var response = new GetSecretResponse();
            response.Data.Add(data);
            return Task.FromResult(response);
        }
    }
}

using System.Text.RegularExpressions;
using CommunityAI.ServiceDefaults.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace CommunityAI.EndToEndTests;

/// <summary>
/// The autoscaler scales a service on the depth of the queues its ScaledObject names (deploy/base/*/scaledobject.yaml).
/// A queue the service no longer consumes never fills, so the trigger silently stops scaling: each named queue must exist
/// on the running system's broker with a consumer, and be readable with the autoscaler's own login.
/// </summary>
public sealed partial class AutoscalerQueueTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    [Fact]
    public async Task Every_queue_an_autoscaler_trigger_names_is_consumed_by_the_running_service()
    {
        await system.DeploymentAsync();
        var triggers = Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "deploy", "base"), "scaledobject.yaml", SearchOption.AllDirectories)
            .SelectMany(file => QueueName().Matches(File.ReadAllText(file)).Select(m => (Service: Path.GetFileName(Path.GetDirectoryName(file))!, Queue: m.Groups[1].Value)))
            .ToList();
        Assert.NotEmpty(triggers);

        await using var monitor = await new ConnectionFactory { Uri = new Uri(system.BrokerAs(BrokerUsers.Monitor)) }.CreateConnectionAsync();
        var missing = new List<string>();
        foreach (var (service, queue) in triggers)
        {
            await using var channel = await monitor.CreateChannelAsync();
            try
            {
                var state = await channel.QueueDeclarePassiveAsync(queue);
                if (state.ConsumerCount == 0)
                    missing.Add($"{service}: {queue} has no consumer");
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                missing.Add($"{service}: {queue} does not exist");
            }
        }
        Assert.Empty(missing);
    }

    [GeneratedRegex(@"queueName:\s*(\S+)")]
    private static partial Regex QueueName();
}
